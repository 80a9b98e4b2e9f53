// Searches: exact distances on ASCII maps, and random graphs checked against two independent
// shortest-path implementations (a plain O(V^2) Dijkstra and boost::dijkstra_shortest_paths) on
// a graph where every source and target is a real node splitting its link.
#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "tests/support/ascii_map.hpp"
#include "network/graph.hpp"
#include "network/search.hpp"

using namespace lc::net;
using lc::geo::XY;
using lc::net::testing::AsciiMap;

namespace {

// Length of one straight piece of road: the graph's length model (checked against PROJ
// geod_inverse to 1 micrometre in test_network_graph), so the hand computations below can
// compare costs exactly, cutoff boundaries included.
double geod(XY a, XY b) { return segment_geodesic_m(a, b); }

// Link whose tail/head are the nodes at the given metric positions (fails the test if none).
uint32_t find_link(const Graph& g, XY tail, XY head) {
    for (uint32_t l = 0; l < g.link_count(); ++l) {
        const XY t = g.node_xy[g.link_tail[l]], h = g.node_xy[g.link_head[l]];
        if (t.x == tail.x && t.y == tail.y && h.x == head.x && h.y == head.y) return l;
    }
    FAIL("no such link");
    return kNone;
}

// --- reference implementations ------------------------------------------------------------

// The graph with every source/target point inserted as a node of its own. Node ids: graph
// nodes, then sources, then targets.
struct SplitGraph {
    size_t n = 0;
    struct Edge {
        uint32_t from, to;
        double w;
    };
    std::vector<Edge> edges;
};

SplitGraph split_graph(const Graph& g, Cost c, const std::vector<Endpoint>& src, const std::vector<Endpoint>& tgt) {
    SplitGraph s;
    const size_t n0 = g.node_count();
    s.n = n0 + src.size() + tgt.size();
    std::vector<std::vector<std::pair<double, uint32_t>>> on_link(g.link_count());
    for (uint32_t i = 0; i < src.size(); ++i)
        if (src[i].link != kNone) on_link[src[i].link].push_back({src[i].along_m, uint32_t(n0 + i)});
    for (uint32_t i = 0; i < tgt.size(); ++i)
        if (tgt[i].link != kNone) on_link[tgt[i].link].push_back({tgt[i].along_m, uint32_t(n0 + src.size() + i)});
    for (uint32_t l = 0; l < g.link_count(); ++l) {
        auto pts = on_link[l];
        const double len = g.link_length_m[l];
        std::sort(pts.begin(), pts.end());
        pts.insert(pts.begin(), {0.0, g.link_tail[l]});
        pts.push_back({len, g.link_head[l]});
        // Cost of x metres: time scales with distance at the link's speed.
        auto cost = [&](double x, double full_time) { return c == Cost::length ? x : full_time * x / len; };
        for (size_t k = 0; k + 1 < pts.size(); ++k) {
            const double x = std::clamp(pts[k + 1].first, 0.0, len) - std::clamp(pts[k].first, 0.0, len);
            if (std::isfinite(g.link_time_fw_s[l]))
                s.edges.push_back({pts[k].second, pts[k + 1].second, cost(x, g.link_time_fw_s[l])});
            if (std::isfinite(g.link_time_bw_s[l]))
                s.edges.push_back({pts[k + 1].second, pts[k].second, cost(x, g.link_time_bw_s[l])});
        }
    }
    return s;
}

// Textbook O(V^2) Dijkstra: no heap, no cutoff.
std::vector<double> dijkstra_v2(const SplitGraph& s, uint32_t from, double start) {
    std::vector<std::vector<std::pair<uint32_t, double>>> adj(s.n);
    for (const auto& e : s.edges) adj[e.from].push_back({e.to, e.w});
    std::vector<double> d(s.n, INFINITY);
    std::vector<char> done(s.n, 0);
    d[from] = start;
    for (size_t it = 0; it < s.n; ++it) {
        uint32_t u = UINT32_MAX;
        for (uint32_t v = 0; v < s.n; ++v)
            if (!done[v] && std::isfinite(d[v]) && (u == UINT32_MAX || d[v] < d[u])) u = v;
        if (u == UINT32_MAX) break;
        done[u] = 1;
        for (auto [v, w] : adj[u]) d[v] = std::min(d[v], d[u] + w);
    }
    return d;
}

std::vector<double> dijkstra_boost(const SplitGraph& s, uint32_t from, double start) {
    using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double>>;
    G bg(s.n);
    for (const auto& e : s.edges) boost::add_edge(e.from, e.to, e.w, bg);
    std::vector<double> d(s.n);
    boost::dijkstra_shortest_paths(bg, from, boost::distance_map(d.data()));
    for (double& x : d)
        if (x == std::numeric_limits<double>::max()) x = INFINITY;
        else x += start;
    return d;
}

// cost[s][t] from source s to target t (inf if unreachable), by both references.
std::vector<std::vector<double>> reference_costs(const Graph& g, Cost c, const std::vector<Endpoint>& src,
                                                 const std::vector<Endpoint>& tgt) {
    const SplitGraph sg = split_graph(g, c, src, tgt);
    const size_t n0 = g.node_count();
    std::vector<std::vector<double>> out(src.size(), std::vector<double>(tgt.size(), INFINITY));
    for (uint32_t s = 0; s < src.size(); ++s) {
        if (src[s].link == kNone) continue;
        const auto d1 = dijkstra_v2(sg, uint32_t(n0 + s), src[s].access);
        const auto d2 = dijkstra_boost(sg, uint32_t(n0 + s), src[s].access);
        for (uint32_t t = 0; t < tgt.size(); ++t) {
            if (tgt[t].link == kNone) continue;
            const double a = d1[n0 + src.size() + t], b = d2[n0 + src.size() + t];
            REQUIRE((std::isinf(a) ? std::isinf(b) : std::abs(a - b) <= 1e-9 * std::max(1.0, a)));
            out[s][t] = a + tgt[t].access;
        }
    }
    return out;
}

// Random street network: a main cluster and two small islands, random one-ways and speeds.
struct Random {
    std::mt19937 rng;
    explicit Random(uint32_t seed) : rng(seed) {}
    double uni(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); }
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
};

