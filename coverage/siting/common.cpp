// Siting: what every problem shares: validation, the baseline, group limits, coverage state
// and the greedy ranking behind the marginal curve.
#include "coverage/siting/siting.hpp"
#include "coverage/siting/internal.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lc::cov {

using namespace detail;

const char* to_string(SitingStatus s) {
    switch (s) {
    case SitingStatus::ok: return "ok";
    case SitingStatus::partial: return "partial";
    case SitingStatus::invalid: return "invalid";
    }
    return "?";
}

std::string validate(const SitingProblem& p) {
    const uint32_t n = p.demand_count, m = p.candidate_count;
    if (p.demand_weight.size() != n) return "demand_weight size differs from demand_count";
    if (p.demand_group.size() != n) return "demand_group size differs from demand_count";
    if (!p.already_covered.empty() && p.already_covered.size() != n)
        return "already_covered must be empty or of size demand_count";
    if (p.candidate_group.size() != m) return "candidate_group size differs from candidate_count";
    if (p.cover_first.size() != size_t(m) + 1) return "cover_first must have candidate_count+1 entries";
    if (p.cover_first[0] != 0 || p.cover_first[m] != p.cover_demand.size())
        return "cover_first must start at 0 and end at cover_demand.size()";
    if (p.cover_cost.size() != p.cover_demand.size()) return "cover_cost size differs from cover_demand";
    if (!p.candidate_capacity.empty() && p.candidate_capacity.size() != m)
        return "candidate_capacity must be empty or of size candidate_count";
    for (uint32_t i = 0; i < n; ++i) {
        if (!(p.demand_weight[i] >= 0) || !std::isfinite(p.demand_weight[i]))
            return "demand_weight " + std::to_string(i) + " is negative or not finite";
        if (p.demand_group[i] >= p.group_count) return "demand_group " + std::to_string(i) + " out of range";
    }
    for (uint32_t j = 0; j < m; ++j) {
        if (p.candidate_group[j] >= p.group_count)
            return "candidate_group " + std::to_string(j) + " out of range";
        if (!p.candidate_capacity.empty() && !(p.candidate_capacity[j] >= 0))
            return "candidate_capacity " + std::to_string(j) + " is negative or NaN";
    }
    std::vector<uint32_t> seen(n, kNone); // last candidate that listed each point: catches duplicates
    for (uint32_t j = 0; j < m; ++j) {
        if (p.cover_first[j] > p.cover_first[j + 1]) return "cover_first is not non-decreasing";
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (i >= n) return "cover_demand entry " + std::to_string(e) + " out of range";
            if (!(p.cover_cost[e] >= 0) || !std::isfinite(p.cover_cost[e]))
                return "cover_cost entry " + std::to_string(e) + " is negative or not finite";
            if (seen[i] == j)
                return "candidate " + std::to_string(j) + " lists demand " + std::to_string(i) + " twice";
            seen[i] = j;
        }
    }
    return {};
}

