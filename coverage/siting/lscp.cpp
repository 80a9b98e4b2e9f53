// Set cover (LSCP): the fewest sites that reach each group's target share.
#include "coverage/siting/siting.hpp"
#include "coverage/siting/internal.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lc::cov {

using namespace detail;

// ---- LSCP -----------------------------------------------------------------------------------

namespace detail {
std::vector<double> group_targets(const SitingProblem& p, const Baseline& b, const SitingOptions& opt,
                                  std::string& note) {
    std::vector<double> t(p.group_count);
    for (uint32_t g = 0; g < p.group_count; ++g) {
        double s = g < opt.group_target_share.size() ? opt.group_target_share[g] : opt.target_share;
        if (!(s >= 0 && s <= 1)) {
            note += (note.empty() ? "" : "; ") + std::string("group ") + std::to_string(g) +
                    ": target share clamped to [0,1]";
            s = std::isnan(s) ? 1.0 : std::clamp(s, 0.0, 1.0);
        }
        t[g] = s * b.g_coverable[g];
    }
    return t;
}
} // namespace detail

SitingResult solve_lscp(const SitingProblem& p, const SitingOptions& opt) {
    Stopwatch clock;
    SitingResult r = start_result(p, "lscp", opt.swap ? "greedy+prune+local search" : "greedy+prune");
    if (r.status == SitingStatus::invalid) return r;
    const Baseline b = make_baseline(p);
    const Limits lim = normalize_limits(p, opt, kNone);
    append_message(r, lim.note);
    if (lim.partial) r.status = SitingStatus::partial;
    std::string note;
    r.group_target = group_targets(p, b, opt, note);
    append_message(r, note);
    const uint32_t G = p.group_count;
    // need[g]: weight new sites must add in group g; have[g]: what they add so far.
    std::vector<double> need(G), have(G, 0), scratch(G, 0);
    for (uint32_t g = 0; g < G; ++g) need[g] = std::max(0.0, r.group_target[g] - b.g_before[g]);
    std::vector<uint8_t> mark(G, 0);
    std::vector<uint32_t> touched;

    CoverState st(p, b);
    GroupCounter gc(lim, p.candidate_group);
    std::vector<uint32_t> S;
    auto add = [&](uint32_t j) {
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (st.cnt[i] == 0) have[p.demand_group[i]] += p.demand_weight[i];
        }
        S.push_back(j), st.add(j), gc.add(j);
    };
    // Gain = new weight that still counts toward some group's target (capped at the deficit).
    auto target_gain = [&](uint32_t j) {
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (st.cnt[i] != 0) continue;
            const uint32_t g = p.demand_group[i];
            if (!mark[g]) mark[g] = 1, touched.push_back(g);
            scratch[g] += p.demand_weight[i];
        }
        double sum = 0;
        for (uint32_t g : touched) {
            sum += std::min(scratch[g], std::max(0.0, need[g] - have[g]));
            scratch[g] = 0, mark[g] = 0;
        }
        touched.clear();
        return sum;
    };
    lazy_greedy(p.candidate_count, target_gain, [&](uint32_t j) { return gc.has_room(j); },
                [&](uint32_t j, double g) {
                    if (g <= b.tol) return false;
                    add(j);
                    return true;
                });
    // Group minimums still owed: best coverage within those groups.
    if (gc.need > 0)
        lazy_greedy(p.candidate_count, [&](uint32_t j) { return st.gain(j); },
                    [&](uint32_t j) { return gc.need > 0 && gc.owed(j); },
                    [&](uint32_t j, double) {
                        add(j);
                        return gc.need > 0;
                    });
    // Redundancy removal, latest (smallest gain) first: drop a site if every group it helps
    // stays at its target and its group stays at its minimum.
    for (size_t k = S.size(); k-- > 0;) {
        const uint32_t j = S[k];
        const uint32_t gj = p.candidate_group[j];
        if (gc.count[gj] <= lim.min[gj]) continue;
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (st.cnt[i] != 1) continue;
            const uint32_t g = p.demand_group[i];
            if (!mark[g]) mark[g] = 1, touched.push_back(g);
            scratch[g] += p.demand_weight[i];
        }
        bool removable = true;
        for (uint32_t g : touched)
            if (scratch[g] > b.tol && have[g] - scratch[g] < need[g] - b.tol) removable = false;
        if (removable)
            for (uint32_t g : touched) have[g] -= scratch[g];
        for (uint32_t g : touched) scratch[g] = 0, mark[g] = 0;
        touched.clear();
        if (!removable) continue;
        st.remove(j), gc.remove(j);
        S.erase(S.begin() + std::ptrdiff_t(k));
    }
    // ---- smaller covers (opt.swap): greedy set cover is often a few sites above the optimum ----
    auto deficit = [&] {
        double d = 0;
        for (uint32_t g = 0; g < G; ++g) d += std::max(0.0, need[g] - have[g]);
        return d;
    };
    std::vector<double> sole(G, 0);
    // Deficit added by removing j (the weight only j covers, capped per group).
    auto loss = [&](uint32_t j) {
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (st.cnt[i] != 1) continue;
            const uint32_t g = p.demand_group[i];
            if (!mark[g]) mark[g] = 1, touched.push_back(g);
            sole[g] += p.demand_weight[i];
        }
        double d = 0;
        for (uint32_t g : touched) {
            d += std::max(0.0, need[g] - (have[g] - sole[g])) - std::max(0.0, need[g] - have[g]);
            sole[g] = 0, mark[g] = 0;
        }
        touched.clear();
        return d;
    };
    std::vector<uint8_t> in(p.candidate_count, 0);
    std::vector<uint32_t> tabu_until(p.candidate_count, 0);
    uint32_t move = 0;
    auto take = [&](uint32_t j) { add(j), in[j] = 1; };
    auto drop = [&](size_t pos) {
        const uint32_t j = S[pos];
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (st.cnt[i] == 1) have[p.demand_group[i]] -= p.demand_weight[i];
        }
        st.remove(j), gc.remove(j), in[j] = 0, tabu_until[j] = move + 3;
        S.erase(S.begin() + std::ptrdiff_t(pos));
    };
    auto set_plan = [&](const std::vector<uint32_t>& plan) {
        while (!S.empty()) drop(S.size() - 1);
        std::fill(have.begin(), have.end(), 0.0);
        std::fill(tabu_until.begin(), tabu_until.end(), 0);
        for (uint32_t j : plan) take(j);
    };
    // The chosen site (position in S) whose removal adds the least deficit; SIZE_MAX if none may go.
    auto cheapest = [&](uint32_t keep) {
        size_t best = SIZE_MAX;
        double best_loss = 0;
        for (size_t k = 0; k < S.size(); ++k) {
            const uint32_t j = S[k], gj = p.candidate_group[j];
            if (j == keep || gc.count[gj] <= lim.min[gj]) continue;
            const double l = loss(j);
            if (best == SIZE_MAX || l < best_loss) best = k, best_loss = l;
        }
        return best;
    };
    const double deadline = clock.seconds() + opt.ils_time_limit_s;
    bool timed_out = false;
    // Walk at a fixed size: add the site that most reduces the deficit, drop the one whose loss
    // is smallest (not the one just added, nor for 3 moves one just dropped), until the targets
    // are met or `steps` moves are spent.
    auto repair = [&](uint32_t steps) {
        bool met = deficit() <= b.tol;
        for (uint32_t step = 0; !met && step < steps; ++step, ++move) {
            if (clock.seconds() > deadline) { timed_out = true; break; }
            double best_gain = b.tol;
            uint32_t a = kNone;
            for (uint32_t j = 0; j < p.candidate_count; ++j) {
                if (in[j] || tabu_until[j] > move || !gc.has_room(j)) continue;
                const double g = target_gain(j);
                if (g > best_gain) best_gain = g, a = j;
            }
            if (a == kNone) break;
            take(a);
            const size_t out = cheapest(a);
            if (out == SIZE_MAX) break;
            drop(out);
            met = deficit() <= b.tol;
        }
        return met;
    };
    for (uint32_t j : S) in[j] = 1;
    if (opt.swap && S.size() > 1 && deficit() <= b.tol) {
        std::vector<uint32_t> best = S;
        // 1. From the covering side: binary search on k below the greedy count. A probe is the
        // k-site plan covering the most (MCLP with swap and iterated local search, at the CBC
        // optimum on the quality benchmark), repaired by the walk when a group falls short.
        // With per-group shares below 1, covering the most overshoots some groups and misses
        // others: later rounds weight each group's households by how short it fell (up to 2x)
        // or how far over it went (down to 0.5x), a multiplicative Lagrangian-style update.
        auto probe = [&](uint32_t k) {
            std::vector<double> lambda(G, 1.0);
            for (uint32_t g = 0; g < G; ++g)
                if (need[g] <= b.tol) lambda[g] = 0;  // nothing more is needed there
            SitingOptions m = opt;
            m.k = k, m.use_capacity = false;
            m.ils_iterations = std::min<uint32_t>(opt.ils_iterations, 300);
            for (int round = 0; round < 20 && clock.seconds() < deadline; ++round) {
                m.ils_time_limit_s = std::max(0.0, deadline - clock.seconds());
                SitingProblem scaled;
                const SitingProblem* q = &p;
                if (std::any_of(lambda.begin(), lambda.end(), [](double l) { return l != 1.0; })) {
                    scaled = p;
                    for (uint32_t i = 0; i < p.demand_count; ++i) scaled.demand_weight[i] *= lambda[p.demand_group[i]];
                    q = &scaled;
                }
                const SitingResult plan = solve_mclp(*q, m);
                if (plan.status == SitingStatus::invalid || plan.chosen.size() > k) return false;
                set_plan(plan.chosen);
                if (repair(4 * k + 20)) return true;
                for (uint32_t g = 0; g < G; ++g)
                    if (need[g] > b.tol) lambda[g] *= std::clamp(have[g] > 0 ? std::pow(need[g] / have[g], 4.0) : 2.0, 0.5, 2.0);
            }
            return false;
        };
        uint32_t lo = 1, hi = uint32_t(S.size());  // hi: a size known to work
        while (lo < hi && clock.seconds() < deadline) {
            const uint32_t k = lo + (hi - lo) / 2;
            if (probe(k)) hi = uint32_t(S.size()), best = S;
            else lo = k + 1;
        }
        // 2. From the cover: drop the cheapest site and repair, while that works.
        set_plan(best);
        while (S.size() > 1 && !timed_out) {
            const size_t first = cheapest(kNone);
            if (first == SIZE_MAX) break;
            drop(first);
            if (!repair(4 * uint32_t(S.size()) + 20)) break;
            best = S;
        }
        if (best.size() != S.size() || deficit() > b.tol) set_plan(best);
        if (timed_out) append_message(r, "set cover local search stopped at its time limit");
    }
    std::string unmet;
    for (uint32_t g = 0; g < G; ++g)
        if (have[g] < need[g] - b.tol) unmet += (unmet.empty() ? "" : ", ") + std::to_string(g);
    if (!unmet.empty()) {
        r.status = SitingStatus::partial;
        append_message(r, "targets not reachable within the site limits for groups " + unmet);
    }
    r.chosen = rank_by_coverage(p, b, S);
    fill_coverage(p, b, r);
    r.objective = double(r.chosen.size());
    r.seconds = clock.seconds();
    return r;
}

} // namespace lc::cov
