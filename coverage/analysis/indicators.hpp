#pragma once
// The targets file (TOML): the plan's indicators, and their evaluation per town. See
// data/dongguan/targets.toml for the schema, documented in its header.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lc::cov {

struct Indicator {
    std::string id, name_zh, name_en, unit, kind, comparator = ">=", source;
    bool binding = false;
    std::vector<std::string> facility_types, with_types;
    std::optional<double> minutes, metres;  // coverage_share threshold
    std::optional<double> speed_kmh;        // coverage_share with minutes: walking speed of this circle (an elderly pace)
    std::string area_field, stat, population_stat, attribute, numerator, denominator, host_field;
    // per_population: the population is a statistics column (population_stat) or a demand-layer
    // field summed over the town's points (population_field); `per` people (default 1,000).
    std::string population_field;
    double per = 0;
    // OGR SQL attribute filters (evaluated by GDAL on the source layers): only the demand rows
    // passing `filter` count (coverage_share: numerator and denominator; area_per_100_households:
    // the households; per_population with population_field: the population), only the facilities
    // passing `facility_filter` cover or are counted. Empty = all.
    std::string filter, facility_filter;
    // coverage_share: the population group counted ([demand] weights name; empty = households),
    // and the words for it, filled in from the project when the targets are loaded.
    std::string weight, weight_zh = "户", weight_en = "households";
    // attribute_ratio: the reader's words for the numerator field ([labels]; default the field).
    std::string numerator_zh, numerator_en;
    double within_m = 0;
    // new_housing_compliance: each development judged by area_field (m2 provided, a field of the
    // [housing] layer) >= per_100_households m2 per 100 of its households; only developments
    // built from built_from (if given) up to the evaluated year count.
    double per_100_households = 0;
    std::optional<int> built_from;
    // town_value only: the city value is the mean of the towns' values weighted by weight_stat
    // (a stats column; default the town's households), or their sum with city_value = "sum".
    std::string weight_stat, city_value;
    std::map<int, double> targets;  // year -> target
    std::map<int, std::string> target_comparators;  // year -> comparator where that year's target gives one ("> 0.8")
    std::string rollup_kind;        // "" or share_of_towns_met
    std::map<int, double> rollup_targets;  // year -> share of towns; key 0 = every year (a plain number)
    std::map<int, std::string> rollup_comparators;
    std::string rollup_comparator = ">=";
    // The units level ([units], villages / communities): the target each unit is judged against
    // (unit_target; key 0 = every year). Without one, units are judged against `targets` when the
    // kind is a share or rate, and not judged for the town-level kinds (count_at_least,
    // per_10k_population, town_value, city_total). form = "share_of_units_met": the value of a
    // town (and of the city) is the share of its units meeting unit_target, judged against `targets`.
    std::map<int, double> unit_targets;
    std::map<int, std::string> unit_comparators;
    std::string form;
    bool share_of_units() const { return form == "share_of_units_met"; }

    // Target for a plan year: that year's, else the latest earlier one; none before the first
    // target year (a plan's 2025 value does not bind a 2022 run).
    std::optional<double> target_for(int year) const;
    // Comparator in force for a plan year: the target's own ("> 0.8"), else the indicator's.
    std::string comparator_for(int year) const;
    std::optional<double> rollup_target_for(int year) const;
    std::string rollup_comparator_for(int year) const;
    std::string name(const std::string& lang) const { return lang == "zh" && !name_zh.empty() ? name_zh : (name_en.empty() ? id : name_en); }
};

struct TargetsFile {
    std::string file, plan;
    int default_year = 0;
    std::vector<Indicator> indicators;
};

// Throws std::runtime_error naming the file, indicator and key on bad input.
TargetsFile load_targets(const std::string& path);

