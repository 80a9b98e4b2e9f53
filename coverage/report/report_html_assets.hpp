#pragma once
// The style sheet and script report.html inlines (kept apart from the page's HTML building).
namespace lc::cov {
extern const char* const kReportCss;
extern const char* const kReportJs;
extern const char* const kMapJs;  // the interactive map (report_html_map.hpp)
}  // namespace lc::cov
