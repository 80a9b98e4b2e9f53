#include "network/service_area.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <stdexcept>

#include "base/parallel.hpp"

namespace lc::net {
namespace {

using geo::geos;
using geo::GeomPtr;

GeomPtr empty_polygon() { return GeomPtr(GEOSGeom_createEmptyPolygon_r(geos())); }

GeomPtr make_valid(GeomPtr g) {
    if (!g) throw std::runtime_error("GEOS failed: " + geo::geos_last_error());
    if (GEOSisValid_r(geos(), g.get()) == 1) return g;
    GeomPtr v(GEOSMakeValid_r(geos(), g.get()));
    if (!v) throw std::runtime_error("GEOSMakeValid failed: " + geo::geos_last_error());
    return v;
}

// Appends the sub-polyline of a link between two along-distances.
void piece_coords(const Graph& g, const LinkPiece& p, std::vector<double>& xy) {
    const geo::XY a = g.point_along(p.link, p.from_m), b = g.point_along(p.link, p.to_m);
    xy.push_back(a.x);
    xy.push_back(a.y);
    for (uint32_t i = g.link_geom_first[p.link]; i < g.link_geom_first[p.link + 1]; ++i)
        if (g.geom_along_m[i] > p.from_m && g.geom_along_m[i] < p.to_m) {
            xy.push_back(g.geom_xy[i].x);
            xy.push_back(g.geom_xy[i].y);
        }
    xy.push_back(b.x);
    xy.push_back(b.y);
}

// ---------------------------------------------------------------------------------------------
// The polygon is the union of the buffers of "strokes": runs of pieces that continue each other
// along their input line (a street reached end to end is one line, so one buffer), simplified by
// 1 cm. Unioning all of them makes GEOS node every crossing of the 2r wide sausages, although on
// a street grid nearly all of that lies deep inside the polygon (~29 ms for a 15-minute walk). So:
//  1. a grid of cells of ~r/12 marks "deep" cells: wholly within the certain-inside radius of
//     some piece, hence inside the polygon;
//  2. only "fringe" pieces, whose buffer reaches a cell that is not deep, are buffered: runs of
//     them are cut from their simplified stroke (same vertices, so the same buffer near them; the
//     cap where a cut leaves the stroke lies within r of a non-fringe piece, so in deep cells),
//     and each buffer is clipped to the box of the non-deep cells it reaches (the part cut off
//     lies in deep cells);
//  3. the union of those has the full union's boundary (every boundary point lies in a non-deep
//     cell, on the buffer of a fringe piece), so each hole of it is either a true hole or wholly
//     covered by the dropped pieces: those are filled.
// All changes stay inside deep cells, so the polygon is the full union's up to floating-point
// noise (measured: < 1e-7 m2 per polygon on the 1M-node benchmark, < 1e-5 on the OSM sample),
// in ~1/3.5 of the time there.
// ---------------------------------------------------------------------------------------------

// The non-empty pieces as flat polylines, in input order.
struct Lines {
    std::vector<double> xy;       // x y of every vertex of every piece
    std::vector<uint32_t> first;  // piece i owns vertices [first[i], first[i+1]) (vertex = 2 doubles)
    std::vector<uint8_t> joins;   // piece i continues piece i-1 into one stroke

