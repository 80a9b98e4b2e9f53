#include "coverage/report/tables.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "coverage/report/outputs.hpp"
#include "coverage/study/text.hpp"

namespace lc::cov {

void write_compliance_tables(const std::string& outdir, const Study& s, const TravelModel& travel, const AnalysisResult& r) {
    const Project& p = s.project;
    const size_t nt = s.town_set->size();
    const std::vector<Indicator>& inds = indicators_of(r);
    const std::vector<std::string> labels = circle_labels(r);
    // --- compliance tables ---
    // compliance.csv, one row per town (and the city) and indicator. Its columns are defined once:
    // the header and every row come from this list.
    struct Row {
        std::string town_id, town_name;
        const Indicator* ind;
        const Evaluation* e;
        std::string status, gap_text;
    };
    using Cell = std::function<std::string(const Row&)>;
    auto opt = [&](const Row& w, std::optional<double> v) { return v ? fixed(*v, decimals_for(*w.ind)) : std::string(); };
    const std::vector<std::pair<const char*, Cell>> columns{
        {"town_id", [](const Row& w) { return csv_escape(w.town_id); }},
        {"town_name", [](const Row& w) { return csv_escape(w.town_name); }},
        {"indicator_id", [](const Row& w) { return w.ind->id; }},
        {"indicator", [&](const Row& w) { return csv_escape(w.ind->name(p.lang)); }},
        {"kind", [](const Row& w) { return w.ind->kind; }},
        {"binding", [](const Row& w) { return std::string(w.ind->binding ? "1" : "0"); }},
        {"unit", [](const Row& w) { return w.ind->unit; }},
        {"year", [&](const Row&) { return std::to_string(r.year); }},
        {"value", [&](const Row& w) { return opt(w, w.e->value); }},
        {"target", [&](const Row& w) { return opt(w, w.e->target); }},
        {"comparator", [](const Row& w) { return csv_escape(w.e->comparator); }},
        {"status", [](const Row& w) { return w.status; }},
        {"gap", [](const Row& w) { return w.e->status == Status::missed ? fixed(w.e->gap, 2) : std::string("0"); }},
        {"gap_text", [](const Row& w) { return csv_escape(w.gap_text); }},
    };
    std::ostringstream csv;
    auto put = [&](const Row& w) {
        for (size_t k = 0; k < columns.size(); ++k) csv << (k ? "," : "") << columns[k].second(w);
        csv << "\n";
    };
    for (size_t k = 0; k < columns.size(); ++k) csv << (k ? "," : "") << columns[k].first;
    csv << "\n";
    nlohmann::ordered_json cj;
    cj["year"] = r.year;
    cj["scenario"] = r.scenario.name;
    cj["travel"] = travel.describe();
    cj["travel_zh"] = travel.describe("zh");
    cj["synthetic_note"] = p.note;
    nlohmann::ordered_json jinds = nlohmann::ordered_json::array();
    // Binding indicators first, then input order.
    const std::vector<size_t> order = binding_first(inds);
    for (size_t i : order) {
        const Indicator& ind = inds[i];
        nlohmann::ordered_json ji;
        ji["id"] = ind.id;
        ji["name_zh"] = ind.name_zh;
        ji["name_en"] = ind.name_en;
        ji["kind"] = ind.kind;
        ji["unit"] = ind.unit;
        ji["binding"] = ind.binding;
        ji["comparator"] = ind.comparator_for(r.year);
        ji["source"] = ind.source;
        nlohmann::ordered_json towns = nlohmann::ordered_json::array();
        for (size_t t = 0; t < nt; ++t) {
            const Evaluation& e = r.evals[i][t];
            const std::string& gap_text = p.lang == "zh" ? e.gap_text_zh : e.gap_text;
            put({s.town_set->id(t), s.town_set->name(t), &ind, &e, to_string(e.status), gap_text});
            nlohmann::ordered_json jt;
            jt["town_id"] = s.town_set->id(t);
            jt["town_name"] = s.town_set->name(t);
            jt["value"] = e.value ? nlohmann::ordered_json(round_to(*e.value, 6)) : nlohmann::ordered_json();
            jt["target"] = e.target ? nlohmann::ordered_json(*e.target) : nlohmann::ordered_json();
            jt["status"] = to_string(e.status);
            jt["gap"] = e.status == Status::missed ? round_to(e.gap, 3) : 0.0;
            jt["gap_text"] = e.gap_text;
            jt["gap_text_zh"] = e.gap_text_zh;
            towns.push_back(jt);
        }
        const CityRollup& c = r.city[i];
        std::string city_text;
        if (c.share_of_towns_met)
            city_text = with_commas(c.towns_met) + " of " + with_commas(c.towns_with_data) + " towns meet the target";
        if (c.rollup_target && c.rollup_status)
            city_text += "; city target " + (c.rollup_comparator == ">=" ? std::string() : c.rollup_comparator + " ") +
                         fixed(*c.rollup_target * 100, 0) + "% of towns: " + to_string(*c.rollup_status);
        else if (c.rollup_status == Status::no_target)
            city_text += "; no city target for " + std::to_string(r.year);
        if (!c.share_of_towns_met)  // a city-wide figure (city_total): its own gap text
            city_text = p.lang == "zh" ? c.pooled.gap_text_zh : c.pooled.gap_text;
        put({"CITY", "全市", &ind, &c.pooled, c.rollup_status ? to_string(*c.rollup_status) : to_string(c.pooled.status), city_text});
        ji["towns"] = towns;
        nlohmann::ordered_json jc;
        jc["pooled_value"] = c.pooled.value ? nlohmann::ordered_json(round_to(*c.pooled.value, 6)) : nlohmann::ordered_json();
        jc["pooled_target"] = c.pooled.target ? nlohmann::ordered_json(*c.pooled.target) : nlohmann::ordered_json();
        jc["pooled_status"] = to_string(c.pooled.status);
        jc["pooled_gap_text"] = c.pooled.gap_text;
        jc["towns_met"] = c.towns_met;
        jc["towns_with_data"] = c.towns_with_data;
        jc["share_of_towns_met"] = c.share_of_towns_met ? nlohmann::ordered_json(round_to(*c.share_of_towns_met, 6)) : nlohmann::ordered_json();
        if (!ind.rollup_kind.empty()) {
            jc["rollup_kind"] = ind.rollup_kind;
            jc["rollup_target"] = c.rollup_target ? nlohmann::ordered_json(*c.rollup_target) : nlohmann::ordered_json();
            jc["rollup_comparator"] = c.rollup_comparator;
            jc["rollup_status"] = c.rollup_status ? to_string(*c.rollup_status) : "no-data";
        }
        if (!r.units_judged.empty()) {
            // The units level: how many villages / communities meet the indicator's unit target.
            nlohmann::ordered_json ju;
            ju["judged"] = r.units_judged[i];
            ju["met"] = r.units_met[i];
            ju["share_met"] = r.units_judged[i] > 0 ? nlohmann::ordered_json(round_to(r.units_met[i] / r.units_judged[i], 6)) : nlohmann::ordered_json();
            jc["units"] = ju;
        }
        ji["city"] = jc;
        jinds.push_back(ji);
    }
    cj["indicators"] = jinds;
    geo::write_text_atomic(outdir + "/compliance.csv", kUtf8Bom + csv.str());
    geo::write_text_atomic(outdir + "/compliance.json", cj.dump(2) + "\n");

}

void write_scenario_comparison(const std::string& outdir, const Study& s, const AnalysisResult& r, const AnalysisResult& baseline) {
    const size_t nt = s.town_set->size();
    const std::vector<Indicator>& inds = indicators_of(r);
    const std::vector<std::string> labels = circle_labels(r);
    // --- scenario comparison ---
    {
        std::ostringstream sc;
        sc << "town_id,town_name,households";
        for (const auto& l : labels) sc << ",covered_" << l << "_" << baseline.scenario.name << ",covered_" << l << "_" << r.scenario.name << ",newly_covered_" << l;
        sc << ",indicators_met_" << baseline.scenario.name << ",indicators_met_" << r.scenario.name << ",newly_met\n";
        for (size_t t = 0; t < nt; ++t) {
            sc << csv_escape(s.town_set->id(t)) << "," << csv_escape(s.town_set->name(t)) << "," << fixed(r.town_households[t], 0);
            for (size_t c = 0; c < labels.size(); ++c)
                sc << "," << fixed(baseline.town_covered[c][t], 0) << "," << fixed(r.town_covered[c][t], 0) << ","
                   << fixed(r.town_covered[c][t] - baseline.town_covered[c][t], 0);
            int before = 0, after = 0;
            std::string newly;
            for (size_t i = 0; i < inds.size(); ++i) {
                bool b = baseline.evals[i][t].status == Status::met, a = r.evals[i][t].status == Status::met;
                before += b, after += a;
                if (a && !b) newly += (newly.empty() ? "" : ";") + inds[i].id;
            }
            sc << "," << before << "," << after << "," << csv_escape(newly) << "\n";
        }
        geo::write_text_atomic(outdir + "/scenario_comparison.csv", kUtf8Bom + sc.str());
    }
}

}  // namespace lc::cov
