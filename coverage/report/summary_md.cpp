#include "coverage/report/tables.hpp"  // write_summary_md

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "coverage/report/outputs.hpp"
#include "coverage/report/housing_table.hpp"
#include "coverage/report/service_tables.hpp"
#include "coverage/report/words.hpp"
#include "coverage/study/text.hpp"

namespace lc::cov {

void write_summary_md(const std::string& outdir, const Study& s, const TravelModel& travel, const AnalysisResult& r) {
    const Project& p = s.project;
    const size_t nt = s.town_set->size();
    const std::vector<Indicator>& inds = indicators_of(r);
    const std::vector<std::string> labels = circle_labels(r);
    const std::vector<size_t> order = binding_first(inds);
    // --- report.md ---
    std::ostringstream md;
    const bool zh = p.lang == "zh";
    md << "# " << p.name_in(p.lang) << "\n\n";
    if (!p.note_in(p.lang).empty()) md << "> " << p.note_in(p.lang) << "\n\n";
    md << (zh ? "- 出行方式：" : "- Travel: ") << travel.describe(zh ? "zh" : "en") << "\n";
    md << (zh ? "- 情景：" : "- Scenario: ") << s.project.word(r.scenario.name, zh ? "zh" : "en") << (zh ? "；目标年份：" : "; target year: ") << r.year << "\n";
    double total_hh = 0;
    for (double h : r.town_households) total_hh += h;
    md << (zh ? "- 住户总数：" : "- Households: ") << with_commas(total_hh) << "\n";
    if (r.outside_households > 0)
        md << (zh ? "- 不在任何镇街内的住户（未计入）：" : "- Households outside every town (not counted): ") << with_commas(r.outside_households) << "\n";
    for (size_t c = 0; c < labels.size(); ++c) {
        double cov = 0;
        for (double v : r.town_covered[c]) cov += v;
        md << "- " << (zh ? labels[c] + " 分钟服务圈覆盖住户：" : labels[c] + "-minute circle, households covered: ") << with_commas(cov)
           << " (" << fixed(total_hh > 0 ? 100 * cov / total_hh : 0, 1) << "%)\n";
    }
    md << "\n## " << (zh ? "指标（约束性在前）" : "Indicators (binding first)") << "\n\n";
    md << (zh ? "| 指标 | 类型 | 目标 | 全市 | 达标镇街 |\n|---|---|---|---|---|\n" : "| Indicator | Kind | Target | City | Towns meeting |\n|---|---|---|---|---|\n");
    for (size_t i : order) {
        const Indicator& ind = inds[i];
        const CityRollup& c = r.city[i];
        md << "| " << ind.name(p.lang) << (ind.binding ? (zh ? "（约束性）" : " (binding)") : "") << " | " << kind_text(ind, Tr{zh}) << " | "
           << (c.pooled.target ? c.pooled.comparator + " " : std::string()) << (c.pooled.target ? fixed(*c.pooled.target, decimals_for(ind)) : "") << " | "
           << (c.pooled.value ? fixed(*c.pooled.value, decimals_for(ind)) : "—") << " | "
           << (c.towns_with_data > 0 ? fixed(c.towns_met, 0) + "/" + fixed(c.towns_with_data, 0) : std::string("—"))
           // The city's own target on the share of towns (city_rollup), so "21/33 met" reads against it.
           << (c.rollup_status ? std::string(zh ? "（" : " (") +
                                     (c.rollup_target ? std::string(zh ? "目标 " : "target ") + (c.rollup_comparator == ">=" ? "" : c.rollup_comparator + " ") +
                                                            fixed(*c.rollup_target * 100, 0) + (zh ? "% 的镇街，" : "% of towns, ")
                                                      : std::string()) +
                                     status_text(*c.rollup_status, Tr{zh}) + (zh ? "）" : ")")
                               : "")
           << " |\n";
    }
    md << "\n## " << (zh ? "未达标镇街（按差距排序）" : "Towns missing targets (largest gap first)") << "\n";
    for (size_t i : order) {
        const Indicator& ind = inds[i];
        std::vector<size_t> missed;
        for (size_t t = 0; t < nt; ++t)
            if (r.evals[i][t].status == Status::missed) missed.push_back(t);
        if (missed.empty()) continue;
        std::stable_sort(missed.begin(), missed.end(), [&](size_t a, size_t b) { return r.evals[i][a].gap > r.evals[i][b].gap; });
        md << "\n### " << ind.name(p.lang) << (ind.binding ? (zh ? "（约束性）" : " (binding)") : "") << "\n\n";
        for (size_t t : missed)
            md << "- " << s.town_set->name(t) << " (" << s.town_set->id(t) << "): " << (zh ? r.evals[i][t].gap_text_zh : r.evals[i][t].gap_text) << "\n";
    }
    md << "\n## " << (zh ? "各镇街主要服务圈覆盖率（由低到高）" : "Main circle coverage by town (lowest first)") << "\n\n";
    if (!labels.empty()) {
        std::vector<size_t> towns(nt);
        for (size_t t = 0; t < nt; ++t) towns[t] = t;
        auto share = [&](size_t t) { return r.town_households[t] > 0 ? r.town_covered.back()[t] / r.town_households[t] : 1.0; };
        std::stable_sort(towns.begin(), towns.end(), [&](size_t a, size_t b) { return share(a) < share(b); });
        md << "| " << (zh ? "镇街" : "Town") << " | " << (zh ? "住户" : "Households");
        for (const auto& l : labels) md << " | " << l << (zh ? " 分钟" : " min");
        md << " |\n|---|---|";
        for (size_t c = 0; c < labels.size(); ++c) md << "---|";
        md << "\n";
        for (size_t t : towns) {
            md << "| " << s.town_set->name(t) << " | " << with_commas(r.town_households[t]);
            for (size_t c = 0; c < labels.size(); ++c)
                md << " | " << (r.town_households[t] > 0 ? fixed(100 * r.town_covered[c][t] / r.town_households[t], 1) + "%" : "—");
            md << " |\n";
        }
    }
    // --- the units level (villages / communities) ---
    if (s.has_units()) {
        double rest = 0;
        for (const auto& f : r.remainder_facts) rest += f.households;
        md << "\n## " << (zh ? "村（社区）层级" : "Villages and communities") << "\n\n";
        md << (zh ? "- 村（社区）数：" : "- Villages and communities: ") << with_commas(static_cast<double>(s.unit_set->size())) << "\n";
        md << (zh ? "- 不在任何村（社区）内的住户（计入所在镇街）：" : "- Households in no village or community (counted in their town): ") << with_commas(rest)
           << "\n";
        if (!s.unit_crossings.empty()) {
            md << (zh ? "- 跨越镇街边界的村（社区）：" : "- Villages and communities reaching into another town: ") << s.unit_crossings.size() << "\n";
            for (const auto& c : s.unit_crossings)
                md << "  - " << s.unit_set->name(c.unit) << (zh ? "（属" : " (of ") << s.town_set->name(s.unit_town[c.unit]) << (zh ? "）：" : "): ")
                   << fixed(100 * c.area_share, 1) << (zh ? "% 面积位于" : "% of its area lies in ") << s.town_set->name(c.other_town)
                   << (c.weight_elsewhere > 0 ? (zh ? "，该处 " : "; ") + with_commas(c.weight_elsewhere) +
                                                    (zh ? " 户计入" + s.town_set->name(c.other_town) : std::string(" households there count for that town"))
                                              : std::string(zh ? "，该处无住户" : "; no households there"))
                   << "\n";
            }
        if (!r.unit_evals.empty()) {
            md << "\n" << (zh ? "| 指标 | 村（社区）目标 | 达标村（社区） | 占比 |\n|---|---|---|---|\n" : "| Indicator | Target per unit | Units meeting | Share |\n|---|---|---|---|\n");
            for (size_t i : order) {
                const Indicator& ind = inds[i];
                if (!judged_per_unit(ind)) continue;
                const Indicator unit = unit_indicator(ind);
                const auto target = unit.target_for(r.year);
                // A share_of_units_met indicator's unit target is in the per-unit measure's own unit (2 social workers).
                const int d = ind.share_of_units() ? (target && *target == std::floor(*target) ? 0 : 2) : decimals_for(ind);
                md << "| " << ind.name(p.lang) << " | " << (target ? unit.comparator_for(r.year) + " " + fixed(*target, d) : (zh ? "无" : "none"))
                   << " | " << with_commas(r.units_met[i]) << " / " << with_commas(r.units_judged[i]) << " | "
                   << (r.units_judged[i] > 0 ? fixed(100 * r.units_met[i] / r.units_judged[i], 1) + "%" : (zh ? "无数据" : "no data")) << " |\n";
            }
            md << "\n" << (zh ? "各村（社区）明细见 units.csv 与 units_compliance.csv。" : "Each village and community: units.csv and units_compliance.csv.") << "\n";
        }
    }
    // --- new housing: the developments failing each rule, largest shortfall first ---
    for (size_t i : order) {
        if (r.housing.empty() || r.housing[i].empty()) continue;
        const auto& checks = r.housing[i];
        std::vector<size_t> failing;
        double judged = 0;
        for (size_t d = 0; d < checks.size(); ++d) {
            judged += checks[d].status == Status::met || checks[d].status == Status::missed;
            if (checks[d].status == Status::missed) failing.push_back(d);
        }
        std::stable_sort(failing.begin(), failing.end(), [&](size_t a, size_t b) {
            return checks[a].required_m2 - checks[a].provided_m2 > checks[b].required_m2 - checks[b].provided_m2;
        });
        md << "\n## " << inds[i].name(p.lang) << "\n\n"
           << (zh ? "- 考核的新建住宅小区：" : "- New developments judged: ") << with_commas(judged) << (zh ? "；未达标：" : "; failing: ") << failing.size()
           << "\n";
        const size_t shown = std::min<size_t>(failing.size(), 20);
        for (size_t k = 0; k < shown; ++k) {
            const size_t d = failing[k];
            const int t = s.housing_town[d].town;
            md << "  - " << s.housing_label(d) << (t >= 0 ? (zh ? "（" : " (") + s.town_set->name(t) + (zh ? "）" : ")") : std::string()) << (zh ? "：" : ": ")
               << development_note(checks[d], zh) << (zh ? "（" : " (") << with_commas(checks[d].households) << (zh ? " 户，应配 " : " households, needs ")
               << with_commas(checks[d].required_m2, 1) << (zh ? " 平方米，现有 " : " m2, has ") << with_commas(checks[d].provided_m2, 1) << (zh ? " 平方米）\n" : " m2)\n");
        }
        if (failing.size() > shown) md << (zh ? "  - 其余见 housing.csv\n" : "  - the rest: housing.csv\n");
    }
    // --- reach, service, accessibility and equity ---
    const ServiceView sv = service_view(s, r);
    if (sv.has_capacity || sv.has_access) {
        md << "\n## " << (zh ? "可达、获服务与可达性" : "Reach, service and accessibility") << "\n\n";
        const size_t main = labels.size() - 1;
        double reached = 0, served = 0;
        for (size_t t = 0; t < nt; ++t) reached += r.town_covered[main][t], served += sv.has_capacity ? r.town_served[main][t] : 0;
        if (sv.has_capacity)
            md << (zh ? "- 主要设施服务名额：" : "- Places in the main facilities: ") << with_commas(r.capacity_total) << "\n"
               << (zh ? "- " + labels[main] + " 分钟内可达住户：" : "- Households within " + labels[main] + " minutes: ") << with_commas(reached)
               << "\n" << (zh ? "- 按容量就近分配后获服务住户：" : "- Households served (each facility up to its capacity, nearest first): ")
               << with_commas(served) << "\n";
        if (sv.has_access)
            md << (zh ? "- 可达性（" : "- Accessibility (") << access_method_text(r.access.method, zh) << (zh ? "，服务半径 " : ", catchment ")
               << fixed(r.access_catchment_min, 0) << (zh ? " 分钟）全市平均：" : " min), city mean: ")
               << (r.city_access ? fixed(1000 * *r.city_access, 2) : std::string("—"))
               << (r.access_supply_is_count ? (zh ? " 个设施/千户" : " facilities per 1,000 households") : (zh ? " 个名额/千户" : " places per 1,000 households")) << "\n";
        if (!sv.rank_movers.empty()) {
            md << (zh ? "- 可达与" : "- Towns ranked most differently by reach and by ") << (sv.has_capacity ? (zh ? "获服务" : "service") : (zh ? "可达性" : "accessibility"))
               << (zh ? "排名相差最大：" : ": ");
            for (size_t k = 0; k < sv.rank_movers.size(); ++k) {
                const ServiceTown& t = sv.towns[sv.rank_movers[k]];
                md << (k ? (zh ? "；" : "; ") : "") << s.town_set->name(t.town) << " " << t.reach_rank << " → " << t.adequacy_rank;
            }
            md << "\n";
        }
    }
    if (!r.equity.empty()) {
        md << "\n## " << (zh ? "均等化（镇街之间，按住户加权）" : "Equity across towns (household-weighted)") << "\n\n";
        md << (zh ? "| 指标 | 全市平均 | 最差十分之一 | 基尼系数 | 泰尔指数 |\n|---|---|---|---|---|\n"
                  : "| Measure | City mean | Worst tenth | Gini | Theil |\n|---|---|---|---|---|\n");
        const std::string none = zh ? "无数据" : "no data";
        for (const auto& e : r.equity) {
            const bool share = e.measure == "coverage" || e.measure == "served";
            auto val = [&](std::optional<double> x) { return !x ? none : share ? fixed(100 * *x, 1) + "%" : fixed(1000 * *x, 2); };
            md << "| " << equity_measure_text(e, zh) << " | " << val(e.q.mean) << " | " << val(e.q.worst_tenth_mean) << " | "
               << (e.q.gini ? fixed(*e.q.gini, 3) : none) << " | " << (e.q.theil ? fixed(*e.q.theil, 3) : none) << " |\n";
        }
    }
    md << "\n" << (zh ? "服务圈按 GB 50180-2018 分级计算，不相互替代：高等级设施不计入低等级服务圈。" :
                        "Circles follow GB 50180-2018 levels and are not inclusive: a higher-level facility does not count toward a lower-level circle.") << "\n";
    geo::write_text_atomic(outdir + "/report.md", md.str());
}

}  // namespace lc::cov