    size_t size() const { return joins.size(); }
    geo::XY at(uint32_t v) const { return {xy[2 * v], xy[2 * v + 1]}; }
    template <class F>
    void for_segments(size_t i, F&& f) const {
        for (uint32_t v = first[i]; v + 1 < first[i + 1]; ++v) f(at(v), at(v + 1));
    }
};

Lines make_lines(const Graph& g, const std::vector<LinkPiece>& pieces) {
    Lines l;
    l.first.push_back(0);
    const LinkPiece* prev = nullptr;
    for (const LinkPiece& p : pieces) {
        if (!(p.to_m > p.from_m)) continue;
        // A stroke goes on when the previous piece ends at its link's head, this one starts at
        // its link's tail, and the two links meet there (links are numbered along input lines).
        l.joins.push_back(prev && prev->to_m >= g.link_length_m[prev->link] && p.from_m <= 0 &&
                          g.link_head[prev->link] == g.link_tail[p.link]);
        piece_coords(g, p, l.xy);
        l.first.push_back(static_cast<uint32_t>(l.xy.size() / 2));
        prev = &p;
    }
    return l;
}

// The polyline of the stroke made of pieces [b, e) (consecutive pieces share their joint
// vertex) into xy; piece b + k spans its vertices [start[k], start[k + 1]].
void stroke_polyline(const Lines& l, size_t b, size_t e, std::vector<double>& xy, std::vector<uint32_t>& start) {
    xy.clear();
    start.clear();
    for (size_t i = b; i < e; ++i) {
        const size_t skip = i > b ? 1 : 0;  // the joint is already there
        start.push_back(static_cast<uint32_t>(xy.size() / 2 - (skip ? 1 : 0)));
        xy.insert(xy.end(), l.xy.begin() + 2 * (l.first[i] + skip), l.xy.begin() + 2 * l.first[i + 1]);
    }
    start.push_back(static_cast<uint32_t>(xy.size() / 2 - 1));
}

// GEOS's point-segment distance (Distance::pointToSegment), so the simplification below keeps
// exactly the vertices GEOSSimplify keeps.
double geos_segment_distance(const double* p, const double* a, const double* b) {
    if (a[0] == b[0] && a[1] == b[1]) return std::sqrt((p[0] - a[0]) * (p[0] - a[0]) + (p[1] - a[1]) * (p[1] - a[1]));
    const double len2 = (b[0] - a[0]) * (b[0] - a[0]) + (b[1] - a[1]) * (b[1] - a[1]);
    const double r = ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / len2;
    if (r <= 0.0) return std::sqrt((p[0] - a[0]) * (p[0] - a[0]) + (p[1] - a[1]) * (p[1] - a[1]));
    if (r >= 1.0) return std::sqrt((p[0] - b[0]) * (p[0] - b[0]) + (p[1] - b[1]) * (p[1] - b[1]));
    const double s = ((a[1] - p[1]) * (b[0] - a[0]) - (a[0] - p[0]) * (b[1] - a[1])) / len2;
    return std::fabs(s) * std::sqrt(len2);
}

// Douglas-Peucker with a 1 cm tolerance, as GEOSSimplify does it: drops the collinear vertices
// where a stroke passes through junctions. keep[v] = 1 for the vertices kept. Done on the whole
// stroke, so a sub-stroke cut from it keeps the same vertices (and the same buffer) as the stroke.
void simplify_stroke(const std::vector<double>& xy, std::vector<uint8_t>& keep) {
    const size_t n = xy.size() / 2;
    keep.assign(n, 1);
    std::vector<std::pair<size_t, size_t>> sections;
    if (n > 2) sections.push_back({0, n - 1});
    while (!sections.empty()) {
        const auto [i, j] = sections.back();
        sections.pop_back();
        if (i + 1 >= j) continue;
        double max_d = -1;
        size_t max_k = i;
        for (size_t k = i + 1; k < j; ++k) {
            const double d = geos_segment_distance(&xy[2 * k], &xy[2 * i], &xy[2 * j]);
            if (d > max_d) {
                max_d = d;
                max_k = k;
            }
        }
        if (max_d <= 0.01) {
            std::fill(keep.begin() + std::ptrdiff_t(i) + 1, keep.begin() + std::ptrdiff_t(j), uint8_t{0});
        } else {
            sections.push_back({i, max_k});
            sections.push_back({max_k, j});
        }
    }
}

double segment_distance(geo::XY p, geo::XY a, geo::XY b) {
    const double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    const double t = l2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / l2, 0.0, 1.0) : 0.0;
    return std::hypot(a.x + t * dx - p.x, a.y + t * dy - p.y);
}

// Distances from a piece within which GEOS's buffer certainly contains / may contain a point.
// Its round joins and caps are chords between points at distance r: a fillet of angle A gets
// round(A / quantum) chords (quantum = pi/2/quadsegs), so a chord spans < 1.5 quanta. Its input
// simplification moves a line by up to 1 % of r, and ours by 1 cm.
struct Radii {
    double inside, outside;
};
Radii certain_radii(const ServiceAreaOptions& o) {
    const double outside = o.buffer_m * 1.02 + 0.01;
    if (o.quadrant_segments < 1) return {-1, outside};  // GEOS then bevels joins: nothing is certain
    const double half_chord = 1.5 * std::numbers::pi / 4 / o.quadrant_segments;
    return {o.buffer_m * (std::cos(half_chord) - 0.02) - 0.01, outside};
}

geo::XY interior_point(const GEOSGeometry* poly) {
    GeomPtr pt(GEOSPointOnSurface_r(geos(), poly));
    geo::XY p;
    if (!pt || GEOSGeomGetX_r(geos(), pt.get(), &p.x) != 1 || GEOSGeomGetY_r(geos(), pt.get(), &p.y) != 1)
        throw std::runtime_error("GEOSPointOnSurface failed: " + geo::geos_last_error());
    return p;
}

// Buffer of the kept vertices lo..hi of a simplified stroke.
GeomPtr stroke_buffer(const std::vector<double>& xy, const std::vector<uint8_t>& keep, size_t lo, size_t hi,
                      const ServiceAreaOptions& o, const Radii& rad, std::vector<double>& tmp) {
    auto ctx = geos();
    tmp.clear();
    for (size_t v = lo; v <= hi; ++v)
        if (keep[v]) tmp.insert(tmp.end(), {xy[2 * v], xy[2 * v + 1]});
    GEOSCoordSequence* cs = GEOSCoordSeq_copyFromBuffer_r(ctx, tmp.data(), tmp.size() / 2, 0, 0);
    GeomPtr line(GEOSGeom_createLineString_r(ctx, cs));
    GeomPtr buf(GEOSBufferWithStyle_r(ctx, line.get(), o.buffer_m, o.quadrant_segments, GEOSBUF_CAP_ROUND,
                                      GEOSBUF_JOIN_ROUND, 5.0));
    if (!buf) throw std::runtime_error("GEOSBuffer failed: " + geo::geos_last_error());
    if (GEOSGeomTypeId_r(ctx, buf.get()) != GEOS_POLYGON || GEOSGetNumInteriorRings_r(ctx, buf.get()) == 0) return buf;
    // GEOS 3.11 can leave a false hole within r of the line where the inner offset curve of a
    // small closed loop turns inside out (JTS issue 876): keep only holes farther than r.
    std::vector<GEOSGeometry*> holes;
    for (int j = 0; j < GEOSGetNumInteriorRings_r(ctx, buf.get()); ++j) {
        const GEOSGeometry* ring = GEOSGetInteriorRingN_r(ctx, buf.get(), j);
        GeomPtr hole(GEOSGeom_createPolygon_r(ctx, GEOSGeom_clone_r(ctx, ring), nullptr, 0));
        const geo::XY p = interior_point(hole.get());
        double d = INFINITY;
        for (size_t v = 0; v + 3 < tmp.size(); v += 2) d = std::min(d, segment_distance(p, {tmp[v], tmp[v + 1]}, {tmp[v + 2], tmp[v + 3]}));
        if (!(d < rad.inside)) holes.push_back(GEOSGeom_clone_r(ctx, ring));
    }
    if (holes.size() == size_t(GEOSGetNumInteriorRings_r(ctx, buf.get()))) {
        for (GEOSGeometry* h : holes) GEOSGeom_destroy_r(ctx, h);
        return buf;
    }
    GEOSGeometry* shell = GEOSGeom_clone_r(ctx, GEOSGetExteriorRing_r(ctx, buf.get()));
    return GeomPtr(GEOSGeom_createPolygon_r(ctx, shell, holes.data(), static_cast<unsigned>(holes.size())));
}

// Square cells over the pieces; deep = 1 where the whole cell is certainly inside the polygon.
struct DeepCells {
    double x0 = 0, y0 = 0, cell = 0;  // lower-left corner of cell (0, 0); cell size
    int w = 0, h = 0;
    std::vector<uint8_t>& deep;  // row-major w * h; empty: no grid (every piece is fringe)

