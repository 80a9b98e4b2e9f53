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

#include <atomic>
#include "coverage/study/travel.hpp"
#include "coverage/analysis/isochrones.hpp"
#include "coverage/report/isochrone_layer.hpp"
#include "base/parallel.hpp"
#include "network/service_area.hpp"

namespace lc::cli {
namespace {

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
        base::Counter road_lines, graph_links;
        progress.begin(tr("building the road network", "构建路网"), {{tr("road lines", "道路"), &road_lines}, {tr("graph links", "路段"), &graph_links}});
        auto network = cov::load_network(project, study->metric_epsg, study->report, {nullptr, &road_lines, &graph_links});
        progress.end(std::to_string(network->graph.node_count()) + tr(" nodes, ", " 个节点，") + std::to_string(network->graph.link_count()) +
                     tr(" links", " 条路段"));
        cov::TravelModel travel(*study, network.get(), study->report);
        cov::IsochroneRequest req;
        req.rows = cov::scenario_main_facilities(*study, cov::Scenario::parse(scenario_));
        req.minutes = project.travel.circles_min;
        std::sort(req.minutes.begin(), req.minutes.end());
        req.bands = bands_;
        req.buffer_m = project.output.buffer_m;
        const auto& rows = req.rows;
        const auto& minutes = req.minutes;
        base::Counter drawn;
        drawn.expect(rows.size() * minutes.size());
        req.done = &drawn.done;
        progress.begin(in_zh() ? std::to_string(rows.size()) + " 个设施 × " + std::to_string(minutes.size()) + " 个时间阈值的服务区"
                               : "service areas for " + std::to_string(rows.size()) + " facilities x " + std::to_string(minutes.size()) + " thresholds",
                       {{tr("polygons", "多边形"), &drawn}});
        const cov::Isochrones iso = cov::compute_isochrones(*study, *network, travel, req);
        progress.end();
        progress.begin(tr("writing ", "写出 ") + out_);
        cov::write_isochrone_layer(out_, *study, travel, req, iso, dissolve_);
        progress.end();
        print_report(study->report, flags_.verbose, flags_.quiet);
        LC_PRINTF("network: %zu nodes, %zu links, %zu components\n", "路网：%zu 个节点，%zu 条路段，%zu 个连通分量\n", network->graph.node_count(),
                  network->graph.link_count(), network->graph.component_count());
        LC_PRINTF("written: %s (layer service_areas, %zu facilities, thresholds", "已写出：%s（图层 service_areas，%zu 个设施，时间阈值", out_.c_str(), rows.size());
        for (double m : minutes) std::printf(" %g", m);
        std::printf("%s%s\n", tr(" min", " 分钟"), bands_ ? tr(", as bands)", "，分环）") : tr(")", "）"));
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
