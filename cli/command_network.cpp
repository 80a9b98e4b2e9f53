// lifecircle network: the routable graph as GIS layers, so an analyst can check it in QGIS.
#include <cstdio>
#include <iostream>

#include "cli/command.hpp"
#include "base/error.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "coverage/study/travel.hpp"
#include "coverage/report/network_layers.hpp"
#include "coverage/report/outputs.hpp"

namespace lc::cli {
namespace {

class NetworkCommand : public Command {
public:
    const char* name() const override { return "network"; }
    const char* description() const override {
        return "Build the road graph and write it: layer 'links' (component, its size, length_m, time per direction, "
               "source feature), 'small_components' (links of components under min_component_nodes), and 'connectors' "
               "(the leg from every facility and demand point to its snapped position, with its status).";
    }
    void setup(CLI::App& app) override {
        flags_.add_to(app);
        app.add_option("-o,--out", out_, "Output GeoPackage")->required();
    }
    int run() override {
        cov::Project project = flags_.load();
        if (!project.has_network()) throw base::UserError("no network given ([network] path or --network)");
        Progress progress(flags_.quiet);
        cov::LoadOptions lo;
        base::Counter features, road_lines, graph_links;
        lo.progress.features = &features;
        progress.begin(tr("reading layers", "读取图层"), {{tr("features", "要素"), &features}});
        auto study = cov::load_study(project, lo);
        progress.end();
        progress.begin(tr("building the road network", "构建路网"), {{tr("road lines", "道路"), &road_lines}, {tr("graph links", "路段"), &graph_links}});
        auto network = cov::load_network(project, study->metric_epsg, study->report, {nullptr, &road_lines, &graph_links});
        progress.end();
        const net::Graph& g = network->graph;
        std::printf("network: %s [%s]\n  lines read %zu, used %zu, excluded by the '%s' profile %zu\n", network->lines.file.c_str(),
                    network->lines.layer.c_str(), network->lines.features_read, network->build.lines_used,
                    network->profile.name.c_str(), network->lines.excluded);
        std::printf("  nodes %zu, links %zu, components %zu (largest %u nodes)\n", g.node_count(), g.link_count(), g.component_count(),
                    g.component_nodes.empty() ? 0u : g.component_nodes[0]);
        size_t small = 0;
        for (uint32_t n : g.component_nodes) small += n < project.network.min_component_nodes;
        std::printf("  components under %u nodes: %zu\n", project.network.min_component_nodes, small);
        for (const auto& [cls, n] : network->lines.by_class) std::printf("  class %s: %zu lines\n", cls.c_str(), n);
        cov::TravelModel travel(*study, network.get(), study->report);

        progress.begin(tr("writing ", "写出 ") + out_);
        cov::write_network_layers(out_, *study, *network, travel);
        progress.end();
        print_report(study->report, flags_.verbose, flags_.quiet);
        LC_PRINTF("written: %s (layers links, small_components, connectors)\n", "已写出：%s（图层 links、small_components、connectors）\n", out_.c_str());
        return study->report.has_errors() ? cannot_run : ok;
    }

private:
    StudyFlags flags_;
    std::string out_;
};

}  // namespace

std::unique_ptr<Command> make_network_command() { return std::make_unique<NetworkCommand>(); }

}  // namespace lc::cli
