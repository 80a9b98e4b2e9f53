#include "coverage/report/unit_tables.hpp"

#include <sstream>

#include "coverage/report/tables.hpp"
#include "geo/output.hpp"

namespace lc::cov {

void write_unit_tables(const std::string& outdir, const Study& s, const AnalysisResult& r) {
    if (!s.has_units()) return;
    const Project& p = s.project;
    const bool zh = p.lang == "zh";
    const std::vector<Indicator>& inds = indicators_of(r);
    const std::vector<std::string> labels = circle_labels(r);
    const size_t nu = s.unit_set->size(), nt = s.town_set->size();

    // units.csv: one row per unit (in input order), then one per town with a remainder.
    std::ostringstream csv;
    csv << "unit_id,unit_name,town_id,town_name,households";
    for (const auto& l : labels) csv << ",covered_households_" << l << ",coverage_share_" << l;
    csv << ",indicators_met,indicators_missed,crosses_into\n";
    auto put = [&](const std::string& id, const std::string& name, int town, const TownFacts& f, const std::vector<std::vector<double>>& covered,
                   size_t zone, const std::vector<std::vector<Evaluation>>* evals, const std::string& crosses) {
        csv << csv_escape(id) << "," << csv_escape(name) << "," << (town >= 0 ? csv_escape(s.town_set->id(town)) : "") << ","
            << (town >= 0 ? csv_escape(s.town_set->name(town)) : "") << "," << fixed(round_to(f.households, 3), 3);
        for (size_t c = 0; c < labels.size(); ++c) {
            csv << "," << fixed(round_to(covered[c][zone], 3), 3) << ",";
            if (f.households > 0) csv << fixed(covered[c][zone] / f.households, 4);
        }
        int met = 0, missed = 0;
        if (evals)
            for (const auto& e : *evals) met += e[zone].status == Status::met, missed += e[zone].status == Status::missed;
        csv << "," << (evals ? std::to_string(met) : "") << "," << (evals ? std::to_string(missed) : "") << "," << csv_escape(crosses) << "\n";
    };
    for (size_t u = 0; u < nu; ++u) {
        std::string crosses;
        for (const auto& c : s.unit_crossings)
            if (c.unit == u) crosses += (crosses.empty() ? "" : ";") + s.town_set->id(c.other_town);
        put(s.unit_set->id(u), s.unit_set->name(u), s.unit_town[u], r.unit_facts[u], r.unit_covered, u, r.unit_evals.empty() ? nullptr : &r.unit_evals, crosses);
    }
    // A town's remainder: its rows in none of its units (gaps between units, units of other towns).
    const std::string rest = zh ? "（不在任何村/社区内）" : "(in no village or community)";
    for (size_t t = 0; t < nt; ++t)
        if (r.remainder_facts[t].households > 0) put("", rest, static_cast<int>(t), r.remainder_facts[t], r.remainder_covered, t, nullptr, "");
    geo::write_text_atomic(outdir + "/units.csv", kUtf8Bom + csv.str());

    if (inds.empty()) return;
    // units_compliance.csv: every unit x indicator, binding indicators first.
    std::ostringstream cc;
    cc << "unit_id,unit_name,town_id,town_name,indicator_id,indicator,year,value,target,comparator,status,gap_text\n";
    for (size_t k : binding_first(inds)) {
        const Indicator& ind = inds[k];
        for (size_t u = 0; u < nu; ++u) {
            const int t = s.unit_town[u];
            if (t < 0) continue;
            const Evaluation& e = r.unit_evals[k][u];
            const int d = decimals_for(ind);
            cc << csv_escape(s.unit_set->id(u)) << "," << csv_escape(s.unit_set->name(u)) << "," << csv_escape(s.town_set->id(t)) << ","
               << csv_escape(s.town_set->name(t)) << "," << ind.id << "," << csv_escape(ind.name(p.lang)) << "," << r.year << ","
               << (e.value ? fixed(*e.value, d) : "") << "," << (e.target ? fixed(*e.target, d) : "") << "," << csv_escape(e.comparator) << ","
               << to_string(e.status) << "," << csv_escape(zh ? e.gap_text_zh : e.gap_text) << "\n";
        }
    }
    geo::write_text_atomic(outdir + "/units_compliance.csv", kUtf8Bom + cc.str());
}

}  // namespace lc::cov
