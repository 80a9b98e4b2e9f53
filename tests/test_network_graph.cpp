// build_graph: connectivity modes, components, geodesic lengths, one-way arcs, dropped input.
#include <geodesic.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "tests/support/ascii_map.hpp"
#include "network/graph.hpp"

using namespace lc::net;
using lc::geo::XY;
using lc::net::testing::AsciiMap;

namespace {

// Independent of the library: PROJ geod_inverse on WGS84.
double geod_inverse_m(XY a, XY b) {
    geod_geodesic g;
    geod_init(&g, 6378137, 1 / 298.257223563);
    double s = 0;
    geod_inverse(&g, a.y, a.x, b.y, b.x, &s, nullptr, nullptr);
    return s;
}

// One straight piece of road as the graph measures it (within 1 micrometre of geod_inverse_m,
// checked by the last test case here), so lengths can be compared to 1e-12.
double geod(XY a, XY b) { return segment_geodesic_m(a, b); }

LineInput metric_line(std::vector<XY> pts, double speed = 4.0, int oneway = 0) {
    LineInput l;
    l.xy = pts;
    for (XY p : pts) l.lonlat.push_back(AsciiMap::to_lonlat(p));
    l.speed_kmh = speed;
    l.oneway = oneway;
    return l;
}

Graph build(const std::vector<LineInput>& lines, Connectivity c, double tol = 1.0) {
    BuildOptions o;
    o.connectivity = c;
    o.node_tolerance_m = tol;
    return build_graph(lines, o);
}

// Every link's arcs in the CSR point back to it and agree with its direction flags.
void check_csr(const Graph& g) {
    REQUIRE(g.first_out.size() == g.node_count() + 1);
    size_t expected = 0;
    for (size_t l = 0; l < g.link_count(); ++l)
        expected += (g.link_time_fw_s[l] < kInf) + (g.link_time_bw_s[l] < kInf);
    REQUIRE(g.arc_count() == expected);
    for (uint32_t v = 0; v < g.node_count(); ++v)
        for (uint32_t a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
            const uint32_t l = g.arc[a].link;
            if (g.arc_forward[a]) {
                CHECK(g.link_tail[l] == v);
                CHECK(g.arc[a].head == g.link_head[l]);
                CHECK(g.arc[a].time_s == g.link_time_fw_s[l]);
            } else {
                CHECK(g.link_head[l] == v);
                CHECK(g.arc[a].head == g.link_tail[l]);
                CHECK(g.arc[a].time_s == g.link_time_bw_s[l]);
            }
        }
}

}  // namespace

TEST_CASE("build_graph: crossing without shared vertex (bridge) vs noding", "[network]") {
    const AsciiMap map(R"(
    C
    |
A---X---B
    |
    D
)", 10.0);
    // Straight lines drawn through X, but X is not a vertex of either: a bridge.
    const std::vector<LineInput> lines{map.way("AB"), map.way("CD")};

    SECTION("endpoints: two separate streets") {
        const Graph g = build(lines, Connectivity::endpoints);
        CHECK(g.node_count() == 4);
        CHECK(g.link_count() == 2);
        CHECK(g.component_count() == 2);
        CHECK(g.component_nodes == std::vector<uint32_t>{2, 2});
        check_csr(g);
    }
    SECTION("any_vertex: still separate, nothing is shared") {
        const Graph g = build(lines, Connectivity::any_vertex);
        CHECK(g.node_count() == 4);
        CHECK(g.component_count() == 2);
    }
    SECTION("noding: split at the crossing, one component") {
        BuildReport rep;
        BuildOptions o;
        o.connectivity = Connectivity::noding;
        const Graph g = build_graph(lines, o, rep);
        CHECK(g.node_count() == 5);
        CHECK(g.link_count() == 4);
        CHECK(g.component_count() == 1);
        CHECK(rep.crossings_noded >= 1);
        // The crossing node is exactly X; the pieces add up to the original geodesic lengths.
        bool found_x = false;
        for (XY p : g.node_xy) found_x |= (p.x == map.xy('X').x && p.y == map.xy('X').y);
        CHECK(found_x);
        double total = 0;
        for (double len : g.link_length_m) total += len;
        CHECK(total == Approx(geod(map.lonlat('A'), map.lonlat('B')) + geod(map.lonlat('C'), map.lonlat('D')))
                           .epsilon(1e-9));
        check_csr(g);
    }
}

