#include "network/load.hpp"

#include <cpl_error.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

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

void add_linestring(const OGRLineString* ls, const geo::Reprojector& rp, bool source_is_wgs84, const WayRule& rule,
                    int64_t fid, LoadedLines& out) {
    int n = ls->getNumPoints();
    if (n < 2) return;
    LineInput li;
    std::vector<double> x(n), y(n), lx(n), ly(n);
    for (int i = 0; i < n; ++i) x[i] = lx[i] = ls->getX(i), y[i] = ly[i] = ls->getY(i);
    if (!rp.to_metric(x.data(), y.data(), n)) return;
    if (!source_is_wgs84 && !rp.to_wgs84(lx.data(), ly.data(), n)) return;
    li.xy.resize(n);
    li.lonlat.resize(n);
    for (int i = 0; i < n; ++i) {
        li.xy[i] = {x[i], y[i]};
        li.lonlat[i] = {lx[i], ly[i]};
    }
    li.speed_kmh = rule.speed_kmh;
    li.oneway = rule.oneway;
    li.source_fid = fid;
    out.lines.push_back(std::move(li));
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
    bool wgs84 = out.osm;  // GDAL's OSM driver always yields WGS84 lon/lat

    int f_highway = defn->GetFieldIndex(out.osm ? "highway" : (ns.class_field.empty() ? "highway" : ns.class_field.c_str()));
    int f_tags = defn->GetFieldIndex("other_tags");
    int f_oneway = ns.oneway_field.empty() ? -1 : defn->GetFieldIndex(ns.oneway_field.c_str());
    int f_speed = ns.speed_field.empty() ? -1 : defn->GetFieldIndex(ns.speed_field.c_str());
    for (const auto& [name, idx] : {std::pair{ns.oneway_field, f_oneway}, std::pair{ns.speed_field, f_speed}})
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
        if (!rule.usable || !g || g->IsEmpty()) {
            ++out.excluded;
            OGRFeature::DestroyFeature(f);
            continue;
        }
        size_t before = out.lines.size();
        OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
        if (t == wkbLineString) {
            add_linestring(g->toLineString(), rp, wgs84, rule, f->GetFID(), out);
        } else if (t == wkbMultiLineString) {
            for (const OGRLineString* part : *g->toMultiLineString()) add_linestring(part, rp, wgs84, rule, f->GetFID(), out);
        } else {
            ++out.excluded;
        }
        if (out.lines.size() > before) ++out.by_class[cls.empty() ? "(none)" : cls];
        OGRFeature::DestroyFeature(f);
    }
    if (CPLGetLastErrorType() >= CE_Failure) {
        geo::Message m;
        m.level = geo::Level::error;
        m.file = out.file;
        m.layer = out.layer;
        m.code = "read_error";
        m.text = "reading stopped after " + std::to_string(out.features_read) + " features (truncated or corrupt file?): " +
                 CPLGetLastErrorMsg();
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
    if (out.excluded)
        report.info(out.file, out.layer, "ways_excluded",
                    std::to_string(out.excluded) + " of " + std::to_string(out.features_read) + " lines not usable by the '" +
                        ns.profile.name + "' profile (class, foot/access tags or geometry)");
    return out;
}

}  // namespace lc::net
