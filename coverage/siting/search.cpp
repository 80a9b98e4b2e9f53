// MCLP local search on newly covered weight: best-improvement swap with incremental move values,
// and a seeded iterated local search (perturb, refill greedily, swap again, keep if not worse).
#include "coverage/siting/siting.hpp"
#include "coverage/siting/internal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace lc::cov::detail {

bool dense_swap_reference = false;

namespace {

// Deterministic on every platform (std distributions are not): splitmix64.
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint32_t below(uint32_t n) { return n <= 1 ? 0 : uint32_t(next() % n); } // bias negligible
};

// Swap search state over K slots. For a candidate a outside the plan and the site in slot q:
//   delta(a, q) = gain[a] - loss[q] + extra[q*m + a]
// gain[a]: uncovered weight a covers; loss[q]: weight only slot q covers; extra[q*m + a]: the
// part of loss[q] that a also covers. All three are kept up to date point by point when a site
// enters or leaves (a point changes only when its cover count moves between 0, 1 and 2), through
// the reverse coverage lists, so choosing the best of all m x K swaps costs O(m K) without
// touching the coverage lists. extra is slot-major: an update walks one slot's row in the
// (ascending) order of a reverse list. It is sparse (on the benchmark, 20,000 candidates and
// K = 100, about 8,400 of the 2 M entries are nonzero), so each row keeps the list of entries
// written since it was last zeroed, and the best-swap scan, snapshots and resets visit only those.
//
// `work` is the deterministic effort budget that decides where the ILS stops
// (opt.ils_work_limit): every step charges what the dense version of it charged (whole rows and
// the whole table), not what it now touches, so the search stops where it always did.
struct CoverSearch {
    const SitingProblem& p;
    const Baseline& b;
    const uint32_t m, K;
    std::vector<uint32_t> rfirst, rcand; // reverse CSR: candidates covering each relevant point
    std::vector<uint32_t> cnt;           // chosen sites covering each point (kAlready if already)
    std::vector<uint64_t> sum;           // sum of their indices (the sole one when cnt == 1)
    std::vector<double> gain, loss, extra;
    // mark[q*m + a] = 1 where extra's entry was added to since row q was last zeroed, and
    // touched[q] lists those a: every other entry of the row is exactly 0.
    std::vector<uint8_t> mark;
    std::vector<std::vector<uint32_t>> touched;
    std::vector<uint32_t> sites, pos_of; // slot -> site (kNone if empty), site -> slot
    GroupCounter gc;
    // No group limit can bind: every group's maximum is at least its candidate count and no
    // group has a minimum. Then a candidate outside the plan is always eligible and every swap
    // keeps the limits (GroupCounter would say the same, at the cost of four lookups).
    bool free_limits = true;
    double value = 0; // newly covered weight
    uint64_t work = 0; // effort so far, in move-table and reverse-list entries touched

