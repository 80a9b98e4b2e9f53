#pragma once
// Road lines from an OpenStreetMap extract (.osm.pbf/.osm, read with GDAL's OSM driver) or from
// any GIS line layer, filtered and timed by a travel profile.
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/counter.hpp"
#include "geo/layer.hpp"
#include "geo/report.hpp"
#include "network/graph.hpp"

namespace lc::net {

struct Profile {
    std::string name = "walk";
    double speed_kmh = 4.0;               // default speed (walk: 4 km/h = 1,000 m in 15 min)
    std::set<std::string> allowed;        // highway classes that may be used
    std::map<std::string, double> class_speed_kmh;  // drive: speed per class
    bool oneway = false;                  // respect one-way tags
    bool steps = true;                    // walk: stairs allowed
};
Profile walk_profile(double speed_kmh = 4.0);
Profile drive_profile();

struct NetworkSource {
    geo::LayerSource src;
    std::string format = "auto";  // auto (by extension) | osm | lines
    Profile profile;
    std::string oneway_field, speed_field, class_field;  // line layers; empty = none
    // Per-feature costs from the data (line layers): length in metres instead of the geodesic
    // length, travel time in minutes instead of length / speed. Empty = none.
    std::string length_field, time_field;
    base::Counter* progress = nullptr;  // features read (total: the layer's count where cheap)
};

struct LoadedLines {
    LineSet lines;
    bool osm = false;
    size_t features_read = 0;
    size_t excluded = 0;                      // not usable by the profile
    std::map<std::string, size_t> by_class;   // used lines per highway class
    std::string file, layer;
};

// Throws geo::InputError when nothing usable can be read (no walkable ways, empty or truncated
// file, no CRS for a line layer).
LoadedLines read_network_lines(const NetworkSource& source, int metric_epsg, geo::Report& report);

// Whether an OSM way with these tags is usable by the profile, and its speed and direction.
struct WayRule {
    bool usable = false;
    double speed_kmh = 0;
    int oneway = 0;
    double length_m = std::numeric_limits<double>::quiet_NaN();  // from [network] length_field
    double minutes = std::numeric_limits<double>::quiet_NaN();   // from [network] time_field
};
WayRule apply_profile(const Profile& p, const std::string& highway, const std::string& other_tags);

// Value of a key in GDAL's OSM "other_tags" field ("k"=>"v","k2"=>"v2"); "" if absent.
std::string osm_tag(const std::string& other_tags, const std::string& key);

}  // namespace lc::net
