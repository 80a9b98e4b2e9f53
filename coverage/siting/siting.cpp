// Siting: shared bookkeeping, MCLP (plain and capacitated) and LSCP heuristics.
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

// Orders a chosen set greedily by the gain each site adds given the ones ranked before it, so
// every prefix of the ranking (the marginal curve) is meaningful. State: CoverState or ServiceState.
template <class State>
std::vector<uint32_t> rank_greedily(const SitingProblem& p, const Baseline& b, std::span<const uint32_t> sites) {
    std::vector<uint32_t> set(sites.begin(), sites.end());
    std::sort(set.begin(), set.end());
    State st(p, b);
    std::vector<uint32_t> ranked;
    std::vector<uint8_t> used(set.size(), 0);
    lazy_greedy(
        uint32_t(set.size()), [&](uint32_t k) { return st.gain(set[k]); },
        [&](uint32_t k) { return !used[k]; },
        [&](uint32_t k, const auto&) {
            used[k] = 1;
            ranked.push_back(set[k]);
            st.add(set[k]);
            return true;
        });
    return ranked;
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

// ---- capacity -------------------------------------------------------------------------------

namespace {

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

// What a capacitated site would add, compared in this order: the weight it would serve, then
// the unserved weight it reaches (room to spare for growth), then the shorter mean walk of those
// it would serve. When capacities bind, many sites serve exactly their capacity: without the
// second and third keys the tie would go to the first candidate in the file (8 of 10 sites in
// the first town). The first two only shrink as sites are added, as lazy greedy needs.
struct ServiceGain {
    double served = 0, reach = 0, closeness = 0;  // closeness = -(mean cost of the served)
    auto operator<=>(const ServiceGain&) const = default;
};

// Greedy proxy for capacitated siting: a new site fills its capacity with the still unserved
// demand it covers, nearest first. Cheap, and its gains only shrink, so lazy greedy applies;
// the reported allocation is the nearest-first one over the final set.
struct ServiceState {
    const SitingProblem& p;
    std::vector<double> rem;      // unserved new weight per demand point
    std::vector<uint32_t> by_cost; // per candidate, its cover entries nearest first (ties: demand index)
    ServiceState(const SitingProblem& prob, const Baseline& b) : p(prob), rem(prob.demand_count), by_cost(prob.cover_demand.size()) {
        for (uint32_t i = 0; i < p.demand_count; ++i) rem[i] = b.covered0[i] ? 0 : p.demand_weight[i];
        std::iota(by_cost.begin(), by_cost.end(), 0u);
        for (uint32_t j = 0; j < p.candidate_count; ++j)
            std::sort(by_cost.begin() + p.cover_first[j], by_cost.begin() + p.cover_first[j + 1], [&](uint32_t x, uint32_t y) {
                return p.cover_cost[x] != p.cover_cost[y] ? p.cover_cost[x] < p.cover_cost[y] : p.cover_demand[x] < p.cover_demand[y];
            });
    }
    ServiceGain gain(uint32_t j) const {
        ServiceGain g;
        double room = capacity_of(p, j), cost = 0;
        for (uint32_t k = p.cover_first[j]; k < p.cover_first[j + 1]; ++k) {
            const uint32_t e = by_cost[k];
            const double r = rem[p.cover_demand[e]];
            g.reach += r;
            const double amt = std::min(r, room);
            if (amt > 0) g.served += amt, room -= amt, cost += amt * p.cover_cost[e];
        }
        if (g.served > 0) g.closeness = -cost / g.served;
        return g;
    }
    void add(uint32_t j) {
        double room = capacity_of(p, j);
        for (uint32_t k = p.cover_first[j]; k < p.cover_first[j + 1] && room > 0; ++k) {
            double& r = rem[p.cover_demand[by_cost[k]]];
            const double amt = std::min(r, room);
            r -= amt, room -= amt;
        }
    }
};

std::vector<uint32_t> rank_by_service(const SitingProblem& p, const Baseline& b, std::span<const uint32_t> sites) {
    return rank_greedily<ServiceState>(p, b, sites);
}

} // namespace

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
    auto eligible = [&](uint32_t j) { return S.size() < lim.k && gc.eligible(j, lim.k - S.size()); };
    if (!capacitated) {
        CoverState st(p, b);
        lazy_greedy(p.candidate_count, [&](uint32_t j) { return st.gain(j); }, eligible,
                    [&](uint32_t j, double g) {
                        if (g <= b.tol && gc.need == 0) return false; // nothing left to gain
                        S.push_back(j), st.add(j), gc.add(j);
                        return S.size() < lim.k;
                    });
    } else {
        ServiceState st(p, b);
        lazy_greedy(p.candidate_count, [&](uint32_t j) { return st.gain(j); }, eligible,
                    [&](uint32_t j, const ServiceGain& g) {
                        if (g.served <= b.tol && gc.need == 0) return false;
                        S.push_back(j), st.add(j), gc.add(j);
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
