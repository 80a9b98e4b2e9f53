#pragma once
// The report's "villages and communities" section ([units]): how many units meet each indicator
// judged per unit, and the units reaching into another town.
#include <ostream>

#include "coverage/analysis/analysis.hpp"
#include "coverage/report/words.hpp"

namespace lc::cov {

void html_units_section(std::ostream& o, const Study& s, const AnalysisResult& r, const Tr& T);

}  // namespace lc::cov
