// Snapping: nearest edge (not node), far pass, off-network, island preference, parallel = serial.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "tests/support/ascii_map.hpp"
#include "network/graph.hpp"
#include "network/snap.hpp"

using namespace lc::net;
using lc::geo::XY;
using lc::net::testing::AsciiMap;

TEST_CASE("snap: nearest point on the nearest edge, not the nearest node", "[network]") {
    const AsciiMap map(R"(
A---------------B

        p



    C---D
)", 10.0);
    // p is 20 m below A-B's middle, 82 m from A and B but 40 m from node D: a node snapper
    // would pick D.
    const Graph g = build_graph({map.way("AB"), map.way("CD")}, BuildOptions{});
    SnapIndex idx(g);
    SnapOptions o;
    o.min_component_nodes = 1;
    const XY p = map.xy('p');
    const Snap s = idx.snap(p, o);
    REQUIRE(s.status == SnapStatus::ok);
    CHECK(s.link == 0);
    CHECK(s.dist_m == Approx(20.0).epsilon(1e-12));
    CHECK(s.on_network.x == Approx(80.0).epsilon(1e-12));
    CHECK(s.on_network.y == Approx(0.0).margin(1e-12));
    // along_m: the planar fraction 70/160 of the link's geodesic length.
    CHECK(s.along_m == Approx(g.link_length_m[0] * 80.0 / 160.0).epsilon(1e-12));

    // A point 10 m beyond D's end snaps to the end of C-D.
    const Snap s2 = idx.snap({90, -60}, o);
    CHECK(s2.link == 1);
    CHECK(s2.dist_m == Approx(10.0).epsilon(1e-12));
    CHECK(s2.along_m == Approx(g.link_length_m[1]).epsilon(1e-12));
}

TEST_CASE("snap: ok, snapped_far, off_network by distance", "[network]") {
    const AsciiMap map("A---B", 100.0);
    const Graph g = build_graph({map.way("AB")}, BuildOptions{});
    SnapIndex idx(g);
    const SnapOptions o;  // 300 / 1600 m
    CHECK(idx.snap({200, 299}, o).status == SnapStatus::ok);
    const Snap far = idx.snap({200, 301}, o);
    CHECK(far.status == SnapStatus::snapped_far);
    CHECK(far.link == 0);
    CHECK(far.dist_m == Approx(301).epsilon(1e-12));
    CHECK(idx.snap({-1500, 0}, o).status == SnapStatus::snapped_far);
    const Snap off = idx.snap({200, 1700}, o);
    CHECK(off.status == SnapStatus::off_network);
    CHECK(off.link == UINT32_MAX);
    CHECK(idx.snap({1e7, -1e7}, o).status == SnapStatus::off_network);
}

TEST_CASE("snap: small components are avoided when a main one is in reach", "[network]") {
    // Main component A..E (5 nodes), island X-Y (2 nodes), with min_component_nodes = 3.
    const AsciiMap map(R"(
A---B---C---D---E

        X-Y
)", 10.0);
    const Graph g = build_graph({map.way("AB"), map.way("BC"), map.way("CD"), map.way("DE"), map.way("XY")},
                                BuildOptions{});
    REQUIRE(g.component_nodes == std::vector<uint32_t>{5, 2});
    SnapIndex idx(g);
    SnapOptions o;
    o.min_component_nodes = 3;
    o.max_m = 15;
    o.far_m = 100;
    // 1 m from the island, 21 m from the main street: main wins, even beyond max_m.
    const Snap s = idx.snap({85, -21}, o);
    CHECK(s.status == SnapStatus::snapped_far);
    CHECK(g.link_component(s.link) == 0);
    CHECK(s.dist_m == Approx(21).epsilon(1e-12));
    // Within max_m of the main street: plain ok.
    CHECK(idx.snap({85, -10}, o).status == SnapStatus::ok);
    // Only the island within far_m: island.
    o.far_m = 20;
    const Snap i = idx.snap({85, -21}, o);
    CHECK(i.status == SnapStatus::island);
    CHECK(g.link_component(i.link) == 1);
    CHECK(i.dist_m == Approx(1).epsilon(1e-12));
    // With a low threshold the island counts as a main component and is nearest.
    o.min_component_nodes = 2;
    o.far_m = 100;
    const Snap j = idx.snap({85, -21}, o);
    CHECK(j.status == SnapStatus::ok);
    CHECK(g.link_component(j.link) == 1);
}

TEST_CASE("snap: grid index agrees with brute force, snap_all equals snap", "[network]") {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(0, 2000);
    std::vector<LineInput> lines;
    for (int i = 0; i < 400; ++i) {
        const XY a{u(rng), u(rng)};
        const XY b{a.x + u(rng) / 20 - 50, a.y + u(rng) / 20 - 50};
        LineInput l;
        l.xy = {a, b};
        l.lonlat = {AsciiMap::to_lonlat(a), AsciiMap::to_lonlat(b)};
        lines.push_back(l);
    }
    const Graph g = build_graph(lines, BuildOptions{});
    SnapIndex idx(g);
    SnapOptions o;
    o.min_component_nodes = 1;
    o.max_m = 1e9;
    o.far_m = 1e9;
    std::vector<XY> pts;
    for (int i = 0; i < 3000; ++i) pts.push_back({u(rng) * 1.2 - 200, u(rng) * 1.2 - 200});
    const auto all = idx.snap_all(pts, o);
    for (size_t i = 0; i < pts.size(); ++i) {
        // Brute force over every link's straight segment.
        double best = INFINITY;
        for (uint32_t l = 0; l < g.link_count(); ++l) {
            const XY a = g.geom_xy[g.link_geom_first[l]], b = g.geom_xy[g.link_geom_first[l] + 1];
            const double dx = b.x - a.x, dy = b.y - a.y;
            const double t = std::clamp(((pts[i].x - a.x) * dx + (pts[i].y - a.y) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
            best = std::min(best, std::hypot(a.x + t * dx - pts[i].x, a.y + t * dy - pts[i].y));
        }
        REQUIRE(all[i].status == SnapStatus::ok);
        CHECK(all[i].dist_m == Approx(best).epsilon(1e-12));
        const Snap one = idx.snap(pts[i], o);
        CHECK(one.link == all[i].link);
        CHECK(one.along_m == all[i].along_m);
    }
}
