// p-median heuristic: lazy greedy, then swap (vertex substitution) with fast delta evaluation.
#include "coverage/siting/siting.hpp"
#include "coverage/siting/internal.hpp"

#include <CoinFinite.hpp>

#include <algorithm>
#include <random>

namespace lc::cov {

using namespace detail;

namespace {

// Per eligible demand point: cost to the nearest and second nearest chosen site (the unreached
// cost when there is none) and the position of the nearest one in the site list.
struct MedianState {
    const SitingProblem& p;
    const std::vector<uint8_t>& eligible;
    double unreached;
    std::vector<double> d1, d2;
    std::vector<uint32_t> best;
    MedianState(const SitingProblem& prob, const std::vector<uint8_t>& elig, double P)
        : p(prob), eligible(elig), unreached(P), d1(prob.demand_count, P), d2(prob.demand_count, P),
          best(prob.demand_count, kNone) {}
    double gain(uint32_t j) const {
        double g = 0;
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (eligible[i] && p.cover_cost[e] < d1[i]) g += p.demand_weight[i] * (d1[i] - p.cover_cost[e]);
        }
        return g;
    }
    void add(uint32_t j, uint32_t pos) {
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (!eligible[i]) continue;
            const double c = p.cover_cost[e];
            if (c < d1[i]) d2[i] = d1[i], d1[i] = c, best[i] = pos;
            else if (c < d2[i]) d2[i] = c;
        }
    }
    // Rebuilds from scratch for a site list; touches only points those sites cover.
    void reset(const std::vector<uint32_t>& sites, const std::vector<uint32_t>& old_sites) {
        for (const auto* list : {&old_sites, &sites})
            for (uint32_t j : *list)
                for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
                    const uint32_t i = p.cover_demand[e];
                    d1[i] = d2[i] = unreached, best[i] = kNone;
                }
        for (uint32_t k = 0; k < sites.size(); ++k) add(sites[k], k);
    }
};

std::vector<uint32_t> rank_by_cost(const SitingProblem& p, const std::vector<uint8_t>& eligible,
                                   double P, std::span<const uint32_t> sites) {
    std::vector<uint32_t> set(sites.begin(), sites.end());
    std::sort(set.begin(), set.end());
    MedianState st(p, eligible, P);
    std::vector<uint32_t> ranked;
    std::vector<uint8_t> used(set.size(), 0);
    lazy_greedy(
        uint32_t(set.size()), [&](uint32_t k) { return st.gain(set[k]); },
        [&](uint32_t k) { return !used[k]; },
        [&](uint32_t k, double) {
            used[k] = 1;
            st.add(set[k], uint32_t(ranked.size()));
            ranked.push_back(set[k]);
            return true;
        });
    return ranked;
}

