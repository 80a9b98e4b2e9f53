// Capacitated siting: nearest-first allocation of new demand to sites with a capacity, and the
// greedy proxy that ranks sites by the weight they would serve.
#include "coverage/siting/siting.hpp"
#include "coverage/siting/internal.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lc::cov {

using namespace detail;

// ---- capacity -------------------------------------------------------------------------------

namespace detail {

double capacity_of(const SitingProblem& p, uint32_t j) {
    return p.candidate_capacity.empty() ? std::numeric_limits<double>::infinity()
                                        : p.candidate_capacity[j];
}

struct AllocPair {
    float cost;
    uint32_t site, pos, demand;
};

// All (new demand, site) pairs of the sites, in allocation order.
std::vector<AllocPair> allocation_pairs(const SitingProblem& p, std::span<const uint32_t> sites) {
    std::vector<AllocPair> pairs;
    for (uint32_t pos = 0; pos < sites.size(); ++pos) {
        const uint32_t j = sites[pos];
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if ((p.already_covered.empty() || !p.already_covered[i]) && p.demand_weight[i] > 0)
                pairs.push_back({p.cover_cost[e], j, pos, i});
        }
    }
    std::sort(pairs.begin(), pairs.end(), [](const AllocPair& a, const AllocPair& b) {
        if (a.cost != b.cost) return a.cost < b.cost;
        if (a.site != b.site) return a.site < b.site;
        return a.demand < b.demand;
    });
    return pairs;
}

// Runs the allocation over sites at positions < upto. rem and nearest are scratch of size
// demand_count (left as found: rem 0, nearest kNone).
CapacityAllocation allocate_pairs(const SitingProblem& p, std::span<const uint32_t> sites,
                                  const std::vector<AllocPair>& pairs, uint32_t upto,
                                  std::vector<double>& rem, std::vector<uint32_t>& nearest) {
    CapacityAllocation a;
    a.site_load.assign(sites.size(), 0), a.site_unserved.assign(sites.size(), 0);
    a.group_served.assign(p.group_count, 0), a.group_unserved.assign(p.group_count, 0);
    std::vector<double> room(sites.size());
    for (uint32_t pos = 0; pos < sites.size(); ++pos) room[pos] = capacity_of(p, sites[pos]);
    for (const AllocPair& pr : pairs) {
        if (pr.pos >= upto) continue;
        const uint32_t i = pr.demand;
        if (nearest[i] == kNone) {
            nearest[i] = pr.pos, rem[i] = p.demand_weight[i];
            a.covered_weight += rem[i];
        }
        const double amt = std::min(rem[i], room[pr.pos]);
        if (amt <= 0) continue;
        rem[i] -= amt, room[pr.pos] -= amt;
        a.site_load[pr.pos] += amt, a.served_weight += amt;
        a.group_served[p.demand_group[i]] += amt;
    }
    for (const AllocPair& pr : pairs) {
        const uint32_t i = pr.demand;
        if (nearest[i] == kNone) continue;
        a.site_unserved[nearest[i]] += rem[i];
        a.group_unserved[p.demand_group[i]] += rem[i];
        nearest[i] = kNone, rem[i] = 0;
    }
    return a;
}

double served_weight(const SitingProblem& p, std::span<const uint32_t> sites,
                     std::vector<double>& rem, std::vector<uint32_t>& nearest) {
    const auto pairs = allocation_pairs(p, sites);
    return allocate_pairs(p, sites, pairs, uint32_t(sites.size()), rem, nearest).served_weight;
}

std::vector<uint32_t> rank_by_service(const SitingProblem& p, const Baseline& b, std::span<const uint32_t> sites) {
    return rank_greedily<ServiceState>(p, b, sites);
}

} // namespace detail

CapacityAllocation allocate_capacity(const SitingProblem& p, std::span<const uint32_t> sites) {
    if (!validate(p).empty()) return {};
    std::vector<double> rem(p.demand_count, 0);
    std::vector<uint32_t> nearest(p.demand_count, kNone);
    const auto pairs = allocation_pairs(p, sites);
    return allocate_pairs(p, sites, pairs, uint32_t(sites.size()), rem, nearest);
}

