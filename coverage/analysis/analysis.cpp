#include "coverage/analysis/analysis.hpp"
#include "base/error.hpp"

#include <algorithm>
#include <functional>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace lc::cov {

Scenario Scenario::parse(const std::string& text) {
    Scenario s;
    if (text.empty() || text == "existing") return s;
    std::string digits = text.rfind("planned_", 0) == 0 ? text.substr(8) : text;
    char* end = nullptr;
    long y = std::strtol(digits.c_str(), &end, 10);
    if (end == digits.c_str() || *end != '\0' || y < 1900 || y > 2200)
        throw base::UserError("scenario must be 'existing' or a plan year such as 2025, got '" + text + "'");
    s.year = static_cast<int>(y);
    s.name = "planned_" + std::to_string(y);
    return s;
}

bool Scenario::includes(const std::string& status) const {
    if (status.empty() || status == "existing") return true;
    if (status.rfind("planned_", 0) == 0) {
        int y = std::atoi(status.c_str() + 8);
        return year > 0 && y > 0 && y <= year;
    }
    return false;  // closed, demolished, or unknown statuses do not count
}

bool counts_for_circle(const Project& p, const std::string& type, double minutes) {
    auto it = p.levels.find(type);
    return it == p.levels.end() || it->second <= minutes + 1e-9;
}

void require_analysis_layers(Study& study) {
    const std::string file = study.project.file.empty() ? std::string("command line") : study.project.file;
    if (!study.facilities)
        study.report.error(file, "", "incomplete_project", "analyze needs a facilities layer ([facilities] path or --facilities)");
    if (!study.demand) study.report.error(file, "", "incomplete_project", "analyze needs a demand layer ([demand] path or --demand)");
}

std::vector<uint8_t> rows_matching(const geo::LayerSource& src, const geo::Layer& layer, const std::string& where, const std::string& what) {
    geo::OpenedLayer opened(src, layer.role);
    OGRLayer* l = opened.layer();
    CPLErrorReset();
    if (l->SetAttributeFilter(where.c_str()) != OGRERR_NONE)
        throw base::UserError(opened.file() + " [" + opened.name() + "]: " + what + " '" + where + "' is not a valid OGR SQL filter: " + CPLGetLastErrorMsg());
    std::set<int64_t> pass;
    l->ResetReading();
    while (OGRFeature* f = l->GetNextFeature()) {
        pass.insert(f->GetFID());
        OGRFeature::DestroyFeature(f);
    }
    if (CPLGetLastErrorType() >= CE_Failure)
        throw base::UserError(opened.file() + " [" + opened.name() + "]: " + what + " '" + where + "' failed: " + CPLGetLastErrorMsg());
    std::vector<uint8_t> rows(layer.size(), 0);
    for (size_t i = 0; i < layer.size(); ++i) rows[i] = pass.count(layer.fid[i]) > 0;
    return rows;
}

std::vector<std::string> resolve_indicator_words(TargetsFile& targets, const Project& p) {
    std::vector<std::string> unknown;
    for (auto& ind : targets.indicators) {
        // The words for a numerator field come from [labels] (the field name where none is given).
        if (!ind.numerator.empty()) ind.numerator_zh = p.word(ind.numerator, "zh"), ind.numerator_en = p.word(ind.numerator, "en");
        if (ind.weight.empty()) continue;
        std::string known = "households";
        const Project::WeightGroup* group = nullptr;
        for (const auto& g : p.demand.weights) {
            known += ", " + g.name;
            if (g.name == ind.weight) group = &g;
        }
        if (!group) {
            unknown.push_back("indicator " + ind.id + ": weight '" + ind.weight + "' is not a population group of [demand] weights (there are: " +
                              known + ")");
            continue;
        }
        ind.weight_zh = group->zh;
        ind.weight_en = group->en;
    }
    return unknown;
}