std::vector<LineInput> random_lines(Random& r) {
    std::vector<XY> pts;
    for (int i = 0; i < 40; ++i) pts.push_back({std::round(r.uni(0, 400)), std::round(r.uni(0, 400))});
    std::vector<LineInput> lines;
    auto add = [&](int a, int b) {
        if (a == b) return;
        LineInput l;
        l.xy.push_back(pts[a]);
        if (r.pick(3) == 0) l.xy.push_back({(pts[a].x + pts[b].x) / 2 + r.uni(-20, 20), (pts[a].y + pts[b].y) / 2});
        l.xy.push_back(pts[b]);
        for (XY p : l.xy) l.lonlat.push_back(AsciiMap::to_lonlat(p));
        const int o = r.pick(6);
        l.oneway = o == 0 ? 1 : o == 1 ? -1 : 0;
        l.speed_kmh = 3 + r.pick(4);
        lines.push_back(l);
    };
    for (int i = 0; i < 70; ++i) add(r.pick(30), r.pick(30));  // main cluster: points 0..29
    for (int i = 0; i < 4; ++i) add(30 + r.pick(5), 30 + r.pick(5));  // island 1
    for (int i = 0; i < 3; ++i) add(35 + r.pick(5), 35 + r.pick(5));  // island 2
    return lines;
}

std::vector<Endpoint> random_endpoints(Random& r, const Graph& g, int n, Cost c) {
    std::vector<Endpoint> e;
    for (int i = 0; i < n; ++i) {
        Endpoint p;
        if (r.pick(12) == 0) {  // off the network
            e.push_back(p);
            continue;
        }
        p.link = uint32_t(r.pick(int(g.link_count())));
        const double len = g.link_length_m[p.link];
        const int k = r.pick(8);
        p.along_m = k == 0 ? 0.0 : k == 1 ? len : r.uni(0, len);  // sometimes exactly on a node
        const double dist = r.pick(4) == 0 ? 0.0 : r.uni(0, 60);
        p.access = c == Cost::length ? dist : dist / (4.0 / 3.6);
        e.push_back(p);
    }
    return e;
}

bool near(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); }

}  // namespace

