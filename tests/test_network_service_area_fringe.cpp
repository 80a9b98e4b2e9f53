// Service-area polygons on irregular networks: service_area_polygon buffers and unions only the
// fringe of the reached network, so it is checked against plain unions of every buffer.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <random>

#include "geo/geos.hpp"
#include "tests/support/ascii_map.hpp"
#include "network/graph.hpp"
#include "network/service_area.hpp"

using namespace lc::net;
using lc::geo::geos;
using lc::geo::GeomPtr;
using lc::geo::XY;
using lc::net::testing::AsciiMap;

namespace {

LineInput make_line(std::vector<XY> xy, int oneway = 0) {
    LineInput l;
    l.xy = std::move(xy);
    for (XY p : l.xy) l.lonlat.push_back(AsciiMap::to_lonlat(p));
    l.oneway = oneway;
    return l;
}

// OSM-like irregular streets: a grid jittered by up to 25 % of its spacing with 10 % of the
// links missing (dead ends, larger blocks), an empty "park" of 5 x 4 blocks (a hole when r is
// small against it), some one-way links, long straight lanes that cross streets without a
// junction (bridges: only their ends are connected), and a separate small loop.
// long_lines = true draws every row and column as one polyline through its nodes (bends at the
// junctions, strokes of many links; build with any_vertex), plus a straight avenue; false gives
// one line per link, shuffled.
std::vector<LineInput> irregular_network(uint32_t seed, bool long_lines) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> jitter(-0.25, 0.25), u01(0, 1);
    const int n = 28;
    const double s = 47;
    std::vector<XY> node(size_t(n * n));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) node[size_t(i * n + j)] = {(j + jitter(rng)) * s, (i + jitter(rng)) * s};
    // Links inside the park (rows 4-8, columns 16-21 of nodes): link from (row, col) to the next one.
    auto in_park = [](int row, int col, bool along_row) {
        return along_row ? row >= 5 && row <= 7 && col >= 16 && col <= 20 : row >= 4 && row <= 7 && col >= 17 && col <= 20;
    };
    std::vector<LineInput> lines;
    std::vector<XY> run;
    auto flush = [&] {
        if (run.size() >= 2) lines.push_back(make_line(run, u01(rng) < 0.1 ? 1 : 0));
        run.clear();
    };
    for (int dir = 0; dir < 2; ++dir)
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j + 1 < n; ++j) {
                const int a = dir == 0 ? i * n + j : j * n + i, b = dir == 0 ? i * n + j + 1 : (j + 1) * n + i;
                const bool missing = u01(rng) < 0.1 || (dir == 0 ? in_park(i, j, true) : in_park(j, i, false));
                if (missing) {
                    flush();
                    continue;
                }
                if (!long_lines) {
                    lines.push_back(make_line({node[size_t(a)], node[size_t(b)]}, u01(rng) < 0.1 ? 1 : 0));
                    continue;
                }
                if (run.empty()) run.push_back(node[size_t(a)]);
                run.push_back(node[size_t(b)]);
            }
            flush();
        }
    // Lanes between two grid nodes 5-12 blocks apart, crossing the streets in between.
    for (int k = 0; k < 10; ++k) {
        const int i = int(u01(rng) * (n - 12)), j = int(u01(rng) * (n - 12)), d = 5 + int(u01(rng) * 7);
        lines.push_back(make_line({node[size_t(i * n + j)], node[size_t((i + d) * n + j + d / 2)]}));
    }
    if (long_lines) {
        // A straight avenue across the grid without junctions, its vertices up to 3 mm off the
        // line (dropped by the 1 cm stroke simplification), linked to the grid by short streets
        // at every other vertex: a stroke of many links with nearly collinear joints.
        std::vector<XY> avenue;
        for (int k = 0; k < n - 1; ++k) avenue.push_back({(k + 0.3) * s, 13.3 * s + (u01(rng) - 0.5) * 0.006});
        lines.push_back(make_line(avenue));
        for (int k = 1; k < n - 1; k += 2) lines.push_back(make_line({avenue[size_t(k)], node[size_t(13 * n + k)]}));
    }
    // A separate little loop north of everything.
    lines.push_back(make_line({{300, 1500}, {340, 1500}, {340, 1540}, {300, 1540}, {300, 1500}}));
    if (!long_lines) std::shuffle(lines.begin(), lines.end(), rng);
    return lines;
}

