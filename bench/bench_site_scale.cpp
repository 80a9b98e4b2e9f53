// Siting at scale through the library, on the generated Dongguan data: 20,000 candidate sites,
// 300,000 demand points, K = 100 (maximal covering, greedy and greedy+swap), each part timed,
// plus the service-area share of `analyze` (the per-facility polygons it writes).
//
//   bench_site_scale [DIR=/tmp/lc-bench] [--k 100] [--analyze-areas]
//
// --analyze-areas also times, on the same study, what `analyze` spends on service_areas: one
// polygon per main facility for each circle (5, 10, 15 min), as coverage/outputs.cpp does.
#include <cstdio>
#include <cstring>
#include <string>

#include "bench/bench_common.hpp"
#include "base/memory.hpp"
#include "coverage/study/travel.hpp"
#include "coverage/analysis/analysis.hpp"
#include "coverage/study/project.hpp"
#include "coverage/analysis/site_study.hpp"
#include "coverage/siting/siting.hpp"
#include "coverage/study/study.hpp"
#include "geo/layer.hpp"
#include "network/service_area.hpp"

using namespace lc;
using bench::now_s;

int main(int argc, char** argv) {
    lc::base::tune_memory(argv);
    std::string dir = "/tmp/lc-bench";
    uint32_t k = 100;
    bool analyze_areas = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--k" && i + 1 < argc) k = uint32_t(std::atoi(argv[++i]));
        else if (a == "--analyze-areas") analyze_areas = true;
        else if (a[0] != '-') dir = a;
        else {
            std::fprintf(stderr, "usage: bench_site_scale [DIR] [--k N] [--analyze-areas]\n");
            return 2;
        }
    }
    geo::init_gdal();
    struct Row {
        std::string stage;
        double s;
        std::string note;
        double cpu = -1;
    };
    std::vector<Row> rows;
    char buf[256];
    const double t_all = now_s();
    double t0 = now_s(), c0 = bench::cpu_s();
    auto cpu = [&] { return bench::cpu_s() - c0; };
    const cov::Project project = cov::load_project(dir + "/project.toml", {});
    auto study = cov::load_study(project);
    rows.push_back({"load_study (towns, facilities, 300k demand, town assignment)", now_s() - t0, "", cpu()});
    t0 = now_s(), c0 = bench::cpu_s();
    auto network = cov::load_network(project, study->metric_epsg, study->report);
    std::snprintf(buf, sizeof buf, "%zu nodes, %zu links", network->graph.node_count(), network->graph.link_count());
    rows.push_back({"load_network (read + build + snap index)", now_s() - t0, buf, cpu()});
    t0 = now_s(), c0 = bench::cpu_s();
    cov::TravelModel travel(*study, network.get(), study->report);
    rows.push_back({"TravelModel (snap facilities + demand)", now_s() - t0, "", cpu()});

    cov::SiteRequest req;
    req.facility_types = project.travel.main_types;
    req.minutes = 15;
    req.candidates_path = project.demand.src.path;  // the generated GeoPackage
    req.candidates_layer = "candidates";
    req.candidates_id = "id";
    t0 = now_s(), c0 = bench::cpu_s();
    cov::SiteStudy ss = cov::build_site_study(*study, travel, req, cov::Scenario{});
    const double t_study = now_s() - t0, c_study = cpu();
    std::snprintf(buf, sizeof buf, "%u candidates, %u demand, %zu coverage pairs (%.0f per candidate)", ss.problem.candidate_count,
                  ss.problem.demand_count, ss.problem.cover_demand.size(),
                  double(ss.problem.cover_demand.size()) / std::max(1u, ss.problem.candidate_count));
    rows.push_back({"build_site_study (read candidates, existing coverage, coverage sets)", t_study, buf, c_study});
    // The coverage sets alone (the bounded searches), again on the same candidates.
    t0 = now_s(), c0 = bench::cpu_s();
    auto reach = travel.reach_from_points(ss.candidates.xy, req.minutes * 60);
    const double t_reach = now_s() - t0, c_reach = cpu();
    size_t pairs = 0;
    for (const auto& r : reach) pairs += r.size();
    reach.clear();
    reach.shrink_to_fit();
    std::snprintf(buf, sizeof buf, "%zu pairs (repeat of the step inside build_site_study)", pairs);
    rows.push_back({"  of which reach_from_points (20k bounded searches)", t_reach, buf, c_reach});

    cov::SitingOptions opt;
    opt.k = k;
    opt.swap = false;
    t0 = now_s(), c0 = bench::cpu_s();
    cov::SitingResult g = cov::solve_mclp(ss.problem, opt);
    const double c_g = cpu();
    std::snprintf(buf, sizeof buf, "objective %.0f households, covered share %.4f -> %.4f", g.objective,
                  g.total_weight > 0 ? g.before_weight / g.total_weight : 0.0, g.covered_share.empty() ? 0.0 : g.covered_share.back());
    rows.push_back({"solve_mclp greedy (K=" + std::to_string(k) + ")", g.seconds, buf, c_g});
    opt.swap = true;
    t0 = now_s(), c0 = bench::cpu_s();
    cov::SitingResult h = cov::solve_mclp(ss.problem, opt);
    const double c_h = cpu();
    std::snprintf(buf, sizeof buf, "objective %.0f (+%.2f %% over greedy), %u swaps, swap limit %.0f s", h.objective,
                  g.objective > 0 ? 100 * (h.objective / g.objective - 1) : 0.0, h.swaps, opt.swap_time_limit_s);
    rows.push_back({"solve_mclp greedy+swap (K=" + std::to_string(k) + ", default options)", h.seconds, buf, c_h});
    const double total = now_s() - t_all - g.seconds - t_reach;  // the pipeline once: load, build, greedy+swap
    const double peak_site = bench::peak_rss_mib();

    if (analyze_areas) {
        cov::AnalysisResult r = cov::analyze(*study, travel, cov::AnalysisOptions{});
        std::vector<net::Endpoint> src;
        for (uint32_t f : r.main_rows) src.push_back(travel.endpoint(travel.facility_snaps()[f]));
        net::ServiceAreaOptions so;
        so.buffer_m = project.output.buffer_m;
        for (double m : r.circles_min) {
            t0 = now_s(), c0 = bench::cpu_s();
            auto polys = net::service_area_polygons(network->graph, net::Cost::time, src, m * 60, so);
            std::snprintf(buf, sizeof buf, "%zu main facilities (as analyze writes them)", src.size());
            rows.push_back({"analyze's service_areas, " + std::to_string(int(m)) + " min", now_s() - t0, buf, cpu()});
        }
    }

    std::printf("\n| stage | wall s | CPU s (all threads) | notes |\n|---|---|---|---|\n");
    for (const auto& r : rows) std::printf("| %s | %.2f | %.2f | %s |\n", r.stage.c_str(), r.s, r.cpu, r.note.c_str());
    std::printf("| **siting total** (load + build + coverage sets + greedy+swap; target < 60 s) | %.2f | | %s |\n", total,
                bench::verdict(total, 60));
    std::printf("| **siting peak RSS** (target < 4 GB) | %.0f MiB | | %s |\n", peak_site, bench::verdict(peak_site, 4096));
    return 0;
}
