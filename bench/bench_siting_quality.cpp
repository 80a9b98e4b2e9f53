// Siting quality benchmark: CBC (exact, time-limited) vs greedy and greedy+swap on random MCLP
// instances, plus an optional scale run of the heuristic.
//
//   bench_siting_quality            quality tables (7 MCLP, 6 LSCP, 4 p-median, 4 p-center; CBC limit 60 s)
//   bench_siting_quality --mclp     only the MCLP table; --other only LSCP, p-median and p-center;
//                        --lscp | --pmedian | --pcenter  one table
//   bench_siting_quality --scale    heuristic at 20,000 candidates x 300,000 demand, K=100
#include "coverage/siting/siting.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

using namespace lc::cov;

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Demand in clusters (towns/estates) plus background, candidates anywhere in the unit square;
// a candidate covers the demand within its radius (drawn from [r_min, r_max]), cost = distance.
SitingProblem make_instance(uint32_t seed, uint32_t nc, uint32_t nd, double r_min, double r_max,
                            uint32_t groups) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> U(0, 1);
    std::uniform_int_distribution<int> W(1, 50);
    std::normal_distribution<double> N(0, 0.06);
    std::vector<double> cx(40), cy(40);
    for (size_t c = 0; c < cx.size(); ++c) cx[c] = U(rng), cy[c] = U(rng);
    SitingProblem p;
    p.demand_count = nd, p.candidate_count = nc, p.group_count = groups;
    std::vector<float> dx(nd), dy(nd);
    for (uint32_t i = 0; i < nd; ++i) {
        double x = U(rng), y = U(rng);
        if (U(rng) < 0.7) {
            const size_t c = rng() % cx.size();
            x = std::clamp(cx[c] + N(rng), 0.0, 1.0), y = std::clamp(cy[c] + N(rng), 0.0, 1.0);
        }
        dx[i] = float(x), dy[i] = float(y);
        p.demand_weight.push_back(W(rng));
        p.demand_group.push_back(std::min(groups - 1, uint32_t(x * groups)));
    }
    // Grid of cell size r_max: a candidate only scans the 3x3 cells around it.
    const uint32_t cells = std::max(1u, uint32_t(1.0 / r_max));
    auto cell = [&](double v) { return std::min(cells - 1, uint32_t(v * cells)); };
    std::vector<uint32_t> first(size_t(cells) * cells + 1, 0), items(nd);
    for (uint32_t i = 0; i < nd; ++i) ++first[cell(dy[i]) * cells + cell(dx[i]) + 1];
    for (size_t c = 1; c < first.size(); ++c) first[c] += first[c - 1];
    std::vector<uint32_t> fill(first.begin(), first.end() - 1);
    for (uint32_t i = 0; i < nd; ++i) items[fill[cell(dy[i]) * cells + cell(dx[i])]++] = i;
    p.cover_first.push_back(0);
    for (uint32_t j = 0; j < nc; ++j) {
        const double x = U(rng), y = U(rng), r = r_min + (r_max - r_min) * U(rng);
        p.candidate_group.push_back(std::min(groups - 1, uint32_t(x * groups)));
        const int gx = int(cell(x)), gy = int(cell(y));
        const size_t start = p.cover_demand.size();
        for (int yy = std::max(0, gy - 1); yy <= std::min(int(cells) - 1, gy + 1); ++yy)
            for (int xx = std::max(0, gx - 1); xx <= std::min(int(cells) - 1, gx + 1); ++xx)
                for (uint32_t k = first[yy * cells + xx]; k < first[yy * cells + xx + 1]; ++k) {
                    const uint32_t i = items[k];
                    const double d = std::hypot(x - dx[i], y - dy[i]);
                    if (d <= r) p.cover_demand.push_back(i), p.cover_cost.push_back(float(d));
                }
        // Sorted demand per set, as a network search would not guarantee but a reader expects.
        std::vector<std::pair<uint32_t, float>> tmp;
        for (size_t e = start; e < p.cover_demand.size(); ++e) tmp.push_back({p.cover_demand[e], p.cover_cost[e]});
        std::sort(tmp.begin(), tmp.end());
        for (size_t e = start; e < p.cover_demand.size(); ++e)
            p.cover_demand[e] = tmp[e - start].first, p.cover_cost[e] = tmp[e - start].second;
        p.cover_first.push_back(uint32_t(p.cover_demand.size()));
    }
    return p;
}

