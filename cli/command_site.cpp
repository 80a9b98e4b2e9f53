// lifecircle site: where should the next facilities go (location-allocation).
#include <future>
#include <map>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/command.hpp"
#include "base/error.hpp"
#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "coverage/report/report_html.hpp"
#include "coverage/analysis/town_targets.hpp"
#include "coverage/report/site_outputs.hpp"
#include "coverage/siting/solve.hpp"

namespace lc::cli {
namespace {

class SiteCommand : public Command {
public:
    const char* name() const override { return "site"; }
    const char* description() const override {
        return "Choose new facility sites. Problems: maximal covering (--add K), fewest sites to reach a share of every "
               "town's coverable households (--target-share X), p-median (--problem pmedian: shortest total walk), p-center (--problem pcenter: shortest longest walk), with per-town limits and "
               "capacities. Existing facilities of the type count as already covering. Writes sites.gpkg (sites, "
               "service_areas, uncovered), sites.csv, marginal_curve.csv, towns_before_after.csv, report.html and run.json.";
    }
    void setup(CLI::App& app) override {
        flags_.add_to(app);
        app.add_option("-o,--out", out_, "Output folder")->required();
        app.add_option("--candidates", req_.candidates_path, "Candidate sites layer (points or parcels; every field is kept)");
        app.add_option("--candidates-layer", req_.candidates_layer, "Layer name inside the candidates source");
        app.add_option("--candidates-crs", req_.candidates_crs, "CRS of the candidates when the file has none");
        app.add_option("--candidates-id", req_.candidates_id, "Id field of the candidates");
        app.add_option("--generate", req_.generate, "Without --candidates: grid (network nodes on a grid over uncovered areas) or demand")
            ->check(CLI::IsMember({"grid", "demand"}));
        app.add_option("--grid-m", req_.grid_m, "Grid spacing of generated candidates in metres (default 200)")->check(number_in(1, 100000));
        app.add_option("--add", k_, "Number of new sites (maximal covering / p-median)")->check(number_in(1, 1000000));
        app.add_option("--target-share", target_share_, "Set cover: fewest sites so every town reaches this share of its coverable households")->check(number_in(1e-9, 1));
        app.add_option("--town-targets", town_targets_, "Set cover: CSV of town_id,target_share giving towns their own share "
                                                         "(towns not listed use --target-share)");
        app.add_option("--per-town-min", per_town_min_, "At least this many new sites in every town")->check(number_in(0, 1000000));
        app.add_option("--per-town-max", per_town_max_, "At most this many new sites in any town")->check(number_in(0, 1000000));
        app.add_option("--capacity-field", req_.capacity_field, "Candidate field: households a site can serve");
        app.add_option("--capacity-area-field", req_.capacity_area_field, "Candidate field: floor area (m2), turned into capacity with --capacity-standard");
        app.add_option("--capacity-standard", req_.capacity_m2_per_100_households, "m2 per 100 households (e.g. 20) for --capacity-area-field")->check(number_in(1e-6, 1e6));
        app.add_option("--capacity", req_.uniform_capacity, "Households every candidate can serve")->check(number_in(1e-9, 1e12));
        app.add_option("--problem", problem_, "mclp (default with --add), lscp (default with --target-share), pmedian (least total walk of "
                                           "the uncovered) or pcenter (shortest longest walk of the uncovered)")
            ->check(CLI::IsMember({"mclp", "lscp", "pmedian", "pcenter"}));
        app.add_option("--solver", solver_, "greedy (greedy + swap local search, default) or exact (COIN-OR CBC)")
            ->check(CLI::IsMember({"greedy", "exact"}));
        app.add_option("--time-limit", time_limit_, "Time limit for the exact solver in seconds (default 60)")->check(number_in(0.01, 86400 * 7));
        app.add_option("--scenario", scenario_, "Facility set that already exists: existing (default) or a plan year");
    }
    int run() override {
        Progress progress(flags_.quiet);
        cov::Project project = flags_.load();
        LoadCounts counts;
        auto [study, network] = load_with_progress(project, progress, counts);
        if (!study->demand) throw base::UserError("site needs a demand layer");
        progress.end(network ? std::to_string(network->graph.node_count()) + tr(" nodes", " 个节点") : std::string());
        cov::TravelModel travel(*study, network.get(), study->report);
        req_.facility_types = project.travel.main_types;
        if (req_.facility_types.empty()) throw base::UserError("name the facility type with --facility-type (or [travel] main_types)");
        req_.minutes = project.travel.circles_min.empty() ? 15 : *std::max_element(project.travel.circles_min.begin(), project.travel.circles_min.end());
        if (problem_.empty()) problem_ = target_share_ > 0 || !town_targets_.empty() ? "lscp" : "mclp";
        if (per_town_max_ >= 0 && per_town_min_ > per_town_max_)
            throw base::UserError("--per-town-min " + std::to_string(per_town_min_) + " is more than --per-town-max " + std::to_string(per_town_max_));
        if (problem_ != "lscp" && k_ == 0) throw base::UserError("--add K is required for " + problem_);
        base::Counter searches;
        travel.count_searches(&searches);
        progress.begin(tr("candidates and their coverage sets", "候选点及其覆盖集"), {{tr("searches", "搜索"), &searches}});
        cov::SiteStudy ss = cov::build_site_study(*study, travel, req_, cov::Scenario::parse(scenario_));
        travel.count_searches(nullptr);
        progress.end(std::to_string(ss.problem.candidate_count) + tr(" candidates, ", " 个候选点，") + std::to_string(ss.problem.cover_demand.size()) +
                     tr(" pairs", " 个覆盖对"));
        if (study->report.has_errors()) {
            print_report(study->report, flags_.verbose, flags_.quiet);
            return cannot_run;
        }
        cov::SitingOptions opt;
        opt.k = static_cast<uint32_t>(k_);
        opt.target_share = target_share_ > 0 ? target_share_ : 1.0;
        opt.mip_time_limit_s = time_limit_;
        const uint32_t groups = ss.problem.group_count;
        if (per_town_min_ > 0) {
            opt.group_min_sites.assign(groups, static_cast<uint32_t>(per_town_min_));
            opt.group_min_sites[ss.outside_group] = 0;
        }
        if (!town_targets_.empty()) {
            if (problem_ != "lscp") throw base::UserError("--town-targets applies to set cover (--target-share / --problem lscp)");
            opt.group_target_share = cov::read_town_targets(town_targets_, *study->town_set, opt.target_share);
            opt.group_target_share.resize(groups, opt.target_share);  // the "outside every town" group keeps the default
        }
        if (per_town_max_ >= 0) opt.group_max_sites.assign(groups, static_cast<uint32_t>(per_town_max_));
        if (!flags_.quiet)
            LC_EPRINTF("siting %s (%s): %u candidates, %zu existing facilities, %zu households points, %.0f-minute circle\n",
                       "选址 %s（%s）：%u 个候选点，%zu 个现有设施，%zu 个住户点，%.0f 分钟圈\n", problem_.c_str(), solver_.c_str(),
                       ss.problem.candidate_count, ss.existing_rows.size(), study->demand->size(), req_.minutes);
        // The solver runs on one core: the inputs are checksummed for run.json on the other meanwhile.
        const std::vector<std::string> inputs{project.file, project.towns.src.path, project.facilities.src.path, project.demand.src.path,
                                              project.network.src.path, req_.candidates_path};
        std::shared_future<std::map<std::string, std::string>> input_hashes = cov::start_hashing_inputs(inputs);
        base::Counter steps;
        opt.progress = &steps;
        progress.begin(tr("solving", "求解"), {{tr("greedy picks and search iterations", "贪心选点和搜索迭代"), &steps}});
        const cov::SitingResult r = cov::solve(cov::parse_problem(problem_), cov::parse_solver(solver_), ss.problem, opt);
        progress.end(r.solver);
        progress.begin(tr("writing outputs", "写出结果"));
        cov::SiteRunInfo info;
        info.run.command = "site";
        info.run.argv = g_argv;
        info.run.travel = travel.describe();
        info.run.inputs = inputs;
        info.run.input_hashes = input_hashes;
        info.request = req_;
        info.problem = problem_;
        info.minutes = req_.minutes;
        cov::write_site_outputs(out_, *study, travel, ss, r, info);
        {
            // The report shows the study as it is (existing facilities) with the proposed sites on top.
            cov::AnalysisOptions ao;
            ao.scenario = cov::Scenario::parse(scenario_);
            cov::AnalysisResult base = cov::analyze(*study, travel, ao);
            cov::SiteReport sr;
            char buf[256];
            std::snprintf(buf, sizeof buf, "%s (%s): %zu sites, %.0f-minute circle", r.problem.c_str(), r.solver.c_str(), r.chosen.size(), req_.minutes);
            sr.title = buf;
            std::snprintf(buf, sizeof buf, "households covered %.0f -> %.0f of %.0f", r.before_weight, r.after_weight, r.total_weight);
            sr.notes = buf;
            if (std::isfinite(r.bound)) {
                std::snprintf(buf, sizeof buf, "; objective %.1f, bound %.1f, gap %.2f%%", r.objective, r.bound, 100 * r.gap);
                sr.notes += buf;
            }
            if (!r.message.empty()) sr.notes += "; " + r.message;
            for (size_t k = 0; k < r.chosen.size(); ++k) {
                uint32_t j = r.chosen[k];
                std::snprintf(buf, sizeof buf, "%s: +%.0f households", ss.candidates.label[j].c_str(), k < r.marginal.size() ? r.marginal[k] : 0.0);
                sr.sites.push_back({ss.candidates.xy[j], std::to_string(k + 1), buf});
            }
            sr.marginal.push_back({0, r.total_weight > 0 ? r.before_weight / r.total_weight : 0.0});
            for (size_t k = 0; k < r.covered_share.size(); ++k) sr.marginal.push_back({static_cast<int>(k + 1), r.covered_share[k]});
            cov::write_report_html(out_ + "/report.html", *study, travel, base, project.lang, &sr);
        }
        progress.end();
        print_report(study->report, flags_.verbose, flags_.quiet);
        LC_PRINTF("%s by %s: %zu sites chosen; households covered %.0f -> %.0f of %.0f (%.1f%% -> %.1f%%)\n",
                  "%s（%s）：选出 %zu 个站点；覆盖住户 %.0f -> %.0f，共 %.0f（%.1f%% -> %.1f%%）\n", r.problem.c_str(), r.solver.c_str(), r.chosen.size(),
                  r.before_weight, r.after_weight, r.total_weight, r.total_weight > 0 ? 100 * r.before_weight / r.total_weight : 0.0,
                  r.total_weight > 0 ? 100 * r.after_weight / r.total_weight : 0.0);
        if (std::isfinite(r.bound)) std::printf("objective %.2f, bound %.2f, gap %.4f%s\n", r.objective, r.bound, r.gap, r.proven_optimal ? " (proven optimal)" : "");
        if (ss.existing_capacity_used)
            std::printf("existing facilities: %.0f households within reach, %.0f served within their capacity (nearest first); "
                        "the rest counts as not yet covered\n", ss.existing_reached_weight, ss.existing_served_weight);
        if (r.problem == "pcenter")
            std::printf("longest walk, with the new sites, of the households no existing facility covers: %.1f min%s\n", r.objective / 60,
                        r.unreached_weight > 0 ? (" (" + std::to_string(static_cast<long long>(std::llround(r.unreached_weight))) + " households no new site reaches)").c_str() : "");
        std::printf("marginal curve (k: covered share):");
        for (size_t k = 0; k < r.covered_share.size(); ++k) {
            if (k >= 10 && k + 5 < r.covered_share.size()) {  // the middle of a long curve is in marginal_curve.csv
                if (k == 10) std::printf(" ...");
                continue;
            }
            std::printf(" %zu:%.3f", k + 1, r.covered_share[k]);
        }
        std::printf("\n");
        if (!r.message.empty()) std::printf("note: %s\n", r.message.c_str());
        LC_PRINTF("outputs in %s: sites.gpkg sites.csv marginal_curve.csv towns_before_after.csv report.html run.json\n",
                  "结果在 %s：sites.gpkg sites.csv marginal_curve.csv towns_before_after.csv report.html run.json\n", out_.c_str());
        return r.status == cov::SitingStatus::invalid ? error : ok;
    }

private:
    StudyFlags flags_;
    cov::SiteRequest req_;
    std::string out_, problem_, solver_ = "greedy", scenario_, town_targets_;
    int k_ = 0, per_town_min_ = 0, per_town_max_ = -1;
    double target_share_ = 0, time_limit_ = 60;
};

}  // namespace

std::unique_ptr<Command> make_site_command() { return std::make_unique<SiteCommand>(); }

}  // namespace lc::cli
