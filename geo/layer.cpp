#include "geo/layer.hpp"
#include "geo/layer_internal.hpp"
#include "base/error.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string_view>

namespace fs = std::filesystem;

namespace lc::geo {

// ---------------------------------------------------------------------------------------------

int Layer::field_index(const std::string& name) const {
    if (!defn || name.empty()) return -1;
    return defn->GetFieldIndex(name.c_str());
}

std::string Layer::text(size_t row, int field) const {
    if (field < 0 || row >= attributes.size()) return {};
    const OGRFeature* f = attributes[row].get();
    if (!f->IsFieldSetAndNotNull(field)) return {};
    return f->GetFieldAsString(field);
}

std::optional<double> Layer::number(size_t row, int field, Report* report) const {
    if (field < 0 || row >= attributes.size()) return std::nullopt;
    const OGRFeature* f = attributes[row].get();
    if (!f->IsFieldSetAndNotNull(field)) return std::nullopt;
    OGRFieldType t = f->GetFieldDefnRef(field)->GetType();
    double v;
    if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) {
        v = f->GetFieldAsDouble(field);
    } else {
        std::string s = f->GetFieldAsString(field);
        s.erase(0, s.find_first_not_of(" \t"));
        s.erase(s.find_last_not_of(" \t") + 1);
        if (s.empty()) return std::nullopt;
        char* end = nullptr;
        v = std::strtod(s.c_str(), &end);
        if (end == s.c_str() || *end != '\0') {
            if (report) report->add(message(Level::error, row, field, "not_a_number", "value '" + s + "' is not a number"));
            return std::nullopt;
        }
    }
    if (!std::isfinite(v)) {
        if (report) report->add(message(Level::error, row, field, "not_a_number", "value is not a finite number"));
        return std::nullopt;
    }
    return v;
}

Message Layer::message(Level level, size_t row, int field, std::string code, std::string text) const {
    Message m;
    m.level = level;
    m.file = file;
    m.layer = name;
    m.fid = row < fid.size() ? fid[row] : -1;
    if (field >= 0 && defn) m.field = defn->GetFieldDefn(field)->GetNameRef();
    m.code = std::move(code);
    m.text = std::move(text);
    return m;
}

std::string Layer::label(size_t row, int id_field, int name_field) const {
    std::string id = text(row, id_field), nm = text(row, name_field);
    if (!id.empty() && !nm.empty()) return id + " " + nm;
    return id.empty() ? nm : id;
}