    int col(double x) const { return static_cast<int>(std::floor((x - x0) / cell)); }
    int row(double y) const { return static_cast<int>(std::floor((y - y0) / cell)); }
    const uint8_t* row_ptr(int r) const { return deep.data() + size_t(r) * size_t(w); }
    bool all_deep(int r, int c0, int c1) const { return !std::memchr(row_ptr(r) + c0, 0, size_t(c1 - c0 + 1)); }
    bool is_deep(double x, double y) const {
        const int c = col(x), r = row(y);
        return !deep.empty() && c >= 0 && r >= 0 && c < w && r < h && row_ptr(r)[c];
    }
};

// f(row, c0, c1) for every grid row with the cells [c0, c1] whose centres lie within rad of
// segment ab (the capsule around it cut by the row's centre line).
template <class F>
void for_capsule_cells(const DeepCells& m, geo::XY a, geo::XY b, double rad, F&& f) {
    const double inv_cell = 1 / m.cell;
    const int r0 = std::max(0, static_cast<int>(std::ceil((std::min(a.y, b.y) - rad - m.y0) * inv_cell - 0.5)));
    const int r1 = std::min(m.h - 1, static_cast<int>(std::floor((std::max(a.y, b.y) + rad - m.y0) * inv_cell - 0.5)));
    const double dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy), rad2 = rad * rad;
    // The band of points within rad of the segment that project onto it: x where
    // |cross| <= rad * len and 0 <= dot <= len^2, both linear in the row's y.
    const bool slanted = std::abs(dy) > 1e-9 * len, upright = std::abs(dx) > 1e-9 * len;
    const double inv_dy = slanted ? 1 / dy : 0, inv_dx = upright ? 1 / dx : 0;
    for (int r = r0; r <= r1; ++r) {
        const double y = m.y0 + (r + 0.5) * m.cell;
        double lo = INFINITY, hi = -INFINITY;
        const double ha = rad2 - (y - a.y) * (y - a.y), hb = rad2 - (y - b.y) * (y - b.y);  // the end discs
        if (ha >= 0) {
            const double h = std::sqrt(ha);
            lo = a.x - h;
            hi = a.x + h;
        }
        if (hb >= 0) {
            const double h = std::sqrt(hb);
            lo = std::min(lo, b.x - h);
            hi = std::max(hi, b.x + h);
        }
        if (slanted) {
            double s = a.x + ((y - a.y) * dx - rad * len) * inv_dy, e = a.x + ((y - a.y) * dx + rad * len) * inv_dy;
            if (s > e) std::swap(s, e);
            if (upright) {
                double p = a.x - (y - a.y) * dy * inv_dx, q = a.x + (len * len - (y - a.y) * dy) * inv_dx;
                if (p > q) std::swap(p, q);
                s = std::max(s, p);
                e = std::min(e, q);
            }  // else vertical: the end discs bound the rows, the band spans the whole width
            if (s <= e) {
                lo = std::min(lo, s);
                hi = std::max(hi, e);
            }
        } else if (std::abs(y - a.y) <= rad) {  // horizontal
            lo = std::min(lo, std::min(a.x, b.x));
            hi = std::max(hi, std::max(a.x, b.x));
        }
        if (!(lo <= hi)) continue;
        const int c0 = std::max(0, static_cast<int>(std::ceil((lo - m.x0) * inv_cell - 0.5)));
        const int c1 = std::min(m.w - 1, static_cast<int>(std::floor((hi - m.x0) * inv_cell - 0.5)));
        if (c0 <= c1) f(r, c0, c1);
    }
}