// Swap search. For entering a and leaving r (Whitaker / Resende-Werneck): cost saved =
// G(a) - loss(r) + extra(a, r), with G(a) = sum w (d1 - c_a)+, loss(r) = sum over points whose
// nearest is r of w (d2 - d1), extra(a, r) = sum over those points a covers of
// w min(d2 - d1, (d2 - c_a)+).
uint32_t swap_median(const SitingProblem& p, const Baseline& b, const Limits& lim,
                     const SitingOptions& opt, MedianState& st, std::vector<uint32_t>& sites,
                     const Stopwatch& clock) {
    const uint32_t K = uint32_t(sites.size()), m = p.candidate_count;
    if (K == 0 || K >= m) return 0;
    const double deadline = clock.seconds() + opt.swap_time_limit_s;
    GroupCounter gc(lim, p.candidate_group);
    std::vector<uint8_t> in(m, 0);
    for (uint32_t j : sites) gc.add(j), in[j] = 1;
    std::vector<double> loss(K), extra(K, 0);
    std::vector<uint32_t> touched;
    auto refresh_loss = [&] {
        std::fill(loss.begin(), loss.end(), 0.0);
        for (uint32_t k = 0; k < K; ++k)
            for (uint32_t e = p.cover_first[sites[k]]; e < p.cover_first[sites[k] + 1]; ++e) {
                const uint32_t i = p.cover_demand[e];
                if (st.eligible[i] && st.best[i] == k) loss[k] += p.demand_weight[i] * (st.d2[i] - st.d1[i]);
            }
    };
    refresh_loss();
    uint32_t swaps = 0, since_improvement = 0, cursor = 0;
    for (uint32_t pass = 0; pass < opt.swap_max_passes && since_improvement < m;) {
        const uint32_t a = cursor;
        cursor = cursor + 1 == m ? 0 : cursor + 1;
        if (cursor == 0) ++pass;
        ++since_improvement;
        if ((a & 255) == 0 && clock.seconds() > deadline) break;
        if (in[a]) continue;
        double G = 0;
        for (uint32_t e = p.cover_first[a]; e < p.cover_first[a + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (!st.eligible[i]) continue;
            const double c = p.cover_cost[e], w = p.demand_weight[i];
            if (c < st.d1[i]) G += w * (st.d1[i] - c);
            const uint32_t r = st.best[i];
            if (r == kNone) continue;
            const double v = w * std::min(st.d2[i] - st.d1[i], std::max(0.0, st.d2[i] - c));
            if (v <= 0) continue;
            if (extra[r] == 0) touched.push_back(r);
            extra[r] += v;
        }
        double best = b.tol;
        uint32_t best_r = kNone;
        if (G > b.tol)
            for (uint32_t r = 0; r < K; ++r) {
                const double d = G - loss[r] + extra[r];
                if (d > best && gc.can_swap(a, sites[r])) best = d, best_r = r;
            }
        for (uint32_t r : touched) extra[r] = 0;
        touched.clear();
        if (best_r == kNone) continue;
        const std::vector<uint32_t> old = sites;
        const uint32_t out = sites[best_r];
        gc.remove(out), gc.add(a), in[out] = 0, in[a] = 1;
        sites[best_r] = a;
        st.reset(sites, old);
        refresh_loss();
        ++swaps;
        since_improvement = 0;
    }
    return swaps;
}


// Weighted cost of the eligible demand for a state (the p-median objective).
double median_cost(const SitingProblem& p, const MedianState& st) {
    double c = 0;
    for (uint32_t i = 0; i < p.demand_count; ++i)
        if (st.eligible[i]) c += p.demand_weight[i] * st.d1[i];
    return c;
}

// Iterated local search after the swap search (as for MCLP): drop 1-3 random sites, refill
// greedily without them, swap to a local optimum, keep the plan if it costs less. Seeded and
// capped by iterations and work (coverage pairs touched), so the same inputs give the same plan.
void ils_median(const SitingProblem& p, const Baseline& b, const Limits& lim, const SitingOptions& opt,
                const std::vector<uint8_t>& eligible, double P, std::vector<uint32_t>& sites, const Stopwatch& clock,
                SitingResult& r) {
    const uint32_t K = uint32_t(sites.size());
    if (K == 0 || K >= p.candidate_count || opt.ils_iterations == 0) return;
    std::mt19937_64 rng(opt.seed);
    const double deadline = clock.seconds() + opt.ils_time_limit_s;
    MedianState st(p, eligible, P);
    for (uint32_t k = 0; k < K; ++k) st.add(sites[k], k);
    double best_cost = median_cost(p, st);
    uint64_t work = 0;
    const uint64_t pairs = p.cover_demand.size() + p.demand_count;
    SitingOptions local = opt;
    local.swap_time_limit_s = std::max(0.0, deadline - clock.seconds());
    std::vector<uint8_t> banned(p.candidate_count, 0);
    base::expect(opt.progress, opt.ils_iterations);
    for (uint32_t it = 0; it < opt.ils_iterations; ++it) {
        if (clock.seconds() > deadline || (opt.ils_work_limit && work > opt.ils_work_limit)) break;
        std::vector<uint32_t> trial = sites;
        const uint32_t drop = 1 + uint32_t(rng() % std::min<uint32_t>(3, K));
        std::vector<uint32_t> dropped;
        for (uint32_t d = 0; d < drop; ++d) {
            const size_t pos = rng() % trial.size();
            dropped.push_back(trial[pos]);
            trial.erase(trial.begin() + std::ptrdiff_t(pos));
        }
        for (uint32_t j : dropped) banned[j] = 1;
        MedianState ts(p, eligible, P);
        GroupCounter gc(lim, p.candidate_group);
        for (uint32_t k = 0; k < trial.size(); ++k) ts.add(trial[k], k), gc.add(trial[k]);
        lazy_greedy(
            p.candidate_count, [&](uint32_t j) { return ts.gain(j); },
            [&](uint32_t j) {
                return trial.size() < K && !banned[j] && std::find(trial.begin(), trial.end(), j) == trial.end() &&
                       gc.eligible(j, K - trial.size());
            },
            [&](uint32_t j, double) {
                ts.add(j, uint32_t(trial.size()));
                trial.push_back(j), gc.add(j);
                return trial.size() < K;
            });
        for (uint32_t j : dropped) banned[j] = 0;
        work += 2 * pairs;
        if (trial.size() < K) continue;  // the limits left no room: skip this perturbation
        // swap_median keeps its own group counter; the rebuilt state is this plan's.
        ts.reset(trial, {});
        local.swap_time_limit_s = std::max(0.0, deadline - clock.seconds());
        r.swaps += swap_median(p, b, lim, local, ts, trial, clock);
        work += pairs;
        const double c = median_cost(p, ts);
        ++r.ils_iterations;
        base::count(opt.progress);
        if (c < best_cost - b.tol) best_cost = c, sites = trial, ++r.ils_improvements;
    }
}

// Eligible demand: needs a new site (not already covered) and has one within the cutoff.
// Counts the excluded rest and sets the unreached cost.
std::vector<uint8_t> median_setup(const SitingProblem& p, const Baseline& b, const SitingOptions& opt,
                                  SitingResult& r) {
    std::vector<uint8_t> eligible(p.demand_count, 0);
    for (uint32_t i = 0; i < p.demand_count; ++i) {
        if (b.covered0[i]) continue;
        if (b.reachable[i]) eligible[i] = 1;
        else ++r.excluded_count, r.excluded_weight += p.demand_weight[i];
    }
    double P = opt.unreached_cost;
    if (!(P >= 0)) {
        float max_cost = 0;
        for (float c : p.cover_cost) max_cost = std::max(max_cost, c);
        P = max_cost > 0 ? 2.0 * max_cost : 1.0;
    }
    r.unreached_cost = P;
    return eligible;
}

// Ranks the sites, fills coverage fields, the cost-saved curve and the objective.
void finish_median(const SitingProblem& p, const Baseline& b, const std::vector<uint8_t>& eligible,
                   double P, std::span<const uint32_t> sites, SitingResult& r) {
    r.chosen = rank_by_cost(p, eligible, P, sites);
    fill_coverage(p, b, r);
    MedianState cur(p, eligible, P);
    double cum = 0;
    for (uint32_t k = 0; k < r.chosen.size(); ++k) {
        const double g = cur.gain(r.chosen[k]);
        cur.add(r.chosen[k], k);
        cum += g;
        r.marginal[k] = g, r.cumulative[k] = cum;
    }
    r.objective = 0, r.unreached_count = 0, r.unreached_weight = 0;
    for (uint32_t i = 0; i < p.demand_count; ++i) {
        if (!eligible[i]) continue;
        r.objective += p.demand_weight[i] * cur.d1[i];
        if (cur.best[i] == kNone) ++r.unreached_count, r.unreached_weight += p.demand_weight[i];
    }
}

} // namespace

