// lifecircle validate: reads every layer of a study and says plainly what is wrong with it.
#include <cstdio>
#include <iostream>
#include <optional>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "coverage/study/travel.hpp"
#include "coverage/report/outputs.hpp"
#include "coverage/analysis/analysis.hpp"
#include "coverage/study/study.hpp"
#include "geo/message_text.hpp"
#include "network/snap.hpp"

namespace lc::cli {
namespace {

// The listing follows the run's language (LC_PRINTF, tr); file, layer, field and CRS names and
// the numbers stay as they are.
std::string km2(double m2) {
    char buf[64];
    if (in_zh()) std::snprintf(buf, sizeof buf, "%.2f 平方公里", m2 / 1e6);
    else std::snprintf(buf, sizeof buf, "%.2f km2", m2 / 1e6);
    return buf;
}
std::string ha(double m2) {
    char buf[64];
    if (in_zh()) std::snprintf(buf, sizeof buf, "%.1f 公顷", m2 / 1e4);
    else std::snprintf(buf, sizeof buf, "%.1f ha", m2 / 1e4);
    return buf;
}
const char* list_sep() { return tr(", ", "、"); }

void print_layer(const char* role_en, const char* role_zh, const geo::Layer& l, int metric_epsg) {
    LC_PRINTF("%s: %s [%s]\n", "%s：%s [%s]\n", tr(role_en, role_zh), l.file.c_str(), l.name.c_str());
    std::string types;
    for (const auto& t : l.geometry_types) types += (types.empty() ? "" : list_sep()) + t;
    LC_PRINTF("  features read %zu, usable %zu, skipped %zu; geometry %s\n", "  读取要素 %zu 个，可用 %zu 个，跳过 %zu 个；几何类型 %s\n",
              l.features_read, l.size(), l.skipped.size(), types.c_str());
    size_t repaired = 0;
    for (auto r : l.repaired) repaired += r;
    if (repaired) LC_PRINTF("  repaired geometries: %zu\n", "  已修复的几何：%zu 个\n", repaired);
    const std::string crs = geo::message_text("phrase", l.crs_description, in_zh() ? "zh" : "en");  // "GCJ02 (...)" has a text
    LC_PRINTF("  source CRS: %s\n  metric CRS: EPSG:%d\n", "  源坐标系：%s\n  米制坐标系：EPSG:%d\n", crs.c_str(), metric_epsg);
    LC_PRINTF("  extent (metric): x %.1f .. %.1f, y %.1f .. %.1f\n", "  范围（米制）：x %.1f .. %.1f，y %.1f .. %.1f\n", l.min_x, l.max_x, l.min_y,
              l.max_y);
}

class ValidateCommand : public Command {
public:
    const char* name() const override { return "validate"; }
    const char* description() const override {
        return "Check a study's layers: features, geometry types, CRS, repairs, missing fields, points outside towns, "
               "town overlaps and gaps, the statistics table, the targets file against the data, the road network and snapping (the "
               "same loading as analyze). Exit 0 when the study can run (possibly with warnings), 2 when it cannot.";
    }
    void setup(CLI::App& app) override {
        flags_.add_to(app);
        flags_.add_service_flags(app);
    }
    int run() override {
        cov::Project project = flags_.load();
        cov::OutputCrs check_crs(project.output.crs, 4326);  // as analyze: a bad output CRS fails before reading
        // The same loading as analyze (layers, statistics, targets checked against them, road
        // network, snapping), so that "ok" here means analyze runs.
        auto [study, network] = cov::load_study_and_network(project);
        std::optional<cov::TravelModel> travel;
        if (study->facilities || study->demand) travel.emplace(*study, network.get(), study->report);
        const std::optional<cov::TargetsFile> targets = cov::load_study_targets(*study);
        // With a project file, "ok" means analyze runs, and analyze needs both point layers.
        // Layers given only on the command line (validate --towns FILE) are checked as they are.
        if (!project.file.empty()) cov::require_analysis_layers(*study);
        const auto& s = *study;
        print_layer("towns", "镇街", *s.towns, s.metric_epsg);
        auto pc = geo::check_partition(*s.town_set);
        LC_PRINTF("  towns: %zu, total area %s (union %s)\n", "  镇街：%zu 个，总面积 %s（合并后 %s）\n", s.town_set->size(),
                  km2(pc.sum_area_m2).c_str(), km2(pc.union_area_m2).c_str());
        if (flags_.verbose)
            for (size_t t = 0; t < s.town_set->size(); ++t)
                LC_PRINTF("  town %s %s: %s\n", "  镇街 %s %s：%s\n", s.town_set->id(t).c_str(), s.town_set->name(t).c_str(),
                          km2(s.town_set->area_m2(t)).c_str());
        if (pc.overlaps.empty()) std::printf("%s", tr("  overlaps between towns: none\n", "  镇街之间的重叠：无\n"));
        for (const auto& o : pc.overlaps)
            LC_PRINTF("  overlap: %s %s / %s %s: %s\n", "  重叠：%s %s / %s %s：%s\n", s.town_set->id(o.a).c_str(), s.town_set->name(o.a).c_str(),
                      s.town_set->id(o.b).c_str(), s.town_set->name(o.b).c_str(), ha(o.area_m2).c_str());
        LC_PRINTF("  gaps inside the outline (covered by no town): %zu, %s in total\n", "  外轮廓内的空隙（不属于任何镇街）：%zu 处，共 %s\n",
                  pc.gaps.size(), km2(pc.gaps_area_m2).c_str());
        for (const auto& g : pc.gaps) {
            if (g.area_m2 < 1e4 && !flags_.verbose) continue;  // slivers under 1 ha: only with --verbose
            std::string around;
            for (int t : g.bordering) around += (around.empty() ? "" : list_sep()) + s.town_set->name(t);
            LC_PRINTF("  gap: %s near (%.0f, %.0f), bordered by %s\n", "  空隙：%s，在 (%.0f, %.0f) 附近，相邻镇街 %s\n", km2(g.area_m2).c_str(),
                      g.inside.x, g.inside.y, around.c_str());
        }
        if (!s.stats.file.empty())
            LC_PRINTF("stats: %s (%zu columns)\n", "统计表：%s（%zu 列）\n", s.stats.file.c_str(), s.stats.columns.size());
        if (s.facilities) {
            print_layer("facilities", "设施", *s.facilities, s.metric_epsg);
            std::map<std::string, size_t> by_type;
            for (const auto& t : s.fac_type_value) ++by_type[t.empty() ? tr("(no type)", "（无类型）") : t];
            for (const auto& [t, n] : by_type) LC_PRINTF("  type %s: %zu\n", "  类型 %s：%zu 个\n", t.c_str(), n);
        }
        if (s.demand) {
            print_layer("demand", "需求", *s.demand, s.metric_epsg);
            double total = 0;
            for (double w : s.dem_weight_value) total += w;
            LC_PRINTF("  total weight (households): %.0f\n", "  总权重（户数）：%.0f\n", total);
        }
        if (network) {
            const net::Graph& g = network->graph;
            LC_PRINTF("network: %s [%s]\n  nodes %zu, links %zu, components %zu (largest %u nodes)\n",
                      "路网：%s [%s]\n  节点 %zu 个，路段 %zu 条，连通分量 %zu 个（最大的 %u 个节点）\n", network->lines.file.c_str(),
                      network->lines.layer.c_str(), g.node_count(), g.link_count(), g.component_count(),
                      g.component_nodes.empty() ? 0u : g.component_nodes[0]);
            if (travel && s.demand && !travel->demand_snaps().empty()) {
                double beyond = 0, total = 0, off = 0;
                const auto& snaps = travel->demand_snaps();
                for (size_t i = 0; i < snaps.size(); ++i) {
                    total += s.dem_weight_value[i];
                    if (snaps[i].status == net::SnapStatus::off_network) off += s.dem_weight_value[i];
                    else if (snaps[i].dist_m > project.network.snap_m) beyond += s.dem_weight_value[i];
                }
                if (total > 0)
                    LC_PRINTF("  demand weight snapped beyond %.0f m: %.1f%%; off the network (beyond %.0f m): %.1f%%\n",
                              "  吸附距离超过 %.0f 米的需求权重：%.1f%%；不在路网上（超过 %.0f 米）：%.1f%%\n", project.network.snap_m,
                              100 * beyond / total, project.network.snap_far_m, 100 * off / total);
            }
        } else {
            LC_PRINTF("travel: straight line x %.2f (no road network)\n", "出行：直线距离 × %.2f（无路网）\n", project.travel.detour_factor);
        }
        if (targets) LC_PRINTF("targets: %s (%zu indicators)\n", "目标文件：%s（%zu 个指标）\n", targets->file.c_str(), targets->indicators.size());
        print_report(s.report, flags_.verbose, flags_.quiet);
        size_t errors = s.report.count(geo::Level::error), warnings = s.report.count(geo::Level::warning);
        LC_PRINTF("%s: %zu errors, %zu warnings\n", "%s：%zu 个错误，%zu 个警告\n", errors ? tr("cannot run", "不能运行") : tr("ok", "可以运行"),
                  errors, warnings);
        return errors ? cannot_run : ok;
    }

private:
    StudyFlags flags_;
};

}  // namespace

std::unique_ptr<Command> make_validate_command() { return std::make_unique<ValidateCommand>(); }

}  // namespace lc::cli