// Steps 1 and 2: the deep cells and, per piece, whether it is fringe. Without a useful grid
// (cells too coarse for r, or a single piece) m.deep stays empty and every piece is fringe.
std::vector<uint8_t> mark_fringe(const Lines& l, const Radii& rad, double cell_hint, DeepCells& m) {
    const size_t n = l.size();
    std::vector<uint8_t> fringe(n, 1);
    m.deep.clear();
    double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
    for (size_t v = 0; v < l.xy.size(); v += 2) {
        bx0 = std::min(bx0, l.xy[v]);
        bx1 = std::max(bx1, l.xy[v]);
        by0 = std::min(by0, l.xy[v + 1]);
        by1 = std::max(by1, l.xy[v + 1]);
    }
    // At most ~2 M cells (2 MB) for very large areas.
    m.cell = std::max(cell_hint, std::sqrt((bx1 - bx0 + 2 * rad.outside) * (by1 - by0 + 2 * rad.outside) / 2e6));
    const double half_diag = m.cell * std::numbers::sqrt2 / 2;
    const double deep_r = rad.inside - half_diag;    // cell centre this close => whole cell inside
    const double reach_r = rad.outside + half_diag;  // a buffer may touch cells centred this close
    if (!(deep_r > m.cell) || n < 2 || !std::isfinite(bx1 - bx0 + by1 - by0)) return fringe;
    const double pad = reach_r + 2 * m.cell;  // every cell a buffer reaches is in the grid
    m.x0 = bx0 - pad;
    m.y0 = by0 - pad;
    m.w = static_cast<int>((bx1 + pad - m.x0) / m.cell) + 1;
    m.h = static_cast<int>((by1 + pad - m.y0) / m.cell) + 1;
    m.deep.assign(size_t(m.w) * size_t(m.h), 0);
    for (size_t i = 0; i < n; ++i)
        l.for_segments(i, [&](geo::XY a, geo::XY b) {
            for_capsule_cells(m, a, b, deep_r, [&](int r, int c0, int c1) {
                std::memset(m.deep.data() + size_t(r) * size_t(m.w) + size_t(c0), 1, size_t(c1 - c0 + 1));
            });
        });
    // Most pieces lie deep inside: an all-deep bounding box settles them before the capsule.
    for (size_t i = 0; i < n; ++i) {
        bool f = false;
        l.for_segments(i, [&](geo::XY a, geo::XY b) {
            if (f) return;
            const int c0 = m.col(std::min(a.x, b.x) - reach_r), c1 = m.col(std::max(a.x, b.x) + reach_r);
            const int r0 = m.row(std::min(a.y, b.y) - reach_r), r1 = m.row(std::max(a.y, b.y) + reach_r);
            bool box_deep = true;
            for (int r = r0; r <= r1 && box_deep; ++r) box_deep = m.all_deep(r, c0, c1);
            if (!box_deep) for_capsule_cells(m, a, b, reach_r, [&](int r, int c0, int c1) { f = f || !m.all_deep(r, c0, c1); });
        });
        fringe[i] = f;
    }
    return fringe;
}