TEST_CASE("build_graph: shared interior vertex connects only with any_vertex/noding", "[network]") {
    const AsciiMap map(R"(
    C
    |
A---X---B
    |
    D
)", 10.0);
    const std::vector<LineInput> lines{map.way("AXB"), map.way("CXD")};
    const Graph ge = build(lines, Connectivity::endpoints);
    CHECK(ge.node_count() == 4);
    CHECK(ge.link_count() == 2);
    CHECK(ge.component_count() == 2);
    // X stays shape: the link A-B has three vertices and its along distances are geodesic.
    REQUIRE(ge.link_geom_first[1] - ge.link_geom_first[0] == 3);
    CHECK(ge.geom_along_m[1] == Approx(geod(map.lonlat('A'), map.lonlat('X'))).epsilon(1e-12));

    const Graph ga = build(lines, Connectivity::any_vertex);
    CHECK(ga.node_count() == 5);
    CHECK(ga.link_count() == 4);
    CHECK(ga.component_count() == 1);
    check_csr(ga);

    const Graph gn = build(lines, Connectivity::noding);
    CHECK(gn.node_count() == 5);
    CHECK(gn.link_count() == 4);
    CHECK(gn.component_count() == 1);
}

TEST_CASE("build_graph: noding snaps near-miss endpoints within tolerance", "[network]") {
    // A T-junction whose stem stops 0.6 m short of the road, and a road whose end misses the
    // next road's start by 0.3 m.
    const std::vector<LineInput> lines{
        metric_line({{0, 0}, {100, 0}}),
        metric_line({{50, -50}, {50, -0.6}}),
        metric_line({{100.3, 0}, {200, 0}}),
    };
    SECTION("tolerance 1 m joins both") {
        BuildReport rep;
        BuildOptions o{Connectivity::noding, 1.0};
        const Graph g = build_graph(lines, o, rep);
        CHECK(g.component_count() == 1);
        CHECK(g.node_count() == 5);  // (0,0) (50,-0.6) (100,0) (50,-50) (200,0)
        CHECK(g.link_count() == 4);
        CHECK(rep.endpoints_snapped >= 2);
        // The stem's end did not move; the road now bends through it.
        bool stem_end = false;
        for (XY p : g.node_xy) stem_end |= (p.x == 50 && p.y == -0.6);
        CHECK(stem_end);
    }
    SECTION("tolerance 0.2 m joins neither") {
        const Graph g = build(lines, Connectivity::noding, 0.2);
        CHECK(g.component_count() == 3);
        CHECK(g.node_count() == 6);
    }
    SECTION("endpoints never snap") {
        const Graph g = build(lines, Connectivity::endpoints);
        CHECK(g.component_count() == 3);
    }
}

TEST_CASE("build_graph: components numbered by size, ties by first appearance", "[network]") {
    const AsciiMap map(R"(
A---B   E---F---G

C---D   H---I---J
)", 10.0);
    // Input order: a 2-node piece first, then two 3-node pieces, then another 2-node piece.
    const std::vector<LineInput> lines{map.way("AB"), map.way("EF"), map.way("FG"), map.way("HI"),
                                       map.way("IJ"), map.way("CD")};
    const Graph g = build(lines, Connectivity::endpoints);
    REQUIRE(g.node_count() == 10);
    CHECK(g.component_nodes == std::vector<uint32_t>{3, 3, 2, 2});
    // Sizes 3, 3, 2, 2; equal sizes in input order: EFG 0, HIJ 1, AB 2, CD 3.
    auto comp_of = [&](char c) {
        for (uint32_t v = 0; v < g.node_count(); ++v)
            if (g.node_xy[v].x == map.xy(c).x && g.node_xy[v].y == map.xy(c).y) return g.node_component[v];
        return kNone;
    };
    std::string got;
    for (char c : std::string("ABEFGHIJCD")) got += static_cast<char>('0' + comp_of(c));
    CHECK(got == "2200011133");
}

TEST_CASE("build_graph: geodesic lengths, speeds and one-way arcs", "[network]") {
    const AsciiMap map(R"(
A-------B
        |
        C
)", 25.0);
    const std::vector<LineInput> lines{map.way("AB", 5.0, 1), map.way("BC", 3.6, -1), map.way("CA", 4.0, 0)};
    const Graph g = build(lines, Connectivity::endpoints);
    REQUIRE(g.link_count() == 3);
    const double ab = geod(map.lonlat('A'), map.lonlat('B'));
    const double bc = geod(map.lonlat('B'), map.lonlat('C'));
    CHECK(g.link_length_m[0] == Approx(ab).epsilon(1e-12));
    CHECK(g.link_length_m[0] == Approx(200.0).epsilon(1e-4));  // local mapping is near-conformal
    CHECK(g.link_time_fw_s[0] == Approx(ab / (5.0 / 3.6)).epsilon(1e-12));
    CHECK(g.link_time_bw_s[0] == kInf);
    CHECK(g.link_time_fw_s[1] == kInf);
    CHECK(g.link_time_bw_s[1] == Approx(bc).epsilon(1e-12));  // 3.6 km/h = 1 m/s
    CHECK(g.link_time_fw_s[2] == g.link_time_bw_s[2]);
    CHECK(g.arc_count() == 4);
    check_csr(g);
}

