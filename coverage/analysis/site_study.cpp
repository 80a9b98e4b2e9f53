#include "coverage/analysis/site_study.hpp"
#include "base/error.hpp"
#include "coverage/analysis/service.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace lc::cov {
namespace {

void generate_candidates(const Study& s, const TravelModel& travel, const SiteRequest& req, const std::vector<uint8_t>& covered,
                         Candidates& c) {
    const auto& dp = s.demand->point;
    if (req.generate == "demand") {
        for (size_t d = 0; d < dp.size(); ++d)
            if (!covered[d] && s.dem_weight_value[d] > 0) {
                c.xy.push_back(dp[d]);
                std::string id = s.demand->text(d, s.dem_id);
                c.label.push_back("demand:" + (id.empty() ? std::to_string(s.demand->fid[d]) : id));
            }
        return;
    }
    if (req.generate != "grid") throw base::UserError("--generate must be grid or demand");
    // Grid cells (grid_m) that hold uncovered households; one candidate per cell: the network
    // node nearest the cell centre (network mode) or the centre itself (straight-line mode).
    const double g = std::max(req.grid_m, 1.0);
    std::map<std::pair<int64_t, int64_t>, bool> cells;
    for (size_t d = 0; d < dp.size(); ++d)
        if (!covered[d] && s.dem_weight_value[d] > 0 && s.dem_town[d].town >= 0)
            cells[{static_cast<int64_t>(std::floor(dp[d].x / g)), static_cast<int64_t>(std::floor(dp[d].y / g))}] = true;
    std::map<std::pair<int64_t, int64_t>, std::pair<double, geo::XY>> best;  // cell -> (distance to centre, node)
    if (!travel.straight_line()) {
        const auto& graph = travel.network()->graph;
        for (size_t v = 0; v < graph.node_count(); ++v) {
            const geo::XY p = graph.node_xy[v];
            std::pair<int64_t, int64_t> key{static_cast<int64_t>(std::floor(p.x / g)), static_cast<int64_t>(std::floor(p.y / g))};
            if (!cells.count(key)) continue;
            if (graph.component_nodes[graph.node_component[v]] < s.project.network.min_component_nodes) continue;
            double cx = (key.first + 0.5) * g, cy = (key.second + 0.5) * g;
            double dist = std::hypot(p.x - cx, p.y - cy);
            auto it = best.find(key);
            if (it == best.end() || dist < it->second.first) best[key] = {dist, p};
        }
    } else {
        for (const auto& [key, _] : cells) best[key] = {0, geo::XY{(key.first + 0.5) * g, (key.second + 0.5) * g}};
    }
    for (const auto& [key, v] : best) {
        c.xy.push_back(v.second);
        c.label.push_back("grid:" + std::to_string(key.first) + ":" + std::to_string(key.second));
    }
}

}  // namespace