// Clips the buffer of pieces [b, e) to the box of the non-deep cells it can reach: the part cut
// off lies in deep cells (closed squares inside the polygon, so the cut edges are too). Null when
// nothing is left.
GeomPtr clip_to_fringe(GeomPtr buf, const Lines& l, size_t b, size_t e, const DeepCells& m, double reach_r) {
    int c0 = INT32_MAX, c1 = -1, r0 = INT32_MAX, r1 = -1;
    for (size_t i = b; i < e; ++i)
        l.for_segments(i, [&](geo::XY p, geo::XY q) {
            for_capsule_cells(m, p, q, reach_r, [&](int r, int lo, int hi) {
                if (m.all_deep(r, lo, hi)) return;
                const uint8_t* d = m.row_ptr(r);
                while (d[lo]) ++lo;
                while (d[hi]) --hi;
                c0 = std::min(c0, lo);
                c1 = std::max(c1, hi);
                r0 = std::min(r0, r);
                r1 = std::max(r1, r);
            });
        });
    if (c1 < 0) return nullptr;  // all deep: not a fringe run
    const double x0 = m.x0 + c0 * m.cell, y0 = m.y0 + r0 * m.cell;
    const double x1 = m.x0 + (c1 + 1) * m.cell, y1 = m.y0 + (r1 + 1) * m.cell;
    double bx0, by0, bx1, by1;
    GEOSGeom_getXMin_r(geos(), buf.get(), &bx0);
    GEOSGeom_getYMin_r(geos(), buf.get(), &by0);
    GEOSGeom_getXMax_r(geos(), buf.get(), &bx1);
    GEOSGeom_getYMax_r(geos(), buf.get(), &by1);
    if (x0 <= bx0 && y0 <= by0 && x1 >= bx1 && y1 >= by1) return buf;
    GeomPtr clip(GEOSClipByRect_r(geos(), buf.get(), x0, y0, x1, y1));
    if (!clip) throw std::runtime_error("GEOSClipByRect failed: " + geo::geos_last_error());
    return GEOSisEmpty_r(geos(), clip.get()) == 1 ? nullptr : std::move(clip);
}

