#pragma once
// The project file (TOML): one study's inputs and settings. Every key can be overridden with
// "section.key=value" strings (the CLI's --set), and a study can be described by overrides alone.
#include <map>
#include <string>
#include <vector>

#include "geo/layer.hpp"

namespace lc::cov {

struct Project {
    std::string file;      // the project file, "" when built from flags only
    std::string base_dir;  // relative paths are resolved against it
    std::string name = "lifecircle study";
    std::string lang = "en";
    std::string name_zh, name_en;        // the title in one language (else `name`)
    const std::string& name_in(const std::string& language) const {
        const std::string& own = language == "zh" ? name_zh : name_en;
        return own.empty() ? name : own;
    }
    std::string note, note_zh, note_en;  // about the data; note_zh / note_en for one language
    const std::string& note_in(const std::string& language) const {
        const std::string& own = language == "zh" ? note_zh : note_en;
        return own.empty() ? note : own;
    }

    struct Towns {
        geo::LayerSource src;
        std::string id, name;     // field names; empty = first of the defaults that exists
        double assign_tolerance_m = 200;  // points outside every town but this close go to the nearest
    } towns;

    // [units]: optional villages / communities (村/社区), the level below the towns. Every
    // indicator is also evaluated per unit; a unit belongs to one town (its `town` field, else the
    // town holding most of its area), and a unit reaching into another town is reported.
    struct Units {
        geo::LayerSource src;
        std::string id, name, town;
        double crossing_share = 0.01;  // more than this share of a unit's area in another town: reported
        // A point in no unit but this close to one goes to the nearest (slivers between units);
        // farther, to its town's remainder.
        double assign_tolerance_m = 50;
    } units;
    bool has_units() const { return !units.src.path.empty(); }

    // [housing]: optional residential developments (new housing), judged one by one against a
    // per-100-households rule by indicators of kind new_housing_compliance.
    struct Housing {
        geo::LayerSource src;
        std::string id, name, households = "households", year = "built_year";
    } housing;

    struct Stats {  // optional town statistics table (CSV), joined by town id or name
        std::string path, key = "code", join_on = "id";
    } stats;

    struct Facilities {
        geo::LayerSource src;
        std::string id, type, name, status;
        std::vector<std::string> attributes;  // numeric attributes used by indicators
        // How many units of demand weight (households) a facility can serve: a field of places,
        // else floor area / m2_per_place. Empty = no capacity (reach only, no "served").
        std::string capacity, capacity_area;
        double m2_per_place = 0;
        bool has_capacity() const { return !capacity.empty() || (!capacity_area.empty() && m2_per_place > 0); }
    } facilities;

    // A further population group counted on the demand rows besides the households of `weight`
    // ([demand] weights): its field, or `stat`, a town-statistics column whose figure per town is
    // spread over the town's demand rows in proportion to their households (exactly one of the
    // two); and the words a reader sees for it ("名老年人" / "older people").
    struct WeightGroup {
        std::string name, field, stat, zh, en;
    };
    // [labels]: what a reader sees for a code of the data (a facility type, a field, a status or
    // scenario name), e.g. day_care = { zh = "社区日间照料中心", en = "day-care centre" }.
    struct Label {
        std::string zh, en;
    };
    std::map<std::string, Label> labels;
    // The reader's word for `code` in `lang`: [labels], else the built-in words for statuses and
    // scenarios (existing, planned, planned_2025, closed), else the code itself.
    std::string word(const std::string& code, const std::string& lang) const;

    struct Demand {
        geo::LayerSource src;
        std::string id, weight;
        std::vector<WeightGroup> weights;  // [demand] weights, in name order
        std::string kind = "points";  // points | polygons | buildings
        std::string levels_field = "building:levels";
        double default_levels = 2, dwelling_m2 = 100;
        std::string building_field = "building";
        std::vector<std::string> exclude_building_values;
    } demand;

    struct Network {
        geo::LayerSource src;
        std::string format = "auto";  // auto | osm | lines
        std::string profile = "walk";  // walk | drive
        std::string connectivity;      // endpoints | any_vertex | noding; default: osm any_vertex, lines endpoints
        double node_tolerance_m = 1, snap_m = 300, snap_far_m = 1600;
        unsigned min_component_nodes = 50;
        std::string oneway_field, speed_field, class_field;  // line layers
        std::string length_field, time_field;  // per-feature metres / minutes from the data (line layers)
        std::map<std::string, double> speeds;  // km/h per road class ([network.speeds]), over the profile's
    } network;

    struct Travel {
        std::string mode;  // network | straight; default: network when a network is given
        double speed_kmh = 4.0;
        double detour_factor = 1.3;
        std::vector<double> circles_min{5, 10, 15};
        std::vector<std::string> main_types;  // facility types of the main coverage fields
    } travel;

    struct Access {  // floating-catchment accessibility (coverage/analysis/service.hpp)
        std::string method;        // 2sfca | e2sfca | gravity | none; default 2sfca with a capacity, else none
        double catchment_min = 0;  // 0 = the largest circle
        double beta = 1.0;         // gravity decay exponent
    } access;

    std::map<std::string, int> levels;  // life-circle level (minutes) per facility type

    struct Targets {
        std::string path;
        int year = 0;
    } targets;

    struct Output {
        std::string crs = "metric";  // metric | EPSG:nnnn | WGS84 | GCJ02
        std::string metric_crs = "auto";
        std::string format = "gpkg";  // gpkg | shp
        std::string shapefile_encoding = "UTF-8";  // UTF-8 | CP936 (GBK), of the Shapefiles' DBF text
        double buffer_m = 50;
        std::string service_areas = "auto";  // auto (up to 500 main facilities) | yes | no
    } output;

    std::string resolve(const std::string& path) const;  // against base_dir
    bool has_network() const { return !network.src.path.empty(); }
    bool straight_line() const { return travel.mode == "straight" || (travel.mode.empty() && !has_network()); }
};

// "UTF-8" or "CP936" for the spellings [output] shapefile_encoding and --shapefile-encoding
// accept (UTF-8, utf8, CP936, cp-936, GBK, 936), "" for anything else.
std::string normalise_shapefile_encoding(const std::string& setting);

// The built-in words for statuses and scenarios (existing, planned, planned_2025, closed; ""
// reads as existing), or the code itself.
std::string builtin_word(const std::string& code, const std::string& lang);

// Loads `path` (may be empty) and applies `overrides` ("section.key=value"; values are TOML
// values or bare strings). Throws std::runtime_error naming the file and key on bad input.
Project load_project(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace lc::cov