GeomPtr buffer(const GEOSGeometry* line, const ServiceAreaOptions& o) {
    return GeomPtr(GEOSBufferWithStyle_r(geos(), line, o.buffer_m, o.quadrant_segments, GEOSBUF_CAP_ROUND,
                                         GEOSBUF_JOIN_ROUND, 5.0));
}

GeomPtr unary_union(std::vector<GeomPtr>& parts) {
    std::vector<GEOSGeometry*> raw;
    for (auto& p : parts) raw.push_back(p.release());
    GeomPtr coll(GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, raw.data(), unsigned(raw.size())));
    return GeomPtr(GEOSUnaryUnion_r(geos(), coll.get()));
}

// The plain reference: every piece buffered on its own, then GEOSUnaryUnion.
GeomPtr union_of_piece_buffers(const Graph& g, const std::vector<LinkPiece>& pieces, const ServiceAreaOptions& o) {
    const GeomPtr lines = pieces_to_lines(g, pieces);
    std::vector<GeomPtr> parts;
    for (int i = 0; i < GEOSGetNumGeometries_r(geos(), lines.get()); ++i)
        parts.push_back(buffer(GEOSGetGeometryN_r(geos(), lines.get(), i), o));
    return unary_union(parts);
}

// The stroke reference: consecutive pieces that continue each other along their input line
// (the previous one reaches its link's head, this one starts at its link's tail there) make
// one line; each line simplified by 1 cm and buffered, then GEOSUnaryUnion.
GeomPtr union_of_stroke_buffers(const Graph& g, const std::vector<LinkPiece>& pieces, const ServiceAreaOptions& o) {
    const GeomPtr lines = pieces_to_lines(g, pieces);
    std::vector<GeomPtr> parts;
    std::vector<double> xy;
    auto flush = [&] {
        if (xy.empty()) return;
        GeomPtr line(GEOSGeom_createLineString_r(geos(), GEOSCoordSeq_copyFromBuffer_r(geos(), xy.data(), xy.size() / 2, 0, 0)));
        GeomPtr simple(GEOSSimplify_r(geos(), line.get(), 0.01));
        parts.push_back(buffer(simple.get(), o));
        xy.clear();
    };
    const LinkPiece* prev = nullptr;
    int k = 0;
    for (const LinkPiece& p : pieces) {
        if (!(p.to_m > p.from_m)) continue;
        if (!(prev && prev->to_m >= g.link_length_m[prev->link] && p.from_m <= 0 && g.link_head[prev->link] == g.link_tail[p.link]))
            flush();
        const GEOSCoordSequence* cs = GEOSGeom_getCoordSeq_r(geos(), GEOSGetGeometryN_r(geos(), lines.get(), k++));
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(geos(), cs, &n);
        for (unsigned v = xy.empty() ? 0 : 1; v < n; ++v) {
            double x, y;
            GEOSCoordSeq_getXY_r(geos(), cs, v, &x, &y);
            xy.push_back(x);
            xy.push_back(y);
        }
        prev = &p;
    }
    flush();
    return unary_union(parts);
}

// The link whose tail node is nearest to p.
uint32_t link_near(const Graph& g, XY p) {
    uint32_t best = 0;
    double d = INFINITY;
    for (uint32_t l = 0; l < g.link_count(); ++l) {
        const XY t = g.node_xy[g.link_tail[l]];
        if (std::hypot(t.x - p.x, t.y - p.y) < d) {
            d = std::hypot(t.x - p.x, t.y - p.y);
            best = l;
        }
    }
    return best;
}