TEST_CASE("search: exact distances on a small map", "[network]") {
    const AsciiMap map(R"(
A-----B-----C
      |
      D-----E
)", 10.0);
    // B-C is one-way C -> B; everything else both ways.
    const Graph g = build_graph({map.way("AB"), map.way("CB", 4.0, 1), map.way("BD"), map.way("DE"), map.way("EC")},
                                BuildOptions{});
    const double ab = geod(map.lonlat('A'), map.lonlat('B')), bc = geod(map.lonlat('B'), map.lonlat('C'));
    const double bd = geod(map.lonlat('B'), map.lonlat('D')), de = geod(map.lonlat('D'), map.lonlat('E'));
    const double ec = geod(map.lonlat('E'), map.lonlat('C'));
    const uint32_t l_ab = find_link(g, map.xy('A'), map.xy('B')), l_cb = find_link(g, map.xy('C'), map.xy('B'));
    const uint32_t l_de = find_link(g, map.xy('D'), map.xy('E'));

    // Source 5 m from A's end of A-B, 3 m off the street.
    const Endpoint src{l_ab, 5.0, 3.0};
    // Targets: at C (end of C-B), half-way along C-B, half-way along D-E, on A-B behind the source.
    const std::vector<Endpoint> tgt{{l_cb, 0.0, 0.0}, {l_cb, bc / 2, 1.0}, {l_de, de / 2, 0.0}, {l_ab, 1.0, 0.0}};
    const NearestResult r = nearest_source(g, Cost::length, {src}, tgt, 1e9);
    const double to_b = 3.0 + (ab - 5.0);
    // C-B is one-way towards B: C is reached round the loop B-D-E-C.
    CHECK(r.cost[0] == Approx(to_b + bd + de + ec).epsilon(1e-12));
    CHECK(r.cost[1] == Approx(to_b + bd + de + ec + bc / 2 + 1.0).epsilon(1e-12));
    CHECK(r.cost[2] == Approx(to_b + bd + de / 2).epsilon(1e-12));
    CHECK(r.cost[3] == Approx(3.0 + 4.0).epsilon(1e-12));  // directly along A-B
    CHECK(r.source == std::vector<uint32_t>{0, 0, 0, 0});

    // Travel time at 4 km/h equals length / (4/3.6) with the access leg in seconds.
    std::vector<Endpoint> tgt_s = tgt;
    for (Endpoint& e : tgt_s) e.access /= 4 / 3.6;
    const NearestResult rt = nearest_source(g, Cost::time, {{l_ab, 5.0, 3.0 / (4 / 3.6)}}, tgt_s, 1e9);
    for (size_t i = 0; i < tgt.size(); ++i) CHECK(rt.cost[i] == Approx(r.cost[i] / (4 / 3.6)).epsilon(1e-12));

    // Cutoff is inclusive and counts both access legs.
    const NearestResult rc = nearest_source(g, Cost::length, {src}, tgt, to_b + bd + de / 2);
    CHECK(rc.source == std::vector<uint32_t>{kNone, kNone, 0, 0});
    CHECK(std::isinf(rc.cost[0]));
}

TEST_CASE("search: equal cost goes to the lowest source index", "[network]") {
    const AsciiMap map(R"(
A-----B-----C
      |
      D
)", 10.0);
    const Graph g = build_graph({map.way("AB"), map.way("CB"), map.way("BD")}, BuildOptions{});
    const uint32_t l_ab = 0, l_cb = 1, l_bd = 2;
    const double len_ab = g.link_length_m[l_ab], len_cb = g.link_length_m[l_cb];
    // Two sources standing at B (on different links) with the same access: an exact tie at B.
    const Endpoint at_b_via_ab{l_ab, len_ab, 5.0}, at_b_via_cb{l_cb, len_cb, 5.0};
    const std::vector<Endpoint> tgt{{l_bd, 7.0, 0.0}, {l_ab, 10.0, 0.0}};
    for (auto order : {std::vector<Endpoint>{at_b_via_ab, at_b_via_cb}, std::vector<Endpoint>{at_b_via_cb, at_b_via_ab}}) {
        const NearestResult r = nearest_source(g, Cost::length, order, tgt, 1e9);
        CHECK(r.source[0] == 0);
        CHECK(r.cost[0] == 12.0);
    }
    // Same link, 10 m either side of the target (exact in floating point).
    for (auto order : {std::vector<Endpoint>{{l_ab, 20.0, 0}, {l_ab, 0.0, 0}}, std::vector<Endpoint>{{l_ab, 0.0, 0}, {l_ab, 20.0, 0}}}) {
        const NearestResult r = nearest_source(g, Cost::length, order, {{l_ab, 10.0, 0.0}}, 1e9);
        CHECK(r.source[0] == 0);
        CHECK(r.cost[0] == 10.0);
    }
}