TEST_CASE("build_graph: degenerate input is dropped and counted", "[network]") {
    std::vector<LineInput> lines{
        metric_line({{0, 0}, {10, 0}, {10, 0}, {20, 0}}),  // repeated vertex: kept, deduped
        metric_line({{5, 5}, {5, 5}}),                     // a point: degenerate
        metric_line({{0, 0}, {0, 10}}, 0.0),               // no speed
        metric_line({{20, 0}, {20.2, 0}}),                 // collapses under 1 m noding
    };
    lines[1].source_fid = 11;
    lines[2].source_fid = 12;
    BuildReport rep;
    const Graph g = build_graph(lines, BuildOptions{Connectivity::noding, 1.0}, rep);
    CHECK(rep.lines_in == 4);
    CHECK(rep.degenerate_lines == 1);
    CHECK(rep.bad_speed_lines == 1);
    CHECK(rep.zero_length_links == 1);
    CHECK(rep.dropped_fids == std::vector<int64_t>{11, 12});
    REQUIRE(g.link_count() == 1);
    CHECK(g.link_geom_first[1] - g.link_geom_first[0] == 3);  // repeated (10,0) kept once
}

TEST_CASE("build_graph: deterministic numbering", "[network]") {
    std::vector<LineInput> lines;
    uint32_t seed = 7;
    auto rnd = [&] { return (seed = seed * 1103515245u + 12345u) >> 16 & 0x7fff; };
    for (int i = 0; i < 300; ++i)
        lines.push_back(metric_line({{double(rnd() % 500), double(rnd() % 500)},
                                     {double(rnd() % 500), double(rnd() % 500)},
                                     {double(rnd() % 500), double(rnd() % 500)}}));
    for (Connectivity c : {Connectivity::endpoints, Connectivity::any_vertex, Connectivity::noding}) {
        const Graph a = build(lines, c), b = build(lines, c);
        CHECK(a.link_tail == b.link_tail);
        CHECK(a.link_head == b.link_head);
        CHECK(a.link_length_m == b.link_length_m);
        CHECK(a.node_component == b.node_component);
        REQUIRE(a.arc_count() == b.arc_count());
        for (size_t k = 0; k < a.arc_count(); ++k) CHECK((a.arc[k].link == b.arc[k].link && a.arc[k].head == b.arc[k].head));
        check_csr(a);
        if (c == Connectivity::noding) {
            CHECK(a.link_count() > 600);  // 300 random zig-zags cross a lot
            CHECK(a.component_nodes[0] > a.node_count() / 2);
        }
    }
}

TEST_CASE("build_graph: a loader's vertex keys give the graph its own hashing gives", "[network]") {
    // Random zig-zags on a coarse grid (many shared vertices and endpoints, repeated vertices),
    // keyed by an independent numbering: a std::map over the exact coordinates. Key numbers are
    // scrambled (not first-appearance order) and some keys are left unused.
    std::vector<LineInput> lines;
    uint32_t seed = 11;
    auto rnd = [&] { return (seed = seed * 1103515245u + 12345u) >> 16 & 0x7fff; };
    for (int i = 0; i < 400; ++i) {
        std::vector<XY> pts;
        const int n = 2 + static_cast<int>(rnd() % 4);
        for (int k = 0; k < n; ++k) pts.push_back({double(rnd() % 40) * 10, double(rnd() % 40) * 10});
        if (i % 9 == 0) pts.insert(pts.begin() + 1, pts[0]);  // a repeated vertex
        lines.push_back(metric_line(pts, 4.0, i % 13 == 0 ? 1 : 0));
    }
    const LineSet plain = to_line_set(lines);
    LineSet keyed = plain;
    std::map<std::pair<double, double>, uint32_t> key_of_point;
    for (const XY& p : keyed.xy) key_of_point.try_emplace({p.x, p.y}, 0);
    uint32_t next = 0;
    for (auto& [p, k] : key_of_point) k = 3 * (next++) + 1;  // sorted order, spaced: unused keys in between
    for (const XY& p : keyed.xy) keyed.vertex_key.push_back(key_of_point.at({p.x, p.y}));
    keyed.key_count = 3 * next + 1;
    for (Connectivity c : {Connectivity::endpoints, Connectivity::any_vertex, Connectivity::noding}) {
        BuildOptions o;
        o.connectivity = c;
        BuildReport ra, rb;
        const Graph a = build_graph(plain, o, ra), b = build_graph(keyed, o, rb);
        CHECK(a.node_xy.size() == b.node_xy.size());
        for (size_t v = 0; v < std::min(a.node_count(), b.node_count()); ++v) CHECK((a.node_xy[v].x == b.node_xy[v].x && a.node_xy[v].y == b.node_xy[v].y));
        CHECK(a.link_tail == b.link_tail);
        CHECK(a.link_head == b.link_head);
        CHECK(a.link_length_m == b.link_length_m);
        CHECK(a.geom_xy.size() == b.geom_xy.size());
        CHECK(a.node_component == b.node_component);
        CHECK(ra.degenerate_lines == rb.degenerate_lines);
        check_csr(b);
        if (c == Connectivity::any_vertex) CHECK(a.node_count() > 300);  // interior vertices shared: many nodes
    }
}

