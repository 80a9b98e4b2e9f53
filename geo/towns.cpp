#include "geo/towns.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

namespace lc::geo {

TownSet::TownSet(const Layer& layer, int id_field, int name_field) {
    tree_ = GEOSSTRtree_create_r(geos(), 10);
    for (size_t i = 0; i < layer.size(); ++i) {
        std::string id = layer.text(i, id_field);
        if (id.empty()) id = std::to_string(layer.fid[i]);
        id_.push_back(id);
        name_.push_back(name_field >= 0 ? layer.text(i, name_field) : id);
        geom_.push_back(layer.geom[i].get());
        prepared_.emplace_back(GEOSPrepare_r(geos(), layer.geom[i].get()));
        area_.push_back(area(layer.geom[i].get()));
        // The tree stores the town index (offset by one so it is never a null pointer).
        GEOSSTRtree_insert_r(geos(), tree_, layer.geom[i].get(), reinterpret_cast<void*>(i + 1));
    }
    // The tree is built on its first query: do it now, so later queries from threads only read.
    candidates(XY{0, 0}, 0.0);
}

TownSet::~TownSet() {
    if (tree_) GEOSSTRtree_destroy_r(geos(), tree_);
}

namespace {
struct QueryHits {
    std::vector<int> towns;
};
void collect_hit(void* item, void* userdata) {
    static_cast<QueryHits*>(userdata)->towns.push_back(static_cast<int>(reinterpret_cast<size_t>(item) - 1));
}
GeomPtr box(double x0, double y0, double x1, double y1) {
    return GeomPtr(GEOSGeom_createRectangle_r(geos(), x0, y0, x1, y1));
}
}  // namespace

std::vector<int> TownSet::candidates(XY p, double radius_m) const {
    GeomPtr env = box(p.x - radius_m, p.y - radius_m, p.x + radius_m, p.y + radius_m);
    return candidates(env.get());
}

std::vector<int> TownSet::candidates(const GEOSGeometry* g) const {
    QueryHits hits;
    GEOSSTRtree_query_r(geos(), tree_, g, collect_hit, &hits);
    std::sort(hits.towns.begin(), hits.towns.end());
    return hits.towns;
}

TownSet::Assignment TownSet::assign(XY p, double tolerance_m) const { return assign(p, tolerance_m, prepared_); }

TownSet::Assignment TownSet::assign(XY p, double tolerance_m, const std::vector<PreparedPtr>& prepared) const {
    Assignment a;
    GeomPtr pt = make_point(p.x, p.y);
    std::vector<int> cands = candidates(pt.get());  // the point is its own (empty) search box
    int inside = 0;
    for (int t : cands) {
        if (GEOSPreparedIntersects_r(geos(), prepared[t].get(), pt.get()) == 1) {
            if (inside++ == 0) a.town = t;  // candidates are sorted: the first in input order wins
        }
    }
    if (inside == 1) a.how = How::inside;
    if (inside > 1) a.how = How::overlap;
    if (inside > 0) return a;
    double best = std::numeric_limits<double>::infinity();
    for (int t : candidates(p, tolerance_m)) {
        double d;
        if (GEOSDistance_r(geos(), geom_[t], pt.get(), &d) == 1 && d <= tolerance_m && d < best) {
            best = d;
            a.town = t;
        }
    }
    if (a.town >= 0) {
        a.how = How::nearest;
        a.distance_m = best;
    }
    return a;
}

std::vector<TownSet::Assignment> TownSet::assign_all(const std::vector<XY>& pts, double tolerance_m) const {
    std::vector<Assignment> out(pts.size());
    unsigned workers = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    if (pts.size() < 2000) workers = 1;
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < workers; ++w)
        pool.emplace_back([&, w] {
            // Each thread prepares its own copies (cheap: one per town) - see assign().
            std::vector<PreparedPtr> prepared;
            for (const GEOSGeometry* g : geom_) prepared.emplace_back(GEOSPrepare_r(geos(), g));
            for (size_t i = w; i < pts.size(); i += workers) out[i] = assign(pts[i], tolerance_m, prepared);
        });
    for (auto& th : pool) th.join();
    return out;
}

PartitionCheck check_partition(const TownSet& towns, double min_area_m2) {
    PartitionCheck pc;
    std::vector<GEOSGeometry*> parts;
    for (size_t t = 0; t < towns.size(); ++t) {
        pc.sum_area_m2 += towns.area_m2(t);
        parts.push_back(GEOSGeom_clone_r(geos(), towns.geom(t)));
    }
    // Overlaps: every pair whose envelopes meet, intersected exactly.
    for (size_t a = 0; a < towns.size(); ++a) {
        double x0, y0, x1, y1;
        GEOSGeom_getXMin_r(geos(), towns.geom(a), &x0);
        GEOSGeom_getYMin_r(geos(), towns.geom(a), &y0);
        GEOSGeom_getXMax_r(geos(), towns.geom(a), &x1);
        GEOSGeom_getYMax_r(geos(), towns.geom(a), &y1);
        QueryHits hits;
        for (int b : towns.candidates(XY{(x0 + x1) / 2, (y0 + y1) / 2}, std::max(x1 - x0, y1 - y0))) {
            if (b <= static_cast<int>(a)) continue;
            GeomPtr inter(GEOSIntersection_r(geos(), towns.geom(a), towns.geom(b)));
            double ar = inter ? area(inter.get()) : 0;
            if (ar > min_area_m2) pc.overlaps.push_back({static_cast<int>(a), b, ar});
        }
    }
    GeomPtr coll(GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size())));
    GeomPtr uni(GEOSUnaryUnion_r(geos(), coll.get()));
    pc.union_area_m2 = area(uni.get());
    // Gaps: interior rings of the union, i.e. land enclosed by towns that no town covers.
    for (int i = 0; i < GEOSGetNumGeometries_r(geos(), uni.get()); ++i) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(geos(), uni.get(), i);
        if (GEOSGeomTypeId_r(geos(), poly) != GEOS_POLYGON) continue;
        for (int r = 0; r < GEOSGetNumInteriorRings_r(geos(), poly); ++r) {
            const GEOSGeometry* ring = GEOSGetInteriorRingN_r(geos(), poly, r);
            GeomPtr hole(GEOSGeom_createPolygon_r(geos(), GEOSGeom_clone_r(geos(), ring), nullptr, 0));
            double ar = area(hole.get());
            if (ar <= min_area_m2) continue;
            TownGap gap;
            gap.area_m2 = ar;
            GeomPtr inside(GEOSPointOnSurface_r(geos(), hole.get()));
            GEOSGeomGetX_r(geos(), inside.get(), &gap.inside.x);
            GEOSGeomGetY_r(geos(), inside.get(), &gap.inside.y);
            GeomPtr grown(GEOSBuffer_r(geos(), hole.get(), 1.0, 2));
            for (size_t t = 0; t < towns.size(); ++t)
                if (GEOSIntersects_r(geos(), grown.get(), towns.geom(t)) == 1) gap.bordering.push_back(static_cast<int>(t));
            gap.geom = std::move(hole);
            pc.gaps_area_m2 += ar;
            pc.gaps.push_back(std::move(gap));
        }
    }
    std::sort(pc.gaps.begin(), pc.gaps.end(), [](const TownGap& x, const TownGap& y) { return x.area_m2 > y.area_m2; });
    return pc;
}

}  // namespace lc::geo
