#include "network/load.hpp"

#include <cpl_error.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "base/parallel.hpp"

namespace lc::net {

Profile walk_profile(double speed_kmh) {
    Profile p;
    p.name = "walk";
    p.speed_kmh = speed_kmh;
    // Everything a pedestrian may use; motorways are excluded, trunk roads in Chinese cities
    // normally have sidewalks and stay unless tagged foot=no.
    p.allowed = {"footway", "path", "pedestrian", "steps", "living_street", "residential", "service",
                 "unclassified", "tertiary", "tertiary_link", "secondary", "secondary_link", "primary",
                 "primary_link", "trunk", "trunk_link", "track", "cycleway", "bridleway", "road", "corridor",
                 "crossing", "elevator"};
    return p;
}

Profile drive_profile() {
    Profile p;
    p.name = "drive";
    p.speed_kmh = 30;
    p.oneway = true;
    p.class_speed_kmh = {{"motorway", 100}, {"motorway_link", 50}, {"trunk", 80}, {"trunk_link", 40},
                         {"primary", 60}, {"primary_link", 40}, {"secondary", 50}, {"secondary_link", 30},
                         {"tertiary", 40}, {"tertiary_link", 30}, {"unclassified", 30}, {"residential", 30},
                         {"living_street", 10}, {"service", 15}, {"road", 30}};
    for (const auto& [k, v] : p.class_speed_kmh) p.allowed.insert(k);
    return p;
}

std::string osm_tag(const std::string& tags, const std::string& key) {
    std::string needle = "\"" + key + "\"=>\"";
    auto pos = tags.find(needle);
    if (pos == std::string::npos) return {};
    pos += needle.size();
    auto end = tags.find('"', pos);
    return end == std::string::npos ? std::string() : tags.substr(pos, end - pos);
}

WayRule apply_profile(const Profile& p, const std::string& highway, const std::string& tags) {
    WayRule r;
    if (highway.empty() || !p.allowed.count(highway)) return r;
    if (highway == "steps" && !p.steps) return r;
    std::string access = osm_tag(tags, "access");
    std::string mode = osm_tag(tags, p.name == "walk" ? "foot" : "motor_vehicle");
    if (mode.empty() && p.name != "walk") mode = osm_tag(tags, "motorcar");
    bool mode_yes = mode == "yes" || mode == "designated" || mode == "permissive";
    if (mode == "no" || mode == "private") return r;
    if (!mode_yes && (access == "no" || access == "private")) return r;
    if (p.name == "walk" && osm_tag(tags, "area") == "yes" && highway != "pedestrian") return r;
    r.usable = true;
    r.speed_kmh = p.speed_kmh;
    if (auto it = p.class_speed_kmh.find(highway); it != p.class_speed_kmh.end()) r.speed_kmh = it->second;
    if (p.oneway) {
        std::string ow = osm_tag(tags, "oneway");
        if (ow == "yes" || ow == "1" || ow == "true" || osm_tag(tags, "junction") == "roundabout" ||
            (highway == "motorway" && ow != "no"))
            r.oneway = 1;
        else if (ow == "-1" || ow == "reverse")
            r.oneway = -1;
        std::string ms = osm_tag(tags, "maxspeed");
        char* end = nullptr;
        double v = std::strtod(ms.c_str(), &end);
        if (end != ms.c_str() && v > 0 && v < 200) r.speed_kmh = std::min(r.speed_kmh * 1.5, v);  // limit, not a typical speed
    }
    return r;
}

namespace {

// Input lines as read, before reprojection: coordinates of all lines in flat arrays, so they
// are transformed in a few big batches (one PROJ call per line costs more than the maths).
struct RawLines {
    std::vector<double> x, y;  // source CRS
    std::vector<size_t> first{0};  // line i: vertices first[i] .. first[i+1]-1
    std::vector<WayRule> rule;
    std::vector<int64_t> fid;
    std::vector<size_t> feature;     // sequence number of the feature read (parts of one share it)
    std::vector<uint32_t> cls;       // index into classes
    std::vector<std::string> classes;
    std::map<std::string, uint32_t> class_index;
    uint32_t class_id(const std::string& name) {
        auto [it, fresh] = class_index.try_emplace(name.empty() ? "(none)" : name, uint32_t(classes.size()));
        if (fresh) classes.push_back(it->first);
        return it->second;
    }
    void add(const OGRLineString* ls, const WayRule& r, int64_t f, size_t seq, uint32_t c) {
        const int n = ls->getNumPoints();
        if (n < 2) return;
        for (int i = 0; i < n; ++i) {
            x.push_back(ls->getX(i));
            y.push_back(ls->getY(i));
        }
        first.push_back(x.size());
        rule.push_back(r);
        fid.push_back(f);
        feature.push_back(seq);
        cls.push_back(c);
    }
};

// Reprojects the raw lines into LineInputs (metric + WGS84) and counts the features kept per
// class. A line with a vertex that cannot be transformed is left out and reported. The
// transformation (~0.4 us per point with PROJ's exact transverse Mercator) runs on all cores,
// one Reprojector per thread (OGR transformations are not thread-safe).
void finish_lines(const RawLines& raw, const geo::Reprojector& reprojector, bool source_is_wgs84, int metric_epsg,
                  LoadedLines& out, geo::Report& report) {
    std::vector<double> mx = raw.x, my = raw.y;
    std::vector<double> lx, ly;  // lon/lat, unless the source already is (then raw.x/raw.y)
    if (!source_is_wgs84) lx = raw.x, ly = raw.y;
    const double* lon = source_is_wgs84 ? raw.x.data() : lx.data();
    const double* lat = source_is_wgs84 ? raw.y.data() : ly.data();
    std::vector<uint8_t> ok(raw.rule.size(), 1);
    const size_t lines = raw.rule.size();
    // Batches of whole lines (~64k vertices): a failed batch is redone line by line to find
    // the lines that cannot be transformed.
    if (!source_is_wgs84) reprojector.to_wgs84(nullptr, nullptr, 0);  // made once here, cloned below
    std::vector<std::unique_ptr<geo::Reprojector>> clones(base::worker_count());
    for (size_t w = 1; w < clones.size(); ++w) clones[w] = reprojector.clone();
    base::parallel_for(lines, std::max<size_t>(1, lines / base::worker_count() + 1), [&](size_t first_line, size_t last_line, unsigned w) {
        const geo::Reprojector& rp = w == 0 ? reprojector : *clones[w];
        size_t line = first_line;
        while (line < last_line) {
            size_t end = line;
            while (end < last_line && raw.first[end + 1] - raw.first[line] < 65536) ++end;
            if (end == line) ++end;
            const size_t b = raw.first[line], e = raw.first[end];
            bool good = rp.to_metric(mx.data() + b, my.data() + b, e - b);
            if (!source_is_wgs84) good = rp.to_wgs84(lx.data() + b, ly.data() + b, e - b) && good;
            if (!good)
                for (size_t l = line; l < end; ++l) {
                    const size_t lb = raw.first[l], le = raw.first[l + 1];
                    std::copy(raw.x.begin() + lb, raw.x.begin() + le, mx.begin() + lb);
                    std::copy(raw.y.begin() + lb, raw.y.begin() + le, my.begin() + lb);
                    ok[l] = rp.to_metric(mx.data() + lb, my.data() + lb, le - lb);
                    if (!source_is_wgs84) {
                        std::copy(raw.x.begin() + lb, raw.x.begin() + le, lx.begin() + lb);
                        std::copy(raw.y.begin() + lb, raw.y.begin() + le, ly.begin() + lb);
                        ok[l] = rp.to_wgs84(lx.data() + lb, ly.data() + lb, le - lb) && ok[l];
                    }
                }
            line = end;
        }
    });
    out.lines.reserve(out.lines.size() + raw.rule.size());
    size_t dropped = 0;  // features with at least one part left out
    std::string dropped_fids;
    size_t last_feature = SIZE_MAX, last_dropped = SIZE_MAX;
    for (size_t l = 0; l < raw.rule.size(); ++l) {
        if (!ok[l]) {
            if (raw.feature[l] != last_dropped && ++dropped <= 10)
                dropped_fids += (dropped > 1 ? ", " : "") + std::to_string(raw.fid[l]);
            last_dropped = raw.feature[l];
            continue;
        }
        if (raw.feature[l] != last_feature) ++out.by_class[raw.classes[raw.cls[l]]];
        last_feature = raw.feature[l];
        LineInput li;
        const size_t lb = raw.first[l], le = raw.first[l + 1];
        li.xy.resize(le - lb);
        li.lonlat.resize(le - lb);
        for (size_t i = lb; i < le; ++i) {
            li.xy[i - lb] = {mx[i], my[i]};
            li.lonlat[i - lb] = {lon[i], lat[i]};
        }
        li.speed_kmh = raw.rule[l].speed_kmh;
        li.oneway = raw.rule[l].oneway;
        li.source_fid = raw.fid[l];
        li.length_m = raw.rule[l].length_m;
        li.minutes = raw.rule[l].minutes;
        li.feature = raw.feature[l];
        out.lines.push_back(std::move(li));
    }
    if (dropped)
        report.warn(out.file, out.layer, "lines_not_reprojected",
                    std::to_string(dropped) + " feature(s) with coordinates that cannot be transformed to EPSG:" +
                        std::to_string(metric_epsg) + " left out in whole or part (fid " + dropped_fids +
                        (dropped > 10 ? ", ..." : "") + ")");
}

}  // namespace

LoadedLines read_network_lines(const NetworkSource& ns, int metric_epsg, geo::Report& report) {
    LoadedLines out;
    geo::LayerSource src = ns.src;
    std::string ext = std::filesystem::path(src.path).extension().string();
    std::string lower_path = src.path;
    std::transform(lower_path.begin(), lower_path.end(), lower_path.begin(), ::tolower);
    out.osm = ns.format == "osm" ||
              (ns.format == "auto" && (lower_path.size() > 8 && (lower_path.substr(lower_path.size() - 8) == ".osm.pbf" ||
                                                                 lower_path.substr(lower_path.size() - 4) == ".pbf" ||
                                                                 lower_path.substr(lower_path.size() - 4) == ".osm")));
    if (out.osm && src.layer.empty()) src.layer = "lines";
    geo::OpenedLayer opened(src, "network");
    out.file = opened.file();
    out.layer = opened.name();
    OGRLayer* layer = opened.layer();
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    geo::Reprojector rp(opened.crs(), metric_epsg);
    const bool wgs84 = out.osm || rp.source_is_wgs84();  // GDAL's OSM driver always yields WGS84 lon/lat
    RawLines raw;

    int f_highway = defn->GetFieldIndex(out.osm ? "highway" : (ns.class_field.empty() ? "highway" : ns.class_field.c_str()));
    int f_tags = defn->GetFieldIndex("other_tags");
    int f_oneway = ns.oneway_field.empty() ? -1 : defn->GetFieldIndex(ns.oneway_field.c_str());
    int f_speed = ns.speed_field.empty() ? -1 : defn->GetFieldIndex(ns.speed_field.c_str());
    int f_length = ns.length_field.empty() ? -1 : defn->GetFieldIndex(ns.length_field.c_str());
    int f_time = ns.time_field.empty() ? -1 : defn->GetFieldIndex(ns.time_field.c_str());
    size_t cost_missing = 0;  // features whose length/time field is empty or not positive
    std::string cost_missing_fids;
    for (const auto& [name, idx] : {std::pair{ns.oneway_field, f_oneway}, std::pair{ns.speed_field, f_speed},
                                    std::pair{ns.length_field, f_length}, std::pair{ns.time_field, f_time}})
        if (!name.empty() && idx < 0) {
            geo::Message m;
            m.level = geo::Level::error;
            m.file = out.file;
            m.layer = out.layer;
            m.field = name;
            m.code = "missing_field";
            m.text = "field named in [network] does not exist";
            throw geo::InputError(m);
        }

    CPLErrorReset();
    layer->ResetReading();
    while (OGRFeature* f = layer->GetNextFeature()) {
        ++out.features_read;
        const OGRGeometry* g = f->GetGeometryRef();
        WayRule rule;
        std::string cls = f_highway >= 0 && f->IsFieldSetAndNotNull(f_highway) ? f->GetFieldAsString(f_highway) : "";
        if (out.osm) {
            rule = apply_profile(ns.profile, cls, f_tags >= 0 && f->IsFieldSetAndNotNull(f_tags) ? f->GetFieldAsString(f_tags) : "");
        } else {
            // A GIS line layer: every line is a road unless a class field says otherwise.
            rule.usable = cls.empty() || f_highway < 0 || ns.profile.allowed.count(cls) || ns.class_field.empty();
            rule.speed_kmh = ns.profile.speed_kmh;
            if (auto it = ns.profile.class_speed_kmh.find(cls); it != ns.profile.class_speed_kmh.end()) rule.speed_kmh = it->second;
            if (f_speed >= 0 && f->IsFieldSetAndNotNull(f_speed) && f->GetFieldAsDouble(f_speed) > 0)
                rule.speed_kmh = f->GetFieldAsDouble(f_speed);
            if (ns.profile.oneway && f_oneway >= 0 && f->IsFieldSetAndNotNull(f_oneway)) {
                std::string v = f->GetFieldAsString(f_oneway);
                std::transform(v.begin(), v.end(), v.begin(), ::tolower);
                if (v == "1" || v == "yes" || v == "true" || v == "ft" || v == "f") rule.oneway = 1;
                else if (v == "-1" || v == "tf" || v == "t" || v == "reverse") rule.oneway = -1;
            }
        }
        // Costs from the data: a value that is missing, not a number or not positive falls back
        // to the geodesic length (or length / speed) and is reported.
        for (const auto& [idx, slot] : {std::pair{f_length, &rule.length_m}, std::pair{f_time, &rule.minutes}}) {
            if (idx < 0 || !rule.usable) continue;
            const double v = f->IsFieldSetAndNotNull(idx) ? f->GetFieldAsDouble(idx) : NAN;
            if (std::isfinite(v) && v > 0) *slot = v;
            else if (++cost_missing <= 10) cost_missing_fids += (cost_missing > 1 ? ", " : "") + std::to_string(f->GetFID());
        }
        if (!rule.usable || !g || g->IsEmpty()) {
            ++out.excluded;
            OGRFeature::DestroyFeature(f);
            continue;
        }
        OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
        if (t == wkbLineString) {
            raw.add(g->toLineString(), rule, f->GetFID(), out.features_read, raw.class_id(cls));
        } else if (t == wkbMultiLineString) {
            const uint32_t c = raw.class_id(cls);
            for (const OGRLineString* part : *g->toMultiLineString()) raw.add(part, rule, f->GetFID(), out.features_read, c);
        } else {
            ++out.excluded;
        }
        OGRFeature::DestroyFeature(f);
    }
    const bool read_failed = CPLGetLastErrorType() >= CE_Failure;
    std::string read_error = CPLGetLastErrorMsg();
    finish_lines(raw, rp, wgs84, metric_epsg, out, report);
    raw = RawLines{};
    if (read_failed) {
        geo::Message m;
        m.level = geo::Level::error;
        m.file = out.file;
        m.layer = out.layer;
        m.code = "read_error";
        m.text = "reading stopped after " + std::to_string(out.features_read) + " features (truncated or corrupt file?): " +
                 read_error;
        throw geo::InputError(m);
    }
    if (out.lines.empty()) {
        geo::Message m;
        m.level = geo::Level::error;
        m.file = out.file;
        m.layer = out.layer;
        m.code = "no_usable_ways";
        m.text = "no line usable by the '" + ns.profile.name + "' profile among " + std::to_string(out.features_read) + " features";
        throw geo::InputError(m);
    }
    if (cost_missing)
        report.warn(out.file, out.layer, "cost_field_missing",
                    std::to_string(cost_missing) + " lines have no positive value in " +
                        (ns.length_field.empty() ? ns.time_field : ns.time_field.empty() ? ns.length_field : ns.length_field + "/" + ns.time_field) +
                        " (features " + cost_missing_fids + (cost_missing > 10 ? ", ..." : "") +
                        "): their geodesic length and the profile speed are used");
    if (out.excluded)
        report.info(out.file, out.layer, "ways_excluded",
                    std::to_string(out.excluded) + " of " + std::to_string(out.features_read) + " lines not usable by the '" +
                        ns.profile.name + "' profile (class, foot/access tags or geometry)");
    return out;
}

}  // namespace lc::net
