#include "coverage/report/site_outputs.hpp"
#include "coverage/report/styles.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "coverage/study/text.hpp"

namespace lc::cov {
namespace {



}  // namespace

void write_site_outputs(const std::string& final_dir, const Study& s, const TravelModel& travel, const SiteStudy& ss,
                        const SitingResult& r, const SiteRunInfo& info) {
    geo::OutputDir staged(final_dir);  // the whole set replaces the old one at once
    const std::string& outdir = staged.path();
    const Candidates& c = ss.candidates;
    const size_t nt = s.town_set->size();
    OutputCrs crs(s.project.output.crs, s.metric_epsg);
    // Allocation with capacity, for load/unserved per chosen site.
    CapacityAllocation alloc;
    if (!ss.problem.candidate_capacity.empty()) alloc = allocate_capacity(ss.problem, r.chosen);
    // Demand covered after the chosen sites.
    std::vector<uint8_t> covered_after = ss.covered_before;
    for (uint32_t j : r.chosen)
        for (uint32_t k = ss.problem.cover_first[j]; k < ss.problem.cover_first[j + 1]; ++k) covered_after[ss.problem.cover_demand[k]] = 1;

    geo::VectorOutput gpkg(outdir + "/sites.gpkg");
    {
        OGRLayer* layer = gpkg.create_layer("sites", wkbPoint, crs.epsg());
        std::vector<std::string> extra{"rank", "site_label", "town", "snap_status", "new_households", "cumulative_households", "covered_share",
                                       "capacity", "load", "unserved"};
        auto names = copy_schema(layer, c.layer ? c.layer->defn.get() : nullptr, extra);
        geo::add_field(layer, names[0], OFTInteger);
        for (int i = 1; i <= 3; ++i) geo::add_field(layer, names[i], OFTString);
        for (int i = 4; i <= 9; ++i) geo::add_field(layer, names[i], OFTReal);
        geo::start_transaction(layer);
        for (size_t rank = 0; rank < r.chosen.size(); ++rank) {
            uint32_t j = r.chosen[rank];
            OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
            if (c.layer) {
                const OGRFeature* src = c.layer->attributes[j].get();
                for (int i = 0; i < src->GetFieldCount(); ++i)
                    if (src->IsFieldSetAndNotNull(i)) f->SetField(i, src->GetRawFieldRef(i));
            }
            f->SetField(names[0].c_str(), static_cast<int>(rank + 1));
            f->SetField(names[1].c_str(), c.label[j].c_str());
            if (c.town[j] >= 0) f->SetField(names[2].c_str(), s.town_set->id(c.town[j]).c_str());
            if (j < c.status.size()) f->SetField(names[3].c_str(), c.status[j].c_str());
            if (rank < r.marginal.size()) f->SetField(names[4].c_str(), std::round(r.marginal[rank] * 100) / 100);
            if (rank < r.cumulative.size()) f->SetField(names[5].c_str(), std::round(r.cumulative[rank] * 100) / 100);
            if (rank < r.covered_share.size()) f->SetField(names[6].c_str(), std::round(r.covered_share[rank] * 1e6) / 1e6);
            if (!c.capacity.empty()) {
                f->SetField(names[7].c_str(), c.capacity[j]);
                if (rank < alloc.site_load.size()) f->SetField(names[8].c_str(), std::round(alloc.site_load[rank] * 100) / 100);
                if (rank < alloc.site_unserved.size()) f->SetField(names[9].c_str(), std::round(alloc.site_unserved[rank] * 100) / 100);
            }
            geo::GeomPtr pt = geo::make_point(c.xy[j].x, c.xy[j].y);
            write_feature(layer, f, pt.get(), crs);
            OGRFeature::DestroyFeature(f);
        }
        geo::commit_transaction(layer);
    }
    {
        OGRLayer* layer = gpkg.create_layer("service_areas", wkbMultiPolygon, crs.epsg());
        geo::add_field(layer, "rank", OFTInteger);
        geo::add_field(layer, "site_label", OFTString);
        geo::add_field(layer, "minutes", OFTReal);
        geo::add_field(layer, "area_m2", OFTReal);
        std::vector<geo::XY> pts;
        for (uint32_t j : r.chosen) pts.push_back(c.xy[j]);
        std::vector<geo::GeomPtr> polys = travel.service_areas(pts, info.minutes, s.project.output.buffer_m);
        geo::start_transaction(layer);
        for (size_t rank = 0; rank < r.chosen.size(); ++rank) {
            OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
            f->SetField("rank", static_cast<int>(rank + 1));
            f->SetField("site_label", c.label[r.chosen[rank]].c_str());
            f->SetField("minutes", info.minutes);
            f->SetField("area_m2", std::round(geo::area(polys[rank].get()) * 10) / 10);
            write_feature(layer, f, GEOSisEmpty_r(geo::geos(), polys[rank].get()) == 1 ? nullptr : polys[rank].get(), crs);
            OGRFeature::DestroyFeature(f);
        }
        geo::commit_transaction(layer);
    }
    {
        // Up to every household point: a bulk layer (its spatial index packed at the end, one
        // feature reused), not GDAL's row-by-row R-tree upkeep.
        geo::BulkLayer& uncovered = gpkg.create_bulk_layer("uncovered", s.project.demand.kind == "points" ? wkbPoint : wkbMultiPolygon, crs.epsg());
        OGRLayer* layer = uncovered.layer();
        auto names = copy_schema(layer, s.demand->defn.get(), {"town", "weight"});
        geo::add_field(layer, names[0], OFTString);
        geo::add_field(layer, names[1], OFTReal);
        const int town_col = layer->GetLayerDefn()->GetFieldIndex(names[0].c_str());
        const int weight_col = layer->GetLayerDefn()->GetFieldIndex(names[1].c_str());
        const int n_input = s.demand->defn ? s.demand->defn->GetFieldCount() : 0;
        geo::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        geo::start_transaction(layer);
        for (size_t d = 0; d < s.demand->size(); ++d) {
            if (covered_after[d] || s.dem_weight_value[d] <= 0) continue;
            set_input_fields(f.get(), s.demand->attributes[d].get(), n_input);
            if (s.dem_town[d].town >= 0) f->SetField(town_col, s.town_set->id(s.dem_town[d].town).c_str());
            else f->UnsetField(town_col);
            f->SetField(weight_col, s.dem_weight_value[d]);
            write_row(uncovered, f.get(), s.demand->geom[d].get(), crs);
        }
        geo::commit_transaction(layer);
        uncovered.finish();
    }
    write_gpkg_styles(gpkg.dataset(), s.project.travel.circles_min, s.project.lang);  // sites labelled with their rank
    gpkg.commit();

    std::ostringstream sites;
    sites << "rank,site_label,town,x,y,new_households,cumulative_households,covered_share,capacity,load,unserved\n";
    for (size_t rank = 0; rank < r.chosen.size(); ++rank) {
        uint32_t j = r.chosen[rank];
        sites << rank + 1 << "," << csv_escape(c.label[j]) << "," << (c.town[j] >= 0 ? csv_escape(s.town_set->id(c.town[j])) : "") << ","
              << fixed(c.xy[j].x, 2) << "," << fixed(c.xy[j].y, 2) << "," << fixed(rank < r.marginal.size() ? r.marginal[rank] : NAN, 2) << ","
              << fixed(rank < r.cumulative.size() ? r.cumulative[rank] : NAN, 2) << ","
              << fixed(rank < r.covered_share.size() ? r.covered_share[rank] : NAN, 6) << ","
              << (c.capacity.empty() ? "" : fixed(c.capacity[j], 2)) << "," << (rank < alloc.site_load.size() ? fixed(alloc.site_load[rank], 2) : "") << ","
              << (rank < alloc.site_unserved.size() ? fixed(alloc.site_unserved[rank], 2) : "") << "\n";
    }
    geo::write_text_atomic(outdir + "/sites.csv", kUtf8Bom + sites.str());

    std::ostringstream curve;
    curve << "k,site_label,marginal_households,covered_households,covered_share\n";
    curve << "0,," << fixed(0, 2) << "," << fixed(r.before_weight, 2) << "," << fixed(r.total_weight > 0 ? r.before_weight / r.total_weight : 0, 6) << "\n";
    for (size_t k = 0; k < r.chosen.size(); ++k)
        curve << k + 1 << "," << csv_escape(c.label[r.chosen[k]]) << "," << fixed(k < r.marginal.size() ? r.marginal[k] : NAN, 2) << ","
              << fixed(r.before_weight + (k < r.cumulative.size() ? r.cumulative[k] : 0), 2) << ","
              << fixed(k < r.covered_share.size() ? r.covered_share[k] : NAN, 6) << "\n";
    geo::write_text_atomic(outdir + "/marginal_curve.csv", kUtf8Bom + curve.str());

    std::ostringstream towns;
    towns << "town_id,town_name,households,covered_before,covered_after,share_before,share_after,new_sites"
          << (r.group_target.empty() ? "" : ",target_households") << (r.group_served.empty() ? "" : ",served_by_new_sites") << "\n";
    for (size_t t = 0; t < nt; ++t) {
        auto at = [](const std::vector<double>& v, size_t i) { return i < v.size() ? v[i] : 0.0; };
        double total = at(r.group_total, t), before = at(r.group_before, t), after = at(r.group_after, t);
        towns << csv_escape(s.town_set->id(t)) << "," << csv_escape(s.town_set->name(t)) << "," << fixed(total, 2) << "," << fixed(before, 2) << ","
              << fixed(after, 2) << "," << fixed(total > 0 ? before / total : NAN, 6) << "," << fixed(total > 0 ? after / total : NAN, 6) << ","
              << (t < r.group_sites.size() ? r.group_sites[t] : 0);
        if (!r.group_target.empty()) towns << "," << fixed(at(r.group_target, t), 2);
        if (!r.group_served.empty()) towns << "," << fixed(at(r.group_served, t), 2);
        towns << "\n";
    }
    geo::write_text_atomic(outdir + "/towns_before_after.csv", kUtf8Bom + towns.str());

    nlohmann::ordered_json res;
    res["output_crs"] = crs.describe();
    if (!crs.warning().empty()) res["output_crs_warning"] = crs.warning();
    res["problem"] = r.problem;
    res["solver"] = r.solver;
    res["status"] = to_string(r.status);
    res["message"] = r.message;
    res["minutes"] = info.minutes;
    res["facility_types"] = info.request.facility_types;
    res["candidates"] = c.xy.size();
    res["candidates_source"] = info.request.candidates_path.empty() ? "generated:" + info.request.generate : info.request.candidates_path;
    res["chosen"] = r.chosen.size();
    res["objective"] = r.objective;
    if (r.problem == "pcenter") {  // cover costs are seconds
        res["longest_walk_min"] = r.objective / 60;
        res["unreached_households"] = std::round(r.unreached_weight * 100) / 100;
    }
    res["bound"] = std::isfinite(r.bound) ? nlohmann::ordered_json(r.bound) : nlohmann::ordered_json();
    res["gap"] = std::isfinite(r.gap) ? nlohmann::ordered_json(r.gap) : nlohmann::ordered_json();
    res["proven_optimal"] = r.proven_optimal;
    res["swaps"] = r.swaps;
    res["ils_iterations"] = r.ils_iterations;
    res["ils_improvements"] = r.ils_improvements;
    res["households_total"] = r.total_weight;
    res["households_covered_before"] = r.before_weight;
    res["households_coverable"] = r.coverable_weight;
    res["households_covered_after"] = r.after_weight;
    if (!ss.problem.candidate_capacity.empty()) res["households_served_by_new_sites"] = r.served_weight;
    if (ss.existing_capacity_used)  // "covered before" = served by existing facilities (capacity, nearest first)
        res["existing_facilities"] = {{"households_within_reach", ss.existing_reached_weight},
                                      {"households_served", ss.existing_served_weight}};
    geo::write_text_atomic(outdir + "/run.json", json_run_info(s, info.run, res.dump()));
    staged.commit();
}

}  // namespace lc::cov