namespace detail {

void fill_capacity(const SitingProblem& p, const Baseline& b, SitingResult& r) {
    (void)b;
    std::vector<double> rem(p.demand_count, 0);
    std::vector<uint32_t> nearest(p.demand_count, kNone);
    const auto pairs = allocation_pairs(p, r.chosen);
    const uint32_t K = uint32_t(r.chosen.size());
    const CapacityAllocation full = allocate_pairs(p, r.chosen, pairs, K, rem, nearest);
    r.served_weight = full.served_weight;
    r.site_load = full.site_load, r.site_unserved = full.site_unserved;
    r.group_served = full.group_served;
    // Served weight of each rank prefix (the capacitated marginal curve).
    double prev = 0;
    for (uint32_t k = 1; k <= K; ++k) {
        const double s = k == K ? full.served_weight
                                : allocate_pairs(p, r.chosen, pairs, k, rem, nearest).served_weight;
        r.marginal[k - 1] = s - prev;
        r.cumulative[k - 1] = s;
        prev = s;
    }
}

uint32_t swap_coverage_scan(const SitingProblem& p, const Baseline& b, const Limits& lim,
                            const SitingOptions& opt, std::vector<uint32_t>& sites, double deadline_s,
                            const Stopwatch& clock) {
    const uint32_t K = uint32_t(sites.size()), m = p.candidate_count;
    if (K == 0 || K >= m) return 0;
    CoverState st(p, b);
    GroupCounter gc(lim, p.candidate_group);
    std::vector<uint32_t> pos_of(m, kNone);
    for (uint32_t r = 0; r < K; ++r) st.add(sites[r]), gc.add(sites[r]), pos_of[sites[r]] = r;
    std::vector<double> loss(K), extra(K, 0);
    std::vector<uint32_t> touched;
    auto refresh_loss = [&] {
        for (uint32_t r = 0; r < K; ++r) loss[r] = st.sole_weight(sites[r]);
    };
    refresh_loss();
    uint32_t swaps = 0;
    // First improvement over entering candidates, best leaving site for each. For entering a and
    // leaving r: delta = G(a) - loss(r) + extra(a, r), where G(a) is what a newly covers, loss(r)
    // what only r covers, and extra(a, r) the part of loss(r) that a also covers.
    uint32_t since_improvement = 0, cursor = 0;
    for (uint32_t pass = 0; pass < opt.swap_max_passes && since_improvement < m;) {
        const uint32_t a = cursor;
        cursor = cursor + 1 == m ? 0 : cursor + 1;
        if (cursor == 0) ++pass;
        ++since_improvement;
        if ((a & 255) == 0 && clock.seconds() > deadline_s) break;
        if (pos_of[a] != kNone) continue;
        double G = 0;
        for (uint32_t e = p.cover_first[a]; e < p.cover_first[a + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            const uint32_t c = st.cnt[i];
            if (c == 0) {
                G += p.demand_weight[i];
            } else if (c == 1) {
                const uint32_t r = pos_of[st.sum[i]];
                if (extra[r] == 0) touched.push_back(r);
                extra[r] += p.demand_weight[i];
            }
        }
        double best = b.tol;
        uint32_t best_r = kNone;
        if (G > b.tol) {
            for (uint32_t r = 0; r < K; ++r) {
                const double d = G - loss[r] + extra[r];
                if (d > best && gc.can_swap(a, sites[r])) best = d, best_r = r;
            }
        }
        for (uint32_t r : touched) extra[r] = 0;
        touched.clear();
        if (best_r == kNone) continue;
        const uint32_t out = sites[best_r];
        st.remove(out), gc.remove(out), pos_of[out] = kNone;
        st.add(a), gc.add(a), pos_of[a] = best_r;
        sites[best_r] = a;
        refresh_loss();
        ++swaps;
        since_improvement = 0;
    }
    return swaps;
}

} // namespace detail

} // namespace lc::cov
