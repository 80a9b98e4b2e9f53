#pragma once
// A loaded study: the project's layers read into one metric CRS, towns indexed, points assigned
// to towns, and every problem found on the way collected in one report.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/counter.hpp"
#include "coverage/study/project.hpp"
#include "geo/layer.hpp"
#include "geo/report.hpp"
#include "geo/towns.hpp"

namespace lc::cov {

// Town statistics (census population, community workers, ...) joined from a CSV.
struct TownStats {
    std::string file;
    std::vector<std::string> columns;
    // per town index: column -> value text ("" when the town has no row)
    std::vector<std::map<std::string, std::string>> rows;
    std::optional<double> number(size_t town, const std::string& column) const;
};

// A statistics cell as a number: the whole text (spaces aside) must be one finite number.
std::optional<double> parse_stat_number(const std::string& text);

struct Study {
    Project project;
    int metric_epsg = 0;
    geo::Report report;
    std::unique_ptr<geo::Layer> towns, facilities, demand;
    std::unique_ptr<geo::TownSet> town_set;
    TownStats stats;
    // Field indices resolved from the project (or the defaults), -1 when absent.
    int town_id = -1, town_name = -1;
    int fac_id = -1, fac_type = -1, fac_name = -1, fac_status = -1;
    int dem_id = -1, dem_weight = -1;
    // Per facility / demand row: the town it lies in (-1 none) and how it was assigned.
    std::vector<geo::TownSet::Assignment> fac_town, dem_town;
    std::vector<double> dem_weight_value;  // households (or the weight) per demand row, >= 0
    // [demand] weights: each further population group per demand row (same rules: missing or
    // negative values count as 0 and are reported), by group name.
    std::map<std::string, std::vector<double>> dem_group_weight;
    std::vector<std::string> fac_type_value;
    // Places per facility row when the project gives a capacity (else empty): the capacity
    // field, else floor area / m2_per_place; missing or negative values count as 0 (reported).
    std::vector<double> fac_capacity;

    // [units] (villages / communities), when the project has them. Nesting rule: a demand or
    // facility row counts for the unit holding it only when that unit belongs to the row's own
    // town; otherwise (no unit there, or a unit of another town) it counts for its town's
    // remainder (unit -1). Town figures never change, and a town's units plus its remainder sum
    // to the town.
    std::unique_ptr<geo::Layer> units;
    std::unique_ptr<geo::TownSet> unit_set;
    int unit_id = -1, unit_name = -1;
    std::vector<int> unit_town;         // per unit: its town (-1 none: the unit is left out)
    std::vector<int> dem_unit, fac_unit;  // per demand / facility row: its unit, -1 the town's remainder
    // A unit whose area reaches into another town (more than [units] crossing_share of it), and
    // the demand weight of its rows lying in that other town (counted there, not in the unit).
    struct UnitCrossing {
        size_t unit = 0;
        int other_town = -1;
        double area_share = 0, weight_elsewhere = 0;
    };
    std::vector<UnitCrossing> unit_crossings;
    bool has_units() const { return unit_set != nullptr; }

    // [housing] (new residential developments), when the project has them: per development its
    // town and unit (by the same rules as demand rows), households and build year (none: unknown).
    std::unique_ptr<geo::Layer> housing;
    int housing_id = -1, housing_name = -1;
    std::vector<geo::TownSet::Assignment> housing_town;
    std::vector<int> housing_unit;
    std::vector<double> housing_households;          // < 0: missing or negative (reported, not judged)
    std::vector<std::optional<int>> housing_year;
    std::string housing_label(size_t row) const { return housing->label(row, housing_id, housing_name); }

    // A facility's id as outputs show it: the id field's text, else the feature id.
    std::string facility_id(size_t row) const {
        return fac_id >= 0 ? facilities->text(row, fac_id) : std::to_string(facilities->fid[row]);
    }
};

// Counts of a long load, for the caller to show (each may be null).
struct LoadProgress {
    base::Counter* features = nullptr;    // features of the towns, facilities and demand layers read
    base::Counter* road_lines = nullptr;  // road network features read (load_study_and_network)
    base::Counter* graph_links = nullptr; // links of the road graph measured
};

struct LoadOptions {
    bool need_facilities = true;
    bool need_demand = true;
    // Called once the towns have fixed the metric CRS, before the other layers are read (e.g. to
    // start building the road network in parallel). Not called when the towns are unusable.
    std::function<void(int metric_epsg)> on_metric_crs;
    LoadProgress progress;
};

// Reads everything the project names. Throws geo::InputError / std::runtime_error when the
// study cannot run at all; otherwise problems are in study.report.
std::unique_ptr<Study> load_study(const Project& project, const LoadOptions& opts = {});

// A layer whose extent (metric CRS) does not come near the towns' (towns on another continent,
// a network 8,000 km away, a wrong CRS) is an error in study.report: every figure would be 0.
struct Extent {
    double min_x, min_y, max_x, max_y;
};
void check_near_towns(Study& study, const std::string& file, const std::string& layer, const std::string& role, const Extent& extent);

// First field of `candidates` present in the layer ("" if none).
std::string first_field(const geo::Layer& layer, const std::vector<std::string>& candidates);

}  // namespace lc::cov