TEST_CASE("search: one-way links, same-link targets and islands", "[network]") {
    const AsciiMap map(R"(
A-----B-----C     X---Y
)", 10.0);
    // A->B one-way, B-C two-way, X-Y an island.
    const Graph g = build_graph({map.way("AB", 4, 1), map.way("BC"), map.way("XY")}, BuildOptions{});
    const double ab = g.link_length_m[0];
    // Source on A-B at 20 m: can walk towards B only.
    const std::vector<Endpoint> tgt{{0, 10.0, 0}, {0, 30.0, 0}, {1, 5.0, 0}, {2, 5.0, 0}, {kNone, 0, 0}};
    const NearestResult r = nearest_source(g, Cost::length, {{0, 20.0, 0}}, tgt, 1e9);
    CHECK(r.source == std::vector<uint32_t>{kNone, 0, 0, kNone, kNone});
    CHECK(r.cost[1] == 10.0);
    CHECK(r.cost[2] == Approx(ab - 20.0 + 5.0).epsilon(1e-12));
    // A target behind a source on a one-way link is reached only by a source further back.
    const NearestResult r2 = nearest_source(g, Cost::length, {{0, 20.0, 0}, {0, 2.0, 1.0}}, tgt, 1e9);
    CHECK(r2.source[0] == 1);
    CHECK(r2.cost[0] == 9.0);
    CHECK(r2.source[1] == 0);
    // An off-network source reaches nothing.
    const NearestResult r3 = nearest_source(g, Cost::length, {{kNone, 0, 0}}, tgt, 1e9);
    CHECK(r3.source == std::vector<uint32_t>(5, kNone));
}

TEST_CASE("search: random graphs match O(V^2) Dijkstra and Boost.Graph", "[network]") {
    for (uint32_t seed = 1; seed <= 25; ++seed) {
        CAPTURE(seed);
        Random rnd(seed);
        const Graph g = build_graph(random_lines(rnd), BuildOptions{Connectivity::any_vertex, 1.0});
        REQUIRE(g.link_count() > 20);
        const Cost c = seed % 2 ? Cost::length : Cost::time;
        const auto src = random_endpoints(rnd, g, 6, c);
        const auto tgt = random_endpoints(rnd, g, 60, c);
        const auto ref = reference_costs(g, c, src, tgt);

        // Cutoff around the median finite cost, so some targets are in and some out.
        std::vector<double> finite;
        for (const auto& row : ref)
            for (double x : row)
                if (std::isfinite(x)) finite.push_back(x);
        REQUIRE(!finite.empty());
        std::sort(finite.begin(), finite.end());
        for (double cutoff : {finite[finite.size() / 2], 1e12}) {
            CAPTURE(cutoff);
            const NearestResult nr = nearest_source(g, c, src, tgt, cutoff);
            for (uint32_t t = 0; t < tgt.size(); ++t) {
                CAPTURE(t);
                double best = INFINITY;
                uint32_t best_s = kNone;
                for (uint32_t s = 0; s < src.size(); ++s)
                    if (ref[s][t] < best) best = ref[s][t], best_s = s;
                if (std::abs(best - cutoff) <= 1e-7 * std::max(1.0, cutoff)) continue;  // rounding at the boundary
                if (!(best <= cutoff)) {
                    CHECK(nr.source[t] == kNone);
                    continue;
                }
                REQUIRE(nr.source[t] != kNone);
                CHECK(near(nr.cost[t], best));
                // The winner is the reference's lowest-cost source; near-ties (within
                // rounding) may go either way but must really be that cheap.
                if (nr.source[t] != best_s) CHECK(near(ref[nr.source[t]][t], best));
            }

            const auto reach = reach_per_source(g, c, src, tgt, cutoff);
            REQUIRE(reach.size() == src.size());
            for (uint32_t s = 0; s < src.size(); ++s) {
                CAPTURE(s);
                std::vector<uint32_t> got, want;
                for (const Reach& x : reach[s]) {
                    got.push_back(x.target);
                    CHECK(std::abs(x.cost - ref[s][x.target]) <= 1e-6 * std::max(1.0, ref[s][x.target]));
                }
                CHECK(std::is_sorted(got.begin(), got.end()));
                for (uint32_t t = 0; t < tgt.size(); ++t) {
                    if (std::abs(ref[s][t] - cutoff) <= 1e-7 * std::max(1.0, cutoff)) {  // boundary: either
                        std::erase(got, t);
                        continue;
                    }
                    if (ref[s][t] <= cutoff) want.push_back(t);
                }
                CHECK(got == want);
            }
        }
    }
}