std::optional<TargetsFile> load_study_targets(Study& study) {
    Study* const s = &study;  // the checks read like the rest of the study code (s->...)
    const Project& p = study.project;
    if (p.targets.path.empty()) return std::nullopt;
    std::optional<TargetsFile> targets = load_targets(p.targets.path);
    DataNames names;
    names.has_facilities = s->facilities != nullptr;
    if (s->facilities) {
        for (int i = 0; i < s->facilities->defn->GetFieldCount(); ++i)
            names.facility_fields.push_back(s->facilities->defn->GetFieldDefn(i)->GetNameRef());
        std::set<std::string> types(s->fac_type_value.begin(), s->fac_type_value.end());
        types.erase("");
        names.facility_types.assign(types.begin(), types.end());
    }
    names.has_demand = s->demand != nullptr;
    if (s->demand)
        for (int i = 0; i < s->demand->defn->GetFieldCount(); ++i) names.demand_fields.push_back(s->demand->defn->GetFieldDefn(i)->GetNameRef());
    names.has_units = s->units != nullptr;
    names.has_housing = s->housing != nullptr;
    if (s->housing)
        for (int i = 0; i < s->housing->defn->GetFieldCount(); ++i) names.housing_fields.push_back(s->housing->defn->GetFieldDefn(i)->GetNameRef());
    if (s->units)
        for (int i = 0; i < s->units->defn->GetFieldCount(); ++i) names.unit_fields.push_back(s->units->defn->GetFieldDefn(i)->GetNameRef());
    names.has_stats = !s->stats.file.empty();
    names.stat_columns = s->stats.columns;
    for (const auto& e : check_against_data(*targets, names)) s->report.error(p.targets.path, "", "targets_vs_data", e);
    for (const auto& e : resolve_indicator_words(*targets, p)) s->report.error(p.targets.path, "", "unknown_weight", e);
    // An indicator judged on a layer the project lacks has no data: said once, here.
    for (const auto& ind : targets->indicators) {
        if (ind.kind == "new_housing_compliance" && !s->housing)
            s->report.warn(p.targets.path, "", "no_housing_layer", "indicator " + ind.id + " judges new developments but the project has no [housing] layer: no data");
        if (ind.share_of_units() && !s->units)
            s->report.warn(p.targets.path, "", "no_units_layer",
                           "indicator " + ind.id + " is a share of villages and communities but the project has no [units] layer: no data");
    }
    // Distance circles and circles at their own speed assume that time is distance / speed: true on
    // foot (and in a straight line), not on a network with class speeds.
    const bool uniform = p.straight_line() || (p.network.profile == "walk" && p.network.speeds.empty() && p.network.time_field.empty());
    for (const auto& ind : targets->indicators)
        if (!uniform && (ind.metres || ind.speed_kmh))
            s->report.error(p.targets.path, "", "needs_walking",
                            "indicator " + ind.id + ": " + (ind.metres ? "metres" : "speed_kmh") +
                                " needs a walking or straight-line travel model (time = distance / speed); the network profile is " + p.network.profile);
    // Filters are evaluated by GDAL: try each now, so a bad expression stops validate too.
    for (const auto& ind : targets->indicators)
        for (const auto& [expr, layer, src, key] : {std::tuple{&ind.filter, s->demand.get(), &p.demand.src, "filter"},
                                                    std::tuple{&ind.facility_filter, s->facilities.get(), &p.facilities.src, "facility_filter"}}) {
            if (expr->empty() || !layer) continue;
            try {
                rows_matching(*src, *layer, *expr, "indicator " + ind.id + ": " + key);
            } catch (const base::UserError& e) {
                s->report.error(p.targets.path, "", "bad_filter", e.what());
            }
        }
    return targets;
}

std::vector<ReachPair> pairs_within(const TravelModel& travel, const std::vector<uint32_t>& rows, double minutes) {
    std::vector<ReachPair> pairs;
    const auto reach = travel.reach_from_facilities(rows, minutes * 60 + 1e-9);
    for (size_t k = 0; k < rows.size(); ++k)
        for (const net::Reach& x : reach[k]) pairs.push_back({rows[k], x.target, x.cost / 60.0});
    return pairs;
}