    CoverSearch(const SitingProblem& prob, const Baseline& base, const Limits& lim, uint32_t k)
        : p(prob), b(base), m(prob.candidate_count), K(k), cnt(prob.demand_count, 0),
          sum(prob.demand_count, 0), gain(m, 0), loss(k, 0), extra(size_t(m) * k, 0),
          mark(size_t(m) * k, 0), touched(k), sites(k, kNone), pos_of(m, kNone), gc(lim, prob.candidate_group) {
        const uint32_t n = p.demand_count;
        auto relevant = [&](uint32_t i) { return !b.covered0[i] && p.demand_weight[i] > 0; };
        rfirst.assign(size_t(n) + 1, 0);
        for (uint32_t i : p.cover_demand)
            if (relevant(i)) ++rfirst[i + 1];
        for (uint32_t i = 0; i < n; ++i) rfirst[i + 1] += rfirst[i];
        rcand.resize(rfirst[n]);
        std::vector<uint32_t> fill(rfirst.begin(), rfirst.end() - 1);
        for (uint32_t j = 0; j < m; ++j)
            for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
                const uint32_t i = p.cover_demand[e];
                if (relevant(i)) {
                    rcand[fill[i]++] = j;
                    gain[j] += p.demand_weight[i];
                }
            }
        for (uint32_t i = 0; i < n; ++i)
            if (b.covered0[i]) cnt[i] = CoverState::kAlready;
        std::vector<uint32_t> available(lim.max.size(), 0);
        for (uint32_t g : p.candidate_group) ++available[g];
        for (size_t g = 0; g < available.size(); ++g)
            if (lim.min[g] > 0 || lim.max[g] < available[g]) free_limits = false;
        if (dense_swap_reference) free_limits = false;
    }

    bool in(uint32_t j) const { return pos_of[j] != kNone; }
    // GroupCounter's tests for j outside the plan (and, for can_swap, out in it).
    bool eligible(uint32_t j, uint64_t slots) const { return free_limits || gc.eligible(j, slots); }
    bool can_swap(uint32_t j, uint32_t out) const { return free_limits || gc.can_swap(j, out); }

    // Everything add/remove change, for going back to a plan at the cost of a copy (cheaper than
    // undoing the swaps one by one). Of extra only the touched entries are kept (the rest are
    // 0); the work charged is still that of copying the whole table.
    struct Snapshot {
        std::vector<uint32_t> cnt, sites, pos_of, group_count;
        std::vector<uint64_t> sum;
        std::vector<double> gain, loss;
        std::vector<std::vector<uint32_t>> touched;
        std::vector<double> values; // extra at the touched entries, slot after slot
        std::vector<double> extra;  // dense_swap_reference only: the whole table
        uint32_t placed = 0;
        uint64_t need = 0;
        double value = 0;
    };
    void save(Snapshot& t) {
        work += extra.size() / 4 + cnt.size();
        t.cnt = cnt, t.sites = sites, t.pos_of = pos_of, t.group_count = gc.count, t.sum = sum;
        t.gain = gain, t.loss = loss, t.touched = touched;
        t.values.clear();
        for (uint32_t q = 0; q < K; ++q)
            for (uint32_t a : touched[q]) t.values.push_back(extra[size_t(q) * m + a]);
        if (dense_swap_reference) t.extra = extra;
        t.placed = gc.placed, t.need = gc.need, t.value = value;
    }
    void restore(const Snapshot& t) {
        work += extra.size() / 4 + cnt.size();
        cnt = t.cnt, sites = t.sites, pos_of = t.pos_of, gc.count = t.group_count, sum = t.sum;
        gain = t.gain, loss = t.loss;
        for (uint32_t q = 0; q < K; ++q)
            for (uint32_t a : touched[q]) extra[size_t(q) * m + a] = 0, mark[size_t(q) * m + a] = 0;
        touched = t.touched;
        size_t k = 0;
        for (uint32_t q = 0; q < K; ++q)
            for (uint32_t a : touched[q]) extra[size_t(q) * m + a] = t.values[k++], mark[size_t(q) * m + a] = 1;
        if (dense_swap_reference) extra = t.extra; // the earlier copy (the same table)
        gc.placed = t.placed, gc.need = t.need, value = t.value;
    }

    void add(uint32_t j, uint32_t q) {
        double* row_q = &extra[size_t(q) * m];
        uint8_t* mark_q = &mark[size_t(q) * m];
        std::vector<uint32_t>& touched_q = touched[q];
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            const uint32_t c = cnt[i];
            ++cnt[i], sum[i] += j;
            if (c > 1 || rfirst[i] == rfirst[i + 1]) continue;
            const double w = p.demand_weight[i];
            work += rfirst[i + 1] - rfirst[i];
            if (c == 0) { // newly covered, by j alone
                value += w, loss[q] += w;
                for (uint32_t t = rfirst[i]; t < rfirst[i + 1]; ++t) {
                    const uint32_t a = rcand[t];
                    gain[a] -= w, row_q[a] += w;
                    if (!mark_q[a]) mark_q[a] = 1, touched_q.push_back(a);
                }
            } else { // its sole coverer gets company
                const uint32_t r = pos_of[sum[i] - j];
                loss[r] -= w;
                // (Entries added to when the point came to be covered by r alone: marked.)
                double* row_r = &extra[size_t(r) * m];
                for (uint32_t t = rfirst[i]; t < rfirst[i + 1]; ++t) row_r[rcand[t]] -= w;
            }
        }
        sites[q] = j, pos_of[j] = q;
        gc.add(j);
        work += p.cover_first[j + 1] - p.cover_first[j];
    }

    void remove(uint32_t q) {
        const uint32_t j = sites[q];
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            const uint32_t c = cnt[i];
            --cnt[i], sum[i] -= j;
            if (c > 2 || rfirst[i] == rfirst[i + 1]) continue;
            const double w = p.demand_weight[i];
            work += rfirst[i + 1] - rfirst[i];
            if (c == 1) { // uncovered again
                value -= w;
                for (uint32_t t = rfirst[i]; t < rfirst[i + 1]; ++t) gain[rcand[t]] += w;
            } else { // the other coverer is now alone
                const uint32_t r = pos_of[sum[i]];
                loss[r] += w;
                double* row_r = &extra[size_t(r) * m];
                uint8_t* mark_r = &mark[size_t(r) * m];
                std::vector<uint32_t>& touched_r = touched[r];
                for (uint32_t t = rfirst[i]; t < rfirst[i + 1]; ++t) {
                    const uint32_t a = rcand[t];
                    row_r[a] += w;
                    if (!mark_r[a]) mark_r[a] = 1, touched_r.push_back(a);
                }
            }
        }
        // Slot q's row and loss are now zero up to rounding: make them exactly zero. Only the
        // touched entries can be nonzero; the work charged is still the whole row's.
        loss[q] = 0;
        double* row_q = &extra[size_t(q) * m];
        uint8_t* mark_q = &mark[size_t(q) * m];
        for (uint32_t a : touched[q]) row_q[a] = 0, mark_q[a] = 0;
        touched[q].clear();
        if (dense_swap_reference) std::fill_n(row_q, m, 0.0); // the earlier reset (a no-op)
        work += m + (p.cover_first[j + 1] - p.cover_first[j]);
        sites[q] = kNone, pos_of[j] = kNone;
        gc.remove(j);
    }

    // Best swap over all (entering, slot) pairs; false if none gains more than the tolerance.
    // The first pair in (candidate, slot) order with the largest delta, strictly above the best
    // before it, among the candidates a whose bound gain[a] + top[a] beats that best, where
    // top[a] = max over slots of extra - loss (group limits aside).
    //
    // The dense scan (best_swap_dense) built top[] from the whole table; here
    //   max(t0, up[a]) >= top[a],  t0 = max over slots of 0 - loss[q],
    // with up[a] the max over a's touched entries only: an untouched entry is exactly 0, so its
    // slot's term is exactly 0 - loss[q] <= t0 (and rounding is monotone, so gain[a] + that
    // bound >= gain[a] + top[a] as computed). A candidate failing it fails the dense bound; one
    // passing it gets top[a] computed
    // exactly as the dense scan did, in the same loop as its deltas, and is looked at only if
    // that bound passes. The exact test matters: gain + (extra - loss) rounds differently from
    // the delta (gain - loss) + extra, so the dense bound can fall an ulp below a delta and skip
    // the candidate; skipping it alike keeps the choices bit-identical.
    std::vector<double> top; // best_swap_dense's
    std::vector<double> up;  // -inf but at the touched entries' candidates during best_swap
    bool best_swap(uint32_t& in_a, uint32_t& out_q) {
        double t0 = -std::numeric_limits<double>::infinity();
        for (uint32_t q = 0; q < K; ++q) t0 = std::max(t0, 0.0 - loss[q]);
        if (up.empty()) up.assign(m, -std::numeric_limits<double>::infinity());
        for (uint32_t q = 0; q < K; ++q) {
            const double* row = &extra[size_t(q) * m];
            const double lq = loss[q];
            double* u = up.data();
            for (uint32_t a : touched[q]) u[a] = std::max(u[a], row[a] - lq);
        }
        work += uint64_t(m) * K / 4; // the dense pass's charge, though only touched entries were read
        double best = b.tol;
        in_a = out_q = kNone;
        for (uint32_t a = 0; a < m; ++a) {
            const double G = gain[a];
            if (G + std::max(t0, up[a]) <= best || in(a)) continue;
            // The dense scan's loop over the slots, with its updates of best held back until
            // its bound (exact) is known to pass.
            double exact = -std::numeric_limits<double>::infinity(), best_a = best;
            uint32_t q_a = kNone;
            for (uint32_t q = 0; q < K; ++q) {
                const double e = extra[size_t(q) * m + a];
                exact = std::max(exact, e - loss[q]);
                const double d = G - loss[q] + e;
                if (d > best_a && can_swap(a, sites[q])) best_a = d, q_a = q;
            }
            if (G + exact <= best) continue;
            if (q_a != kNone) best = best_a, in_a = a, out_q = q_a;
        }
        for (uint32_t q = 0; q < K; ++q)
            for (uint32_t a : touched[q]) up[a] = -std::numeric_limits<double>::infinity();
        return in_a != kNone;
    }

    // The previous scan, kept as the reference the one above must match (tests only).
    bool best_swap_dense(uint32_t& in_a, uint32_t& out_q) {
        top.assign(m, -std::numeric_limits<double>::infinity());
        for (uint32_t q = 0; q < K; ++q) {
            const double* row = &extra[size_t(q) * m];
            const double lq = loss[q];
            double* t = top.data();
            for (uint32_t a = 0; a < m; ++a) t[a] = std::max(t[a], row[a] - lq);
        }
        work += uint64_t(m) * K / 4; // streamed: cheaper per entry than the scattered updates
        double best = b.tol;
        in_a = out_q = kNone;
        for (uint32_t a = 0; a < m; ++a) {
            const double G = gain[a];
            if (G + top[a] <= best || in(a)) continue;
            for (uint32_t q = 0; q < K; ++q) {
                const double d = G - loss[q] + extra[size_t(q) * m + a];
                if (d > best && gc.can_swap(a, sites[q])) best = d, in_a = a, out_q = q;
            }
        }
        return in_a != kNone;
    }

    // Best-improvement swaps until none improves, max_moves are made or the deadline passes.
    // Returns the swaps made; timed_out says whether the deadline stopped it.
    uint32_t local_search(uint64_t max_moves, double deadline_s, const Stopwatch& clock, bool& timed_out) {
        uint32_t moves = 0;
        uint32_t a, q;
        while (moves < max_moves) {
            if (clock.seconds() > deadline_s) {
                timed_out = true;
                break;
            }
            if (!(dense_swap_reference ? best_swap_dense(a, q) : best_swap(a, q))) break;
            remove(q);
            add(a, q);
            ++moves;
        }
        return moves;
    }

    // Fills the empty slots greedily (largest gain, ties to the lowest index), keeping the group
    // limits; candidates marked in `tabu` only if nothing else is eligible.
    // The first pick is random among the `spread` best (perturbation), the rest greedy.
    std::vector<uint32_t> refill_top;
    void refill(const std::vector<uint8_t>& tabu, uint32_t spread, Rng& rng) {
        std::vector<uint32_t> empty;
        for (uint32_t q = 0; q < K; ++q)
            if (sites[q] == kNone) empty.push_back(q);
        for (size_t t = 0; t < empty.size(); ++t) {
            const uint64_t slots = empty.size() - t;
            if (t == 0 && spread > 1 && dense_swap_reference) { // the earlier pick: sort all
                std::vector<std::pair<double, uint32_t>> top;
                for (uint32_t a = 0; a < m; ++a)
                    if (!in(a) && !tabu[a] && gc.eligible(a, slots)) top.push_back({-gain[a], a});
                if (!top.empty()) {
                    const size_t T = std::min<size_t>(spread, top.size());
                    std::partial_sort(top.begin(), top.begin() + std::ptrdiff_t(T), top.end());
                    add(top[rng.below(uint32_t(T))].second, empty[t]);
                    continue;
                }
            } else if (t == 0 && spread > 1) {
                // The `spread` largest gains, ties to the lowest index, in that order: the head
                // of all eligible candidates sorted by (-gain, index), kept in one pass (a later
                // candidate goes before a kept one only on a strictly larger gain).
                std::vector<uint32_t>& top = refill_top;
                top.clear();
                for (uint32_t a = 0; a < m; ++a) {
                    if (in(a) || tabu[a] || !eligible(a, slots)) continue;
                    const double g = gain[a];
                    if (top.size() == spread) {
                        if (!(g > gain[top.back()])) continue;
                        top.back() = a;
                    } else {
                        top.push_back(a);
                    }
                    for (size_t i = top.size() - 1; i > 0 && g > gain[top[i - 1]]; --i) std::swap(top[i], top[i - 1]);
                }
                if (!top.empty()) {
                    add(top[rng.below(uint32_t(top.size()))], empty[t]);
                    continue;
                }
            }
            uint32_t pick = kNone, fallback = kNone;
            double best = -1, best_fb = -1;
            work += m;
            for (uint32_t a = 0; a < m; ++a) {
                if (in(a) || !eligible(a, slots)) continue;
                if (tabu[a]) {
                    if (gain[a] > best_fb) best_fb = gain[a], fallback = a;
                } else if (gain[a] > best) {
                    best = gain[a], pick = a;
                }
            }
            if (pick == kNone) pick = fallback;
            if (pick == kNone) continue; // cannot happen when the plan was feasible
            add(pick, empty[t]);
        }
    }
};

} // namespace