namespace {

bool envelope_finite(const OGRGeometry* g) {
    OGREnvelope e;
    g->getEnvelope(&e);
    return std::isfinite(e.MinX) && std::isfinite(e.MaxX) && std::isfinite(e.MinY) && std::isfinite(e.MaxY);
}

// Closes open rings and drops rings with fewer than 3 distinct positions; says what it did.
// Returns the repaired polygon (nullptr if nothing usable is left).
// Adds vertices to a ring (in its source CRS) wherever the straight edge, once reprojected, would
// stray from the line the data draws by more than `tolerance_m`. A straight lon/lat edge is curved
// in a metric CRS; reprojecting only its end points moves the border (by metres on a long edge),
// and a point just inside a town would land in its neighbour. Each pass checks the midpoints of
// the edges still in doubt, reprojected in one call; an edge is split at most `kMaxDepth` times.
void densify_for_transform(OGRLinearRing* ring, OGRCoordinateTransformation* ct, double tolerance_m) {
    constexpr int kMaxDepth = 24;
    const int n = ring->getNumPoints();
    if (n < 2) return;
    std::vector<double> sx(n), sy(n);
    for (int i = 0; i < n; ++i) sx[i] = ring->getX(i), sy[i] = ring->getY(i);
    std::vector<double> mx = sx, my = sy, mz(n, 0.0);
    std::vector<int> ok(n, 1);
    if (!ct->Transform(n, mx.data(), my.data(), mz.data(), nullptr, ok.data())) return;  // reported by the caller's transform
    std::vector<char> doubt(n - 1, 1);  // edge i runs from vertex i to i + 1
    for (int depth = 0; depth < kMaxDepth; ++depth) {
        std::vector<double> qx, qy;  // midpoints (source CRS) of the edges in doubt
        for (size_t i = 0; i + 1 < sx.size(); ++i)
            if (doubt[i]) qx.push_back((sx[i] + sx[i + 1]) / 2), qy.push_back((sy[i] + sy[i + 1]) / 2);
        if (qx.empty()) break;
        std::vector<double> px = qx, py = qy, pz(qx.size(), 0.0);
        std::vector<int> pok(qx.size(), 1);
        ct->Transform(static_cast<int>(qx.size()), px.data(), py.data(), pz.data(), nullptr, pok.data());
        std::vector<double> nsx, nsy, nmx, nmy;
        std::vector<char> ndoubt;
        size_t q = 0;
        for (size_t i = 0; i + 1 < sx.size(); ++i) {
            nsx.push_back(sx[i]), nsy.push_back(sy[i]), nmx.push_back(mx[i]), nmy.push_back(my[i]);
            if (!doubt[i]) {
                ndoubt.push_back(0);
                continue;
            }
            const size_t k = q++;
            const bool split = pok[k] && ok[i] && ok[i + 1] && std::isfinite(px[k]) && std::isfinite(py[k]) &&
                               std::hypot(px[k] - (mx[i] + mx[i + 1]) / 2, py[k] - (my[i] + my[i + 1]) / 2) > tolerance_m;
            if (!split) {
                ndoubt.push_back(0);
                continue;
            }
            ndoubt.push_back(1), ndoubt.push_back(1);
            nsx.push_back(qx[k]), nsy.push_back(qy[k]), nmx.push_back(px[k]), nmy.push_back(py[k]);
        }
        nsx.push_back(sx.back()), nsy.push_back(sy.back()), nmx.push_back(mx.back()), nmy.push_back(my.back());
        if (nsx.size() == sx.size()) break;
        sx.swap(nsx), sy.swap(nsy), mx.swap(nmx), my.swap(nmy), doubt.swap(ndoubt);
        ok.assign(sx.size(), 1);
    }
    if (static_cast<int>(sx.size()) == n) return;
    ring->setNumPoints(static_cast<int>(sx.size()), FALSE);
    for (size_t i = 0; i < sx.size(); ++i) ring->setPoint(static_cast<int>(i), sx[i], sy[i]);
}

void densify_for_transform(OGRGeometry* g, OGRCoordinateTransformation* ct, double tolerance_m) {
    if (auto* poly = dynamic_cast<OGRPolygon*>(g)) {
        for (int r = 0; r <= poly->getNumInteriorRings(); ++r)
            densify_for_transform(r == 0 ? poly->getExteriorRing() : poly->getInteriorRing(r - 1), ct, tolerance_m);
    } else if (auto* mp = dynamic_cast<OGRMultiPolygon*>(g)) {
        for (int i = 0; i < mp->getNumGeometries(); ++i) densify_for_transform(mp->getGeometryRef(i), ct, tolerance_m);
    }
}

std::unique_ptr<OGRPolygon> repair_rings(const OGRPolygon* poly, std::vector<std::string>& notes, int part) {
    auto out = std::make_unique<OGRPolygon>();
    for (int r = 0; r <= poly->getNumInteriorRings(); ++r) {
        const OGRLinearRing* ring = r == 0 ? poly->getExteriorRing() : poly->getInteriorRing(r - 1);
        if (!ring) continue;
        std::string where = (part >= 0 ? "part " + std::to_string(part + 1) + " " : std::string()) +
                            (r == 0 ? "outer ring" : "inner ring " + std::to_string(r));
        int n = ring->getNumPoints();
        bool closed = n > 0 && ring->getX(0) == ring->getX(n - 1) && ring->getY(0) == ring->getY(n - 1);
        int distinct = closed ? n - 1 : n;
        if (distinct < 3) {
            notes.push_back(where + " has only " + std::to_string(n) + " positions: removed (degenerate ring)");
            if (r == 0) return nullptr;
            continue;
        }
        auto copy = std::make_unique<OGRLinearRing>(*ring);
        if (!closed) {
            copy->closeRings();
            notes.push_back(where + " was not closed (first position != last): closed it");
        }
        out->addRingDirectly(copy.release());
    }
    return out;
}

GeomPtr to_geos(const OGRGeometry* g) {
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return GeomPtr(GEOSGeomFromWKB_buf_r(geos(), wkb.data(), wkb.size()));
}

// Keeps only the polygonal part of a geometry (MakeValid can return collections with lines).
GeomPtr polygonal_part(GeomPtr g) {
    int type = GEOSGeomTypeId_r(geos(), g.get());
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) return g;
    if (type != GEOS_GEOMETRYCOLLECTION) return nullptr;
    std::vector<GEOSGeometry*> polys;
    for (int i = 0; i < GEOSGetNumGeometries_r(geos(), g.get()); ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(geos(), g.get(), i);
        int t = GEOSGeomTypeId_r(geos(), part);
        if (t == GEOS_POLYGON) polys.push_back(GEOSGeom_clone_r(geos(), part));
        else if (t == GEOS_MULTIPOLYGON)
            for (int j = 0; j < GEOSGetNumGeometries_r(geos(), part); ++j)
                polys.push_back(GEOSGeom_clone_r(geos(), GEOSGetGeometryN_r(geos(), part, j)));
    }
    if (polys.empty()) return nullptr;
    return GeomPtr(GEOSGeom_createCollection_r(geos(), GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
}

// The first feature using each id, to report repeated ids. Open addressing on the ids' hashes:
// a node-based map of 300k strings costs about as much as reading the features themselves.
class IdIndex {
public:
    explicit IdIndex(size_t expected) {
        size_t n = 1024;
        while (n < 2 * expected) n *= 2;
        slots_.assign(n, Slot{});
    }
    // The fid of the first feature with `id`; -1 (after recording `fid` as that first) if none.
    int64_t first_use(const char* id, int64_t fid) {
        if (2 * (firsts_.size() + 1) > slots_.size()) grow();
        const size_t h = std::hash<std::string_view>()(id);
        for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
            Slot& s = slots_[i];
            if (s.first < 0) {
                s = {h, static_cast<int64_t>(firsts_.size())};
                firsts_.push_back({id, fid});
                return -1;
            }
            if (s.hash == h && firsts_[s.first].id == id) return firsts_[s.first].fid;
        }
    }

private:
    struct Slot {
        size_t hash = 0;
        int64_t first = -1;  // index in firsts_, -1 = empty
    };
    struct First {
        std::string id;
        int64_t fid;
    };
    void grow() {
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        for (const Slot& s : old)
            if (s.first >= 0)
                for (size_t i = s.hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1))
                    if (slots_[i].first < 0) {
                        slots_[i] = s;
                        break;
                    }
    }
    std::vector<Slot> slots_;
    std::vector<First> firsts_;
};

