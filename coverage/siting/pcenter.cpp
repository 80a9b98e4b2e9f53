// p-center: k new sites minimising the longest walk of the households no existing facility
// covers. Solved as a sequence of set covers (Minieka 1970): the optimum is one of the cover
// costs; a radius r is achievable when the fewest sites that reach every eligible household
// within r is at most k, and that number only falls as r grows, so a binary search over the
// distinct costs finds the smallest achievable radius. The set covers are the LSCP solvers'
// (greedy+prune for the heuristic, CBC for the exact answer).
#include "coverage/siting/siting.hpp"
#include "coverage/siting/internal.hpp"

#include <algorithm>
#include <cmath>

namespace lc::cov {

using namespace detail;

namespace {

// Eligible households: weight > 0, not already covered, reached by some candidate (the rest
// cannot be helped by new sites and are counted in excluded_*).
struct Eligibility {
    std::vector<uint8_t> eligible;
    double lower_bound = 0;  // every eligible household's nearest candidate: no plan does better
    std::vector<float> radii;  // distinct cover costs >= lower_bound, ascending
    uint32_t excluded_count = 0;
    double excluded_weight = 0;
};

Eligibility eligibility(const SitingProblem& p) {
    Eligibility e;
    std::vector<float> best(p.demand_count, INFINITY);
    for (uint32_t j = 0; j < p.candidate_count; ++j)
        for (uint32_t k = p.cover_first[j]; k < p.cover_first[j + 1]; ++k)
            best[p.cover_demand[k]] = std::min(best[p.cover_demand[k]], p.cover_cost[k]);
    e.eligible.assign(p.demand_count, 0);
    for (uint32_t i = 0; i < p.demand_count; ++i) {
        const bool covered = !p.already_covered.empty() && p.already_covered[i];
        if (covered || !(p.demand_weight[i] > 0)) continue;
        if (!std::isfinite(best[i])) {
            ++e.excluded_count, e.excluded_weight += p.demand_weight[i];
            continue;
        }
        e.eligible[i] = 1;
        e.lower_bound = std::max(e.lower_bound, double(best[i]));
    }
    for (float c : p.cover_cost)
        if (c >= e.lower_bound) e.radii.push_back(c);
    std::sort(e.radii.begin(), e.radii.end());
    e.radii.erase(std::unique(e.radii.begin(), e.radii.end()), e.radii.end());
    return e;
}

// The problem with every cover list cut at `radius`.
SitingProblem within(const SitingProblem& p, float radius) {
    SitingProblem q = p;
    q.cover_demand.clear(), q.cover_cost.clear();
    q.cover_first.assign(1, 0);
    for (uint32_t j = 0; j < p.candidate_count; ++j) {
        for (uint32_t k = p.cover_first[j]; k < p.cover_first[j + 1]; ++k)
            if (p.cover_cost[k] <= radius) q.cover_demand.push_back(p.cover_demand[k]), q.cover_cost.push_back(p.cover_cost[k]);
        q.cover_first.push_back(uint32_t(q.cover_demand.size()));
    }
    return q;
}

// Does every eligible household have a site of `sites` in its cover lists?
bool reaches_all(const SitingProblem& q, const Eligibility& e, std::span<const uint32_t> sites) {
    std::vector<uint8_t> reached(q.demand_count, 0);
    for (uint32_t j : sites)
        for (uint32_t k = q.cover_first[j]; k < q.cover_first[j + 1]; ++k) reached[q.cover_demand[k]] = 1;
    for (uint32_t i = 0; i < q.demand_count; ++i)
        if (e.eligible[i] && !reached[i]) return false;
    return true;
}

// Longest cost from an eligible household to its nearest chosen site, over those a chosen site
// reaches; the others are counted in r.unreached_*.
double longest_walk(const SitingProblem& p, const Eligibility& e, std::span<const uint32_t> sites, SitingResult& r) {
    std::vector<float> cost(p.demand_count, INFINITY);
    for (uint32_t j : sites)
        for (uint32_t k = p.cover_first[j]; k < p.cover_first[j + 1]; ++k)
            cost[p.cover_demand[k]] = std::min(cost[p.cover_demand[k]], p.cover_cost[k]);
    double worst = 0;
    r.unreached_count = 0, r.unreached_weight = 0;
    for (uint32_t i = 0; i < p.demand_count; ++i) {
        if (!e.eligible[i]) continue;
        if (std::isfinite(cost[i])) worst = std::max(worst, double(cost[i]));
        else ++r.unreached_count, r.unreached_weight += p.demand_weight[i];
    }
    return worst;
}

SitingResult solve_pcenter_with(const SitingProblem& p, const SitingOptions& opt, bool exact) {
    Stopwatch clock;
    SitingResult r = start_result(p, "pcenter", exact ? "cbc" : "greedy");
    if (r.status == SitingStatus::invalid) return r;
    const Eligibility e = eligibility(p);
    r.excluded_count = e.excluded_count, r.excluded_weight = e.excluded_weight;
    SitingOptions cover = opt;
    cover.target_share = 1.0;
    cover.group_target_share.clear();
    // "At most k sites?" needs no smallest cover: greedy+prune, then the MCLP check below.
    if (!exact) cover.swap = false;
    // A radius works when its set cover needs at most k sites and reaches every group's target.
    bool all_proven = true;
    auto attempt = [&](float radius, std::vector<uint32_t>& sites) {
        const SitingProblem q = within(p, radius);
        const SitingResult c = exact ? solve_lscp_exact(q, cover) : solve_lscp(q, cover);
        bool ok = c.status == SitingStatus::ok && c.chosen.size() <= opt.k;
        if (ok) sites = c.chosen;
        if (!ok && !exact) {
            // Greedy set cover often needs a site or two more than the optimum (Liechtenstein:
            // 32 for 30): k sites chosen to cover the most (MCLP with its local search) may
            // still reach everyone within the radius.
            const SitingResult m = solve_mclp(q, opt);
            if (m.status == SitingStatus::ok && m.chosen.size() <= opt.k && reaches_all(q, e, m.chosen)) ok = true, sites = m.chosen;
        }
        if (!ok && exact && !c.proven_optimal) all_proven = false;  // "more than k" not proven
        return ok;
    };
    std::vector<uint32_t> best;
    if (e.radii.empty()) {
        append_message(r, "no household is left for new sites to reach (all covered, or none within the cutoff)");
    } else {
        size_t lo = 0, hi = e.radii.size() - 1;
        std::vector<uint32_t> sites;
        if (!attempt(e.radii[hi], sites)) {
            // k sites cannot reach everyone within the cutoff: the longest walk is unbounded.
            // Cover as much as k sites can (MCLP) and say how many would be needed.
            r.status = SitingStatus::partial;
            const SitingResult m = solve_mclp(p, opt);
            best = m.chosen;
            append_message(r, std::to_string(opt.k) + " sites cannot reach every household within the cutoff; the plan covers the most "
                              "(maximal covering); the longest walk is over the households it reaches, the others are unreached");
        } else {
            best = sites;
            while (lo < hi) {  // invariant: radii[hi] works
                const size_t mid = lo + (hi - lo) / 2;
                if (attempt(e.radii[mid], sites)) hi = mid, best = sites;
                else lo = mid + 1;
            }
            // The greedy set cover is not monotone in the radius: a few smaller radii may still work.
            if (!exact)
                for (size_t tries = 0; hi > 0 && tries < 4; ++tries) {
                    if (!attempt(e.radii[hi - 1], sites)) break;
                    --hi, best = sites;
                }
        }
    }
    const SitingResult cov = evaluate_coverage(p, best);
    const std::string note = r.message;
    const SitingStatus status = r.status;
    const uint32_t excluded = r.excluded_count;
    const double excluded_w = r.excluded_weight;
    r = cov;
    r.problem = "pcenter";
    r.solver = exact ? "cbc" : "greedy";
    r.status = status;
    r.message = note;
    r.excluded_count = excluded, r.excluded_weight = excluded_w;
    r.objective = e.radii.empty() ? 0.0 : longest_walk(p, e, r.chosen, r);
    if (exact && status == SitingStatus::ok && all_proven) {
        r.bound = r.objective, r.gap = 0, r.proven_optimal = true;
    } else if (exact && status == SitingStatus::ok) {
        r.bound = e.lower_bound;
        r.gap = r.objective > 0 ? std::fabs(r.objective - r.bound) / r.objective : 0;
        append_message(r, "a set cover hit the time limit: the longest walk is not proven minimal");
    }
    r.seconds = clock.seconds();
    return r;
}

}  // namespace

SitingResult solve_pcenter(const SitingProblem& p, const SitingOptions& opt) { return solve_pcenter_with(p, opt, false); }
SitingResult solve_pcenter_exact(const SitingProblem& p, const SitingOptions& opt) { return solve_pcenter_with(p, opt, true); }

}  // namespace lc::cov
