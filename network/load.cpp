#include "network/load.hpp"

#include <cpl_error.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "base/parallel.hpp"
#include "geo/columns.hpp"
#include "network/coord_index.hpp"

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
    std::vector<XY> xy;            // source CRS
    // Each vertex's number among the distinct points, taken batch by batch as the lines are
    // read (number_new()): the hashing overlaps GDAL's reading thread.
    CoordIndex index{1 << 16};
    std::vector<uint32_t> distinct_of;
    void number_new() {
        const size_t done = distinct_of.size();
        distinct_of.resize(xy.size());
        index.find_or_add_many(xy.data() + done, xy.size() - done, distinct_of.data() + done);
    }
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
    void add(const geo::WkbLine& ls, const WayRule& r, int64_t f, size_t seq, uint32_t c) {
        if (ls.n < 2) return;
        for (uint32_t i = 0; i < ls.n; ++i) xy.push_back({ls.x(i), ls.y(i)});
        first.push_back(xy.size());
        rule.push_back(r);
        fid.push_back(f);
        feature.push_back(seq);
        cls.push_back(c);
    }
    void drop_last() {
        first.pop_back();
        xy.resize(first.back());
        rule.pop_back();
        fid.pop_back();
        feature.pop_back();
        cls.pop_back();
    }
};

// Transforms the `source` points into x, y with `transform(x, y, n)` in batches spread over the
// cores, one Reprojector per thread (OGR transformations are not thread-safe); a batch that
// fails is redone point by point from `source`, so that only the points that cannot be
// transformed are marked in `bad`.
template <class Transform>
void transform_points(const std::vector<XY>& source, std::vector<double>& x, std::vector<double>& y, const geo::Reprojector& reprojector,
                      const std::vector<std::unique_ptr<geo::Reprojector>>& clones, std::vector<uint8_t>& bad,
                      const Transform& transform) {
    const size_t n = source.size();
    x.resize(n);
    y.resize(n);
    for (size_t i = 0; i < n; ++i) x[i] = source[i].x, y[i] = source[i].y;
    constexpr size_t kBatch = 65536;
    const size_t batches = (n + kBatch - 1) / kBatch;
    base::parallel_for(batches, 1, [&](size_t first_batch, size_t last_batch, unsigned w) {
        const geo::Reprojector& rp = w == 0 ? reprojector : *clones[w];
        for (size_t batch = first_batch; batch < last_batch; ++batch) {
            const size_t b = batch * kBatch, e = std::min(n, b + kBatch);
            if (transform(rp, x.data() + b, y.data() + b, e - b)) continue;
            for (size_t i = b; i < e; ++i) {
                x[i] = source[i].x, y[i] = source[i].y;
                if (!transform(rp, &x[i], &y[i], 1)) bad[i] = 1;
            }
        }
    });
}

