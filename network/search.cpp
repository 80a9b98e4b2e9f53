#include "network/search.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include "base/parallel.hpp"

namespace lc::net {

// --- SearchWorkspace -----------------------------------------------------------------------

void SearchWorkspace::clear(size_t n) {
    if (node_.size() != n) {
        node_.assign(n, NodeLabel{kInf, kNone, 0});
        round_ = 0;
    }
    if (++round_ == kSettledBit) {  // round wrapped after 2 billion searches: really reset once
        for (NodeLabel& x : node_) x.state = 0;
        round_ = 1;
    }
    for (std::vector<Entry>& b : bucket_) b.clear();  // all, not just the marked ones: safe after a throw mid-search
    nonempty_[0] = nonempty_[1] = 0;
    last_bits_ = 0;
    last_tag_ = 0;
    queued_ = 0;
    popped_ = false;
    settled_.clear();
}

namespace {
// Order-preserving for non-negative doubles (+0.0 .. +inf); costs are never negative, and
// -0.0 never reaches here (seed adds +0.0).
uint64_t cost_bits(double d) { return std::bit_cast<uint64_t>(d); }
}  // namespace

// Radix heap rather than a binary/4-ary heap (measured on the 1M-node benchmark): a push is an
// append, and each entry is moved between buckets only a few times. Lazy deletion: an improved
// label is pushed again and the outdated entry is skipped when it comes up.
unsigned SearchWorkspace::bucket_of(const Entry& e) const {
    const uint64_t dx = cost_bits(e.d) ^ last_bits_;
    if (dx) return 96u - unsigned(std::countl_zero(dx));
    const uint32_t tx = e.tag ^ last_tag_;
    return 32u - unsigned(std::countl_zero(tx));
}

void SearchWorkspace::push(const Entry& e) {
    const unsigned b = bucket_of(e);
    bucket_[b].push_back(e);
    nonempty_[b >> 6] |= uint64_t(1) << (b & 63);
    ++queued_;
}

SearchWorkspace::Entry SearchWorkspace::pop_min() {
    popped_ = true;
    if (!(nonempty_[0] & 1)) {
        // Smallest non-empty bucket; its minimum becomes the new reference key and the rest of
        // the bucket moves down (every entry there now differs from it in a lower bit).
        const unsigned b = nonempty_[0] ? unsigned(std::countr_zero(nonempty_[0]))
                                        : 64u + unsigned(std::countr_zero(nonempty_[1]));
        std::vector<Entry>& from = bucket_[b];
        const Entry* m = &from[0];
        for (const Entry& e : from)
            if (e.d < m->d || (e.d == m->d && e.tag < m->tag)) m = &e;
        last_bits_ = cost_bits(m->d);
        last_tag_ = m->tag;
        nonempty_[b >> 6] &= ~(uint64_t(1) << (b & 63));
        for (const Entry& e : from) {
            const unsigned nb = bucket_of(e);
            bucket_[nb].push_back(e);
            nonempty_[nb >> 6] |= uint64_t(1) << (nb & 63);
        }
        from.clear();
    }
    std::vector<Entry>& zero = bucket_[0];
    const Entry e = zero.back();
    zero.pop_back();
    if (zero.empty()) nonempty_[0] &= ~uint64_t(1);
    --queued_;
    return e;
}

void SearchWorkspace::relax(uint32_t v, double d, uint32_t tag) {
    NodeLabel& x = node_[v];
    if ((x.state & ~kSettledBit) != round_) {
        x = {d, tag, round_};
    } else {
        if (x.state != round_ || !(d < x.dist || (d == x.dist && tag < x.tag))) return;  // settled, or no better
        x.dist = d;
        x.tag = tag;
    }
    push({d, tag, v});
}

void SearchWorkspace::seed(uint32_t node, double cost, uint32_t tag) {
    // The radix heap's one rule: no key below one already popped. Seeding after run() could
    // break it, so it is refused rather than giving wrong labels.
    if (popped_) throw std::logic_error("SearchWorkspace::seed after run(): call clear() first");
    if (!(cost >= 0)) throw std::invalid_argument("SearchWorkspace::seed: cost must be >= 0 (got " + std::to_string(cost) + ")");
    relax(node, cost + 0.0, tag);  // + 0.0 turns -0.0 into +0.0 (its bits would sort last)
}

void SearchWorkspace::seed_endpoint(const Graph& g, Cost c, const Endpoint& e, uint32_t tag, double cutoff) {
    if (e.link == kNone) return;
    const double len = g.link_length_m[e.link];
    const double a = std::clamp(e.along_m, 0.0, len);
    const double to_head = e.access + link_part_cost(g, c, e.link, true, len - a);
    const double to_tail = e.access + link_part_cost(g, c, e.link, false, a);
    if (to_head <= cutoff) seed(g.link_head[e.link], to_head, tag);
    if (to_tail <= cutoff) seed(g.link_tail[e.link], to_tail, tag);
}

void SearchWorkspace::run(const Graph& g, Cost c, double cutoff) {
    while (queued_) {
        const Entry top = pop_min();
        if (top.d > cutoff) {  // keep it queued (bucket 0: equal to the last key) and stop
            push(top);
            break;
        }
        NodeLabel& x = node_[top.node];
        if (x.state != round_ || top.d != x.dist || top.tag != x.tag) continue;  // settled, or outdated entry
        x.state = round_ | kSettledBit;
        settled_.push_back(top.node);
        for (uint32_t a = g.first_out[top.node]; a < g.first_out[top.node + 1]; ++a) {
            const Graph::Arc& arc = g.arc[a];
            // Length searches (tests, metre cutoffs) read the link's length: one array fewer to keep.
            const double nd = top.d + (c == Cost::time ? arc.time_s : g.link_length_m[arc.link]);
            if (nd <= cutoff) relax(arc.head, nd, top.tag);
        }
    }
}

// --- queries -------------------------------------------------------------------------------

namespace {

struct Label {
    double cost = kInf;
    uint32_t tag = kNone;
    void offer(double c, uint32_t t) {
        if (c < cost || (c == cost && t < tag)) {
            cost = c;
            tag = t;
        }
    }
};

// Targets grouped by link (CSR), so a search touching a link finds its targets directly.
struct ByLink {
    std::vector<uint32_t> first, ids;
    ByLink(const Graph& g, const std::vector<Endpoint>& pts) : first(g.link_count() + 1, 0) {
        for (const Endpoint& p : pts)
            if (p.link != kNone) ++first[p.link + 1];
        for (size_t l = 0; l < g.link_count(); ++l) first[l + 1] += first[l];
        ids.resize(first.back());
        std::vector<uint32_t> fill(first.begin(), first.end() - 1);
        for (uint32_t i = 0; i < pts.size(); ++i)
            if (pts[i].link != kNone) ids[fill[pts[i].link]++] = i;
    }
};

// Direct walk along one link from a (source) to b (target), if the link's direction allows.
void offer_same_link(const Graph& g, Cost c, uint32_t link, double a, double b, double start, uint32_t tag,
                     Label& out) {
    if (b >= a) out.offer(start + link_part_cost(g, c, link, true, b - a), tag);
    if (b <= a) out.offer(start + link_part_cost(g, c, link, false, a - b), tag);
}

double clamp_along(const Graph& g, const Endpoint& e) { return std::clamp(e.along_m, 0.0, g.link_length_m[e.link]); }

}  // namespace

namespace {

// Each target: min over its link's two ends plus the walk along the link (and the access leg),
// plus any source on the same link; over one or more finished searches (each covering some of
// the sources). Reads the searches only, so in parallel.
NearestResult nearest_from_searches(const Graph& g, Cost c, const std::vector<Endpoint>& sources,
                                    const std::vector<Endpoint>& targets, double cutoff,
                                    const std::vector<const SearchWorkspace*>& searches) {
    // Sources sorted by link for the same-link case (few sources: a sorted list beats a CSR
    // over millions of links).
    std::vector<std::pair<uint32_t, uint32_t>> src_by_link;
    for (uint32_t i = 0; i < sources.size(); ++i)
        if (sources[i].link != kNone) src_by_link.emplace_back(sources[i].link, i);
    std::sort(src_by_link.begin(), src_by_link.end());

    NearestResult r;
    r.source.assign(targets.size(), kNone);
    r.cost.assign(targets.size(), kInf);
    base::parallel_for(targets.size(), 16384, [&](size_t begin, size_t end, unsigned) {
        for (size_t t = begin; t < end; ++t) {
            const Endpoint& e = targets[t];
            if (e.link == kNone) continue;
            const uint32_t l = e.link;
            const double len = g.link_length_m[l], b = clamp_along(g, e);
            Label best;
            const uint32_t tail = g.link_tail[l], head = g.link_head[l];
            for (const SearchWorkspace* ws : searches) {
                if (ws->reached(tail))
                    best.offer(ws->cost(tail) + link_part_cost(g, c, l, true, b) + e.access, ws->tag(tail));
                if (ws->reached(head))
                    best.offer(ws->cost(head) + link_part_cost(g, c, l, false, len - b) + e.access, ws->tag(head));
            }
            auto it = std::lower_bound(src_by_link.begin(), src_by_link.end(), std::make_pair(l, 0u));
            for (; it != src_by_link.end() && it->first == l; ++it) {
                const Endpoint& s = sources[it->second];
                Label direct;
                offer_same_link(g, c, l, clamp_along(g, s), b, s.access, it->second, direct);
                best.offer(direct.cost + e.access, it->second);
            }
            if (best.cost <= cutoff) {
                r.source[t] = best.tag;
                r.cost[t] = best.cost;
            }
        }
    });
    return r;
}

}  // namespace

NearestResult nearest_source(const Graph& g, Cost c, const std::vector<Endpoint>& sources,
                             const std::vector<Endpoint>& targets, double cutoff) {
    std::vector<SearchWorkspace> pool;
    return nearest_source(g, c, sources, targets, cutoff, pool);
}

NearestResult nearest_source(const Graph& g, Cost c, const std::vector<Endpoint>& sources,
                             const std::vector<Endpoint>& targets, double cutoff, std::vector<SearchWorkspace>& pool) {
    // Parallel: split the sources into west-to-east strips, one multi-source search per strip
    // and core. The (cost, source) minimum over strips is the same label a single search would
    // give (the lexicographic minimum decomposes), so results do not depend on the split;
    // strips keep the searches from overlapping much.
    const size_t parts = std::min<size_t>(base::worker_count(), std::max<size_t>(1, sources.size() / 64));
    if (pool.size() < parts) pool.resize(parts);
    if (parts <= 1) return nearest_source(g, c, sources, targets, cutoff, pool[0]);
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < sources.size(); ++i)
        if (sources[i].link != kNone) order.push_back(i);
    auto x_of = [&](uint32_t i) { return g.node_xy[g.link_tail[sources[i].link]].x; };
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return x_of(a) < x_of(b); });
    std::vector<SearchWorkspace>& ws = pool;
    base::parallel_for(parts, 1, [&](size_t begin, size_t end, unsigned) {
        for (size_t p = begin; p < end; ++p) {
            ws[p].clear(g.node_count());
            const size_t b = order.size() * p / parts, e = order.size() * (p + 1) / parts;
            for (size_t k = b; k < e; ++k) ws[p].seed_endpoint(g, c, sources[order[k]], order[k], cutoff);
            ws[p].run(g, c, cutoff);
        }
    });
    std::vector<const SearchWorkspace*> searches;
    for (size_t p = 0; p < parts; ++p) searches.push_back(&ws[p]);
    return nearest_from_searches(g, c, sources, targets, cutoff, searches);
}

