// Siting solvers (location-allocation) on a sparse coverage model, independent of geometry.
//
// Problems: MCLP (maximal covering), LSCP (fewest sites reaching per-group targets), capacitated
// covering, p-median and p-center. Each has a heuristic (lazy greedy + bounded swap local search;
// for uncapacitated MCLP and p-median also a seeded iterated local search; for LSCP a search for
// smaller covers through MCLP probes; for p-center set covers per radius) and an exact CBC model
// for small and moderate instances. Solvers never throw on degenerate requests:
// they return what can be achieved, with `status` and `message` saying what was not.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "base/counter.hpp"

namespace lc::cov {

struct SitingProblem {
    uint32_t demand_count = 0;
    std::vector<double> demand_weight;     // households per demand point
    std::vector<uint32_t> demand_group;    // town index per demand point, 0..group_count-1
    uint32_t group_count = 0;
    std::vector<uint8_t> already_covered;  // 1 if an existing facility covers the point (empty = none)
    uint32_t candidate_count = 0;
    std::vector<uint32_t> candidate_group; // town of each candidate
    // Coverage sets, CSR: demand points candidate j covers within the cutoff and their cost
    // (travel time s or metres).
    std::vector<uint32_t> cover_first;     // size candidate_count+1
    std::vector<uint32_t> cover_demand;
    std::vector<float> cover_cost;
    std::vector<double> candidate_capacity; // optional (empty = uncapacitated): max weight a site serves
};

// Empty when the arrays are consistent, otherwise a description of the first problem found.
std::string validate(const SitingProblem& p);

inline constexpr uint32_t kNoLimit = std::numeric_limits<uint32_t>::max();

struct SitingOptions {
    uint32_t k = 10;                        // MCLP / p-median: number of new sites
    std::vector<uint32_t> group_min_sites;  // per group: at least this many new sites (empty = 0)
    std::vector<uint32_t> group_max_sites;  // per group: at most this many (empty = kNoLimit)
    double target_share = 1.0;              // LSCP: share of each group's coverable weight to reach
    std::vector<double> group_target_share; // LSCP: per-group share (empty = target_share for all)
    bool use_capacity = true;               // MCLP: maximise served weight if capacities are given
    bool swap = true;                       // heuristics: run swap local search after greedy
    double swap_time_limit_s = 20.0;        // swap stops after this (keeps the greedy+ result)
    uint32_t swap_max_passes = 100;         // local search: at most this many x K swaps
                                            // (capacitated: full passes over the candidates)
    // MCLP (uncapacitated): iterated local search (ILS) after the swap search. Each iteration
    // drops up to 8 sites (a random one and chosen sites sharing demand with it), refills them
    // (the first at random among the 3 best, the rest greedily), swaps to a local optimum and
    // keeps the result if it is not worse; the best plan seen is returned. The iteration and
    // work caps are deterministic: same problem, options and seed -> same plan. The work cap
    // (entries of the move table and the reverse coverage lists touched, roughly 5 ns each)
    // bounds large instances: the default allows about 95 iterations (~10 s) at 50 M coverage
    // pairs, K=100, and is not reached by instances of a few hundred thousand pairs. The time
    // limit is only a safety net; the message says which limit stopped the search.
    uint32_t ils_iterations = 1000;         // 0 = plain greedy+swap
    uint64_t ils_work_limit = 2'000'000'000; // 0 = none
    double ils_time_limit_s = 30.0;
    uint64_t seed = 1;
    double mip_time_limit_s = 60.0;         // exact solvers: CBC time limit
    double unreached_cost = -1.0;           // p-median: cost of eligible demand no chosen site
                                            // reaches; < 0 = 2 x the largest cover cost
    // Progress (may be null): greedy picks and local-search iterations done (MCLP, p-median);
    // the total grows by K, then by the iteration cap when the search starts.
    base::Counter* progress = nullptr;
};

enum class SitingStatus : uint8_t {
    ok,      // request met (message may still carry notes, e.g. fewer sites were useful)
    partial, // request cannot be met in full; the result is the best achievable part
    invalid, // inconsistent input or solver failure; nothing chosen
};
const char* to_string(SitingStatus s);

struct SitingResult {
    std::string problem; // "mclp", "mclp-capacitated", "lscp", "pmedian", "pcenter"
    std::string solver;  // "greedy", "greedy+swap" (for MCLP and p-median including the ILS), "greedy+prune+local search", "cbc"
    SitingStatus status = SitingStatus::ok;
    std::string message;

    // Chosen candidates in rank order (greedy order within the chosen set, so every prefix is a
    // good smaller plan) and the objective improvement each rank brings.
    std::vector<uint32_t> chosen;
    std::vector<double> marginal;      // improvement of rank r (covered, served, or cost saved)
    std::vector<double> cumulative;    // improvement of ranks 1..r
    std::vector<double> covered_share; // (already + newly covered weight) / total after ranks 1..r