const char* yes_no(bool v) { return v ? "yes" : "no"; }

int quality() {
    struct Case {
        uint32_t seed, nc, nd, k;
        double r;
    };
    // Varied K and radius: few wide sites, many narrow ones, and a larger instance.
    const Case cases[] = {{1, 300, 5000, 10, 0.15}, {2, 300, 5000, 15, 0.12}, {3, 300, 5000, 20, 0.10},
                          {4, 300, 5000, 5, 0.20},  {5, 300, 5000, 30, 0.08}, {6, 500, 8000, 25, 0.10},
                          {8, 400, 6000, 40, 0.07}};
    std::printf("MCLP (heuristic = greedy + best-improvement swap + ILS, default options)\n\n");
    std::printf("| instance | candidates | demand | K | CBC objective | CBC bound | proven? | CBC s "
                "| greedy | greedy+swap | greedy+swap+ILS | ILS iterations | heuristic s "
                "| greedy+swap / CBC | heuristic / CBC |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    double worst = 1;
    for (const Case& c : cases) {
        const SitingProblem p = make_instance(c.seed, c.nc, c.nd, c.r * 0.8, c.r * 1.2, 4);
        SitingOptions o;
        o.k = c.k;
        o.mip_time_limit_s = 60;
        o.swap = false;
        const SitingResult g = solve_mclp(p, o);
        o.swap = true;
        o.ils_iterations = 0;
        const SitingResult s = solve_mclp(p, o);
        o.ils_iterations = SitingOptions{}.ils_iterations;
        const SitingResult h = solve_mclp(p, o);
        const SitingResult e = solve_mclp_exact(p, o);
        const double ratio = e.objective > 0 ? h.objective / e.objective : 1.0;
        if (e.proven_optimal) worst = std::min(worst, ratio);
        std::printf("| mclp-%u (r=%.2f, %zu pairs) | %u | %u | %u | %.0f | %.1f | %s | %.1f | %.0f | %.0f | %.0f "
                    "| %u | %.3f | %.4f | %.4f |\n",
                    c.seed, c.r, p.cover_demand.size(), p.candidate_count, p.demand_count, c.k,
                    e.objective, e.bound, yes_no(e.proven_optimal), e.seconds, g.objective, s.objective,
                    h.objective, h.ils_iterations, h.seconds,
                    e.objective > 0 ? s.objective / e.objective : 1.0, ratio);
        std::fflush(stdout);
    }
    std::printf("\nworst heuristic / CBC on proven instances: %.4f\n\n", worst);

    return 0;
}

// Set cover, p-median and p-center: the default heuristic against CBC on instances CBC can prove.
int quality_other(const std::string& only) {
    double worst_lscp = 1, worst_median = 1, worst_center = 1;
    if (only.empty() || only == "lscp") {
    std::printf("LSCP (heuristic = greedy + redundancy removal + local search for a smaller cover)\n\n");
    std::printf("| instance | candidates | demand | target share | CBC sites | proven? | CBC s "
                "| greedy+prune sites | heuristic sites | heuristic s | CBC / heuristic |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    const struct { uint32_t seed, nc, nd; double r, share; } lcases[] = {
        {11, 300, 5000, 0.12, 0.9}, {12, 300, 5000, 0.10, 1.0}, {13, 300, 5000, 0.15, 0.95},
        {14, 400, 6000, 0.08, 0.8}, {15, 300, 5000, 0.12, 1.0}, {16, 500, 8000, 0.10, 0.9}};
    for (const auto& c : lcases) {
        const SitingProblem p = make_instance(c.seed, c.nc, c.nd, c.r * 0.8, c.r * 1.2, 4);
        SitingOptions o;
        o.target_share = c.share;
        o.mip_time_limit_s = 60;
        o.swap = false;
        const SitingResult g = solve_lscp(p, o);
        o.swap = true;
        const SitingResult h = solve_lscp(p, o);
        const SitingResult e = solve_lscp_exact(p, o);
        const double ratio = h.objective > 0 ? e.objective / h.objective : 1.0;
        if (e.proven_optimal) worst_lscp = std::min(worst_lscp, ratio);
        std::printf("| lscp-%u (r=%.2f) | %u | %u | %.2f | %.0f | %s | %.1f | %.0f | %.0f | %.3f | %.4f |\n", c.seed, c.r,
                    p.candidate_count, p.demand_count, c.share, e.objective, yes_no(e.proven_optimal),
                    e.seconds, g.objective, h.objective, h.seconds, ratio);
        std::fflush(stdout);
    }

    }
    if (only.empty() || only == "pmedian") {
    std::printf("\np-median (heuristic = greedy + swap + iterated local search; one MIP column per coverage pair, so small)\n\n");
    std::printf("| instance | candidates | demand | K | CBC cost | proven? | CBC s | greedy+swap cost | heuristic cost "
                "| heuristic s | CBC / heuristic |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    const struct { uint32_t seed, nc, nd, k; double r; } mcases[] = {
        {21, 120, 1500, 8, 0.20}, {22, 120, 1500, 12, 0.18}, {23, 150, 2000, 6, 0.25}, {24, 100, 1200, 15, 0.15}};
    for (const auto& c : mcases) {
        const SitingProblem p = make_instance(c.seed, c.nc, c.nd, c.r * 0.8, c.r * 1.2, 4);
        SitingOptions o;
        o.k = c.k;
        o.mip_time_limit_s = 60;
        o.ils_iterations = 0;
        const SitingResult s = solve_pmedian(p, o);
        o.ils_iterations = SitingOptions{}.ils_iterations;
        const SitingResult h = solve_pmedian(p, o);
        const SitingResult e = solve_pmedian_exact(p, o);
        const double ratio = h.objective > 0 ? e.objective / h.objective : 1.0;
        if (e.proven_optimal) worst_median = std::min(worst_median, ratio);
        std::printf("| pmedian-%u (r=%.2f, %zu pairs) | %u | %u | %u | %.2f | %s | %.1f | %.2f | %.2f | %.3f | %.4f |\n", c.seed, c.r,
                    p.cover_demand.size(), p.candidate_count, p.demand_count, c.k, e.objective, yes_no(e.proven_optimal),
                    e.seconds, s.objective, h.objective, h.seconds, ratio);
        std::fflush(stdout);
    }

    }
    if (only.empty() || only == "pcenter") {
    std::printf("\np-center (binary search over radii; heuristic set covers vs CBC set covers)\n\n");
    std::printf("| instance | candidates | demand | K | CBC longest | proven? | CBC s | heuristic longest "
                "| heuristic s | CBC / heuristic |\n|---|---|---|---|---|---|---|---|---|---|\n");
    // Small instances: the exact answer is a CBC set cover per radius tried (about 12).
    const struct { uint32_t seed, nc, nd, k; double r; } ccases[] = {
        {31, 200, 3000, 10, 0.30}, {33, 200, 3000, 6, 0.45}, {35, 150, 2500, 15, 0.25}, {36, 120, 2000, 8, 0.35}};
    for (const auto& c : ccases) {
        const SitingProblem p = make_instance(c.seed, c.nc, c.nd, c.r * 0.8, c.r * 1.2, 4);
        SitingOptions o;
        o.k = c.k;
        o.mip_time_limit_s = 60;
        const SitingResult h = solve_pcenter(p, o);
        const SitingResult e = solve_pcenter_exact(p, o);
        const bool both = h.status == SitingStatus::ok && e.status == SitingStatus::ok;
        const double ratio = both && h.objective > 0 ? e.objective / h.objective : 1.0;
        if (e.proven_optimal && both) worst_center = std::min(worst_center, ratio);
        std::printf("| pcenter-%u (r=%.2f) | %u | %u | %u | %.4f | %s | %.1f | %.4f | %.3f | %.4f%s |\n", c.seed, c.r, p.candidate_count,
                    p.demand_count, c.k, e.objective, yes_no(e.proven_optimal), e.seconds, h.objective, h.seconds, ratio,
                    both ? "" : " (k sites cannot reach everyone)");
        std::fflush(stdout);
    }
    }
    std::printf("\nworst heuristic quality on proven instances: LSCP %.4f, p-median %.4f, p-center %.4f\n", worst_lscp,
                worst_median, worst_center);
    return 0;
}

int scale() {
    double t0 = now_s();
    const SitingProblem p = make_instance(7, 20000, 300000, 0.033, 0.073, 30);
    std::printf("instance: %u candidates, %u demand, %zu coverage pairs (%.0f per candidate), built in %.1f s\n",
                p.candidate_count, p.demand_count, p.cover_demand.size(),
                double(p.cover_demand.size()) / p.candidate_count, now_s() - t0);
    SitingOptions o;
    o.k = 100;
    o.swap = false;
    const SitingResult g = solve_mclp(p, o);
    std::printf("greedy:      objective %.0f, share %.4f, %.2f s\n", g.objective,
                g.covered_share.empty() ? 0.0 : g.covered_share.back(), g.seconds);
    o.swap = true;
    o.swap_time_limit_s = 30;
    o.ils_iterations = 0;
    const SitingResult s0 = solve_mclp(p, o);
    std::printf("greedy+swap: objective %.0f, share %.4f, %u swaps, %.2f s\n", s0.objective,
                s0.covered_share.empty() ? 0.0 : s0.covered_share.back(), s0.swaps, s0.seconds);
    o.ils_iterations = SitingOptions{}.ils_iterations;
    const SitingResult h = solve_mclp(p, o);
    std::printf("greedy+swap+ILS: objective %.0f (+%.3f%% over greedy+swap), share %.4f, %u swaps, "
                "%u ILS iterations (%u improved), %.2f s%s%s\n",
                h.objective, s0.objective > 0 ? 100 * (h.objective / s0.objective - 1) : 0.0,
                h.covered_share.empty() ? 0.0 : h.covered_share.back(), h.swaps, h.ils_iterations,
                h.ils_improvements, h.seconds, h.message.empty() ? "" : " -- ", h.message.c_str());
    const SitingResult m = solve_pmedian(p, o);
    std::printf("p-median greedy+swap: cost %.4g, %u swaps, %.2f s\n", m.objective, m.swaps, m.seconds);
    SitingProblem q = p; // capacity: about a third of a typical site's covered weight
    std::mt19937 rng(11);
    for (uint32_t j = 0; j < q.candidate_count; ++j) q.candidate_capacity.push_back(15000 + rng() % 20000);
    const SitingResult c = solve_mclp(q, o);
    std::printf("capacitated greedy+swap: served %.0f of %.0f covered, %u swaps, %.2f s\n", c.served_weight,
                c.after_weight - c.before_weight, c.swaps, c.seconds);
    SitingOptions l;
    l.target_share = 0.9;
    const SitingResult s = solve_lscp(p, l);
    std::printf("LSCP 90%% per group: %zu sites, %.2f s (%s)\n", s.chosen.size(), s.seconds, to_string(s.status));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--scale") == 0) return scale();
    if (argc > 1 && std::strcmp(argv[1], "--mclp") == 0) return quality();
    if (argc > 1 && std::strcmp(argv[1], "--other") == 0) return quality_other("");
    for (const char* only : {"lscp", "pmedian", "pcenter"})
        if (argc > 1 && argv[1] == std::string("--") + only) return quality_other(only);
    return quality() | quality_other("");
}
