#pragma once
// The report's "reach, service and accessibility" section and its equity part (Lorenz curves),
// written into the page report_html() builds.
#include <functional>
#include <ostream>
#include <string>

#include "coverage/analysis/analysis.hpp"
#include "coverage/report/words.hpp"

namespace lc::cov {

void html_service_section(std::ostream& o, const Study& s, const AnalysisResult& r, const Tr& T,
                          const std::function<std::string(size_t)>& town_label);

}  // namespace lc::cov