// The same pieces reordered so that no piece continues the one before it: no strokes.
std::vector<LinkPiece> without_strokes(const Graph& g, std::vector<LinkPiece> pieces) {
    auto joins = [&](const LinkPiece& a, const LinkPiece& b) {
        return a.to_m >= g.link_length_m[a.link] && b.from_m <= 0 && g.link_head[a.link] == g.link_tail[b.link];
    };
    for (size_t k = 1, moves = 0; k < pieces.size() && moves < 10 * pieces.size(); ++k)
        if (joins(pieces[k - 1], pieces[k])) {
            std::rotate(pieces.begin() + std::ptrdiff_t(k), pieces.begin() + std::ptrdiff_t(k) + 1, pieces.end());
            --k;
            ++moves;
        }
    return pieces;
}

int hole_count(const GEOSGeometry* g) {
    int n = 0;
    for (int i = 0; i < GEOSGetNumGeometries_r(geos(), g); ++i) n += GEOSGetNumInteriorRings_r(geos(), GEOSGetGeometryN_r(geos(), g, i));
    return n;
}

double sym_difference_area(const GEOSGeometry* a, const GEOSGeometry* b) {
    GeomPtr d(GEOSSymDifference_r(geos(), a, b));
    return lc::geo::area(d.get());
}

void check_same(const GEOSGeometry* got, const GEOSGeometry* want, double max_m2) {
    CHECK(GEOSisValid_r(geos(), got) == 1);
    CHECK(GEOSGetNumGeometries_r(geos(), got) == GEOSGetNumGeometries_r(geos(), want));
    CHECK(hole_count(got) == hole_count(want));
    CHECK(sym_difference_area(got, want) < max_m2);
}

}  // namespace

TEST_CASE("service_area_polygon: irregular network, same polygon as buffering every piece", "[network]") {
    for (uint32_t seed : {1u, 2u}) {
        const Graph g = build_graph(irregular_network(seed, false), BuildOptions{});
        SearchWorkspace ws;
        for (const ServiceAreaOptions o : {ServiceAreaOptions{50, 4}, ServiceAreaOptions{20, 8}, ServiceAreaOptions{60, 2}}) {
            for (uint32_t l : {link_near(g, {600, 500}), link_near(g, {300, 900})}) {
                INFO("seed " << seed << ", buffer " << o.buffer_m << ", quadsegs " << o.quadrant_segments << ", link " << l);
                const auto pieces = reached_pieces(g, Cost::length, {l, g.link_length_m[l] / 2, 0}, 700, ws);
                REQUIRE(pieces.size() > 300);
                const auto got = service_area_polygon(g, pieces, o);
                check_same(got.get(), union_of_stroke_buffers(g, pieces, o).get(), 1e-4);
                // Reached links that continue each other still form strokes (a round join
                // differs from two caps by slivers); without them, every piece is buffered alone.
                const auto single = without_strokes(g, pieces);
                check_same(service_area_polygon(g, single, o).get(), union_of_piece_buffers(g, single, o).get(), 1e-4);
            }
        }
        // Arbitrary pieces, not one search: every other link whole, the rest in parts, and the
        // separate loop; holes, islands and dead ends everywhere.
        std::vector<LinkPiece> pieces;
        for (uint32_t l = 0; l < g.link_count(); ++l) {
            const double len = g.link_length_m[l];
            if (l % 2 == 0) pieces.push_back({l, 0, len});
            else if (l % 6 == 1) pieces.push_back({l, 0, len / 3});
            else if (l % 6 == 3) pieces.push_back({l, len / 4, len});
        }
        const ServiceAreaOptions o{25, 4};
        pieces = without_strokes(g, pieces);
        check_same(service_area_polygon(g, pieces, o).get(), union_of_piece_buffers(g, pieces, o).get(), 1e-4);
    }
}