// Union of polygonal parts. Parts with strictly apart boxes go into one MultiPolygon (valid, so
// nothing to node within it; greedy colouring), and the few groups are unioned pairwise: each
// overlay costs ~20 us even for two sausages, so this beats GEOSUnaryUnion's cascade of one
// overlay per part (4.5 vs 7 ms on the benchmark's fringes).
GeomPtr union_parts(std::vector<GeomPtr>& parts) {
    auto ctx = geos();
    struct Box {
        double x0, y0, x1, y1;
    };
    std::vector<Box> box(parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
        GEOSGeom_getXMin_r(ctx, parts[i].get(), &box[i].x0);
        GEOSGeom_getYMin_r(ctx, parts[i].get(), &box[i].y0);
        GEOSGeom_getXMax_r(ctx, parts[i].get(), &box[i].x1);
        GEOSGeom_getYMax_r(ctx, parts[i].get(), &box[i].y1);
    }
    std::vector<std::vector<uint32_t>> groups;
    for (uint32_t i = 0; i < parts.size(); ++i) {
        auto apart = [&](uint32_t j) {
            return box[i].x0 > box[j].x1 || box[j].x0 > box[i].x1 || box[i].y0 > box[j].y1 || box[j].y0 > box[i].y1;
        };
        auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& gr) { return std::all_of(gr.begin(), gr.end(), apart); });
        if (g != groups.end()) g->push_back(i);
        else groups.push_back({i});
    }
    std::vector<GeomPtr> level;
    std::vector<GEOSGeometry*> polys;
    for (const auto& gr : groups) {
        polys.clear();
        for (uint32_t i : gr) {
            const GEOSGeometry* p = parts[i].get();
            if (GEOSGeomTypeId_r(ctx, p) == GEOS_POLYGON) {
                polys.push_back(parts[i].release());
                continue;
            }
            for (int k = 0; k < GEOSGetNumGeometries_r(ctx, p); ++k) {  // a clip may split a buffer
                const GEOSGeometry* q = GEOSGetGeometryN_r(ctx, p, k);
                if (GEOSGeomTypeId_r(ctx, q) == GEOS_POLYGON) polys.push_back(GEOSGeom_clone_r(ctx, q));
            }
        }
        level.emplace_back(GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
    }
    parts.clear();
    // Smallest two first (Huffman order): big intermediate results are re-noded fewer times.
    auto size = [&](const GeomPtr& g) { return GEOSGetNumCoordinates_r(ctx, g.get()); };
    while (level.size() > 1) {
        std::sort(level.begin(), level.end(), [&](const GeomPtr& a, const GeomPtr& b) { return size(a) > size(b); });
        GeomPtr u(GEOSUnion_r(ctx, level[level.size() - 2].get(), level.back().get()));
        if (!u) throw std::runtime_error("GEOSUnion failed: " + geo::geos_last_error());
        level.pop_back();
        level.back() = std::move(u);
    }
    if (level.empty()) return empty_polygon();
    if (GEOSGetNumGeometries_r(ctx, level[0].get()) == 1)  // a Polygon, as GEOSUnaryUnion gives
        return GeomPtr(GEOSGeom_clone_r(ctx, GEOSGetGeometryN_r(ctx, level[0].get(), 0)));
    return std::move(level[0]);
}