SitingResult solve_pmedian(const SitingProblem& p, const SitingOptions& opt) {
    Stopwatch clock;
    SitingResult r = start_result(p, "pmedian", opt.swap ? "greedy+swap" : "greedy");
    if (r.status == SitingStatus::invalid) return r;
    const Baseline b = make_baseline(p);
    const Limits lim = normalize_limits(p, opt, opt.k);
    append_message(r, lim.note);
    if (lim.partial) r.status = SitingStatus::partial;
    if (p.candidate_count == 0) r.status = SitingStatus::partial, append_message(r, "no candidates");

    const std::vector<uint8_t> eligible = median_setup(p, b, opt, r);
    const double P = r.unreached_cost;

    MedianState st(p, eligible, P);
    GroupCounter gc(lim, p.candidate_group);
    std::vector<uint32_t> S;
    base::expect(opt.progress, lim.k);
    lazy_greedy(
        p.candidate_count, [&](uint32_t j) { return st.gain(j); },
        [&](uint32_t j) { return S.size() < lim.k && gc.eligible(j, lim.k - S.size()); },
        [&](uint32_t j, double g) {
            if (g <= b.tol && gc.need == 0) return false;
            st.add(j, uint32_t(S.size()));
            S.push_back(j), gc.add(j), base::count(opt.progress);
            return S.size() < lim.k;
        });
    if (S.size() < lim.k)
        append_message(r, "only " + std::to_string(S.size()) + " of " + std::to_string(lim.k) +
                              " sites lower the cost");
    if (opt.swap) r.swaps = swap_median(p, b, lim, opt, st, S, clock);
    if (opt.swap) ils_median(p, b, lim, opt, eligible, P, S, clock, r);

    finish_median(p, b, eligible, P, S, r);
    r.seconds = clock.seconds();
    return r;
}

} // namespace lc::cov

