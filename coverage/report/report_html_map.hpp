#pragma once
// The interactive parts of report.html's map, written next to the static SVG: the controls above
// it (zoom buttons, layer check boxes), the empty panel a hovered, tapped or focused town fills,
// and that panel's figures as JSON. The script that uses them is kMapJs (report_html_assets.cpp).
// Everything is hidden until the script runs: without JavaScript, and in print, the page shows the
// static map at full extent.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "coverage/analysis/analysis.hpp"
#include "coverage/report/words.hpp"

namespace lc::cov {

// A layer check box: `key` is the token the map's elements name in data-layers (an element is
// hidden while any of its tokens is unchecked), `label` what the reader sees.
struct MapToggle {
    std::string key, label;
};

// The tool bar (hidden until the script shows it), the panel and the JSON the panel reads.
void html_map_controls(std::ostream& o, const Tr& T, const std::vector<MapToggle>& toggles);

// Per town the figures the panel shows, every one already a display text in the report's
// language (numbers formatted as the tables format them; "no data" where there is none), so the
// script only places strings. `order` is the indicators in the table's order (binding first).
void html_map_data(std::ostream& o, const Study& s, const AnalysisResult& r, const Tr& T,
                   const std::function<std::string(size_t)>& town_label, const std::vector<size_t>& order, size_t imain);

}  // namespace lc::cov
