#pragma once
// The report's "reach, service and accessibility" section and its equity part (Lorenz curves),
// written into the page report_html() builds.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "coverage/analysis/analysis.hpp"
#include "coverage/report/words.hpp"

namespace lc::cov {

// The towns as the report's main map draws them (SVG path data per town, and the map's size).
struct TownShapes {
    std::vector<std::string> path;
    long width = 0, height = 0;
};

void html_service_section(std::ostream& o, const Study& s, const AnalysisResult& r, const Tr& T,
                          const std::function<std::string(size_t)>& town_label, const TownShapes& shapes);

}  // namespace lc::cov