TEST_CASE("service_area_polygon: long streets, same polygon as buffering every stroke", "[network]") {
    const Graph g = build_graph(irregular_network(7, true), BuildOptions{Connectivity::any_vertex});
    SearchWorkspace ws;
    for (const ServiceAreaOptions o : {ServiceAreaOptions{50, 4}, ServiceAreaOptions{15, 4}}) {
        for (uint32_t l : {link_near(g, {650, 550}), link_near(g, {950, 250})}) {
            INFO("buffer " << o.buffer_m << ", link " << l);
            const auto pieces = reached_pieces(g, Cost::length, {l, g.link_length_m[l] / 3, 0}, 800, ws);
            REQUIRE(pieces.size() > 300);
            const auto got = service_area_polygon(g, pieces, o);
            check_same(got.get(), union_of_stroke_buffers(g, pieces, o).get(), 1e-4);
        }
    }
}

TEST_CASE("service_area_polygon: a park amid dense streets stays a hole", "[network]") {
    // Only the streets along the park and the outer edge are buffered; the union of those has a
    // hole between them (covered by the inner streets) with the park's ring inside it, and the
    // park's middle is the middle of that hole too.
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> jitter(-0.2, 0.2);
    const int n = 33;
    const double s = 47;
    std::vector<XY> node(size_t(n * n));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) node[size_t(i * n + j)] = {(j + jitter(rng)) * s, (i + jitter(rng)) * s};
    auto park = [](int i, int j) { return i >= 12 && i <= 20 && j >= 12 && j <= 20; };  // nodes strictly inside: none kept
    std::vector<LineInput> lines;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j + 1 < n; ++j) {
            if (!(park(i, j) && park(i, j + 1) && i > 12 && i < 20)) lines.push_back(make_line({node[size_t(i * n + j)], node[size_t(i * n + j + 1)]}));
            if (!(park(j, i) && park(j + 1, i) && i > 12 && i < 20)) lines.push_back(make_line({node[size_t(j * n + i)], node[size_t((j + 1) * n + i)]}));
        }
    std::shuffle(lines.begin(), lines.end(), rng);
    const Graph g = build_graph(lines, BuildOptions{});
    std::vector<LinkPiece> pieces;
    for (uint32_t l = 0; l < g.link_count(); ++l) pieces.push_back({l, 0, g.link_length_m[l]});
    pieces = without_strokes(g, pieces);
    const ServiceAreaOptions o{50, 4};
    const auto got = service_area_polygon(g, pieces, o);
    CHECK(hole_count(got.get()) == 1);
    CHECK(GEOSGetNumGeometries_r(geos(), got.get()) == 1);
    check_same(got.get(), union_of_piece_buffers(g, pieces, o).get(), 1e-4);
}

TEST_CASE("service_area_polygon: a small closed loop is covered inside", "[network]") {
    // GEOS 3.11 buffers such a closed line with a false hole where its inner offset curve turns
    // inside out (JTS issue 876); everything within r of a reached street is in the polygon.
    std::vector<XY> ring;
    for (int k = 0; k <= 8; ++k) ring.push_back({100 + 12 * std::cos(k * 0.785398163397448), 100 + 12 * std::sin(k * 0.785398163397448)});
    ring.back() = ring.front();
    const Graph g = build_graph({make_line(ring)}, BuildOptions{});
    REQUIRE(g.link_count() == 1);
    for (const ServiceAreaOptions o : {ServiceAreaOptions{50, 4}, ServiceAreaOptions{25, 8}}) {
        const auto poly = service_area_polygon(g, {{0, 0, g.link_length_m[0]}}, o);
        CHECK(GEOSisValid_r(geos(), poly.get()) == 1);
        CHECK(hole_count(poly.get()) == 0);
        const auto centre = lc::geo::make_point(100, 100);
        CHECK(GEOSContains_r(geos(), poly.get(), centre.get()) == 1);
    }
}
