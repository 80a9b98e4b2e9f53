// lifecircle analyze: coverage per household, town indicators against the plan's targets.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/command.hpp"
#include "base/error.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "coverage/analysis/analysis.hpp"
#include "coverage/report/outputs.hpp"
#include "geo/message_text.hpp"

namespace lc::cli {
namespace {

class AnalyzeCommand : public Command {
public:
    const char* name() const override { return "analyze"; }
    const char* description() const override {
        return "Coverage of every household (nearest facility, 5/10/15-minute circles over the walking network or in a "
               "straight line), every town's indicators against the targets file, and the gaps. Writes coverage.gpkg, "
               "compliance.csv/json/xlsx, equity.csv, report.md, report.html and run.json into --out; with a facility "
               "capacity (--capacity-field) or an accessibility method (--access) also service.csv: households within reach, served "
               "and accessibility per town; with [units] (villages / communities) units.csv and units_compliance.csv, with [housing] "
               "(new developments) housing.csv.";
    }
    void setup(CLI::App& app) override {
        flags_.add_to(app);
        flags_.add_service_flags(app);
        app.add_option("-o,--out", out_, "Output folder")->required();
        app.add_option("--scenario", scenario_, "Facility set: existing (default) or a plan year (e.g. 2025: adds planned_YYYY <= 2025); "
                                                 "with a year, scenario_comparison.csv compares it with existing");
        app.add_option("--year", year_, "Target year of the targets file (default: the project's or the file's default)")->check(number_in(1900, 2200));
        app.add_option("--targets", targets_, "Targets file (TOML), overrides [targets] path");
        app.add_option("--service-areas", service_areas_, "Service-area polygons in coverage.gpkg: auto (default: only up to 500 main "
                                                           "facilities; use 'lifecircle isochrones' for more), yes, or no")
            ->check(CLI::IsMember({"auto", "yes", "no"}));
        app.add_option("--nearest-cutoff", nearest_cutoff_, "Report the nearest facility up to this many minutes (default 60)")->check(number_in(0.01, 24 * 60));
        app.add_option("--format", format_, "Vector output: gpkg (default: coverage.gpkg only) or shp (also Shapefiles in OUT/shp/: "
                                       "10-character field names explained in <layer>.fields.csv, .qml and .sld styles)")
            ->check(CLI::IsMember({"gpkg", "shp"}));
        app.add_option("--shapefile-encoding", shapefile_encoding_, "Text encoding of the Shapefiles' DBF with --format shp: UTF-8 (default: "
                                                                    "[output] shapefile_encoding) or CP936 (GBK, for older Chinese GIS "
                                                                    "software); the .cpg names it")
            ->check([](const std::string& v) {
                return cov::normalise_shapefile_encoding(v).empty() ? "must be UTF-8 or CP936 (GBK), got '" + v + "'" : std::string();
            });
        app.add_option("--output-crs", output_crs_, "CRS of the GIS outputs: metric, WGS84, GCJ02, BD09 or EPSG:nnnn (default: [output] crs; GCJ02/BD09 "
                                                    "layers carry a CRS named so, never EPSG:4326); "
                                                    "report.html is always drawn in the metric CRS");
    }
    int run() override {
        Progress progress(flags_.quiet);
        cov::Project project = flags_.load();
        if (!targets_.empty()) project.targets.path = std::filesystem::absolute(targets_).string();
        if (year_) project.targets.year = year_;
        if (!format_.empty()) project.output.format = format_;
        if (!shapefile_encoding_.empty()) project.output.shapefile_encoding = cov::normalise_shapefile_encoding(shapefile_encoding_);
        if (!output_crs_.empty()) project.output.crs = output_crs_;
        if (!service_areas_.empty()) project.output.service_areas = service_areas_;
        cov::OutputCrs check_crs(project.output.crs, 4326);  // a bad CRS fails now, not after the analysis
        LoadCounts counts;
        auto [study, network] = load_with_progress(project, progress, counts);
        cov::require_analysis_layers(*study);
        if (!study->facilities || !study->demand) {
            print_report(study->report, flags_.verbose, flags_.quiet);
            return cannot_run;
        }
        std::string loaded = std::to_string(study->town_set->size()) + tr(" towns, ", " 个镇街，") + std::to_string(study->facilities->size()) +
                             tr(" facilities, ", " 个设施，") + std::to_string(study->demand->size()) + tr(" demand rows", " 个需求点");
        if (network)
            loaded += tr("; ", "；") + std::to_string(network->graph.node_count()) + tr(" nodes, ", " 个节点，") +
                      std::to_string(network->graph.link_count()) + tr(" links, ", " 条路段，") +
                      std::to_string(network->graph.component_count()) + tr(" components (largest ", " 个连通分量（最大 ") +
                      std::to_string(network->graph.component_nodes.empty() ? 0u : network->graph.component_nodes[0]) + tr(" nodes)", " 个节点）");
        progress.end(loaded);
        // The inputs are checksummed for run.json on the idle core meanwhile (snapping and the
        // searches leave it idle much of the time; the output writers keep both busy).
        const std::vector<std::string> inputs{project.file, project.towns.src.path, project.facilities.src.path, project.demand.src.path,
                                              project.network.src.path, project.stats.path, project.targets.path};
        const std::shared_future<std::map<std::string, std::string>> input_hashes = cov::start_hashing_inputs(inputs);
        progress.begin(network ? tr("snapping points to the network", "将点吸附到路网") : tr("straight-line mode (no network)", "直线距离模式（无路网）"));
        cov::TravelModel travel(*study, network.get(), study->report);
        const std::optional<cov::TargetsFile> targets = cov::load_study_targets(*study);
        progress.end();
        if (study->report.has_errors()) {
            print_report(study->report, flags_.verbose, flags_.quiet);
            print_error("the inputs have errors (see above); nothing was written");
            return cannot_run;
        }
        base::Counter searches;
        travel.count_searches(&searches);
        progress.begin(tr("computing coverage and indicators", "计算覆盖率和指标"), {{tr("searches", "搜索"), &searches}});
        cov::AnalysisOptions opts;
        opts.scenario = cov::Scenario::parse(scenario_);
        if (targets) opts.targets = &*targets;
        opts.nearest_cutoff_min = nearest_cutoff_;
        cov::AnalysisResult result = cov::analyze(*study, travel, opts);
        std::unique_ptr<cov::AnalysisResult> baseline;
        if (opts.scenario.year > 0) {
            cov::AnalysisOptions base = opts;
            base.scenario = cov::Scenario{};
            baseline = std::make_unique<cov::AnalysisResult>(cov::analyze(*study, travel, base));
        }
        progress.end();
        cov::resolve_service_areas(*study, result);
        base::Counter rows;
        progress.begin(tr("writing outputs", "写出结果"), {{tr("rows", "行"), &rows}});
        cov::RunInfo run;
        run.rows_written = &rows;
        run.command = "analyze";
        run.argv = g_argv;
        run.travel = travel.describe();
        run.inputs = inputs;
        run.input_hashes = input_hashes;
        study->report.append(cov::write_analysis_outputs(out_, *study, travel, result, run, baseline.get()));
        progress.end();
        print_report(study->report, flags_.verbose, flags_.quiet);
        if (const std::string w = check_crs.warning(); !w.empty())
            std::cerr << tr("warning: ", "警告：") << geo::message_text(cov::OutputCrs::kWarningCode, w, in_zh() ? "zh" : "en") << "\n";
        double hh = 0, cov_main = 0;
        for (size_t t = 0; t < result.town_households.size(); ++t) {
            hh += result.town_households[t];
            if (!result.town_covered.empty()) cov_main += result.town_covered.back()[t];
        }
        LC_PRINTF("%s: %zu towns, %.0f households, %.1f%% within %.0f min (%s)\n", "%s：%zu 个镇街，%.0f 户，%.1f%% 在 %.0f 分钟内（%s）\n",
                  project.name.c_str(), result.town_households.size(), hh, hh > 0 ? 100 * cov_main / hh : 0.0,
                  result.circles_min.empty() ? 0.0 : result.circles_min.back(), travel.describe(in_zh() ? "zh" : "en").c_str());
        if (result.targets) {
            size_t missed = 0, met = 0;
            for (const auto& ev : result.evals)
                for (const auto& e : ev) missed += e.status == cov::Status::missed, met += e.status == cov::Status::met;
            LC_PRINTF("indicators: %zu town-indicator pairs met, %zu missed (year %d)\n", "指标：%zu 个镇街-指标达标，%zu 个未达标（%d 年）\n",
                      met, missed, result.year);
        }
        LC_PRINTF("outputs in %s: coverage.gpkg coverage.qgz compliance.csv compliance.json compliance.xlsx report.md report.html run.json equity.csv%s%s%s%s\n",
                  "结果在 %s：coverage.gpkg coverage.qgz compliance.csv compliance.json compliance.xlsx report.md report.html run.json equity.csv%s%s%s%s\n", out_.c_str(),
                  result.has_capacity || !result.access_score.empty() ? " service.csv" : "", baseline ? " scenario_comparison.csv" : "",
                  (std::string(study->has_units() ? (result.targets ? " units.csv units_compliance.csv" : " units.csv") : "") +
                   (std::any_of(result.housing.begin(), result.housing.end(), [](const auto& h) { return !h.empty(); }) ? " housing.csv" : ""))
                      .c_str(),
                  project.output.format == "shp" ? " shp/" : "");
        return ok;
    }
private:
    StudyFlags flags_;
    std::string out_, scenario_, targets_, service_areas_;
    std::string format_, output_crs_, shapefile_encoding_;
    int year_ = 0;
    double nearest_cutoff_ = 60;
};

}  // namespace

std::unique_ptr<Command> make_analyze_command() { return std::make_unique<AnalyzeCommand>(); }

}  // namespace lc::cli