namespace lc::cov {

SitingResult solve_pmedian_exact(const SitingProblem& p, const SitingOptions& opt) {
    Stopwatch clock;
    SitingResult r = start_result(p, "pmedian", "cbc");
    if (r.status == SitingStatus::invalid) return r;
    const Baseline b = make_baseline(p);
    const Limits lim = normalize_limits(p, opt, opt.k);
    append_message(r, lim.note);
    if (lim.partial) r.status = SitingStatus::partial;
    const std::vector<uint8_t> eligible = median_setup(p, b, opt, r);
    const double P = r.unreached_cost;
    SitingOptions hopt = opt;
    hopt.swap = true;
    const SitingResult heur = solve_pmedian(p, hopt);

    // min sum w_i (c_ij z_ij + P u_i)  s.t.  sum_j z_ij + u_i = 1,  z_ij <= x_j,  sum x_j <= K,
    // group limits. One z per coverage pair, so this is for small instances.
    MipModel M;
    const uint32_t m = p.candidate_count;
    for (uint32_t j = 0; j < m; ++j) M.add_col(0, 1, 0, true);
    std::vector<int> row_of(p.demand_count, -1), u_of(p.demand_count, -1);
    for (uint32_t i = 0; i < p.demand_count; ++i) {
        if (!eligible[i] || p.demand_weight[i] <= 0) continue;
        row_of[i] = M.add_row(1, 1);
        u_of[i] = M.add_col(0, 1, p.demand_weight[i] * P, false);
        M.set(row_of[i], u_of[i], 1.0);
    }
    std::vector<int> z_of(p.cover_demand.size(), -1);
    for (uint32_t j = 0; j < m; ++j)
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (row_of[i] < 0) continue;
            z_of[e] = M.add_col(0, 1, p.demand_weight[i] * p.cover_cost[e], false);
            M.set(row_of[i], z_of[e], 1.0);
            const int link = M.add_row(-COIN_DBL_MAX, 0);
            M.set(link, z_of[e], 1.0), M.set(link, int(j), -1.0);
        }
    const int card = M.add_row(-COIN_DBL_MAX, lim.k);
    for (uint32_t j = 0; j < m; ++j) M.set(card, int(j), 1.0);
    add_group_rows(p, lim, M);
    // Start: heuristic sites, each point assigned to its nearest one.
    M.start.assign(M.obj.size(), 0.0);
    std::vector<uint32_t> nearest_e(p.demand_count, kNone);
    for (uint32_t j : heur.chosen) {
        M.start[j] = 1;
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (z_of[e] >= 0 && (nearest_e[i] == kNone || p.cover_cost[e] < p.cover_cost[nearest_e[i]]))
                nearest_e[i] = e;
        }
    }
    for (uint32_t i = 0; i < p.demand_count; ++i) {
        if (row_of[i] < 0) continue;
        if (nearest_e[i] != kNone) M.start[size_t(z_of[nearest_e[i]])] = 1;
        else M.start[size_t(u_of[i])] = 1;
    }

    const MipOutcome o = solve_mip(M, opt.mip_time_limit_s);
    std::vector<uint32_t> S;
    if (o.has_solution)
        for (uint32_t j = 0; j < m; ++j)
            if (o.x[j] > 0.5) S.push_back(j);
    finish_median(p, b, eligible, P, o.has_solution ? S : heur.chosen, r);
    if (r.objective > heur.objective) finish_median(p, b, eligible, P, heur.chosen, r);
    r.proven_optimal = o.proven_optimal;
    r.bound = r.proven_optimal ? r.objective : std::min(r.objective, o.bound);
    const double d = r.objective - r.bound;
    r.gap = d <= 1e-12 * std::max(1.0, r.objective) ? 0.0 : d / std::max(r.objective, 1e-12);
    if (!o.proven_optimal)
        append_message(r, (o.message.empty() ? std::string("CBC did not prove optimality") : o.message) +
                              "; gap " + std::to_string(100 * r.gap) + "%");
    r.seconds = clock.seconds();
    return r;
}

} // namespace lc::cov
