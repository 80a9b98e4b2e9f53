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
    SitingResult r = start_result(p, "lscp", "greedy+prune");
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