// Step 3: u without the holes inside(x, y) says are covered. A hole is tested at one point of
// the region it bounds, which excludes the components lying in it; a component lying in a
// filled hole merges into the hole's owner and hands it its true holes.
template <class Inside>
GeomPtr fill_covered_holes(GeomPtr u, Inside&& inside) {
    auto ctx = geos();
    const int n = GEOSGetNumGeometries_r(ctx, u.get());
    auto ring_polygon = [&](const GEOSGeometry* ring, std::vector<GEOSGeometry*> inner = {}) {
        return GeomPtr(GEOSGeom_createPolygon_r(ctx, GEOSGeom_clone_r(ctx, ring), inner.data(), unsigned(inner.size())));
    };
    auto shell = [&](int k) { return GEOSGetExteriorRing_r(ctx, GEOSGetGeometryN_r(ctx, u.get(), k)); };
    struct Hole {
        int owner;
        const GEOSGeometry* ring;
        GeomPtr poly;  // the ring as a polygon
        bool covered = false;
    };
    std::vector<Hole> holes;
    for (int k = 0; k < n; ++k) {
        const GEOSGeometry* p = GEOSGetGeometryN_r(ctx, u.get(), k);
        for (int j = 0; j < GEOSGetNumInteriorRings_r(ctx, p); ++j) {
            const GEOSGeometry* ring = GEOSGetInteriorRingN_r(ctx, p, j);
            holes.push_back({k, ring, ring_polygon(ring)});
        }
    }
    if (holes.empty()) return u;
    // in[k]: the innermost hole that component k lies in (holes around a point are nested),
    // tested at a point of the component itself (not of its holes, where islands may lie).
    std::vector<int> in(size_t(n), -1);
    for (int k = 0; k < n && n > 1; ++k) {
        const geo::XY q = interior_point(GEOSGetGeometryN_r(ctx, u.get(), k));
        const GeomPtr pt = geo::make_point(q.x, q.y);
        double best = INFINITY;
        for (size_t h = 0; h < holes.size(); ++h) {
            if (holes[h].owner == k || GEOSContains_r(ctx, holes[h].poly.get(), pt.get()) != 1) continue;
            const double a = geo::area(holes[h].poly.get());
            if (a < best) {
                best = a;
                in[size_t(k)] = int(h);
            }
        }
    }
    bool any_covered = false;
    for (size_t h = 0; h < holes.size(); ++h) {
        std::vector<GEOSGeometry*> islands;
        for (int k = 0; k < n; ++k)
            if (in[size_t(k)] == int(h)) islands.push_back(GEOSGeom_clone_r(ctx, shell(k)));
        const geo::XY q = interior_point(islands.empty() ? holes[h].poly.get() : ring_polygon(holes[h].ring, islands).get());
        holes[h].covered = inside(q.x, q.y);
        any_covered |= holes[h].covered;
    }
    if (!any_covered) return u;
    std::vector<int> root(size_t(n), 0);
    for (int k = 0; k < n; ++k) {
        int r = k;
        for (int steps = 0; in[size_t(r)] >= 0 && holes[size_t(in[size_t(r)])].covered && steps < n; ++steps)
            r = holes[size_t(in[size_t(r)])].owner;
        root[size_t(k)] = r;
    }
    std::vector<GEOSGeometry*> polys;
    for (int k = 0; k < n; ++k) {
        if (root[size_t(k)] != k) continue;
        std::vector<GEOSGeometry*> keep;
        for (const Hole& h : holes)
            if (!h.covered && root[size_t(h.owner)] == k) keep.push_back(GEOSGeom_clone_r(ctx, h.ring));
        polys.push_back(ring_polygon(shell(k), std::move(keep)).release());
    }
    if (polys.size() == 1) return GeomPtr(polys[0]);
    return GeomPtr(GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
}

}  // namespace

GeomPtr pieces_to_lines(const Graph& g, const std::vector<LinkPiece>& pieces) {
    std::vector<GEOSGeometry*> lines;
    lines.reserve(pieces.size());
    std::vector<double> xy;
    for (const LinkPiece& p : pieces) {
        if (!(p.to_m > p.from_m)) continue;
        xy.clear();
        piece_coords(g, p, xy);
        GEOSCoordSequence* cs = GEOSCoordSeq_copyFromBuffer_r(geos(), xy.data(), xy.size() / 2, 0, 0);
        lines.push_back(GEOSGeom_createLineString_r(geos(), cs));
    }
    return GeomPtr(GEOSGeom_createCollection_r(geos(), GEOS_MULTILINESTRING, lines.data(),
                                               static_cast<unsigned>(lines.size())));
}