    // MCLP: newly covered weight (served weight if capacitated); LSCP: number of sites;
    // p-median: total weighted cost; p-center: the longest cost. bound/gap only from exact solvers (NaN otherwise).
    double objective = 0;
    double bound = std::numeric_limits<double>::quiet_NaN();
    double gap = std::numeric_limits<double>::quiet_NaN(); // |bound - objective| / |objective|
    bool proven_optimal = false;
    double seconds = 0;
    uint32_t swaps = 0; // improving swaps applied by local search
    uint32_t ils_iterations = 0, ils_improvements = 0; // MCLP iterated local search: rounds run,
                                                       // rounds that improved the best plan

    // Weights: total, already covered, coverable (already or by some candidate), after the plan.
    double total_weight = 0, before_weight = 0, coverable_weight = 0, after_weight = 0;
    std::vector<double> group_total, group_before, group_coverable, group_after;
    std::vector<double> group_target; // LSCP: weight each group must reach
    std::vector<uint32_t> group_sites; // new sites per group

    // Capacitated problems (candidate_capacity given): nearest-first allocation of new demand.
    double served_weight = 0;
    std::vector<double> site_load;     // per chosen site (rank order)
    std::vector<double> site_unserved; // weight whose nearest chosen site is this one, not served
    std::vector<double> group_served;  // weight served by new sites per group

    // p-median: demand no candidate reaches (excluded), and eligible demand no chosen site reaches.
    uint32_t excluded_count = 0, unreached_count = 0;
    double excluded_weight = 0, unreached_weight = 0, unreached_cost = 0;
};

// Heuristics (solve_mclp, solve_lscp, solve_pmedian) are deterministic (for MCLP: given
// opt.seed and opt.ils_iterations) unless a swap or ILS time limit strikes. Exact solvers start
// CBC from the heuristic plan, so they never return less; they run one at a time (CBC's driver
// is not re-entrant).

// Maximal covering: up to opt.k sites maximising newly covered weight (or served weight when the
// problem has capacities and opt.use_capacity). Respects per-group min/max site counts.
SitingResult solve_mclp(const SitingProblem& p, const SitingOptions& opt);
SitingResult solve_mclp_exact(const SitingProblem& p, const SitingOptions& opt); // uncapacitated

// Set cover with targets: fewest sites so each group reaches its target share of its coverable
// weight, respecting per-group min/max site counts.
SitingResult solve_lscp(const SitingProblem& p, const SitingOptions& opt);
SitingResult solve_lscp_exact(const SitingProblem& p, const SitingOptions& opt);

// p-median: opt.k sites minimising the weighted cost of eligible demand to its nearest chosen
// site. Eligible = not already covered (an existing facility serves it at an unknown cost) and
// within the cutoff of some candidate; the rest is counted in excluded_*. Eligible demand no chosen
// site reaches costs opt.unreached_cost. Capacities are ignored.
SitingResult solve_pmedian(const SitingProblem& p, const SitingOptions& opt);
SitingResult solve_pmedian_exact(const SitingProblem& p, const SitingOptions& opt);

// p-center: opt.k sites minimising the longest cost from an eligible household (as p-median:
// not already covered, weight > 0, within the cutoff of some candidate) to its nearest chosen
// site; objective = that longest cost. Binary search over the cover costs with a set cover per
// radius (greedy+prune, or CBC for _exact: then proven_optimal when every set cover was). When k
// sites cannot reach every eligible household, the plan is the maximal covering one (partial).
SitingResult solve_pcenter(const SitingProblem& p, const SitingOptions& opt);
SitingResult solve_pcenter_exact(const SitingProblem& p, const SitingOptions& opt);

// Reports the coverage of a given set of sites (ranked greedily), e.g. a planner's own proposal.
SitingResult evaluate_coverage(const SitingProblem& p, std::span<const uint32_t> sites);

// Nearest-first allocation of new demand (not already covered) to capacitated sites: pairs
// (demand, site) are taken in order of cost (ties: lower site, then lower demand index) and each
// demand point sends as much of its remaining weight as the site has room for. Sites without a
// capacity entry are unlimited.
struct CapacityAllocation {
    double covered_weight = 0;         // new demand within reach of some chosen site
    double served_weight = 0;
    std::vector<double> site_load;     // per site, in the order given
    std::vector<double> site_unserved; // unserved weight whose nearest given site is this one
    std::vector<double> group_served;
    std::vector<double> group_unserved; // covered but not served
};
CapacityAllocation allocate_capacity(const SitingProblem& p, std::span<const uint32_t> sites);

} // namespace lc::cov