TEST_CASE("search: parallel strips give the single search's result", "[network]") {
    Random rnd(7);
    const Graph g = build_graph(random_lines(rnd), BuildOptions{Connectivity::any_vertex, 1.0});
    for (Cost c : {Cost::length, Cost::time}) {
        const auto src = random_endpoints(rnd, g, 300, c);  // enough for one strip per core
        const auto tgt = random_endpoints(rnd, g, 500, c);
        SearchWorkspace ws;
        const NearestResult one = nearest_source(g, c, src, tgt, c == Cost::length ? 80 : 70, ws);
        const NearestResult par = nearest_source(g, c, src, tgt, c == Cost::length ? 80 : 70);
        CHECK(one.source == par.source);
        CHECK(one.cost == par.cost);
    }
}

TEST_CASE("search: workspace reuse gives identical results", "[network]") {
    Random rnd(99);
    const Graph g = build_graph(random_lines(rnd), BuildOptions{Connectivity::any_vertex, 1.0});
    const auto src = random_endpoints(rnd, g, 5, Cost::length);
    const auto tgt = random_endpoints(rnd, g, 50, Cost::length);
    SearchWorkspace ws;
    const NearestResult a = nearest_source(g, Cost::length, src, tgt, 300, ws);
    nearest_source(g, Cost::length, {src[0]}, tgt, 50, ws);  // something else in between
    const NearestResult b = nearest_source(g, Cost::length, src, tgt, 300, ws);
    CHECK(a.source == b.source);
    CHECK(a.cost == b.cost);
}