NearestResult nearest_source(const Graph& g, Cost c, const std::vector<Endpoint>& sources,
                             const std::vector<Endpoint>& targets, double cutoff, SearchWorkspace& ws) {
    ws.clear(g.node_count());
    for (uint32_t i = 0; i < sources.size(); ++i) ws.seed_endpoint(g, c, sources[i], i, cutoff);
    ws.run(g, c, cutoff);
    return nearest_from_searches(g, c, sources, targets, cutoff, {&ws});
}

std::vector<std::vector<Reach>> reach_per_source(const Graph& g, Cost c, const std::vector<Endpoint>& sources,
                                                 const std::vector<Endpoint>& targets, double cutoff, std::atomic<size_t>* done) {
    const ByLink tl(g, targets);
    // What a search adds to a settled node's cost to reach each target (in ByLink order) from
    // either end of its link, computed once: every search settling that end reads it again, and
    // reading it in order beats recomputing it from the target and the link (same values, same
    // sums: cost + part + access).
    std::vector<double> from_tail(tl.ids.size()), from_head(tl.ids.size()), access(tl.ids.size());
    for (uint32_t l = 0; l < g.link_count(); ++l) {
        const double len = g.link_length_m[l];
        for (uint32_t k = tl.first[l]; k < tl.first[l + 1]; ++k) {
            const Endpoint& e = targets[tl.ids[k]];
            const double b = std::clamp(e.along_m, 0.0, len);
            from_tail[k] = link_part_cost(g, c, l, true, b);
            from_head[k] = link_part_cost(g, c, l, false, len - b);
            access[k] = e.access;
        }
    }
    struct Worker {
        SearchWorkspace ws;
        std::vector<double> best;
        std::vector<uint32_t> stamp, touched;
        uint32_t round = 0;
    };
    std::vector<Worker> workers(base::worker_count());
    std::vector<std::vector<Reach>> out(sources.size());
    base::parallel_for(sources.size(), 4, [&](size_t begin, size_t end, unsigned wi) {
        Worker& w = workers[wi];
        if (w.stamp.size() != targets.size()) {
            w.best.assign(targets.size(), kInf);
            w.stamp.assign(targets.size(), 0);
        }
        for (size_t si = begin; si < end; ++si) {
            const Endpoint& s = sources[si];
            if (s.link == kNone) continue;
            w.ws.clear(g.node_count());
            w.ws.seed_endpoint(g, c, s, 0, cutoff);
            w.ws.run(g, c, cutoff);
            if (++w.round == 0) {
                std::fill(w.stamp.begin(), w.stamp.end(), 0);
                w.round = 1;
            }
            w.touched.clear();
            auto offer = [&](uint32_t t, double cost) {
                if (w.stamp[t] != w.round) {
                    w.stamp[t] = w.round;
                    w.best[t] = cost;
                    w.touched.push_back(t);
                } else if (cost < w.best[t]) {
                    w.best[t] = cost;
                }
            };
            // Targets on links leaving each settled node, in the directions arcs allow.
            for (uint32_t v : w.ws.settled()) {
                const double dv = w.ws.cost(v);
                for (uint32_t a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
                    const uint32_t l = g.arc[a].link;
                    const double* part = g.arc_forward[a] ? from_tail.data() : from_head.data();
                    for (uint32_t k = tl.first[l]; k < tl.first[l + 1]; ++k) offer(tl.ids[k], dv + part[k] + access[k]);
                }
            }
            for (uint32_t k = tl.first[s.link]; k < tl.first[s.link + 1]; ++k) {
                const Endpoint& e = targets[tl.ids[k]];
                Label direct;
                offer_same_link(g, c, s.link, clamp_along(g, s), clamp_along(g, e), s.access, 0, direct);
                offer(tl.ids[k], direct.cost + e.access);
            }
            std::sort(w.touched.begin(), w.touched.end());
            std::vector<Reach>& list = out[si];
            for (uint32_t t : w.touched)
                if (w.best[t] <= cutoff) list.push_back({t, static_cast<float>(w.best[t])});
        }
        if (done) done->fetch_add(end - begin, std::memory_order_relaxed);
    });
    return out;
}

