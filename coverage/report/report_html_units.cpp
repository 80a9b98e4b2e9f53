#include "coverage/report/report_html_units.hpp"

#include <cmath>

#include "coverage/report/report_html.hpp"
#include "coverage/report/tables.hpp"

namespace lc::cov {

void html_units_section(std::ostream& o, const Study& s, const AnalysisResult& r, const Tr& T) {
    if (!s.has_units()) return;
    const std::vector<Indicator>& inds = indicators_of(r);
    const std::string lang = T.zh ? "zh" : "en";
    double rest = 0;
    for (const auto& f : r.remainder_facts) rest += f.households;
    o << "<section id=\"units-section\">\n<h2>" << T("村（社区）层级", "Villages and communities") << "</h2>\n<p>"
      << with_commas(static_cast<double>(s.unit_set->size())) << T(" 个村（社区）；不在任何村（社区）内的住户 ", " villages and communities; households in none of them: ")
      << with_commas(rest) << T(" 户（计入所在镇街）。", " (counted in their town).") << "</p>\n";
    if (!r.unit_evals.empty()) {
        o << "<div class=\"scroll\">\n<table id=\"units-table\"><thead><tr><th>" << T("指标", "Indicator") << "</th><th>"
          << T("每个村（社区）的目标", "Target for each unit") << "</th><th>" << T("达标村（社区）", "Units meeting it") << "</th><th>"
          << T("占比", "Share") << "</th></tr></thead><tbody>\n";
        for (size_t i : binding_first(inds)) {
            const Indicator& ind = inds[i];
            if (!judged_per_unit(ind)) continue;
            const Indicator unit = unit_indicator(ind);
            const auto target = unit.target_for(r.year);
            std::string target_text = T("当年无目标", "no target this year");
            if (target) {
                // A share_of_units_met indicator's unit target is in the per-unit measure's unit (2 social workers).
                const std::string v = ind.share_of_units() ? with_commas(*target, *target == std::floor(*target) ? 0 : 2) : value_text(ind.unit, *target);
                const std::string cmp = unit.comparator_for(r.year);
                target_text = (cmp == ">=" ? "≥ " : cmp == "<=" ? "≤ " : cmp + " ") + v;
            }
            o << "<tr><td>" << html_escape(ind.name(lang)) << "</td><td>" << html_escape(target_text) << "</td><td class=\"n\">"
              << with_commas(r.units_met[i]) << " / " << with_commas(r.units_judged[i]) << "</td><td class=\"n\">"
              << (r.units_judged[i] > 0 ? value_text("share", r.units_met[i] / r.units_judged[i]) : std::string(T("无数据", "no data"))) << "</td></tr>\n";
        }
        o << "</tbody></table>\n</div>\n";
    }
    if (!s.unit_crossings.empty()) {
        o << "<h3>" << T("跨越镇街边界的村（社区）", "Units reaching into another town") << "</h3>\n<ul>\n";
        for (const auto& c : s.unit_crossings) {
            const std::string& own = s.town_set->name(s.unit_town[c.unit]);
            const std::string& other = s.town_set->name(c.other_town);
            o << "<li>" << html_escape(s.unit_set->name(c.unit)) << T("（属", " (of ") << html_escape(own) << T("）：", "): ")
              << value_text("share", c.area_share) << T(" 面积位于", " of its area lies in ") << html_escape(other);
            if (c.weight_elsewhere > 0)
                o << T("，该处 ", "; ") << with_commas(c.weight_elsewhere) << T(" 户计入", " households there count for ") << html_escape(other);
            else
                o << T("，该处无住户", "; no households there");
            o << "</li>\n";
        }
        o << "</ul>\n";
    }
    o << "<p>" << T("各村（社区）明细见 units.csv、units_compliance.csv 及 coverage.gpkg 的 units 图层。",
                                  "Each unit: units.csv, units_compliance.csv and the units layer of coverage.gpkg.")
      << "</p>\n</section>\n";
}

}  // namespace lc::cov