namespace {

// Served (capacity) and accessibility (floating catchment) per circle, demand row and town.
void compute_service(const Study& s, const TravelModel& travel, AnalysisResult& r) {
    const Project& p = s.project;
    const size_t nf = s.facilities->size(), nd = s.demand->size(), nt = s.town_set->size();
    auto rows_for = [&](double minutes) {
        std::vector<uint32_t> rows;
        for (uint32_t f : r.main_rows)
            if (counts_for_circle(p, s.fac_type_value[f], minutes)) rows.push_back(f);
        return rows;
    };
    r.has_capacity = !s.fac_capacity.empty() && !r.circles_min.empty();  // served is per circle
    // The catchment is most often the largest circle: its pairs then serve both measures.
    std::vector<ReachPair> largest_pairs;
    if (r.has_capacity) {
        for (uint32_t f : r.main_rows) r.capacity_total += s.fac_capacity[f];
        for (size_t c = 0; c < r.circles_min.size(); ++c) {
            std::vector<ReachPair> pairs = pairs_within(travel, rows_for(r.circles_min[c]), r.circles_min[c]);
            if (c + 1 == r.circles_min.size()) largest_pairs = pairs;
            Allocation a = allocate_nearest_first(std::move(pairs), s.fac_capacity, s.dem_weight_value);
            // Served only where reached: a pair exactly at the cutoff counts as coverage does.
            for (size_t d = 0; d < nd; ++d)
                if (!r.covered[c][d]) a.served[d] = 0;
            std::vector<double> town(nt, 0);
            for (size_t d = 0; d < nd; ++d)
                if (s.dem_town[d].town >= 0) town[s.dem_town[d].town] += a.served[d];
            r.served.push_back(std::move(a.served));
            r.facility_load.push_back(std::move(a.load));
            r.town_served.push_back(std::move(town));
        }
    }
    // load_project fills in the default; a Project built in code may leave it empty (= none).
    r.access.method = parse_access_method(p.access.method).value_or(AccessMethod::none);
    r.access.beta = p.access.beta;
    if (r.access.method != AccessMethod::none && !r.circles_min.empty()) {
        r.access_catchment_min = p.access.catchment_min > 0 ? p.access.catchment_min : r.circles_min.back();
        r.access_supply_is_count = !r.has_capacity;
        std::vector<double> supply(nf, 0);
        const std::vector<uint32_t> rows = rows_for(r.access_catchment_min);
        for (uint32_t f : rows) supply[f] = r.has_capacity ? s.fac_capacity[f] : 1.0;
        const std::vector<ReachPair> pairs = !largest_pairs.empty() && r.access_catchment_min == r.circles_min.back()
                                                 ? std::move(largest_pairs)
                                                 : pairs_within(travel, rows, r.access_catchment_min);
        Accessibility acc = floating_catchment(pairs, supply, s.dem_weight_value, r.access, r.access_catchment_min);
        for (uint32_t f : rows)
            if (acc.reaches_demand[f]) r.access_supply_reaching += supply[f];
        r.access_score = std::move(acc.score);
        r.facility_ratio = std::move(acc.ratio);
        std::vector<double> sum(nt, 0), w(nt, 0);
        double city_sum = 0, city_w = 0;
        for (size_t d = 0; d < nd; ++d) {
            const int t = s.dem_town[d].town;
            if (t < 0) continue;
            sum[t] += s.dem_weight_value[d] * r.access_score[d];
            w[t] += s.dem_weight_value[d];
        }
        r.town_access.assign(nt, std::nullopt);
        for (size_t t = 0; t < nt; ++t) {
            if (w[t] > 0) r.town_access[t] = sum[t] / w[t];
            city_sum += sum[t], city_w += w[t];
        }
        if (city_w > 0) r.city_access = city_sum / city_w;
    }
    // Equity across towns: each town's households get the town's share (or score).
    for (size_t c = 0; c < r.circles_min.size(); ++c) {
        std::vector<double> share(nt, 0);
        for (size_t t = 0; t < nt; ++t)
            if (r.town_households[t] > 0) share[t] = r.town_covered[c][t] / r.town_households[t];
        r.equity.push_back({"coverage", r.circles_min[c], inequality(share, r.town_households)});
    }
    for (size_t c = 0; c < r.served.size(); ++c) {
        std::vector<double> share(nt, 0);
        for (size_t t = 0; t < nt; ++t)
            if (r.town_households[t] > 0) share[t] = r.town_served[c][t] / r.town_households[t];
        r.equity.push_back({"served", r.circles_min[c], inequality(share, r.town_households)});
    }
    if (!r.access_score.empty()) {
        std::vector<double> v(nt, 0);
        for (size_t t = 0; t < nt; ++t) v[t] = r.town_access[t].value_or(0);  // no households: weight 0, left out
        r.equity.push_back({std::string("access_") + to_string(r.access.method), r.access_catchment_min, inequality(v, r.town_households)});
    }
}


// A row's zone (town) index, -1 none.
std::vector<int> zone_of(const std::vector<geo::TownSet::Assignment>& a) {
    std::vector<int> z(a.size());
    for (size_t i = 0; i < a.size(); ++i) z[i] = a[i].town;
    return z;
}
// The town of each row that lies in no unit of its town (the town's remainder), else -1.
std::vector<int> remainder_of(const std::vector<int>& town, const std::vector<int>& unit) {
    std::vector<int> rest(town.size(), -1);
    for (size_t i = 0; i < town.size(); ++i)
        if (unit[i] < 0) rest[i] = town[i];
    return rest;
}

// The kinds whose value needs households (no households: no data).
bool kind_counts_households(const Indicator& ind) { return ind.kind == "coverage_share" || ind.kind == "area_per_100_households"; }

// What each indicator counts row by row, whatever zones (towns, units) it is then summed over.
struct IndicatorRows {
    const std::vector<double>* weight = nullptr;  // coverage_share: the weight counted (households or a group)
    std::vector<uint8_t> dem_counts;              // rows passing a demand filter (coverage_share, area_per_100_households,
                                                  // per_population with population_field), empty = all
    bool own_base = false;                        // a filter or a group: the base is its own sum
    std::vector<uint8_t> fac_ok;                  // counting kinds with a facility_filter: rows passing it
    std::vector<int8_t> host;                     // share_of_facilities: -1 not a host, 0 host alone, 1 host with a partner
};

// Per indicator: coverage_share's covered rows (into r.indicator_covered), facility filters, hosts.
std::vector<IndicatorRows> indicator_rows(const Study& s, const TravelModel& travel, const TargetsFile& tf, AnalysisResult& r,
                                          const std::function<const NearestTable&(const std::vector<uint32_t>&, double)>& covered_within) {
    const Project& p = s.project;
    const size_t nf = s.facilities ? s.facilities->size() : 0, nd = s.demand ? s.demand->size() : 0;
    std::vector<IndicatorRows> rows(tf.indicators.size());
    r.indicator_covered.assign(tf.indicators.size(), {});
    for (size_t k = 0; k < tf.indicators.size(); ++k) {
        const Indicator& ind = tf.indicators[k];
        IndicatorRows& ir = rows[k];
        if (ind.kind == "coverage_share") {
            // A distance circle, or a circle walked at its own speed, is the time circle at the
            // model's speed that covers the same metres (walking costs are distance / speed).
            double minutes = ind.minutes ? *ind.minutes : *ind.metres / travel.speed_mps() / 60;
            const double level_minutes = minutes;  // the life-circle level rule reads the circle as named
            if (ind.minutes && ind.speed_kmh) minutes = *ind.minutes * *ind.speed_kmh / p.travel.speed_kmh;
            std::set<std::string> types(ind.facility_types.begin(), ind.facility_types.end());
            const std::vector<uint8_t> fac_ok = ind.facility_filter.empty() || !s.facilities
                                                    ? std::vector<uint8_t>()
                                                    : rows_matching(p.facilities.src, *s.facilities, ind.facility_filter, "indicator " + ind.id + ": facility_filter");
            if (!ind.filter.empty() && s.demand) ir.dem_counts = rows_matching(p.demand.src, *s.demand, ind.filter, "indicator " + ind.id + ": filter");
            std::vector<uint32_t> sources;
            for (size_t f = 0; f < nf; ++f)
                if (r.active[f] && types.count(s.fac_type_value[f]) && counts_for_circle(p, s.fac_type_value[f], level_minutes) &&
                    (fac_ok.empty() || fac_ok[f]))
                    sources.push_back(static_cast<uint32_t>(f));
            const NearestTable& t = covered_within(sources, minutes);
            auto& cov = r.indicator_covered[k];
            cov.assign(nd, 0);
            // The weight counted: households, or the indicator's population group; a group or a
            // demand filter makes its own base (the group's people, the rows passing the filter).
            const auto group = ind.weight.empty() ? s.dem_group_weight.end() : s.dem_group_weight.find(ind.weight);
            ir.weight = group == s.dem_group_weight.end() ? &s.dem_weight_value : &group->second;
            ir.own_base = !ir.dem_counts.empty() || group != s.dem_group_weight.end();
            for (size_t d = 0; d < nd; ++d) cov[d] = (ir.dem_counts.empty() || ir.dem_counts[d]) && t.seconds[d] <= minutes * 60 + 1e-9;
        } else if (ind.kind == "share_of_facilities") {
            // Hosts X count when a partner Y lies within within_m, or names X in its host field.
            std::set<std::string> hosts(ind.facility_types.begin(), ind.facility_types.end());
            std::set<std::string> partners(ind.with_types.begin(), ind.with_types.end());
            int host_field = ind.host_field.empty() || !s.facilities ? -1 : s.facilities->field_index(ind.host_field);
            std::set<std::string> hosted_ids;
            std::vector<uint32_t> partner_rows;
            for (size_t f = 0; f < nf; ++f)
                if (r.active[f] && partners.count(s.fac_type_value[f])) {
                    partner_rows.push_back(static_cast<uint32_t>(f));
                    if (host_field >= 0) hosted_ids.insert(s.facilities->text(f, host_field));
                }
            ir.host.assign(nf, -1);
            for (size_t f = 0; f < nf; ++f) {
                if (!r.active[f] || !hosts.count(s.fac_type_value[f])) continue;
                bool has = s.fac_id >= 0 && hosted_ids.count(s.facilities->text(f, s.fac_id));
                for (size_t q = 0; !has && q < partner_rows.size(); ++q) {
                    const auto& a = s.facilities->point[f];
                    const auto& b = s.facilities->point[partner_rows[q]];
                    has = std::hypot(a.x - b.x, a.y - b.y) <= ind.within_m;
                }
                ir.host[f] = has ? 1 : 0;
            }
        } else if (!ind.facility_filter.empty() && s.facilities) {
            // A facility filter on a counting kind: the facts of the facilities passing it go under
            // keys of their own (filtered_key), so the indicator counts only those.
            ir.fac_ok = rows_matching(p.facilities.src, *s.facilities, ind.facility_filter, "indicator " + ind.id + ": facility_filter");
        }
        // A demand filter on a per-household or per-population kind: its base (households, the
        // population field) is summed over the rows passing it (TownFacts::base_weight).
        if (ind.kind != "coverage_share" && !ind.filter.empty() && s.demand)
            ir.dem_counts = rows_matching(p.demand.src, *s.demand, ind.filter, "indicator " + ind.id + ": filter");
    }
    return rows;
}

// The facts of each zone: demand and facility rows summed by the zone they lie in (-1 none).
std::vector<TownFacts> zone_facts(const Study& s, const AnalysisResult& r, const TargetsFile& tf, const std::vector<IndicatorRows>& rows,
                                  const std::vector<int>& dem_zone, const std::vector<int>& fac_zone, size_t nz) {
    std::vector<TownFacts> facts(nz);
    const size_t nd = dem_zone.size(), nf = fac_zone.size();
    for (size_t d = 0; d < nd; ++d)
        if (dem_zone[d] >= 0) facts[dem_zone[d]].households += s.dem_weight_value[d];
    // Attribute sums per type (only attributes some indicator uses).
    std::set<std::string> attrs;
    for (const auto& ind : tf.indicators)
        for (const auto* a : {&ind.area_field, &ind.attribute, &ind.numerator, &ind.denominator})
            if (!a->empty()) attrs.insert(*a);
    std::map<std::string, int> attr_field;
    for (const auto& a : attrs) attr_field[a] = s.facilities ? s.facilities->field_index(a) : -1;
    auto add_facility = [&](TownFacts& f, const std::string& key, size_t row) {
        f.count[key] += 1;
        for (const auto& [a, idx] : attr_field)
            if (idx >= 0)
                if (auto v = s.facilities->number(row, idx)) f.attribute_sum[key][a] += *v;
    };
    for (size_t f = 0; f < nf; ++f)
        if (r.active[f] && fac_zone[f] >= 0) add_facility(facts[fac_zone[f]], s.fac_type_value[f], f);
    for (size_t k = 0; k < tf.indicators.size(); ++k) {
        const Indicator& ind = tf.indicators[k];
        const IndicatorRows& ir = rows[k];
        if (!ir.fac_ok.empty()) {
            const std::set<std::string> types(ind.facility_types.begin(), ind.facility_types.end());
            for (size_t f = 0; f < nf; ++f)
                if (r.active[f] && fac_zone[f] >= 0 && ir.fac_ok[f] && types.count(s.fac_type_value[f]))
                    add_facility(facts[fac_zone[f]], filtered_key(s.fac_type_value[f], ind.id), f);
        }
        if (ind.kind == "coverage_share") {
            if (ir.own_base)
                for (auto& z : facts) z.base_weight[ind.id] = 0;
            const auto& cov = r.indicator_covered[k];
            for (size_t d = 0; d < nd; ++d) {
                const int z = dem_zone[d];
                if (z < 0) continue;
                if (cov[d]) facts[z].covered_households[ind.id] += (*ir.weight)[d];
                if (ir.own_base && (ir.dem_counts.empty() || ir.dem_counts[d])) facts[z].base_weight[ind.id] += (*ir.weight)[d];
            }
        } else if (!ir.dem_counts.empty() && (ind.kind == "area_per_100_households" || !ind.population_field.empty())) {
            // The households (area_per_100_households) or the population field (per_population)
            // of the rows passing the demand filter, as a run on the filtered layer counts them.
            const int field = ind.population_field.empty() || !s.demand ? -1 : s.demand->field_index(ind.population_field);
            for (auto& z : facts) z.base_weight[ind.id] = 0;
            for (size_t d = 0; d < nd; ++d) {
                if (dem_zone[d] < 0 || !ir.dem_counts[d]) continue;
                if (ind.population_field.empty()) facts[dem_zone[d]].base_weight[ind.id] += s.dem_weight_value[d];
                else if (field >= 0)
                    if (auto v = s.demand->number(d, field)) facts[dem_zone[d]].base_weight[ind.id] += *v;
            }
        } else if (ind.kind == "share_of_facilities") {
            for (size_t f = 0; f < nf; ++f) {
                if (ir.host[f] < 0 || fac_zone[f] < 0) continue;
                auto& h = facts[fac_zone[f]].hosts[ind.id];
                h.second += 1;
                if (ir.host[f] == 1) h.first += 1;
            }
        }
    }
    // Demand-layer fields summed per zone (population_field of per_population indicators).
    std::set<std::string> dem_fields;
    for (const auto& ind : tf.indicators)
        if (!ind.population_field.empty()) dem_fields.insert(ind.population_field);
    for (const auto& name : dem_fields) {
        const int idx = s.demand ? s.demand->field_index(name) : -1;
        if (idx < 0) continue;
        for (auto& z : facts) z.demand_sum[name] = 0;
        for (size_t d = 0; d < nd; ++d)
            if (dem_zone[d] >= 0)
                if (auto v = s.demand->number(d, idx)) facts[dem_zone[d]].demand_sum[name] += *v;
    }
    return facts;
}

// new_housing_compliance: every development judged on its own (m2 provided against the rule for
// its households), then counted per town and unit as (meeting it, judged).
void judge_housing(const Study& s, const TargetsFile& tf, AnalysisResult& r) {
    r.housing.assign(tf.indicators.size(), {});
    if (!s.housing) return;
    const geo::Layer& h = *s.housing;
    for (size_t k = 0; k < tf.indicators.size(); ++k) {
        const Indicator& ind = tf.indicators[k];
        if (ind.kind != "new_housing_compliance") continue;
        const int field = h.field_index(ind.area_field);
        auto& checks = r.housing[k];
        checks.assign(h.size(), {});
        for (auto& f : r.facts) f.developments[ind.id] = {0, 0};
        for (auto& f : r.unit_facts) f.developments[ind.id] = {0, 0};
        for (size_t i = 0; i < h.size(); ++i) {
            AnalysisResult::DevelopmentCheck& c = checks[i];
            const std::optional<int> year = s.housing_year[i];
            if (!year || *year > r.year || (ind.built_from && *year < *ind.built_from)) continue;  // not new in the year
            double provided = -1;  // none
            if (field >= 0)
                if (auto v = h.number(i, field)) provided = *v;
            c.households = std::max(0.0, s.housing_households[i]);
            if (!(s.housing_households[i] > 0) || provided < 0) {
                c.status = Status::no_data;
                continue;
            }
            c.provided_m2 = provided;
            c.required_m2 = ind.per_100_households * s.housing_households[i] / 100;
            c.status = c.provided_m2 >= c.required_m2 - 1e-9 ? Status::met : Status::missed;
            const double met = c.status == Status::met ? 1 : 0;
            if (const int t = s.housing_town[i].town; t >= 0) r.facts[t].developments[ind.id].first += met, r.facts[t].developments[ind.id].second += 1;
            if (!s.housing_unit.empty())
                if (const int u = s.housing_unit[i]; u >= 0)
                    r.unit_facts[u].developments[ind.id].first += met, r.unit_facts[u].developments[ind.id].second += 1;
        }
    }
}

}  // namespace

