// Maximal covering (MCLP), plain and capacitated: lazy greedy, then swap search (and ILS).
#include "coverage/siting/siting.hpp"
#include "coverage/siting/internal.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lc::cov {

using namespace detail;

namespace detail {

void trim_useless(const SitingProblem& p, const Baseline& b, const Limits& lim, SitingResult& r) {
    std::vector<uint32_t> count(p.group_count, 0);
    for (uint32_t j : r.chosen) ++count[p.candidate_group[j]];
    size_t keep = r.chosen.size();
    while (keep > 0 && r.marginal[keep - 1] <= b.tol) {
        const uint32_t g = p.candidate_group[r.chosen[keep - 1]];
        if (count[g] <= lim.min[g]) break;
        --count[g], --keep;
    }
    if (keep == r.chosen.size()) return;
    append_message(r, std::to_string(r.chosen.size() - keep) + " chosen sites added no coverage and were dropped");
    r.chosen.resize(keep);
    fill_coverage(p, b, r);
}

} // namespace detail

SitingResult solve_mclp(const SitingProblem& p, const SitingOptions& opt) {
    Stopwatch clock;
    const bool capacitated = opt.use_capacity && !p.candidate_capacity.empty();
    SitingResult r = start_result(p, capacitated ? "mclp-capacitated" : "mclp",
                                  opt.swap ? "greedy+swap" : "greedy");
    if (r.status == SitingStatus::invalid) return r;
    const Baseline b = make_baseline(p);
    const Limits lim = normalize_limits(p, opt, opt.k);
    append_message(r, lim.note);
    if (lim.partial) r.status = SitingStatus::partial;
    if (p.candidate_count == 0) r.status = SitingStatus::partial, append_message(r, "no candidates");

    GroupCounter gc(lim, p.candidate_group);
    std::vector<uint32_t> S;
    base::expect(opt.progress, lim.k);
    auto eligible = [&](uint32_t j) { return S.size() < lim.k && gc.eligible(j, lim.k - S.size()); };
    if (!capacitated) {
        CoverState st(p, b);
        lazy_greedy(p.candidate_count, [&](uint32_t j) { return st.gain(j); }, eligible,
                    [&](uint32_t j, double g) {
                        if (g <= b.tol && gc.need == 0) return false; // nothing left to gain
                        S.push_back(j), st.add(j), gc.add(j), base::count(opt.progress);
                        return S.size() < lim.k;
                    });
    } else {
        ServiceState st(p, b);
        lazy_greedy(p.candidate_count, [&](uint32_t j) { return st.gain(j); }, eligible,
                    [&](uint32_t j, const ServiceGain& g) {
                        if (g.served <= b.tol && gc.need == 0) return false;
                        S.push_back(j), st.add(j), gc.add(j), base::count(opt.progress);
                        return S.size() < lim.k;
                    });
    }
    if (S.size() < lim.k)
        append_message(r, "only " + std::to_string(S.size()) + " of " + std::to_string(lim.k) +
                              " sites add " + (capacitated ? "served weight" : "coverage"));

    if (opt.swap && !capacitated) {
        const SearchOutcome so = search_coverage(p, b, lim, opt, S, clock.seconds() + opt.swap_time_limit_s, clock);
        r.swaps = so.swaps, r.ils_iterations = so.ils_iterations, r.ils_improvements = so.ils_improvements;
        append_message(r, so.note);
    } else if (opt.swap) {
        // Capacitated swap re-runs the allocation for each trial, so it is for small problems
        // and bounded by the time limit and the pass count.
        std::vector<double> rem(p.demand_count, 0);
        std::vector<uint32_t> nearest(p.demand_count, kNone);
        std::vector<uint8_t> in(p.candidate_count, 0);
        for (uint32_t j : S) in[j] = 1;
        GroupCounter sgc(lim, p.candidate_group);
        for (uint32_t j : S) sgc.add(j);
        double cur = served_weight(p, S, rem, nearest);
        const double deadline = clock.seconds() + opt.swap_time_limit_s;
        bool improved = true, out_of_time = false;
        std::vector<uint32_t> order(p.candidate_count);
        std::vector<double> potential(p.candidate_count);
        for (uint32_t pass = 0; improved && !out_of_time && pass < opt.swap_max_passes; ++pass) {
            improved = false;
            // Try first the candidates that would cover the most new weight, so a time limit
            // (large problems) cuts the least promising trials.
            CoverState cs(p, b);
            for (uint32_t j : S) cs.add(j);
            for (uint32_t j = 0; j < p.candidate_count; ++j) potential[j] = cs.gain(j);
            std::iota(order.begin(), order.end(), 0u);
            std::stable_sort(order.begin(), order.end(),
                             [&](uint32_t x, uint32_t y) { return potential[x] > potential[y]; });
            for (uint32_t a : order) {
                if (out_of_time) break;
                if (in[a]) continue;
                for (uint32_t k = 0; k < S.size(); ++k) {
                    if (clock.seconds() > deadline) { out_of_time = true; break; }
                    const uint32_t out = S[k];
                    if (!sgc.can_swap(a, out)) continue;
                    S[k] = a;
                    const double v = served_weight(p, S, rem, nearest);
                    if (v > cur + b.tol) {
                        cur = v, in[out] = 0, in[a] = 1, ++r.swaps, improved = true;
                        sgc.remove(out), sgc.add(a);
                        break;
                    }
                    S[k] = out;
                }
            }
        }
    }
    r.chosen = capacitated ? rank_by_service(p, b, S) : rank_by_coverage(p, b, S);
    fill_coverage(p, b, r);
    if (capacitated) fill_capacity(p, b, r);
    r.objective = r.cumulative.empty() ? 0.0 : r.cumulative.back();
    r.seconds = clock.seconds();
    return r;
}

SitingResult evaluate_coverage(const SitingProblem& p, std::span<const uint32_t> sites) {
    SitingResult r = start_result(p, "evaluate", "none");
    if (r.status == SitingStatus::invalid) return r;
    for (uint32_t j : sites)
        if (j >= p.candidate_count) {
            r.status = SitingStatus::invalid;
            r.message = "site " + std::to_string(j) + " is not a candidate";
            return r;
        }
    const Baseline b = make_baseline(p);
    std::vector<uint32_t> set(sites.begin(), sites.end());
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    r.chosen = rank_by_coverage(p, b, set);
    fill_coverage(p, b, r);
    r.objective = r.cumulative.empty() ? 0.0 : r.cumulative.back();
    if (!p.candidate_capacity.empty()) {
        const CapacityAllocation a = allocate_capacity(p, r.chosen);
        r.served_weight = a.served_weight, r.site_load = a.site_load;
        r.site_unserved = a.site_unserved, r.group_served = a.group_served;
    }
    return r;
}

} // namespace lc::cov
