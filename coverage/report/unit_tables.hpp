#pragma once
// The units level's tables ([units], villages / communities): units.csv (each unit's households
// and circles, plus each town's remainder, so that a town's rows sum to the town) and
// units_compliance.csv (every unit x indicator, judged by the unit target).
#include <string>

#include "coverage/analysis/analysis.hpp"

namespace lc::cov {

void write_unit_tables(const std::string& outdir, const Study& study, const AnalysisResult& result);

}  // namespace lc::cov