// The search's labels (cost, source tag) against a reference, on graphs full of ties: zero-cost
// arcs, repeated costs and several seeds with equal cost and different tags, where a priority
// queue that orders by cost only, or pops equal keys in the wrong order, hands out the wrong tag.
// Two kinds of cost, both exact in doubles (so the reference's sums equal the search's):
// small integers (many ties), and multiples of 2^-20 below 1024 with full 32-bit tags (keys
// differing in low mantissa bits and high tag bits: every bucket of the radix heap). The
// reference: one plain O(V^2) Dijkstra per seed, then per node the lexicographic minimum of
// (cost, tag) over the seeds. Cutoffs include one below some seeds' own cost.
TEST_CASE("search: exact (cost, tag) labels with many ties and zero-cost arcs", "[network]") {
    for (uint32_t seed = 1; seed <= 80; ++seed) {
        CAPTURE(seed);
        Random rnd(seed);
        const bool fine = seed % 2 == 0;
        std::vector<double> cost_pool;  // fine costs repeat: drawn from a pool of 12
        for (int k = 0; k < 12; ++k) cost_pool.push_back(std::ldexp(double(rnd.rng() % (1u << 30)), -20));
        auto arc_cost = [&] {
            if (rnd.pick(5) == 0) return 0.0;
            return fine ? cost_pool[size_t(rnd.pick(12))] : double(1 + rnd.pick(3));
        };
        auto seed_tag = [&] { return fine ? uint32_t(rnd.rng()) : uint32_t(rnd.pick(5)); };
        const uint32_t n = 30 + uint32_t(rnd.pick(90));
        std::vector<std::vector<std::pair<uint32_t, double>>> out(n);
        const int arcs = int(n) * (1 + rnd.pick(3));
        for (int k = 0; k < arcs; ++k) {
            const uint32_t u = uint32_t(rnd.pick(int(n))), v = uint32_t(rnd.pick(int(n)));
            if (u != v) out[u].push_back({v, arc_cost()});
        }
        Graph g;
        g.node_xy.resize(n);
        g.first_out.push_back(0);
        for (uint32_t u = 0; u < n; ++u) {
            for (auto [v, w] : out[u]) {
                g.arc.push_back({w, v, uint32_t(g.link_length_m.size())});  // one link per arc
                g.link_length_m.push_back(w);
            }
            g.first_out.push_back(uint32_t(g.arc.size()));
        }
        struct Seed {
            uint32_t node;
            double cost;
            uint32_t tag;
        };
        std::vector<Seed> seeds;
        const int seed_count = 1 + rnd.pick(8);
        for (int k = 0; k < seed_count; ++k) {
            const double c = fine ? cost_pool[size_t(rnd.pick(3))] : double(rnd.pick(3));
            seeds.push_back({uint32_t(rnd.pick(int(n))), c, seed_tag()});
            if (rnd.pick(3) == 0) seeds.push_back({uint32_t(rnd.pick(int(n))), c, seed_tag()});  // same cost, other tag
        }

        // Reference on exact sums.
        std::vector<double> want_cost(n, INFINITY);
        std::vector<uint32_t> want_tag(n, kNone);
        for (const Seed& s : seeds) {
            std::vector<double> d(n, INFINITY);
            std::vector<char> done(n, 0);
            d[s.node] = s.cost;
            for (uint32_t it = 0; it < n; ++it) {
                uint32_t u = kNone;
                for (uint32_t v = 0; v < n; ++v)
                    if (!done[v] && std::isfinite(d[v]) && (u == kNone || d[v] < d[u])) u = v;
                if (u == kNone) break;
                done[u] = 1;
                for (auto [v, w] : out[u]) d[v] = std::min(d[v], d[u] + w);
            }
            for (uint32_t v = 0; v < n; ++v)
                if (d[v] < want_cost[v] || (d[v] == want_cost[v] && s.tag < want_tag[v]))
                    want_cost[v] = d[v], want_tag[v] = s.tag;
        }
        std::vector<double> finite;
        for (double c : want_cost)
            if (std::isfinite(c)) finite.push_back(c);
        std::sort(finite.begin(), finite.end());
        double min_seed = INFINITY, max_seed = 0;
        for (const Seed& s : seeds) min_seed = std::min(min_seed, s.cost), max_seed = std::max(max_seed, s.cost);
        std::vector<double> cutoffs{1e9, finite[finite.size() / 2], finite[finite.size() / 4]};
        if (max_seed > min_seed) cutoffs.push_back((min_seed + max_seed) / 2);  // some seeds above the cutoff

        SearchWorkspace ws;
        for (Cost c : {Cost::time, Cost::length}) {
            for (double cutoff : cutoffs) {
                CAPTURE(cutoff);
                ws.clear(n);
                for (const Seed& s : seeds) ws.seed(s.node, s.cost, s.tag);
                ws.run(g, c, cutoff);
                CHECK_THROWS_AS(ws.seed(0, 0.0, 0), std::logic_error);  // would break the heap's order
                for (uint32_t v = 0; v < n; ++v) {
                    CAPTURE(v);
                    if (want_cost[v] <= cutoff) {
                        REQUIRE(ws.reached(v));
                        CHECK(ws.cost(v) == want_cost[v]);
                        CHECK(ws.tag(v) == want_tag[v]);
                    } else {
                        CHECK(!ws.reached(v));
                    }
                }
                // Settle order is by (cost, tag).
                const auto& order = ws.settled();
                for (size_t k = 1; k < order.size(); ++k) {
                    const uint32_t a = order[k - 1], b = order[k];
                    CHECK((ws.cost(a) < ws.cost(b) || (ws.cost(a) == ws.cost(b) && ws.tag(a) <= ws.tag(b))));
                }
            }
        }
    }
    SearchWorkspace ws(3);
    CHECK_THROWS_AS(ws.seed(0, -1.0, 0), std::invalid_argument);
    CHECK_THROWS_AS(ws.seed(0, NAN, 0), std::invalid_argument);
}

