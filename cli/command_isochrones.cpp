// lifecircle isochrones: service-area polygons for GIS (cartography; coverage is always counted
// from network costs, never from these polygons).
#include <cstdio>
#include <iostream>
#include <map>
#include <set>

#include "cli/command.hpp"
#include "base/error.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "coverage/study/travel.hpp"
#include "coverage/report/outputs.hpp"
#include "base/parallel.hpp"
#include "network/service_area.hpp"

namespace lc::cli {
namespace {

geo::GeomPtr union_all(std::vector<const GEOSGeometry*> parts) {
    std::vector<GEOSGeometry*> clones;
    for (const auto* p : parts)
        if (p && GEOSisEmpty_r(geo::geos(), p) != 1) clones.push_back(GEOSGeom_clone_r(geo::geos(), p));
    geo::GeomPtr coll(GEOSGeom_createCollection_r(geo::geos(), GEOS_GEOMETRYCOLLECTION, clones.data(), static_cast<unsigned>(clones.size())));
    return geo::GeomPtr(GEOSUnaryUnion_r(geo::geos(), coll.get()));
}

class IsochronesCommand : public Command {
public:
    const char* name() const override { return "isochrones"; }
    const char* description() const override {
        return "Service areas: for each facility and each threshold, the polygon of the network reachable within it (last "
               "street cut where time runs out), buffered and unioned. --dissolve type|town merges them; --bands writes "
               "nested rings (0-5, 5-10, 10-15 min). Fields: facility_id, type, town, minutes (from_min for bands), area_m2.";
    }
    void setup(CLI::App& app) override {
        flags_.add_to(app);
        app.add_option("-o,--out", out_, "Output GeoPackage")->required();
        app.add_option("--dissolve", dissolve_, "none (one polygon per facility, default), type, or town")
            ->check(CLI::IsMember({"none", "type", "town"}));
        app.add_option("--scenario", scenario_, "Facility set, as for analyze: existing (default) or a plan year (adds planned_YYYY <= "
                       "that year); closed and unknown statuses are never drawn");
        app.add_flag("--bands", bands_, "Nested rings between consecutive thresholds instead of full areas");
        app.add_option("--buffer-m", buffer_m_, "Half-width of the band drawn around reached streets (default [output] buffer_m, 50 m)")->check(number_in(0.01, 10000));
    }
    int run() override {
        Progress progress(flags_.quiet);
        cov::Project project = flags_.load();
        if (buffer_m_ > 0) project.output.buffer_m = buffer_m_;
        cov::LoadOptions lo;
        lo.need_demand = false;
        auto study = cov::load_study(project, lo);
        if (!study->facilities) throw base::UserError("isochrones needs a facilities layer");
        if (project.straight_line() || !project.has_network())
            throw base::UserError("isochrones needs a road network ([network] path or --network)");
        progress.begin("building the road network");
        auto network = cov::load_network(project, study->metric_epsg, study->report);
        progress.end(std::to_string(network->graph.node_count()) + " nodes, " + std::to_string(network->graph.link_count()) + " links");
        cov::TravelModel travel(*study, network.get(), study->report);
        std::set<std::string> main(project.travel.main_types.begin(), project.travel.main_types.end());
        // The facilities analyze counts in the same scenario: a typed, active row of a main type.
        const cov::Scenario scenario = cov::Scenario::parse(scenario_);
        std::vector<uint32_t> rows;
        for (size_t i = 0; i < study->facilities->size(); ++i)
            if (!study->fac_type_value[i].empty() && (main.empty() || main.count(study->fac_type_value[i])) &&
                scenario.includes(study->fac_status >= 0 ? study->facilities->text(i, study->fac_status) : std::string()))
                rows.push_back(static_cast<uint32_t>(i));
        std::vector<double> minutes = project.travel.circles_min;
        std::sort(minutes.begin(), minutes.end());
        std::vector<net::Endpoint> src;
        for (uint32_t f : rows) src.push_back(travel.endpoint(travel.facility_snaps()[f]));
        net::ServiceAreaOptions so;
        so.buffer_m = project.output.buffer_m;
        progress.begin("service areas for " + std::to_string(rows.size()) + " facilities x " + std::to_string(minutes.size()) + " thresholds");
        // polys[m][i]: facility i, threshold m (a band when --bands)
        std::vector<std::vector<geo::GeomPtr>> polys(minutes.size());
        if (bands_) {
            std::vector<double> cut;
            for (double m : minutes) cut.push_back(m * 60);
            for (auto& v : polys) v.resize(rows.size());
            std::vector<net::SearchWorkspace> ws(base::worker_count());
            base::parallel_for(rows.size(), 2, [&](size_t b, size_t e, unsigned w) {
                for (size_t i = b; i < e; ++i) {
                    auto bands = net::service_area_bands(network->graph, net::Cost::time, src[i], cut, so, ws[w]);
                    for (size_t m = 0; m < minutes.size(); ++m) polys[m][i] = std::move(bands[m]);
                }
            });
        } else {
            for (size_t m = 0; m < minutes.size(); ++m)
                polys[m] = net::service_area_polygons(network->graph, net::Cost::time, src, minutes[m] * 60, so);
        }
        progress.end();
        progress.begin("writing " + out_);
        cov::OutputCrs crs(project.output.crs, study->metric_epsg);
        geo::VectorOutput out(out_);
        OGRLayer* layer = out.create_layer("service_areas", wkbMultiPolygon, crs.epsg());
        for (const char* n : {"facility_id", "type", "town", "status"}) geo::add_field(layer, n, OFTString);
        geo::add_field(layer, "from_min", OFTReal);
        geo::add_field(layer, "minutes", OFTReal);
        geo::add_field(layer, "area_m2", OFTReal);
        geo::add_field(layer, "facilities", OFTInteger);
        geo::start_transaction(layer);
        auto town_of = [&](uint32_t f) { return study->fac_town[f].town >= 0 ? study->town_set->id(study->fac_town[f].town) : std::string(); };
        for (size_t m = 0; m < minutes.size(); ++m) {
            const double from = bands_ && m > 0 ? minutes[m - 1] : 0.0;
            auto emit = [&](const std::string& id, const std::string& type, const std::string& town, const std::string& status,
                            const GEOSGeometry* g, int count) {
                OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
                if (!id.empty()) f->SetField("facility_id", id.c_str());
                if (!type.empty()) f->SetField("type", type.c_str());
                if (!town.empty()) f->SetField("town", town.c_str());
                if (!status.empty()) f->SetField("status", status.c_str());
                f->SetField("from_min", from);
                f->SetField("minutes", minutes[m]);
                f->SetField("area_m2", std::round((g ? geo::area(g) : 0.0) * 10) / 10);
                f->SetField("facilities", count);
                cov::write_feature(layer, f, g && GEOSisEmpty_r(geo::geos(), g) != 1 ? g : nullptr, crs);
                OGRFeature::DestroyFeature(f);
            };
            if (dissolve_ == "none") {
                for (size_t i = 0; i < rows.size(); ++i) {
                    uint32_t fr = rows[i];
                    std::string id = study->facility_id(fr);
                    emit(id, study->fac_type_value[fr], town_of(fr), travel.facility_status()[fr], polys[m][i].get(), 1);
                }
            } else {
                std::map<std::string, std::vector<const GEOSGeometry*>> groups;
                for (size_t i = 0; i < rows.size(); ++i)
                    groups[dissolve_ == "type" ? study->fac_type_value[rows[i]] : town_of(rows[i])].push_back(polys[m][i].get());
                for (const auto& [key, parts] : groups) {
                    geo::GeomPtr u = union_all(parts);
                    emit("", dissolve_ == "type" ? key : "", dissolve_ == "town" ? key : "", "", u.get(), static_cast<int>(parts.size()));
                }
            }
        }
        geo::commit_transaction(layer);
        out.commit();
        progress.end();
        print_report(study->report, flags_.verbose, flags_.quiet);
        std::printf("network: %zu nodes, %zu links, %zu components\n", network->graph.node_count(), network->graph.link_count(),
                    network->graph.component_count());
        std::printf("written: %s (layer service_areas, %zu facilities, thresholds", out_.c_str(), rows.size());
        for (double m : minutes) std::printf(" %g", m);
        std::printf(" min%s)\n", bands_ ? ", as bands" : "");
        return ok;
    }

private:
    StudyFlags flags_;
    std::string out_, dissolve_ = "none", scenario_;
    bool bands_ = false;
    double buffer_m_ = 0;
};

}  // namespace

std::unique_ptr<Command> make_isochrones_command() { return std::make_unique<IsochronesCommand>(); }

}  // namespace lc::cli