GeomPtr service_area_polygon(const Graph& g, const std::vector<LinkPiece>& pieces, const ServiceAreaOptions& o) {
    const Lines l = make_lines(g, pieces);
    const size_t n = l.size();
    if (n == 0) return empty_polygon();
    const Radii rad = certain_radii(o);
    thread_local std::vector<uint8_t> deep_storage;  // reused: no fresh pages per polygon
    DeepCells m{.deep = deep_storage};
    const std::vector<uint8_t> fringe = mark_fringe(l, rad, o.buffer_m / 12, m);
    const double reach_r = rad.outside + m.cell * std::numbers::sqrt2 / 2;

    // Runs of fringe pieces along each stroke, widened to the stroke's kept vertices (the
    // widening runs along non-fringe pieces, in deep cells) and merged where they meet.
    std::vector<GeomPtr> parts;
    std::vector<double> xy, tmp;
    std::vector<uint32_t> start;
    std::vector<uint8_t> keep;
    for (size_t s = 0, t; s < n; s = t) {
        for (t = s + 1; t < n && l.joins[t]; ++t) {}
        if (std::find(fringe.begin() + std::ptrdiff_t(s), fringe.begin() + std::ptrdiff_t(t), 1) == fringe.begin() + std::ptrdiff_t(t))
            continue;
        stroke_polyline(l, s, t, xy, start);
        simplify_stroke(xy, keep);
        for (size_t b = s, e; b < t; b = e) {
            e = b + 1;
            if (!fringe[b]) continue;
            size_t lo = start[b - s], hi;
            while (!keep[lo]) --lo;
            for (;;) {  // extend over the next runs while the widened ranges meet
                while (e < t && fringe[e]) ++e;
                hi = start[e - s];
                while (!keep[hi]) ++hi;
                size_t next = e;
                while (next < t && !fringe[next]) ++next;
                if (next == t || start[next - s] > hi) break;
                e = next;
            }
            while (e < t && start[e - s] < hi) ++e;  // pieces [b, e) hold the widened line
            GeomPtr buf = stroke_buffer(xy, keep, lo, hi, o, rad, tmp);
            if (!m.deep.empty()) buf = clip_to_fringe(std::move(buf), l, b, e, m, reach_r);
            if (buf) parts.push_back(std::move(buf));
        }
    }
    if (parts.empty()) return empty_polygon();
    GeomPtr u = parts.size() == 1 ? std::move(parts[0]) : union_parts(parts);
    if (m.deep.empty()) return make_valid(std::move(u));

    // A hole's interior point is inside when a deep cell or a piece's certain radius holds it,
    // outside when no piece is near enough; in between, the strokes passing near decide exactly.
    auto inside = [&](double x, double y) {
        if (m.is_deep(x, y)) return true;
        double d = INFINITY;
        for (size_t i = 0; i < n && d > rad.inside; ++i)
            l.for_segments(i, [&](geo::XY a, geo::XY b) { d = std::min(d, segment_distance({x, y}, a, b)); });
        if (d <= rad.inside) return true;
        if (d > rad.outside) return false;
        GeomPtr pt = geo::make_point(x, y);
        for (size_t b = 0, e; b < n; b = e) {
            bool near = false;
            for (e = b; e < n && (e == b || l.joins[e]); ++e)
                l.for_segments(e, [&](geo::XY p, geo::XY q) { near = near || segment_distance({x, y}, p, q) <= rad.outside; });
            if (!near) continue;
            stroke_polyline(l, b, e, xy, start);
            simplify_stroke(xy, keep);
            if (GEOSIntersects_r(geos(), stroke_buffer(xy, keep, 0, keep.size() - 1, o, rad, tmp).get(), pt.get()) == 1) return true;
        }
        return false;
    };
    return make_valid(fill_covered_holes(std::move(u), inside));
}

std::vector<GeomPtr> service_area_polygons(const Graph& g, Cost c, const std::vector<Endpoint>& sources,
                                           double cutoff, const ServiceAreaOptions& o) {
    std::vector<GeomPtr> out(sources.size());
    std::vector<SearchWorkspace> ws(base::worker_count());
    base::parallel_for(sources.size(), 2, [&](size_t b, size_t e, unsigned w) {
        for (size_t i = b; i < e; ++i) {
            out[i] = service_area_polygon(g, reached_pieces(g, c, sources[i], cutoff, ws[w]), o);
            if (o.done) o.done->fetch_add(1, std::memory_order_relaxed);
        }
    });
    return out;
}

std::vector<GeomPtr> service_area_bands(const Graph& g, Cost c, const Endpoint& source,
                                        const std::vector<double>& cutoffs, const ServiceAreaOptions& o,
                                        SearchWorkspace& ws) {
    if (!std::is_sorted(cutoffs.begin(), cutoffs.end())) throw std::invalid_argument("band cutoffs must increase");
    std::vector<GeomPtr> out;
    GeomPtr prev;
    for (double cut : cutoffs) {
        GeomPtr cur = service_area_polygon(g, reached_pieces(g, c, source, cut, ws), o);
        if (!prev || GEOSisEmpty_r(geos(), prev.get()) == 1) {
            out.push_back(geo::clone(cur.get()));
        } else {
            out.push_back(make_valid(GeomPtr(GEOSDifference_r(geos(), cur.get(), prev.get()))));
        }
        prev = std::move(cur);
    }
    return out;
}

}  // namespace lc::net