TEST_CASE("segment_geodesic_m: within a micrometre of geod_inverse, long pieces use it", "[network]") {
    geod_geodesic g;
    geod_init(&g, 6378137, 1 / 298.257223563);
    uint64_t state = 12345;
    auto uniform = [&] {  // splitmix64 -> [0, 1)
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return double((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
    };
    double worst = 0;
    for (int i = 0; i < 200000; ++i) {
        const double lat = -85 + 170 * uniform(), lon = -180 + 360 * uniform(), azimuth = 360 * uniform();
        const double s = (i % 2 ? 100.0 : 10.0) * uniform();
        double lat2 = 0, lon2 = 0;
        geod_direct(&g, lat, lon, azimuth, s, &lat2, &lon2, nullptr);
        const XY a{lon, lat}, b{lon2, lat2};
        worst = std::max(worst, std::abs(segment_geodesic_m(a, b) - geod_inverse_m(a, b)));
    }
    CHECK(worst < 1e-6);
    // Across the antimeridian, and beyond 100 m (exactly geod_inverse).
    CHECK(segment_geodesic_m({179.9995, 10}, {-179.9995, 10}) == Approx(geod_inverse_m({179.9995, 10}, {-179.9995, 10})).epsilon(1e-9));
    CHECK(segment_geodesic_m({113.7, 23.0}, {113.71, 23.0}) == geod_inverse_m({113.7, 23.0}, {113.71, 23.0}));
}

TEST_CASE("build_graph: components equal a breadth-first search over the links", "[network]") {
    // Short random lines on a coarse lattice: many shared endpoints, many small components.
    std::vector<LineInput> lines;
    uint32_t seed = 99;
    auto rnd = [&] { return (seed = seed * 1103515245u + 12345u) >> 16 & 0x7fff; };
    for (int i = 0; i < 2000; ++i) {
        const double x = 10.0 * (rnd() % 60), y = 10.0 * (rnd() % 60);
        const bool east = rnd() % 2;
        lines.push_back(metric_line({{x, y}, {east ? x + 10 : x, east ? y : y + 10}}, 4.0, int(rnd() % 3) - 1));
    }
    const Graph g = build(lines, Connectivity::endpoints);
    const size_t n = g.node_count();
    std::vector<std::vector<uint32_t>> adj(n);
    for (size_t l = 0; l < g.link_count(); ++l) {  // both ways whatever the one-way rules
        adj[g.link_tail[l]].push_back(g.link_head[l]);
        adj[g.link_head[l]].push_back(g.link_tail[l]);
    }
    std::vector<int> label(n, -1);
    std::vector<size_t> sizes;
    for (uint32_t s = 0; s < n; ++s) {
        if (label[s] >= 0) continue;
        const int id = int(sizes.size());
        std::vector<uint32_t> queue{s};
        label[s] = id;
        for (size_t k = 0; k < queue.size(); ++k)
            for (uint32_t w : adj[queue[k]])
                if (label[w] < 0) label[w] = id, queue.push_back(w);
        sizes.push_back(queue.size());
    }
    REQUIRE(g.component_count() == sizes.size());
    CHECK(sizes.size() > 20);
    // Same partition: nodes share a BFS label exactly when they share a component id.
    std::vector<int> comp_to_label(g.component_count(), -1);
    for (uint32_t v = 0; v < n; ++v) {
        int& m = comp_to_label[g.node_component[v]];
        if (m < 0) m = label[v];
        CHECK(m == label[v]);
        CHECK(g.component_nodes[g.node_component[v]] == sizes[label[v]]);
    }
    CHECK(std::is_sorted(g.component_nodes.rbegin(), g.component_nodes.rend()));
}
