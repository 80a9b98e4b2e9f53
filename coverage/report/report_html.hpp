#pragma once
// report.html: what a planner opens first. One self-contained file (inline CSS, SVG and a little
// JS; nothing fetched from the network) with the study summary, a map drawn by us as SVG in the
// study's metric CRS, the town x indicator compliance table (sortable) and a panel per town.
#include <string>
#include <utility>
#include <vector>

#include "coverage/study/travel.hpp"
#include "coverage/analysis/analysis.hpp"
#include "coverage/study/study.hpp"
#include "geo/xy.hpp"

namespace lc::cov {

// What the `site` command adds to the report: the chosen sites and the marginal curve.
struct SiteReport {
    std::string title;  // section heading, e.g. "Proposed sites (MCLP, 10 sites)"
    std::string notes;  // one paragraph under the heading (solver, gap, ...)
    struct Site {
        geo::XY xy;          // the study's metric CRS
        std::string label;   // short, drawn on the map (e.g. "1")
        std::string detail;  // listed in the table (e.g. "newly covers 1,240 households")
    };
    std::vector<Site> sites;  // rank order
    // k -> covered share (0..1) after the first k sites, k ascending (k = 0: before any site).
    std::vector<std::pair<int, double>> marginal;
};

// The page as a string (lang "zh" or "en"; anything else means "en").
std::string report_html(const Study& study, const TravelModel& travel, const AnalysisResult& result, const std::string& lang,
                        const SiteReport* site = nullptr);

// Writes report_html() to `path` atomically.
void write_report_html(const std::string& path, const Study& study, const TravelModel& travel, const AnalysisResult& result,
                       const std::string& lang, const SiteReport* site = nullptr);

// Escapes text for HTML element content and attribute values (& < > " ').
std::string html_escape(const std::string& s);

}  // namespace lc::cov
