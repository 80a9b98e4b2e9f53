// Shared pieces of the siting solvers (siting*.cpp only; not part of the public API).
#pragma once

#include "coverage/siting/siting.hpp"

#include <chrono>
#include <limits>
#include <span>
#include <numeric>
#include <algorithm>
#include <cstdint>
#include <queue>
#include <string>
#include <vector>

namespace lc::cov::detail {

inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

struct Stopwatch {
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
};

// Weights before any new site, per group.
struct Baseline {
    double total = 0, before = 0, coverable = 0;
    std::vector<double> g_total, g_before, g_coverable;
    std::vector<uint8_t> covered0;  // already covered (normalised to 0/1, size demand_count)
    std::vector<uint8_t> reachable; // some candidate covers the point
    double tol = 1e-9;              // weight comparisons: absolute tolerance scaled to the total
};
Baseline make_baseline(const SitingProblem& p);

// Per-group site limits after clipping to what the candidates allow.
struct Limits {
    std::vector<uint32_t> min, max;
    uint32_t k = 0;      // sites that can be placed (MCLP / p-median); kNone for LSCP
    std::string note;    // what was clipped, for the result message
    bool partial = false;
};
Limits normalize_limits(const SitingProblem& p, const SitingOptions& opt, uint32_t k);

// Group bookkeeping while building a plan under Limits: a candidate is eligible while its group
// has room and enough slots remain for the groups still below their minimum.
struct GroupCounter {
    const Limits& lim;
    const std::vector<uint32_t>& cand_group;
    std::vector<uint32_t> count;
    uint32_t placed = 0;
    uint64_t need = 0; // sites still owed to group minimums
    GroupCounter(const Limits& l, const std::vector<uint32_t>& cg);
    bool has_room(uint32_t j) const { return count[cand_group[j]] < lim.max[cand_group[j]]; }
    bool owed(uint32_t j) const { return count[cand_group[j]] < lim.min[cand_group[j]]; }
    // With `slots` sites still to place, may j take one of them?
    bool eligible(uint32_t j, uint64_t slots) const {
        return has_room(j) && need - (owed(j) ? 1 : 0) <= slots - 1;
    }
    void add(uint32_t j);
    void remove(uint32_t j);
    // Can `in` replace `out` without breaking a limit?
    bool can_swap(uint32_t in, uint32_t out) const;
};

// Lazy greedy (CELF). Gains only shrink as sites are added (the objectives are submodular), so
// a stale gain is an upper bound and only the top of the queue is re-evaluated. Ties go to the
// lowest candidate index. eligible(j) == false drops j for good; take(j, gain) == false stops.
// A gain may be a double or any totally ordered key (e.g. served weight, then reach, then
// closeness: ties broken by what the sites do, not by input order).
template <class Gain, class Eligible, class Take>
void lazy_greedy(uint32_t n, Gain&& gain, Eligible&& eligible, Take&& take) {
    using Key = std::decay_t<decltype(gain(uint32_t{0}))>;
    struct Entry {
        Key gain;
        uint32_t cand, round;
    };
    auto worse = [](const Entry& a, const Entry& b) {
        return a.gain < b.gain || (a.gain == b.gain && a.cand > b.cand);
    };
    std::vector<Entry> init;
    init.reserve(n);
    for (uint32_t j = 0; j < n; ++j)
        if (eligible(j)) init.push_back({gain(j), j, 0});
    std::priority_queue<Entry, std::vector<Entry>, decltype(worse)> heap(worse, std::move(init));
    uint32_t round = 0;
    while (!heap.empty()) {
        Entry e = heap.top();
        heap.pop();
        if (!eligible(e.cand)) continue;
        if (e.round != round) { // stale: refresh and put back
            e.gain = gain(e.cand);
            e.round = round;
            heap.push(e);
            continue;
        }
        if (!take(e.cand, e.gain)) return;
        ++round;
    }
}

// Coverage state: per demand point, how many chosen sites cover it and the sum of their indices
// (which is the sole coverer when the count is 1). Already covered points start at a large count
// so they never look uncovered or solely covered.
struct CoverState {
    static constexpr uint32_t kAlready = 1u << 30;
    const SitingProblem& p;
    std::vector<uint32_t> cnt;
    std::vector<uint64_t> sum;
    CoverState(const SitingProblem& prob, const Baseline& b);
    double gain(uint32_t j) const;
    void add(uint32_t j);
    void remove(uint32_t j);
    double sole_weight(uint32_t j) const; // weight only j covers (lost if j is removed)
};

// Greedy order within a fixed set on newly covered weight (ties: lowest index).
std::vector<uint32_t> rank_by_coverage(const SitingProblem& p, const Baseline& b,
                                       std::span<const uint32_t> sites);

// Fills coverage curve, per-group and weight fields of r from r.chosen (already in rank order);
// marginal/cumulative are newly covered weight.
void fill_coverage(const SitingProblem& p, const Baseline& b, SitingResult& r);

// Fills the capacity fields and replaces marginal/cumulative by served weight per rank prefix.
void fill_capacity(const SitingProblem& p, const Baseline& b, SitingResult& r);

// First-improvement swap scan on newly covered weight (no move table, O(pairs) per pass);
// returns improving swaps applied. sites keeps its size. Fallback of search_coverage.
uint32_t swap_coverage_scan(const SitingProblem& p, const Baseline& b, const Limits& lim,
                            const SitingOptions& opt, std::vector<uint32_t>& sites, double deadline_s,
                            const Stopwatch& clock);

// Move table entries (candidates x sites, 8 bytes each) above which search_coverage falls back
// to swap_coverage_scan.
inline constexpr uint64_t kDenseSwapLimit = uint64_t(1) << 24; // 128 MiB (plus 16 MiB of marks)

// Tests only: when set, search_coverage runs its earlier code where it was made faster (the
// dense scan of the whole move table for each swap, whole-table snapshots and row resets, the
// first refill pick by sorting, GroupCounter asked even when no limit binds): the reference the
// tests hold the faster code to, which must make the same choices.
extern bool dense_swap_reference;

struct SearchOutcome {
    uint32_t swaps = 0;             // improving swaps, local search and ILS together
    uint32_t ils_iterations = 0;    // perturbations tried
    uint32_t ils_improvements = 0;  // of which improved the best plan
    bool ils_timed_out = false;     // ILS stopped by opt.ils_time_limit_s
    bool ils_work_stopped = false;  // ILS stopped by opt.ils_work_limit
    std::string note;               // for the result message
};

// Best-improvement swap local search on newly covered weight, then opt.ils_iterations rounds of
// iterated local search (seeded by opt.seed). sites keeps its size; the best plan is returned
// in it (slot order, not ranked). deadline_s bounds the first local search,
// opt.ils_time_limit_s and opt.ils_work_limit the ILS.
SearchOutcome search_coverage(const SitingProblem& p, const Baseline& b, const Limits& lim,
                              const SitingOptions& opt, std::vector<uint32_t>& sites,
                              double deadline_s, const Stopwatch& clock);

// Drops trailing ranks that add no coverage, unless a group minimum needs them.
void trim_useless(const SitingProblem& p, const Baseline& b, const Limits& lim, SitingResult& r);

// LSCP: weight each group must reach (share x coverable weight); notes clamped shares.
std::vector<double> group_targets(const SitingProblem& p, const Baseline& b,
                                  const SitingOptions& opt, std::string& note);

SitingResult start_result(const SitingProblem& p, const char* problem, const char* solver);
void append_message(SitingResult& r, const std::string& msg);

// A MIP in column form (minimisation), solved by CBC.
struct MipModel {
    std::vector<double> col_lb, col_ub, obj;
    std::vector<uint8_t> integer;
    std::vector<double> row_lb, row_ub;
    std::vector<int> t_row, t_col; // coefficient triplets
    std::vector<double> t_val;
    std::vector<double> start; // optional feasible solution (all columns) for CBC to start from
    int add_col(double lb, double ub, double cost, bool is_int) {
        col_lb.push_back(lb), col_ub.push_back(ub), obj.push_back(cost), integer.push_back(is_int);
        return int(obj.size()) - 1;
    }
    int add_row(double lb, double ub) {
        row_lb.push_back(lb), row_ub.push_back(ub);
        return int(row_lb.size()) - 1;
    }
    void set(int row, int col, double v) { t_row.push_back(row), t_col.push_back(col), t_val.push_back(v); }
};
struct MipOutcome {
    bool has_solution = false, proven_optimal = false, proven_infeasible = false;
    double objective = 0, bound = 0; // minimisation sense
    std::vector<double> x;
    std::string message;
};
MipOutcome solve_mip(const MipModel& m, double time_limit_s);
// Rows sum_{j in g} x_j in [min, max] for groups whose limits bind (x_j = column j).
void add_group_rows(const SitingProblem& p, const Limits& lim, MipModel& M);


// ---- shared by capacity.cpp and mclp.cpp ----

double capacity_of(const SitingProblem& p, uint32_t j);  // +inf when uncapacitated
// Served weight of a site set under nearest-first allocation; rem/nearest are scratch.
double served_weight(const SitingProblem& p, std::span<const uint32_t> sites, std::vector<double>& rem,
                     std::vector<uint32_t>& nearest);
std::vector<uint32_t> rank_by_service(const SitingProblem& p, const Baseline& b, std::span<const uint32_t> sites);

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
    // Per candidate, its cover entries nearest first (ties: demand index), sorted the first time
    // the candidate is looked at: ranking a few chosen sites must not sort every candidate's list.
    mutable std::vector<uint32_t> by_cost;
    mutable std::vector<uint8_t> sorted;
    ServiceState(const SitingProblem& prob, const Baseline& b)
        : p(prob), rem(prob.demand_count), by_cost(prob.cover_demand.size()), sorted(prob.candidate_count, 0) {
        for (uint32_t i = 0; i < p.demand_count; ++i) rem[i] = b.covered0[i] ? 0 : p.demand_weight[i];
        std::iota(by_cost.begin(), by_cost.end(), 0u);
    }
    void sort_once(uint32_t j) const {
        if (sorted[j]) return;
        std::sort(by_cost.begin() + p.cover_first[j], by_cost.begin() + p.cover_first[j + 1], [&](uint32_t x, uint32_t y) {
            return p.cover_cost[x] != p.cover_cost[y] ? p.cover_cost[x] < p.cover_cost[y] : p.cover_demand[x] < p.cover_demand[y];
        });
        sorted[j] = 1;
    }
    ServiceGain gain(uint32_t j) const {
        sort_once(j);
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
        sort_once(j);
        double room = capacity_of(p, j);
        for (uint32_t k = p.cover_first[j]; k < p.cover_first[j + 1] && room > 0; ++k) {
            double& r = rem[p.cover_demand[by_cost[k]]];
            const double amt = std::min(r, room);
            r -= amt, room -= amt;
        }
    }
};


} // namespace lc::cov::detail