GeomKind kind_of(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
        case wkbPoint: case wkbMultiPoint: return GeomKind::point;
        case wkbLineString: case wkbMultiLineString: case wkbCircularString: case wkbCompoundCurve: case wkbMultiCurve:
            return GeomKind::line;
        case wkbPolygon: case wkbMultiPolygon: case wkbCurvePolygon: case wkbMultiSurface: return GeomKind::polygon;
        default: return GeomKind::any;
    }
}

const char* kind_name(GeomKind k) {
    switch (k) {
        case GeomKind::point: return "points";
        case GeomKind::line: return "lines";
        case GeomKind::polygon: return "polygons";
        default: return "geometries";
    }
}

}  // namespace

Layer read_layer(const OpenedLayer& opened, GeomKind kind, int metric_epsg, Report& report, const std::string& id_field,
                 const std::string& name_field, double densify_tolerance_m, base::Counter* progress) {
    Layer out;
    out.file = opened.file();
    out.name = opened.name();
    out.crs_description = opened.crs().describe();
    OGRLayer* layer = opened.layer();
    out.defn.reset(layer->GetLayerDefn()->Clone());
    if (!opened.encoding_note().empty()) report.warn(out.file, out.name, "encoding_guessed", opened.encoding_note());
    for (const auto& f : {id_field, name_field})
        if (!f.empty() && out.field_index(f) < 0) {
            std::string names;
            for (int i = 0; i < out.defn->GetFieldCount(); ++i) names += (i ? ", " : "") + std::string(out.defn->GetFieldDefn(i)->GetNameRef());
            fail(out.file, out.name, "missing_field", "no such field; the layer has: " + (names.empty() ? std::string("(no fields)") : names), f);
        }
    const int id_idx = out.field_index(id_field), name_idx = out.field_index(name_field);

    Reprojector rp(opened.crs(), metric_epsg);
    OGRCoordinateTransformation* ct = rp.ogr_to_metric();
    std::set<std::string> types;
    OGRwkbGeometryType last_type = wkbUnknown;  // already in `types` (saves a set lookup per row)
    size_t wrong_type = 0, polygons_as_points = 0;
    const GIntBig count = layer->GetFeatureCount(FALSE);  // -1 unless the count is cheap
    if (count > 0) base::expect(progress, static_cast<size_t>(count));
    if (count > 0) out.fid.reserve(count), out.attributes.reserve(count), out.geom.reserve(count), out.point.reserve(count), out.repaired.reserve(count);
    IdIndex seen_ids(count > 0 && id_idx >= 0 ? static_cast<size_t>(count) : 0);

    auto message = [&](Level lvl, int64_t fid, const std::string& label, const std::string& code, const std::string& text,
                       const std::string& field = "") {
        Message m;
        m.level = lvl;
        m.file = out.file;
        m.layer = out.name;
        m.fid = fid;
        m.feature = label;
        m.field = field;
        m.code = code;
        m.text = text;
        report.add(std::move(m));
    };
    // "id name" of a feature for messages, built only when there is a message.
    auto label_of = [&](const OGRFeature* f) {
        std::string label;
        if (id_idx >= 0 && f->IsFieldSetAndNotNull(id_idx)) label = f->GetFieldAsString(id_idx);
        if (name_idx >= 0 && f->IsFieldSetAndNotNull(name_idx))
            label += (label.empty() ? "" : " ") + std::string(f->GetFieldAsString(name_idx));
        return label;
    };

    // Features are read in batches so that the plain 2D points among them are reprojected in one
    // call (a PROJ call per point costs more than reading the point); then each feature is handled
    // in read order. `metric` holds those points' coordinates after the transformation.
    struct Metric {
        std::vector<double> x, y, z;
        std::vector<int> ok;
    } metric;
    auto handle = [&](FeaturePtr feat, int slot) {  // slot: index in `metric`, or -1
        ++out.features_read;
        const int64_t fid = feat->GetFID();
        if (id_idx >= 0 && feat->IsFieldSetAndNotNull(id_idx)) {
            const std::string id = feat->GetFieldAsString(id_idx);
            if (const int64_t first = seen_ids.first_use(id.c_str(), fid); first >= 0)
                message(Level::warning, fid, label_of(feat.get()), "duplicate_id",
                        "id '" + id + "' is also used by feature " + std::to_string(first), id_field);
        }
        std::unique_ptr<OGRGeometry> g(feat->StealGeometry());
        auto skip = [&](const std::string& code, const std::string& text) {
            message(Level::warning, fid, label_of(feat.get()), code, text + ": feature skipped");
            out.skipped.push_back({fid, std::move(feat), code});
        };
        if (!g || g->IsEmpty()) return skip("empty_geometry", "geometry is empty or missing");
        if (g->getGeometryType() != last_type) {
            last_type = g->getGeometryType();
            types.insert(OGRGeometryTypeToName(last_type));
        }
        if (slot < 0 && !envelope_finite(g.get())) return skip("nan_coordinates", "coordinates are NaN or infinite");
        GeomKind gk = kind_of(g->getGeometryType());
        if (kind != GeomKind::any && gk != kind && !(kind == GeomKind::point && gk == GeomKind::polygon)) {
            ++wrong_type;
            return skip("wrong_geometry_type", std::string("geometry is ") + OGRGeometryTypeToName(g->getGeometryType()) +
                                                   ", expected " + kind_name(kind));
        }
        auto keep = [&](GeomPtr gg, XY pt, uint8_t repaired, bool is_point = false) {
            double x0 = pt.x, y0 = pt.y, x1 = pt.x, y1 = pt.y;  // a point's own bounds (GEOS would allocate them)
            if (is_point || (GEOSGeom_getXMin_r(geos(), gg.get(), &x0) && GEOSGeom_getYMin_r(geos(), gg.get(), &y0) &&
                             GEOSGeom_getXMax_r(geos(), gg.get(), &x1) && GEOSGeom_getYMax_r(geos(), gg.get(), &y1))) {
                if (out.fid.empty()) {
                    out.min_x = x0, out.min_y = y0, out.max_x = x1, out.max_y = y1;
                } else {
                    out.min_x = std::min(out.min_x, x0), out.min_y = std::min(out.min_y, y0);
                    out.max_x = std::max(out.max_x, x1), out.max_y = std::max(out.max_y, y1);
                }
            }
            out.fid.push_back(fid);
            out.attributes.push_back(std::move(feat));
            out.geom.push_back(std::move(gg));
            out.point.push_back(pt);
            out.repaired.push_back(repaired);
        };
        if (slot >= 0) {  // a plain point, transformed with its batch; a finite point is valid
            const double x = metric.x[slot], y = metric.y[slot];
            if (!metric.ok[slot] || !std::isfinite(x) || !std::isfinite(y))
                return skip("crs_transform_failed", "coordinates cannot be transformed to the metric CRS");
            return keep(make_point(x, y), XY{x, y}, 0, true);
        }
        if (gk == GeomKind::polygon) {
            // Linearise curves, then repair rings before GEOS sees them (GEOS rejects open rings).
            std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
            std::vector<std::string> notes;
            std::unique_ptr<OGRGeometry> fixed;
            if (auto* poly = dynamic_cast<OGRPolygon*>(lin.get())) {
                fixed = repair_rings(poly, notes, -1);
            } else if (auto* mp = dynamic_cast<OGRMultiPolygon*>(lin.get())) {
                auto m = std::make_unique<OGRMultiPolygon>();
                for (int i = 0; i < mp->getNumGeometries(); ++i)
                    if (auto p = repair_rings(mp->getGeometryRef(i), notes, i)) m->addGeometryDirectly(p.release());
                if (!m->IsEmpty()) fixed = std::move(m);
            }
            for (const auto& n : notes) message(Level::warning, fid, label_of(feat.get()), "ring_repaired", n);
            if (!fixed || fixed->IsEmpty()) return skip("invalid_geometry", "no usable ring left");
            g = std::move(fixed);
        }
        if (gk == GeomKind::polygon && densify_tolerance_m > 0) densify_for_transform(g.get(), ct, densify_tolerance_m);
        if (g->transform(ct) != OGRERR_NONE || !envelope_finite(g.get()))
            return skip("crs_transform_failed", "coordinates cannot be transformed to the metric CRS");
        GeomPtr gg = to_geos(g.get());
        if (!gg) return skip("invalid_geometry", "GEOS cannot build the geometry: " + geos_last_error());
        uint8_t repaired = 0;
        if (GEOSisValid_r(geos(), gg.get()) != 1) {
            char* reason = GEOSisValidReason_r(geos(), gg.get());
            std::string why = reason ? reason : "invalid";
            GEOSFree_r(geos(), reason);
            GeomPtr fixed(GEOSMakeValid_r(geos(), gg.get()));
            if (fixed && gk == GeomKind::polygon) fixed = polygonal_part(std::move(fixed));
            if (!fixed || GEOSisEmpty_r(geos(), fixed.get()) == 1)
                return skip("invalid_geometry", "invalid geometry (" + why + ") that cannot be repaired");
            message(Level::warning, fid, label_of(feat.get()), "invalid_geometry_repaired",
                    "invalid geometry (" + why + "): repaired with GEOS MakeValid");
            gg = std::move(fixed);
            repaired = 1;
        }
        XY pt;
        if (gk == GeomKind::point || gk == GeomKind::polygon) {
            GeomPtr p(gk == GeomKind::point ? GEOSGeom_clone_r(geos(), gg.get()) : GEOSPointOnSurface_r(geos(), gg.get()));
            if (gk == GeomKind::point && GEOSGetNumGeometries_r(geos(), p.get()) > 1)
                p.reset(GEOSGeom_clone_r(geos(), GEOSGetGeometryN_r(geos(), p.get(), 0)));
            if (p) {
                const GEOSGeometry* single = GEOSGetNumGeometries_r(geos(), p.get()) == 1 && GEOSGeomTypeId_r(geos(), p.get()) != GEOS_POINT
                                                 ? GEOSGetGeometryN_r(geos(), p.get(), 0)
                                                 : p.get();
                GEOSGeomGetX_r(geos(), single, &pt.x);
                GEOSGeomGetY_r(geos(), single, &pt.y);
            }
            if (kind == GeomKind::point && gk == GeomKind::polygon) ++polygons_as_points;
        }
        keep(std::move(gg), pt, repaired);
    };

    constexpr size_t kBatch = 4096;
    const bool points_wanted = kind == GeomKind::point || kind == GeomKind::any;
    std::vector<FeaturePtr> batch;
    std::vector<int> slots;
    layer->ResetReading();
    for (bool more = true; more;) {
        batch.clear(), slots.clear(), metric.x.clear(), metric.y.clear();
        CPLErrorReset();  // so that only errors raised by reading this batch count below
        gdal_last();
        while (more && batch.size() < kBatch) {
            FeaturePtr feat(layer->GetNextFeature());
            if (!feat) {
                more = false;
                break;
            }
            int slot = -1;
            const OGRGeometry* g = feat->GetGeometryRef();
            if (points_wanted && g && g->getGeometryType() == wkbPoint && !g->IsEmpty()) {
                const double x = g->toPoint()->getX(), y = g->toPoint()->getY();
                if (std::isfinite(x) && std::isfinite(y)) {
                    slot = static_cast<int>(metric.x.size());
                    metric.x.push_back(x), metric.y.push_back(y);
                }
            }
            slots.push_back(slot);
            batch.push_back(std::move(feat));
        }
        // A truncated or corrupt file shows as an error while iterating (reported after the rows
        // read before it, as they were).
        std::string read_error = more ? std::string() : gdal_last();
        if (CPLGetLastErrorType() < CE_Failure) read_error.clear();
        // z = 0 and one call: what OGRPoint::transform() does for each 2D point.
        metric.z.assign(metric.x.size(), 0.0);
        metric.ok.assign(metric.x.size(), 1);
        if (!metric.x.empty())
            ct->Transform(static_cast<int>(metric.x.size()), metric.x.data(), metric.y.data(), metric.z.data(), nullptr, metric.ok.data());
        for (size_t i = 0; i < batch.size(); ++i) handle(std::move(batch[i]), slots[i]);
        base::count(progress, batch.size());
        if (!read_error.empty())
            fail(out.file, out.name, "read_error", "reading stopped after " + std::to_string(out.features_read) + " features: " + read_error);
    }
    out.geometry_types.assign(types.begin(), types.end());
    if (polygons_as_points)
        report.info(out.file, out.name, "polygon_as_point",
                    std::to_string(polygons_as_points) + " polygon features reduced to an interior point");
    if (out.features_read == 0) fail(out.file, out.name, "empty_layer", "the layer has no features");
    if (out.fid.empty()) {
        if (wrong_type == out.features_read)
            fail(out.file, out.name, "wrong_geometry_type", std::string("expected ") + kind_name(kind) + " but the layer holds only other geometry types");
        fail(out.file, out.name, "no_usable_features", "none of the " + std::to_string(out.features_read) + " features has a usable geometry");
    }
    return out;
}

}  // namespace lc::geo