TEST_CASE("reached_pieces: the last link is cut exactly where the budget runs out", "[network]") {
    const AsciiMap map(R"(
A-------B-------C
        |
        D       E-------F
)", 10.0);
    const Graph g = build_graph({map.way("AB"), map.way("BC"), map.way("BD"), map.way("EF")}, BuildOptions{});
    const double ab = geod(map.lonlat('A'), map.lonlat('B')), bc = geod(map.lonlat('B'), map.lonlat('C'));
    const double bd = geod(map.lonlat('B'), map.lonlat('D'));
    SearchWorkspace ws;

    SECTION("length: 110 m from A") {
        const auto p = reached_pieces(g, Cost::length, {0, 0.0, 0.0}, 110.0, ws);
        REQUIRE(p.size() == 3);
        CHECK(p[0].link == 0);
        CHECK(p[0].from_m == 0.0);
        CHECK(p[0].to_m == g.link_length_m[0]);
        CHECK(p[1].link == 1);
        CHECK(p[1].from_m == 0.0);
        CHECK(p[1].to_m == Approx(110.0 - ab).epsilon(1e-12));
        CHECK(p[2].link == 2);
        CHECK(p[2].to_m == Approx(bd).epsilon(1e-12));  // 20 m spur fits in the 30 m left
        // The cut point on B-C, in metric coordinates: the fraction of the geodesic length.
        const XY cut = g.point_along(1, p[1].to_m);
        CHECK(cut.x == Approx(80.0 + 80.0 * (110.0 - ab) / bc).epsilon(1e-12));
        CHECK(cut.y == 0.0);
    }
    SECTION("time: 60 s at 4 km/h from 5 m along B-C, 2 m off the street") {
        const double access = 2.0 / (4 / 3.6);
        const auto p = reached_pieces(g, Cost::time, {1, 5.0, access}, 60.0, ws);
        const double budget_m = (60.0 - access) * (4 / 3.6);  // metres left after the access leg
        REQUIRE(p.size() == 3);
        CHECK(p[0].link == 0);  // towards A: budget minus the 5 m back to B
        CHECK(p[0].from_m == Approx(ab - (budget_m - 5.0)).epsilon(1e-9));
        CHECK(p[0].to_m == g.link_length_m[0]);
        CHECK(p[1].link == 1);  // both ways along B-C from the source, merged
        CHECK(p[1].from_m == 0.0);
        CHECK(p[1].to_m == Approx(5.0 + budget_m).epsilon(1e-9));
        CHECK(p[2].link == 2);
        CHECK(p[2].to_m == g.link_length_m[2]);
    }
    SECTION("one-way: nothing behind, nothing on the island") {
        const Graph g1 = build_graph({map.way("AB", 4, 1), map.way("BC", 4, -1), map.way("EF")}, BuildOptions{});
        const auto p = reached_pieces(g1, Cost::length, {0, 30.0, 0.0}, 1000.0, ws);
        REQUIRE(p.size() == 1);  // A->B from 30 m; B-C runs only C->B
        CHECK(p[0].from_m == 30.0);
        CHECK(p[0].to_m == g1.link_length_m[0]);
    }
    SECTION("a link reached from both ends keeps its unreached middle") {
        const Graph g2 = build_graph({map.way("AB"), map.way("BDA")}, BuildOptions{});
        const double ad = geod(map.lonlat('A'), map.lonlat('D'));
        // From B: 10 m further than A along A-B; around the loop B-D-A, D at bd.
        const auto p = reached_pieces(g2, Cost::length, {0, ab, 0.0}, ab + 10.0, ws);
        const double loop = bd + ad;  // B-D-A
        REQUIRE(loop - 10.0 > ab + 10.0);  // the two reached ends of the loop do not meet
        REQUIRE(p.size() == 3);
        CHECK(p[0].link == 0);
        CHECK(p[0].from_m == 0.0);
        CHECK(p[0].to_m == g2.link_length_m[0]);
        CHECK(p[1].link == 1);  // from B
        CHECK(p[1].from_m == 0.0);
        CHECK(p[1].to_m == Approx(ab + 10.0).epsilon(1e-12));
        CHECK(p[2].link == 1);  // from A, with the 10 m left after walking A-B
        CHECK(p[2].from_m == Approx(loop - 10.0).epsilon(1e-12));
        CHECK(p[2].to_m == g2.link_length_m[1]);
    }
}
