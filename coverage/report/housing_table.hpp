#pragma once
// housing.csv: every new residential development ([housing]) judged by each
// new_housing_compliance indicator (m2 provided against the rule for its households).
#include <string>

#include "coverage/analysis/analysis.hpp"

namespace lc::cov {

void write_housing_table(const std::string& outdir, const Study& study, const AnalysisResult& result);
// The reader's words for one development's judgement ("缺 120 平方米" / "120 m2 short").
std::string development_note(const AnalysisResult::DevelopmentCheck& c, bool zh);

}  // namespace lc::cov