SearchOutcome search_coverage(const SitingProblem& p, const Baseline& b, const Limits& lim,
                              const SitingOptions& opt, std::vector<uint32_t>& sites,
                              double deadline_s, const Stopwatch& clock) {
    SearchOutcome out;
    const uint32_t K = uint32_t(sites.size()), m = p.candidate_count;
    if (K == 0 || K >= m) return out;
    if (uint64_t(m) * K > kDenseSwapLimit) { // move table too large: first-improvement scan
        out.swaps = swap_coverage_scan(p, b, lim, opt, sites, deadline_s, clock);
        out.note = "candidates x sites above the move table limit: plain swap search, no ILS";
        return out;
    }
    CoverSearch s(p, b, lim, K);
    for (uint32_t q = 0; q < K; ++q) s.add(sites[q], q);
    const uint64_t max_moves = uint64_t(std::max(1u, opt.swap_max_passes)) * K;
    bool timed_out = false;
    out.swaps = s.local_search(max_moves, deadline_s, clock, timed_out);
    if (timed_out) out.note = "swap search stopped at the time limit";

    // Upper bound: every reachable new point covered.
    double reachable = 0;
    for (uint32_t i = 0; i < p.demand_count; ++i)
        if (!b.covered0[i] && b.reachable[i]) reachable += p.demand_weight[i];

    std::vector<uint32_t> best = s.sites;
    double best_value = s.value, cur_value = s.value;
    CoverSearch::Snapshot cur;
    if (opt.ils_iterations > 0) s.save(cur);
    const double ils_deadline = clock.seconds() + opt.ils_time_limit_s;
    Rng rng{opt.seed * 0x2545F4914F6CDD1Dull + 0x1234567ull};
    std::vector<uint8_t> tabu(m, 0);
    const uint64_t W0 = s.work;
    std::vector<uint32_t> removed;
    const uint32_t max_remove = std::min<uint32_t>(K, 8), spread = 3;
    base::expect(opt.progress, opt.ils_iterations);
    for (uint32_t it = 0; it < opt.ils_iterations && !timed_out; ++it) {
        if (best_value >= reachable - b.tol) break; // nothing left to cover
        if (opt.ils_work_limit > 0 && s.work - W0 >= opt.ils_work_limit) {
            out.ils_work_stopped = true;
            break;
        }
        if (clock.seconds() > ils_deadline) {
            out.ils_timed_out = true;
            break;
        }
        ++out.ils_iterations;
        base::count(opt.progress);
        // Perturb: drop r slots (the first at random, the rest among the sites sharing demand
        // with it when there are, so the refill rearranges a neighbourhood), refill without the
        // dropped sites (first pick random among the `spread` best, then greedy), local search.
        const uint32_t r = 1 + rng.below(std::min(max_remove, K));
        removed.clear();
        const uint32_t q0 = rng.below(K);
        removed.push_back(q0);
        if (r > 1) {
            // Neighbours of the first site: chosen sites covering its points, by shared weight.
            std::vector<std::pair<double, uint32_t>> near;
            const uint32_t j0 = s.sites[q0];
            std::vector<double> shared(K, 0);
            for (uint32_t e = p.cover_first[j0]; e < p.cover_first[j0 + 1]; ++e) {
                const uint32_t i = p.cover_demand[e];
                if (s.rfirst[i] == s.rfirst[i + 1] || s.cnt[i] < 2) continue;
                s.work += s.rfirst[i + 1] - s.rfirst[i];
                for (uint32_t t = s.rfirst[i]; t < s.rfirst[i + 1]; ++t) {
                    const uint32_t q = s.pos_of[s.rcand[t]];
                    if (q != kNone && q != q0) shared[q] += p.demand_weight[i];
                }
            }
            for (uint32_t q = 0; q < K; ++q)
                if (shared[q] > 0) near.push_back({shared[q], q});
            // Random among the neighbours (weighted order by a random key), then random others.
            for (auto& [w, q] : near) w = -w * (0.5 + double(rng.below(1u << 20)) / double(1u << 20));
            std::sort(near.begin(), near.end());
            for (const auto& [w, q] : near) {
                if (removed.size() >= r) break;
                removed.push_back(q);
            }
            while (removed.size() < r) {
                const uint32_t q = rng.below(K);
                if (std::find(removed.begin(), removed.end(), q) == removed.end()) removed.push_back(q);
            }
        }
        for (uint32_t q : removed) tabu[s.sites[q]] = 1, s.remove(q);
        s.refill(tabu, spread, rng);
        for (uint32_t j = 0; j < m; ++j) tabu[j] = 0; // (m is small next to the search)
        bool ils_stopped = false;
        out.swaps += s.local_search(max_moves, ils_deadline, clock, ils_stopped);
        if (ils_stopped) { // unfinished: not a local optimum, so not a candidate for best
            out.ils_timed_out = true;
            break;
        }
        if (s.value > best_value + b.tol) {
            best_value = s.value, best = s.sites;
            ++out.ils_improvements;
        }
        if (s.value >= cur_value - b.tol) { // accept sideways moves: walks across plateaus
            cur_value = s.value;
            if (s.sites != cur.sites) s.save(cur);
        } else {
            s.restore(cur);
        }
    }
    if (out.ils_work_stopped)
        out.note = "ILS stopped at its work limit after " + std::to_string(out.ils_iterations) + " of " +
                   std::to_string(opt.ils_iterations) + " iterations";
    if (out.ils_timed_out)
        out.note = "ILS stopped at its time limit after " + std::to_string(out.ils_iterations) + " of " +
                   std::to_string(opt.ils_iterations) + " iterations (result not reproducible)";
    sites = best;
    return out;
}

} // namespace lc::cov::detail