std::vector<LinkPiece> reached_pieces(const Graph& g, Cost c, const Endpoint& s, double cutoff,
                                      SearchWorkspace& ws) {
    std::vector<LinkPiece> raw;
    if (s.link == kNone || !(s.access <= cutoff)) return raw;
    ws.clear(g.node_count());
    ws.seed_endpoint(g, c, s, 0, cutoff);
    ws.run(g, c, cutoff);

    // Metres of link `l` walkable in one direction with `budget` left; the whole link when the
    // far end is within budget (so rounding never leaves a sliver unreached).
    auto reach_m = [&](uint32_t l, bool fw, double budget, double avail) {
        const double full = link_part_cost(g, c, l, fw, avail);
        if (full <= budget) return avail;
        const double len = g.link_length_m[l];
        const double t = fw ? g.link_time_fw_s[l] : g.link_time_bw_s[l];
        const double x = c == Cost::length ? budget : len * (budget / t);
        return std::clamp(x, 0.0, avail);
    };
    for (uint32_t v : ws.settled()) {
        const double budget = cutoff - ws.cost(v);
        for (uint32_t a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
            const uint32_t l = g.arc[a].link;
            const double len = g.link_length_m[l];
            const double x = reach_m(l, g.arc_forward[a], budget, len);
            if (g.arc_forward[a])
                raw.push_back({l, 0.0, x});
            else
                raw.push_back({l, len - x, len});
        }
    }
    {
        const uint32_t l = s.link;
        const double len = g.link_length_m[l], a = clamp_along(g, s), budget = cutoff - s.access;
        if (g.link_time_fw_s[l] < kInf) raw.push_back({l, a, a + reach_m(l, true, budget, len - a)});
        if (g.link_time_bw_s[l] < kInf) raw.push_back({l, a - reach_m(l, false, budget, a), a});
    }
    std::sort(raw.begin(), raw.end(), [](const LinkPiece& x, const LinkPiece& y) {
        return x.link != y.link ? x.link < y.link : x.from_m < y.from_m;
    });
    std::vector<LinkPiece> out;
    for (const LinkPiece& p : raw) {
        if (!out.empty() && out.back().link == p.link && p.from_m <= out.back().to_m + 1e-9) {
            out.back().to_m = std::max(out.back().to_m, p.to_m);
            continue;
        }
        out.push_back(p);
    }
    std::erase_if(out, [](const LinkPiece& p) { return !(p.to_m > p.from_m); });
    return out;
}

}  // namespace lc::net
