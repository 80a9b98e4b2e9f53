#pragma once
// Bounded shortest-path searches on the walking network.
//
// Points (homes, facilities) sit part-way along links (see snap.hpp). A point's cost to a node
// is its access leg (point -> network) plus the fraction of the link walked; a link's cost is
// split linearly by geodesic distance along it, in the directions the link allows.
//
// Cutoffs are inclusive: a target whose cost is <= cutoff is reached.
// Ties: when two sources reach a target at exactly the same cost, the lower source index wins
// (the search orders labels by (cost, source index), so this holds on every node, too).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "network/graph.hpp"

namespace lc::net {

enum class Cost { time, length };  // optimise travel time (seconds) or length (metres)

// A point on the network. link = UINT32_MAX (kNone) for points that are not on the network
// (snap status off_network): they are never reached and never reach anything.
struct Endpoint {
    uint32_t link = kNone;
    double along_m = 0;  // geodesic metres from the link's tail
    double access = 0;   // cost of the leg point -> network (dist_m / speed for time, dist_m for length)
};

// Cost of walking x metres of a link in one direction; +inf if that direction is not allowed.
// For Cost::length this is exactly x, so distances in metres carry no rounding from time.
inline double link_part_cost(const Graph& g, Cost c, uint32_t link, bool forward, double x) {
    const double t = forward ? g.link_time_fw_s[link] : g.link_time_bw_s[link];
    if (!(t < kInf)) return kInf;
    return c == Cost::length ? x : t * (x / g.link_length_m[link]);
}

// Reusable state of one bounded Dijkstra (radix heap, lazy deletion).
// Labels are timestamped, so starting a new search is O(1); keep one per thread and reuse it
// for thousands of searches (one per facility).
class SearchWorkspace {
public:
    SearchWorkspace() = default;
    explicit SearchWorkspace(size_t node_count) { clear(node_count); }

    // Starts a new search on a graph with node_count nodes (reallocates only if that changed).
    void clear(size_t node_count);
    // Offers start label (cost >= 0, tag) to a node; the lexicographically smaller label is kept.
    // All seeds come before run(); seeding after it throws std::logic_error.
    void seed(uint32_t node, double cost, uint32_t tag);
    // Seeds the ends of the endpoint's link that can be walked to (one-way respected).
    void seed_endpoint(const Graph&, Cost, const Endpoint&, uint32_t tag, double cutoff);
    // Settles every node with label cost <= cutoff, in (cost, tag) order.
    void run(const Graph&, Cost, double cutoff);

    bool reached(uint32_t v) const { return node_[v].state == (round_ | kSettledBit); }
    double cost(uint32_t v) const { return reached(v) ? node_[v].dist : kInf; }
    uint32_t tag(uint32_t v) const { return reached(v) ? node_[v].tag : kNone; }
    const std::vector<uint32_t>& settled() const { return settled_; }  // settle order

private:
    // All of a node's label in 16 bytes: a relaxation touches one cache line, not three.
    // state = the search's round while the label is tentative, round | kSettledBit once final;
    // labels of other rounds are stale (so starting a search never clears the array).
    static constexpr uint32_t kSettledBit = 0x80000000u;
    struct NodeLabel {
        double dist;
        uint32_t tag, state;
    };
    struct Entry {
        double d;
        uint32_t tag, node;
    };
    void push(const Entry& e);
    Entry pop_min();  // requires queued_ > 0
    void relax(uint32_t v, double d, uint32_t tag);
    unsigned bucket_of(const Entry& e) const;

    std::vector<NodeLabel> node_;
    // Radix heap on the 96-bit key (bits of the non-negative double cost, tag): every key
    // pushed is >= the last one popped (arc costs are >= 0 and a relaxation keeps the tag), so
    // an entry waits in the bucket of the highest bit where it differs from the last popped key
    // and moves only to lower buckets. Bucket 0 holds keys equal to the last popped one.
    static constexpr unsigned kBuckets = 97;
    std::vector<Entry> bucket_[kBuckets];
    uint64_t nonempty_[2] = {0, 0};  // bit b: bucket_[b] has entries
    uint64_t last_bits_ = 0;         // last popped key
    uint32_t last_tag_ = 0;
    size_t queued_ = 0;
    bool popped_ = false;  // run() has started: seed() is refused until clear()
    std::vector<uint32_t> settled_;
    uint32_t round_ = 0;
};

// --- many-to-many queries ------------------------------------------------------------------

// For every target, the nearest source (UINT32_MAX = none within cutoff) and its cost
// (+inf when none). One multi-source search; ties to the lowest source index. A target on a
// source's own link is also reached directly along the link where direction allows.
struct NearestResult {
    std::vector<uint32_t> source;
    std::vector<double> cost;
};
// This overload runs one search per core on west-to-east strips of the sources (same result).
NearestResult nearest_source(const Graph&, Cost, const std::vector<Endpoint>& sources,
                             const std::vector<Endpoint>& targets, double cutoff);
// Same, with caller-owned workspaces (one per strip; resized to the core count), so repeated
// calls do not allocate and clear a label array per node each time.
NearestResult nearest_source(const Graph&, Cost, const std::vector<Endpoint>& sources,
                             const std::vector<Endpoint>& targets, double cutoff, std::vector<SearchWorkspace>& pool);
// Single search in a caller-owned workspace (no per-call allocation); the search itself is
// sequential, the target evaluation parallel.
NearestResult nearest_source(const Graph&, Cost, const std::vector<Endpoint>& sources,
                             const std::vector<Endpoint>& targets, double cutoff, SearchWorkspace&);

// Which targets each source reaches within cutoff: one bounded search per source, in
// parallel on all cores. Each list is sorted by target index. `done` (may be null): +1 per source
// searched, for progress.
struct Reach {
    uint32_t target;
    float cost;
};
std::vector<std::vector<Reach>> reach_per_source(const Graph&, Cost, const std::vector<Endpoint>& sources,
                                                 const std::vector<Endpoint>& targets, double cutoff,
                                                 std::atomic<size_t>* done = nullptr);

// Every piece of link reachable from one source within cutoff, cut exactly where the budget
// runs out (pgRouting drops partly reached links; we keep the reached part). Overlapping
// intervals of a link are merged (a link reached from both ends with an unreached middle gives
// two pieces); sorted by (link, from_m); zero-length pieces are left out.
struct LinkPiece {
    uint32_t link;
    double from_m, to_m;  // geodesic metres from the link's tail, from_m < to_m
};
std::vector<LinkPiece> reached_pieces(const Graph&, Cost, const Endpoint& source, double cutoff,
                                      SearchWorkspace&);

}  // namespace lc::net
