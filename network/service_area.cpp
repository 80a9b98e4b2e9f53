#include "network/service_area.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "network/parallel.hpp"

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
    // Measured on a 1M-node grid and on dense random networks: one GEOSBuffer over all pieces
    // goes quadratic (39 s for 1,800 pieces), while buffering pieces one by one and unioning
    // (GEOSUnaryUnion, cascaded) takes 0.1 s; the union dominates, so first chain contiguous
    // pieces into strokes (links are numbered along their input lines, so a street reached end
    // to end becomes one line) to cut the number and size of polygons to union.
    std::vector<GEOSGeometry*> parts;
    std::vector<double> xy;
    auto flush = [&] {
        if (xy.size() < 4) return;
        GEOSCoordSequence* cs = GEOSCoordSeq_copyFromBuffer_r(geos(), xy.data(), xy.size() / 2, 0, 0);
        GeomPtr line(GEOSGeom_createLineString_r(geos(), cs));
        // Drops the collinear vertices where the stroke passes through junctions (1 cm).
        GeomPtr simple(GEOSSimplify_r(geos(), line.get(), 0.01));
        GEOSGeometry* b = GEOSBufferWithStyle_r(geos(), simple ? simple.get() : line.get(), o.buffer_m,
                                                o.quadrant_segments, GEOSBUF_CAP_ROUND, GEOSBUF_JOIN_ROUND, 5.0);
        if (!b) throw std::runtime_error("GEOSBuffer failed: " + geo::geos_last_error());
        parts.push_back(b);
        xy.clear();
    };
    const LinkPiece* prev = nullptr;
    for (const LinkPiece& p : pieces) {
        if (!(p.to_m > p.from_m)) continue;
        const bool joins = prev && prev->to_m >= g.link_length_m[prev->link] && p.from_m <= 0 &&
                           g.link_head[prev->link] == g.link_tail[p.link];
        if (!joins) flush();
        const size_t before = xy.size();
        piece_coords(g, p, xy);
        if (joins) xy.erase(xy.begin() + static_cast<std::ptrdiff_t>(before), xy.begin() + static_cast<std::ptrdiff_t>(before) + 2);
        prev = &p;
    }
    flush();
    if (parts.empty()) return empty_polygon();
    if (parts.size() == 1) return make_valid(GeomPtr(parts[0]));
    GeomPtr coll(GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                             static_cast<unsigned>(parts.size())));
    return make_valid(GeomPtr(GEOSUnaryUnion_r(geos(), coll.get())));
}

std::vector<GeomPtr> service_area_polygons(const Graph& g, Cost c, const std::vector<Endpoint>& sources,
                                           double cutoff, const ServiceAreaOptions& o) {
    std::vector<GeomPtr> out(sources.size());
    std::vector<SearchWorkspace> ws(worker_count());
    parallel_for(sources.size(), 2, [&](size_t b, size_t e, unsigned w) {
        for (size_t i = b; i < e; ++i) out[i] = service_area_polygon(g, reached_pieces(g, c, sources[i], cutoff, ws[w]), o);
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