// The names the data offers, for checking a targets file against it before anything runs.
struct DataNames {
    bool has_facilities = false;
    std::vector<std::string> facility_fields, facility_types;  // types: every value of the type field
    bool has_stats = false;
    std::vector<std::string> stat_columns;
    bool has_demand = false;
    std::vector<std::string> demand_fields;
    bool has_housing = false;
    std::vector<std::string> housing_fields;
    bool has_units = false;
    std::vector<std::string> unit_fields;  // [units] layer: a statistic may be a figure per unit (its field)
};
// One plain message per name an indicator uses that the data lacks ("indicator m2: facilities
// have no field gfa; fields are id, type, area_m2"): such a run would report every town as
// "0.00 m2, missed". A facility type counts as lacking only when none of an indicator's types
// occurs in the data (a city may have none of one type yet).
std::vector<std::string> check_against_data(const TargetsFile& tf, const DataNames& data);

// What evaluation needs about one town, computed by the analysis.
struct TownFacts {
    double households = 0;
    // coverage_share indicator id -> weight covered (households, or the indicator's group)
    std::map<std::string, double> covered_households;
    // indicator id -> the base it counts when that is its own: coverage_share with a demand filter
    // or a population group (the weight of its rows); area_per_100_households and per_population
    // (population_field) with a demand filter (the households / the field's sum over the rows passing it)
    std::map<std::string, double> base_weight;
    std::map<std::string, double> count;                // facility type -> active facilities in the town
    std::map<std::string, std::map<std::string, double>> attribute_sum;  // type -> attribute -> sum over the town
    std::map<std::string, std::pair<double, double>> hosts;  // share_of_facilities id -> (hosts with a partner, hosts)
    std::map<std::string, std::optional<double>> stats;      // town statistics table values
    std::map<std::string, double> demand_sum;                // demand-layer field -> sum over the town's points
    std::map<std::string, std::pair<double, double>> developments;  // new_housing_compliance id -> (meeting the rule, judged)
};

// The key under which TownFacts holds the count and sums of the facilities of `type` that pass
// indicator `id`'s facility_filter (counting kinds; coverage_share filters its sources instead).
inline std::string filtered_key(const std::string& type, const std::string& id) { return type + "\x1f" + id; }

enum class Status { met, missed, no_data, no_target };  // no_target: the plan sets none for the year
const char* to_string(Status);

struct Evaluation {
    std::optional<double> value;
    std::optional<double> target;
    std::string comparator = ">=";  // in force for the evaluated year
    Status status = Status::no_data;
    double gap = 0;        // shortfall in the indicator's own quantity (households, m2, facilities, ...); 0 when met
    std::string gap_text;  // plain words: "needs 1,240 m2 more", "0 of 1 required"
    std::string gap_text_zh;
};

Evaluation evaluate(const Indicator& ind, const TownFacts& town, int year);

struct CityRollup {
    Evaluation pooled;      // the indicator over the whole city (sums of all towns)
    double towns_met = 0, towns_with_data = 0;
    std::optional<double> share_of_towns_met;
    std::optional<double> rollup_target;  // share of towns the city must reach in the year, if any
    std::string rollup_comparator = ">=";
    // The units level ([units], villages / communities): the target each unit is judged against
    // (unit_target; key 0 = every year). Without one, units are judged against `targets` when the
    // kind is a share or rate, and not judged for the town-level kinds (count_at_least,
    // per_10k_population, town_value, city_total). form = "share_of_units_met": the value of a
    // town (and of the city) is the share of its units meeting unit_target, judged against `targets`.
    std::map<int, double> unit_targets;
    std::map<int, std::string> unit_comparators;
    std::string form;
    bool share_of_units() const { return form == "share_of_units_met"; }
    std::optional<Status> rollup_status;  // against rollup_target when the indicator has one for the year
};
CityRollup roll_up(const Indicator& ind, const std::vector<TownFacts>& towns, const std::vector<Evaluation>& evals, int year);

// The indicator as units are judged by it: unit_target in place of targets, or no target for the
// town-level kinds (judged_per_unit false).
Indicator unit_indicator(const Indicator& ind);
bool judged_per_unit(const Indicator& ind);
// form = share_of_units_met: `met` of `judged` units (villages / communities) meet the unit
// target; the evaluation of that share against the indicator's targets for the year.
Evaluation evaluate_share_of_units(const Indicator& ind, double met, double judged, int year);

// "1,240" style thousands separators for gap texts.
std::string with_commas(double v, int decimals = 0);

}  // namespace lc::cov