SiteStudy build_site_study(Study& s, const TravelModel& travel, const SiteRequest& req, const Scenario& scenario) {
    SiteStudy ss;
    if (!s.demand) throw base::UserError("site needs a demand layer");
    const size_t nd = s.demand->size(), nt = s.town_set->size();
    const double cutoff_s = req.minutes * 60;
    std::set<std::string> types(req.facility_types.begin(), req.facility_types.end());
    if (s.facilities)
        for (size_t f = 0; f < s.facilities->size(); ++f) {
            std::string status = s.fac_status >= 0 ? s.facilities->text(f, s.fac_status) : "";
            if (scenario.includes(status) && types.count(s.fac_type_value[f])) ss.existing_rows.push_back(static_cast<uint32_t>(f));
        }
    NearestTable existing = travel.nearest(ss.existing_rows, cutoff_s);
    ss.covered_before.assign(nd, 0);
    for (size_t d = 0; d < nd; ++d) ss.covered_before[d] = existing.facility[d] >= 0;
    // With the facilities' capacity known, "already covered" means already served: existing
    // facilities serve nearest first up to their capacity (as analyze counts "served"), and what
    // they cannot serve is left for new sites, even within their reach. Nearest-first leaves at
    // most one household point per facility partly served; its served part becomes a separate
    // covered entry of the problem so the totals stay the households there are.
    std::vector<double> served_before(nd, 0);
    if (!s.fac_capacity.empty() && !ss.existing_rows.empty()) {
        Allocation a = allocate_nearest_first(pairs_within(travel, ss.existing_rows, req.minutes), s.fac_capacity, s.dem_weight_value);
        ss.existing_capacity_used = true;
        for (size_t d = 0; d < nd; ++d) {
            if (!ss.covered_before[d]) continue;
            ss.existing_reached_weight += s.dem_weight_value[d];
            ss.existing_served_weight += a.served[d];
            served_before[d] = a.served[d];
            if (s.dem_weight_value[d] - a.served[d] > 1e-9 * std::max(1.0, s.dem_weight_value[d])) ss.covered_before[d] = 0;
        }
    }

    Candidates& c = ss.candidates;
    if (!req.candidates_path.empty()) {
        geo::LayerSource src;
        src.path = req.candidates_path;
        src.layer = req.candidates_layer;
        src.crs = req.candidates_crs;
        geo::OpenedLayer opened(src, "candidates");
        c.layer = std::make_unique<geo::Layer>(geo::read_layer(opened, geo::GeomKind::point, s.metric_epsg, s.report, req.candidates_id));
        int id = c.layer->field_index(req.candidates_id.empty() ? first_field(*c.layer, {"id", "fid", "name"}) : req.candidates_id);
        for (size_t i = 0; i < c.layer->size(); ++i) {
            c.xy.push_back(c.layer->point[i]);
            std::string label = c.layer->text(i, id);
            c.label.push_back(label.empty() ? std::to_string(c.layer->fid[i]) : label);
        }
        // Capacity from a field, or from floor area at the per-100-household standard.
        int cap = c.layer->field_index(req.capacity_field), area = c.layer->field_index(req.capacity_area_field);
        if (!req.capacity_field.empty() && cap < 0) throw base::UserError(req.candidates_path + ": capacity field '" + req.capacity_field + "' not found");
        if (!req.capacity_area_field.empty() && area < 0) throw base::UserError(req.candidates_path + ": floor-area field '" + req.capacity_area_field + "' not found");
        if (cap >= 0 || (area >= 0 && req.capacity_m2_per_100_households > 0)) {
            c.capacity.resize(c.layer->size(), 0);
            for (size_t i = 0; i < c.layer->size(); ++i) {
                if (cap >= 0) c.capacity[i] = c.layer->number(i, cap, &s.report).value_or(0);
                else c.capacity[i] = c.layer->number(i, area, &s.report).value_or(0) / req.capacity_m2_per_100_households * 100;
            }
        }
    } else {
        generate_candidates(s, travel, req, ss.covered_before, c);
    }
    if (c.capacity.empty() && req.uniform_capacity > 0) c.capacity.assign(c.xy.size(), req.uniform_capacity);
    auto towns = s.town_set->assign_all(c.xy, s.project.towns.assign_tolerance_m);
    for (const auto& a : towns) c.town.push_back(a.town);

    auto reach = travel.reach_from_points(c.xy, cutoff_s, &c.status);

    SitingProblem& p = ss.problem;
    ss.outside_group = static_cast<uint32_t>(nt);
    p.demand_count = static_cast<uint32_t>(nd);
    p.group_count = static_cast<uint32_t>(nt + 1);
    p.demand_weight.resize(nd);
    p.demand_group.resize(nd);
    for (size_t d = 0; d < nd; ++d) {
        int t = s.dem_town[d].town;
        p.demand_group[d] = t >= 0 ? static_cast<uint32_t>(t) : ss.outside_group;
        p.demand_weight[d] = s.dem_weight_value[d];
    }
    p.already_covered = ss.covered_before;
    p.candidate_count = static_cast<uint32_t>(c.xy.size());
    for (int t : c.town) p.candidate_group.push_back(t >= 0 ? static_cast<uint32_t>(t) : ss.outside_group);
    p.cover_first.assign(1, 0);
    for (const auto& list : reach) {
        for (const auto& r : list) {
            p.cover_demand.push_back(r.target);
            p.cover_cost.push_back(r.cost);
        }
        p.cover_first.push_back(static_cast<uint32_t>(p.cover_demand.size()));
    }
    p.candidate_capacity = c.capacity;
    for (size_t d = 0; d < nd; ++d)
        if (!ss.covered_before[d] && served_before[d] > 0) {  // partly served: split
            p.demand_weight[d] -= served_before[d];
            p.demand_weight.push_back(served_before[d]);
            p.demand_group.push_back(p.demand_group[d]);
            p.already_covered.push_back(1);
            ++p.demand_count;
        }
    return ss;
}

}  // namespace lc::cov