// Reprojects the raw lines into a LineSet (metric + WGS84) and counts the features kept per
// class. Each distinct vertex is transformed once (in a street network most vertices are
// shared by two or more lines; ~0.4 us per point with PROJ's exact transverse Mercator), on all
// cores. A line with a vertex that cannot be transformed is left out and reported.
void finish_lines(const RawLines& raw, const geo::Reprojector& reprojector, bool source_is_wgs84, int metric_epsg,
                  LoadedLines& out, geo::Report& report) {
    const std::vector<uint32_t>& distinct_of = raw.distinct_of;
    std::vector<XY> distinct(raw.index.size());
    for (uint32_t d = 0; d < distinct.size(); ++d) distinct[d] = raw.index.coord(d);
    std::vector<double> mx, my;  // metric coordinates of the distinct vertices
    std::vector<double> lx, ly;  // their lon/lat, unless the source already is
    std::vector<uint8_t> bad(distinct.size(), 0);
    if (!source_is_wgs84) reprojector.to_wgs84(nullptr, nullptr, 0);  // made once here, cloned below
    std::vector<std::unique_ptr<geo::Reprojector>> clones(base::worker_count());
    for (size_t w = 1; w < clones.size(); ++w) clones[w] = reprojector.clone();
    transform_points(distinct, mx, my, reprojector, clones, bad,
                     [](const geo::Reprojector& rp, double* x, double* y, size_t n) { return rp.to_metric(x, y, n); });
    if (!source_is_wgs84)
        transform_points(distinct, lx, ly, reprojector, clones, bad,
                         [](const geo::Reprojector& rp, double* x, double* y, size_t n) { return rp.to_wgs84(x, y, n); });

    // The graph's vertex keys: distinct source points can still meet at one metric point, so the
    // metric points are numbered (once per distinct point, not per vertex).
    std::vector<uint32_t> metric_key(distinct.size());
    size_t key_count = 0;
    {
        std::vector<XY> metric(distinct.size());
        for (size_t d = 0; d < distinct.size(); ++d) metric[d] = {mx[d], my[d]};
        CoordIndex index(distinct.size());  // sized for all distinct: no regrowth
        index.find_or_add_many(metric.data(), metric.size(), metric_key.data());
        key_count = index.size();
    }

    // Which lines are kept (every vertex transformed), then their vertices written in place on
    // all cores into arrays sized once.
    const size_t lines = raw.rule.size();
    std::vector<uint8_t> keep(lines, 1);
    base::parallel_for(lines, 1 << 14, [&](size_t b, size_t e, unsigned) {
        for (size_t l = b; l < e; ++l)
            for (size_t i = raw.first[l]; i < raw.first[l + 1] && keep[l]; ++i) keep[l] = !bad[distinct_of[i]];
    });
    LineSet& set = out.lines;
    size_t dropped = 0;  // features with at least one part left out
    std::string dropped_fids;
    size_t last_feature = SIZE_MAX, last_dropped = SIZE_MAX;
    std::vector<size_t> kept_lines;  // input line of each kept line
    kept_lines.reserve(lines);
    size_t kept_vertices = 0;
    for (size_t l = 0; l < lines; ++l) {
        if (!keep[l]) {
            if (raw.feature[l] != last_dropped && ++dropped <= 10)
                dropped_fids += (dropped > 1 ? ", " : "") + std::to_string(raw.fid[l]);
            last_dropped = raw.feature[l];
            continue;
        }
        if (raw.feature[l] != last_feature) ++out.by_class[raw.classes[raw.cls[l]]];
        last_feature = raw.feature[l];
        kept_lines.push_back(l);
        kept_vertices += raw.first[l + 1] - raw.first[l];
    }
    const size_t k = kept_lines.size();
    set.xy.resize(kept_vertices);
    set.lonlat.resize(kept_vertices);
    set.vertex_key.resize(kept_vertices);
    set.key_count = key_count;
    set.first.resize(k + 1);
    set.speed_kmh.resize(k);
    set.oneway.resize(k);
    set.source_fid.resize(k);
    set.length_m.resize(k);
    set.minutes.resize(k);
    set.feature.resize(k);
    set.first[0] = 0;
    for (size_t j = 0; j < k; ++j) set.first[j + 1] = set.first[j] + (raw.first[kept_lines[j] + 1] - raw.first[kept_lines[j]]);
    base::parallel_for(k, 1 << 14, [&](size_t b, size_t e, unsigned) {
        for (size_t j = b; j < e; ++j) {
            const size_t l = kept_lines[j];
            size_t o = set.first[j];
            for (size_t i = raw.first[l]; i < raw.first[l + 1]; ++i, ++o) {
                const uint32_t d = distinct_of[i];
                set.xy[o] = {mx[d], my[d]};
                set.vertex_key[o] = metric_key[d];
                set.lonlat[o] = source_is_wgs84 ? raw.xy[i] : XY{lx[d], ly[d]};
            }
            const WayRule& r = raw.rule[l];
            set.speed_kmh[j] = r.speed_kmh;
            set.oneway[j] = static_cast<int8_t>(r.oneway);
            set.source_fid[j] = raw.fid[l];
            set.length_m[j] = r.length_m;
            set.minutes[j] = r.minutes;
            set.feature[j] = raw.feature[l];
        }
    });
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

    // Columns read: 0 class, 1 OSM tags, 2 oneway, 3 speed, 4 length, 5 time (absent ones: "").
    const std::vector<std::string> columns = {
        f_highway >= 0 ? defn->GetFieldDefn(f_highway)->GetNameRef() : "", f_tags >= 0 && out.osm ? "other_tags" : "",
        f_oneway >= 0 ? ns.oneway_field : "", f_speed >= 0 ? ns.speed_field : "", f_length >= 0 ? ns.length_field : "",
        f_time >= 0 ? ns.time_field : ""};
    CPLErrorReset();
    std::string stream_error;
    size_t feature_count = 0;  // 0: unknown
    if (!out.osm)  // OSM files have no cheap count
        if (const GIntBig n = layer->GetFeatureCount(FALSE); n > 0) {
            feature_count = static_cast<size_t>(n);
            base::expect(ns.progress, feature_count);
        }
    // The per-line arrays sized once from the count (growing them doubles their page faults and
    // copies); the vertex array from the first batch's vertices per feature, with room to spare:
    // capacity never touched costs address space, not memory.
    if (feature_count) {
        raw.first.reserve(feature_count + 1);
        raw.rule.reserve(feature_count);
        raw.fid.reserve(feature_count);
        raw.feature.reserve(feature_count);
        raw.cls.reserve(feature_count);
    }
    bool vertices_reserved = false;
    // A GIS layer's class decides usability and speed alone: looked up once per distinct class.
    struct ClassRule {
        bool usable;
        double speed_kmh;
        uint32_t id;
    };
    std::unordered_map<std::string, ClassRule> class_rules;
    try {
        geo::read_batches(layer, columns, [&](const geo::RowBatch& batch) {
            base::count(ns.progress, batch.size());
            for (size_t r = 0; r < batch.size(); ++r) {
                ++out.features_read;
                WayRule rule;
                const std::string cls = batch.text(r, 0);
                uint32_t known_class = UINT32_MAX;  // raw.class_id(cls), when already looked up
                if (out.osm) {
                    rule = apply_profile(ns.profile, cls, batch.text(r, 1));
                } else {
                    // A GIS line layer: every line is a road unless a class field says otherwise.
                    auto it = class_rules.find(cls);
                    if (it == class_rules.end()) {
                        ClassRule cr;
                        cr.usable = cls.empty() || f_highway < 0 || ns.profile.allowed.count(cls) || ns.class_field.empty();
                        cr.speed_kmh = ns.profile.speed_kmh;
                        if (auto sp = ns.profile.class_speed_kmh.find(cls); sp != ns.profile.class_speed_kmh.end()) cr.speed_kmh = sp->second;
                        cr.id = raw.class_id(cls);
                        it = class_rules.emplace(cls, cr).first;
                    }
                    rule.usable = it->second.usable;
                    rule.speed_kmh = it->second.speed_kmh;
                    known_class = it->second.id;
                    if (const double v = batch.number(r, 3); v > 0) rule.speed_kmh = v;
                    if (ns.profile.oneway && !batch.is_null(r, 2)) {
                        std::string v = batch.text(r, 2);
                        std::transform(v.begin(), v.end(), v.begin(), ::tolower);
                        if (v == "1" || v == "yes" || v == "true" || v == "ft" || v == "f") rule.oneway = 1;
                        else if (v == "-1" || v == "tf" || v == "t" || v == "reverse") rule.oneway = -1;
                    }
                }
                // Costs from the data: a value that is missing, not a number or not positive falls back
                // to the geodesic length (or length / speed) and is reported.
                for (const auto& [column, slot] : {std::pair{size_t{4}, &rule.length_m}, std::pair{size_t{5}, &rule.minutes}}) {
                    if (columns[column].empty() || !rule.usable) continue;
                    const double v = batch.number(r, column);
                    if (std::isfinite(v) && v > 0) *slot = v;
                    else if (++cost_missing <= 10) cost_missing_fids += (cost_missing > 1 ? ", " : "") + std::to_string(batch.fid(r));
                }
                const std::span<const uint8_t> wkb = batch.wkb(r);
                bool empty = true;
                bool lines_kept = false;
                if (rule.usable && !wkb.empty()) {
                    const uint32_t c = known_class != UINT32_MAX ? known_class : raw.class_id(cls);
                    const size_t lines_before = raw.rule.size();
                    const int64_t fid = batch.fid(r);
                    const bool is_line = geo::for_each_wkb_line(wkb, empty, [&](const geo::WkbLine& part) {
                        raw.add(part, rule, fid, out.features_read, c);
                    });
                    if (!is_line || empty) {  // not a line, or an empty one: nothing of it is kept
                        while (raw.rule.size() > lines_before) raw.drop_last();
                    } else {
                        lines_kept = true;
                    }
                }
                if (!lines_kept) ++out.excluded;
            }
            if (!vertices_reserved && feature_count && batch.size()) {
                vertices_reserved = true;
                const double per_feature = static_cast<double>(raw.xy.size()) / static_cast<double>(batch.size());
                raw.xy.reserve(static_cast<size_t>(per_feature * 1.25 * static_cast<double>(feature_count)) + 1024);
            }
            raw.number_new();
        });
    } catch (const std::runtime_error& e) {
        stream_error = e.what();
    }
    raw.number_new();  // a batch cut short by an error
    const bool read_failed = !stream_error.empty() || CPLGetLastErrorType() >= CE_Failure;
    std::string read_error = stream_error.empty() ? CPLGetLastErrorMsg() : stream_error;
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