AnalysisResult analyze(const Study& s, const TravelModel& travel, const AnalysisOptions& opts) {
    AnalysisResult r;
    const Project& p = s.project;
    r.scenario = opts.scenario;
    r.circles_min = p.travel.circles_min;
    std::sort(r.circles_min.begin(), r.circles_min.end());
    const size_t nf = s.facilities ? s.facilities->size() : 0;
    const size_t nd = s.demand ? s.demand->size() : 0;
    const size_t nt = s.town_set->size();

    r.active.assign(nf, 0);
    for (size_t i = 0; i < nf; ++i) {
        std::string status = s.fac_status >= 0 ? s.facilities->text(i, s.fac_status) : "";
        r.active[i] = opts.scenario.includes(status) && !s.fac_type_value[i].empty();
    }
    std::set<std::string> main(p.travel.main_types.begin(), p.travel.main_types.end());
    for (size_t i = 0; i < nf; ++i)
        if (r.active[i] && (main.empty() || main.count(s.fac_type_value[i]))) r.main_rows.push_back(static_cast<uint32_t>(i));

    // Nearest main facility (any level) up to the nearest cutoff.
    r.nearest_cutoff_s = std::max(opts.nearest_cutoff_min, r.circles_min.empty() ? 0.0 : r.circles_min.back()) * 60;

    // Per circle: covered by a main facility whose level allows it. Coverage only asks "within
    // the circle?", so each search stops at the circle's time (plus the comparison's 1e-9 s) -
    // a 5-minute search is a fraction of a 60-minute one. One search per distinct facility set
    // and cutoff; a table of the same set with a larger cutoff answers a smaller one (the nearest
    // facility and its time do not depend on the cutoff), so the main set's table above answers
    // every circle of the main set.
    std::map<std::pair<std::vector<uint32_t>, double>, NearestTable> cache;
    const NearestTable& nearest =
        cache.emplace(std::make_pair(r.main_rows, r.nearest_cutoff_s), travel.nearest(r.main_rows, r.nearest_cutoff_s)).first->second;
    r.nearest = nearest.facility;
    r.nearest_s = nearest.seconds;
    r.covered.assign(r.circles_min.size(), std::vector<uint8_t>(nd, 0));
    auto covered_within = [&](const std::vector<uint32_t>& rows, double minutes) -> const NearestTable& {
        const double cutoff_s = minutes * 60 + 1e-9;
        auto it = cache.lower_bound(std::make_pair(rows, cutoff_s));  // same rows, cutoff >= cutoff_s
        if (it == cache.end() || it->first.first != rows) it = cache.emplace(std::make_pair(rows, cutoff_s), travel.nearest(rows, cutoff_s)).first;
        return it->second;
    };
    for (size_t c = 0; c < r.circles_min.size(); ++c) {
        std::vector<uint32_t> rows;
        for (uint32_t f : r.main_rows)
            if (counts_for_circle(p, s.fac_type_value[f], r.circles_min[c])) rows.push_back(f);
        const NearestTable& t = covered_within(rows, r.circles_min[c]);
        for (size_t d = 0; d < nd; ++d) r.covered[c][d] = t.seconds[d] <= r.circles_min[c] * 60 + 1e-9;
    }

    r.town_households.assign(nt, 0);
    r.town_covered.assign(r.circles_min.size(), std::vector<double>(nt, 0));
    for (size_t d = 0; d < nd; ++d) {
        int t = s.dem_town[d].town;
        if (t < 0) {
            r.outside_households += s.dem_weight_value[d];
            continue;
        }
        r.town_households[t] += s.dem_weight_value[d];
        for (size_t c = 0; c < r.circles_min.size(); ++c)
            if (r.covered[c][d]) r.town_covered[c][t] += s.dem_weight_value[d];
    }

    if (s.facilities && s.demand) compute_service(s, travel, r);

    // Zones the facts are summed over: towns, and with [units] the units and each town's remainder.
    const std::vector<int> dem_town = zone_of(s.dem_town), fac_town = zone_of(s.fac_town);
    std::vector<int> dem_rest, fac_rest;  // the town of a row in no unit of its town, else -1
    const size_t nu = s.has_units() ? s.unit_set->size() : 0;
    if (s.has_units()) {
        dem_rest = remainder_of(dem_town, s.dem_unit);
        fac_rest = remainder_of(fac_town, s.fac_unit);
        r.unit_covered.assign(r.circles_min.size(), std::vector<double>(nu, 0));
        r.remainder_covered.assign(r.circles_min.size(), std::vector<double>(nt, 0));
        for (size_t c = 0; c < r.circles_min.size(); ++c)
            for (size_t d = 0; d < nd; ++d) {
                if (!r.covered[c][d]) continue;
                if (s.dem_unit[d] >= 0) r.unit_covered[c][s.dem_unit[d]] += s.dem_weight_value[d];
                else if (dem_rest[d] >= 0) r.remainder_covered[c][dem_rest[d]] += s.dem_weight_value[d];
            }
    }
    auto add_stats = [&] {
        for (size_t t = 0; t < nt; ++t)
            for (const auto& col : s.stats.columns) r.facts[t].stats[col] = s.stats.number(t, col);
    };
    if (opts.targets) r.targets = *opts.targets;
    else if (!p.targets.path.empty()) {
        r.targets = load_targets(p.targets.path);
        resolve_indicator_words(*r.targets, p);  // unknown groups: load_study_targets reports them
    }
    const TargetsFile no_targets;
    const TargetsFile& tf = r.targets ? *r.targets : no_targets;
    const std::vector<IndicatorRows> rows = indicator_rows(s, travel, tf, r, covered_within);
    r.facts = zone_facts(s, r, tf, rows, dem_town, fac_town, nt);
    add_stats();
    if (s.has_units()) {
        r.unit_facts = zone_facts(s, r, tf, rows, s.dem_unit, s.fac_unit, nu);
        r.remainder_facts = zone_facts(s, r, tf, rows, dem_rest, fac_rest, nt);
        // A statistic an indicator names may be a numeric field of the units layer: a figure per
        // unit (social workers per village), as the town statistics table gives one per town.
        for (const auto& ind : tf.indicators)
            for (const std::string* col : {&ind.stat, &ind.population_stat, &ind.weight_stat}) {
                const int idx = col->empty() ? -1 : s.units->field_index(*col);
                if (idx < 0) continue;
                for (size_t u = 0; u < nu; ++u) r.unit_facts[u].stats[*col] = s.units->number(u, idx);
            }
    }
    if (!r.targets) return r;
    r.year = p.targets.year ? p.targets.year : (tf.default_year ? tf.default_year : tf.indicators.front().targets.rbegin()->first);

    const size_t nk = tf.indicators.size();
    judge_housing(s, tf, r);
    if (s.has_units()) {
        r.unit_evals.assign(nk, std::vector<Evaluation>(nu));
        r.units_met.assign(nk, 0);
        r.units_judged.assign(nk, 0);
        for (size_t k = 0; k < nk; ++k) {
            const Indicator unit = unit_indicator(tf.indicators[k]);
            for (size_t u = 0; u < nu; ++u) {
                if (s.unit_town[u] < 0) continue;  // in no town: reported, left out
                Evaluation& e = r.unit_evals[k][u];
                e = evaluate(unit, r.unit_facts[u], r.year);
                if (!judged_per_unit(tf.indicators[k])) {
                    e.status = Status::no_target;
                    e.target.reset();
                    e.gap_text = "judged per town, not per village or community";
                    e.gap_text_zh = "按镇街考核，不按村（社区）考核";
                } else if (e.status == Status::no_data && kind_counts_households(unit)) {
                    // No households in its base: the unit's, or those passing the indicator's demand filter.
                    e.gap_text = "no households in the village or community";
                    e.gap_text_zh = "该村（社区）无住户数据";
                }
                if (e.status == Status::met || e.status == Status::missed) r.units_judged[k] += 1;
                if (e.status == Status::met) r.units_met[k] += 1;
            }
        }
    }
    r.evals.assign(nk, std::vector<Evaluation>(nt));
    r.city.resize(nk);
    for (size_t k = 0; k < nk; ++k) {
        const Indicator& ind = tf.indicators[k];
        for (size_t t = 0; t < nt; ++t) r.evals[k][t] = evaluate(ind, r.facts[t], r.year);
        if (ind.share_of_units()) {
            // The town's value is the share of its units meeting the unit target (none without units).
            std::vector<double> met(nt, 0), judged(nt, 0);
            for (size_t u = 0; u < nu && !r.unit_evals.empty(); ++u) {
                const int t = s.unit_town[u];
                const Status st = r.unit_evals[k][u].status;
                if (t < 0 || (st != Status::met && st != Status::missed)) continue;
                judged[t] += 1;
                if (st == Status::met) met[t] += 1;
            }
            for (size_t t = 0; t < nt; ++t) r.evals[k][t] = evaluate_share_of_units(ind, met[t], judged[t], r.year);
        }
        r.city[k] = roll_up(ind, r.facts, r.evals[k], r.year);
        if (ind.share_of_units())
            r.city[k].pooled = evaluate_share_of_units(ind, r.units_met.empty() ? 0 : r.units_met[k], r.units_judged.empty() ? 0 : r.units_judged[k], r.year);
    }
    // Who lives where the plan is missed: households of the towns missing each indicator, as a
    // share of the households of the towns judged (met or missed).
    r.missed_weight_share.assign(tf.indicators.size(), std::nullopt);
    for (size_t k = 0; k < tf.indicators.size(); ++k) {
        double missed = 0, judged = 0;
        for (size_t t = 0; t < nt; ++t) {
            const Status st = r.evals[k][t].status;
            if (st != Status::met && st != Status::missed) continue;
            judged += r.town_households[t];
            if (st == Status::missed) missed += r.town_households[t];
        }
        if (judged > 0) r.missed_weight_share[k] = missed / judged;
    }
    return r;
}

}  // namespace lc::cov