namespace detail {

Baseline make_baseline(const SitingProblem& p) {
    Baseline b;
    const uint32_t n = p.demand_count, G = p.group_count;
    b.g_total.assign(G, 0), b.g_before.assign(G, 0), b.g_coverable.assign(G, 0);
    b.covered0.assign(n, 0);
    if (!p.already_covered.empty())
        for (uint32_t i = 0; i < n; ++i) b.covered0[i] = p.already_covered[i] != 0;
    b.reachable.assign(n, 0);
    for (uint32_t i : p.cover_demand) b.reachable[i] = 1;
    for (uint32_t i = 0; i < n; ++i) {
        const double w = p.demand_weight[i];
        const uint32_t g = p.demand_group[i];
        b.total += w, b.g_total[g] += w;
        if (b.covered0[i]) b.before += w, b.g_before[g] += w;
        if (b.covered0[i] || b.reachable[i]) b.coverable += w, b.g_coverable[g] += w;
    }
    b.tol = 1e-9 * std::max(1.0, b.total);
    return b;
}

Limits normalize_limits(const SitingProblem& p, const SitingOptions& opt, uint32_t k) {
    Limits lim;
    const uint32_t G = p.group_count;
    std::vector<uint32_t> available(G, 0);
    for (uint32_t g : p.candidate_group) ++available[g];
    lim.min.assign(G, 0), lim.max.assign(G, 0);
    auto note = [&](const std::string& s) { lim.note += (lim.note.empty() ? "" : "; ") + s; };
    uint64_t sum_min = 0, sum_max = 0;
    for (uint32_t g = 0; g < G; ++g) {
        const uint32_t want_max = g < opt.group_max_sites.size() ? opt.group_max_sites[g] : kNoLimit;
        const uint32_t want_min = g < opt.group_min_sites.size() ? opt.group_min_sites[g] : 0;
        lim.max[g] = std::min(want_max, available[g]);
        lim.min[g] = want_min;
        if (want_min > lim.max[g]) {
            note("group " + std::to_string(g) + ": at least " + std::to_string(want_min) +
                 " sites requested but only " + std::to_string(lim.max[g]) + " possible");
            lim.min[g] = lim.max[g];
            lim.partial = true;
        }
        sum_min += lim.min[g], sum_max += lim.max[g];
    }
    lim.k = k;
    if (k == kNone) return lim;
    if (k > sum_max) {
        note("K=" + std::to_string(k) + " but only " + std::to_string(sum_max) +
             " candidates can be used");
        lim.k = uint32_t(sum_max);
        lim.partial = true;
    }
    // Minimums beyond K: keep the lower groups' minimums, cut the rest.
    for (uint32_t g = G; g-- > 0 && sum_min > lim.k;) {
        const uint32_t cut = uint32_t(std::min<uint64_t>(lim.min[g], sum_min - lim.k));
        if (cut == 0) continue;
        note("group " + std::to_string(g) + ": minimum lowered by " + std::to_string(cut) +
             " to fit K=" + std::to_string(lim.k));
        lim.min[g] -= cut, sum_min -= cut;
        lim.partial = true;
    }
    return lim;
}

GroupCounter::GroupCounter(const Limits& l, const std::vector<uint32_t>& cg)
    : lim(l), cand_group(cg), count(l.min.size(), 0) {
    for (uint32_t v : l.min) need += v;
}

void GroupCounter::add(uint32_t j) {
    if (owed(j)) --need;
    ++count[cand_group[j]], ++placed;
}

void GroupCounter::remove(uint32_t j) {
    --count[cand_group[j]], --placed;
    if (owed(j)) ++need;
}

bool GroupCounter::can_swap(uint32_t in, uint32_t out) const {
    const uint32_t gi = cand_group[in], go = cand_group[out];
    return gi == go || (count[gi] < lim.max[gi] && count[go] > lim.min[go]);
}

CoverState::CoverState(const SitingProblem& prob, const Baseline& b)
    : p(prob), cnt(prob.demand_count, 0), sum(prob.demand_count, 0) {
    for (uint32_t i = 0; i < p.demand_count; ++i)
        if (b.covered0[i]) cnt[i] = kAlready;
}

double CoverState::gain(uint32_t j) const {
    double g = 0;
    for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
        const uint32_t i = p.cover_demand[e];
        if (cnt[i] == 0) g += p.demand_weight[i];
    }
    return g;
}

void CoverState::add(uint32_t j) {
    for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
        const uint32_t i = p.cover_demand[e];
        ++cnt[i], sum[i] += j;
    }
}

void CoverState::remove(uint32_t j) {
    for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
        const uint32_t i = p.cover_demand[e];
        --cnt[i], sum[i] -= j;
    }
}

double CoverState::sole_weight(uint32_t j) const {
    double g = 0;
    for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
        const uint32_t i = p.cover_demand[e];
        if (cnt[i] == 1) g += p.demand_weight[i];
    }
    return g;
}

std::vector<uint32_t> rank_by_coverage(const SitingProblem& p, const Baseline& b, std::span<const uint32_t> sites) {
    return rank_greedily<CoverState>(p, b, sites);
}

SitingResult start_result(const SitingProblem& p, const char* problem, const char* solver) {
    SitingResult r;
    r.problem = problem, r.solver = solver;
    if (std::string err = validate(p); !err.empty()) {
        r.status = SitingStatus::invalid;
        r.message = "invalid problem: " + err;
    }
    return r;
}

void append_message(SitingResult& r, const std::string& msg) {
    if (msg.empty()) return;
    r.message += (r.message.empty() ? "" : "; ") + msg;
}

void fill_coverage(const SitingProblem& p, const Baseline& b, SitingResult& r) {
    r.total_weight = b.total, r.before_weight = b.before, r.coverable_weight = b.coverable;
    r.group_total = b.g_total, r.group_before = b.g_before, r.group_coverable = b.g_coverable;
    r.group_after = b.g_before;
    r.group_sites.assign(p.group_count, 0);
    r.marginal.clear(), r.cumulative.clear(), r.covered_share.clear();
    CoverState st(p, b);
    double cum = 0;
    for (uint32_t j : r.chosen) {
        double g = 0;
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (st.cnt[i] != 0) continue;
            g += p.demand_weight[i];
            r.group_after[p.demand_group[i]] += p.demand_weight[i];
        }
        st.add(j);
        cum += g;
        r.marginal.push_back(g);
        r.cumulative.push_back(cum);
        r.covered_share.push_back(b.total > 0 ? (b.before + cum) / b.total : 0.0);
        ++r.group_sites[p.candidate_group[j]];
    }
    r.after_weight = b.before + cum;
}

} // namespace detail

} // namespace lc::cov
