#pragma once
// The main job: for every household, its nearest facility and which circles it lies in; for
// every town, households covered and every indicator of the targets file against its target.
#include <optional>
#include <string>
#include <vector>

#include "coverage/study/travel.hpp"
#include "coverage/study/study.hpp"
#include "coverage/analysis/indicators.hpp"
#include "coverage/analysis/service.hpp"

namespace lc::cov {

// Which facilities exist in a scenario: "existing" (status empty or "existing"), or a plan
// year, which adds every facility with status planned_YYYY for YYYY <= that year.
struct Scenario {
    std::string name = "existing";
    int year = 0;  // 0 = existing only
    static Scenario parse(const std::string& text);  // "existing", "2023", "planned_2023"
    bool includes(const std::string& status) const;
};

struct AnalysisResult {
    Scenario scenario;
    int year = 0;  // targets year
    std::vector<double> circles_min;
    std::vector<uint8_t> active;             // per facility row
    std::vector<uint32_t> main_rows;         // active facilities of the main types
    // per demand row
    std::vector<int32_t> nearest;            // main-type facility row, -1 none within nearest cutoff
    std::vector<double> nearest_s;           // seconds, +inf none
    std::vector<std::vector<uint8_t>> covered;  // [circle][demand] 0/1 (level rule applied)
    // per town
    std::vector<double> town_households;
    std::vector<std::vector<double>> town_covered;  // [circle][town]
    double outside_households = 0;  // demand in no town (reported, not in any town)
    // indicators
    std::optional<TargetsFile> targets;
    std::vector<TownFacts> facts;                  // per town
    std::vector<std::vector<Evaluation>> evals;    // [indicator][town]
    std::vector<CityRollup> city;                  // [indicator]
    std::vector<std::vector<uint8_t>> indicator_covered;  // [indicator][demand], coverage_share only (else empty)
    double nearest_cutoff_s = 0;

    // Capacity ([facilities] capacity): per circle, the weight each facility of the circle serves
    // nearest first (allocate_nearest_first) and what each demand row gets. Empty without one.
    bool has_capacity = false;
    std::vector<std::vector<double>> served;         // [circle][demand] weight served
    std::vector<std::vector<double>> town_served;    // [circle][town]
    std::vector<std::vector<double>> facility_load;  // [circle][facility row] weight served
    double capacity_total = 0;                       // places of the active main facilities
    // Accessibility ([access] method): per demand row A_i, per town the weight-averaged mean.
    AccessSpec access;
    double access_catchment_min = 0;
    bool access_supply_is_count = false;             // no capacity: each facility supplies 1
    std::vector<double> access_score;                // [demand], empty when method = none
    std::vector<std::optional<double>> town_access;  // [town], none for a town without households
    std::vector<double> facility_ratio;              // [facility row] R_j (0 off the main set)
    std::optional<double> city_access;               // weight-averaged over towns' demand
    double access_supply_reaching = 0;               // sum of S_j over facilities reaching demand

    // Equity across towns, one row per measure (coverage and served share per circle, access).
    struct EquityRow {
        std::string measure;  // "coverage_15", "served_15", "access_2sfca_15"
        double circle_min = 0;
        Inequality q;
    };
    std::vector<EquityRow> equity;
    std::vector<std::optional<double>> missed_weight_share;  // [indicator] share of households in towns that miss it

    // [units] (villages / communities), when the study has them: per unit the facts, circles and
    // evaluations a town has (unit_indicator's targets), and per town its remainder (the rows in
    // no unit of the town). A town's units plus its remainder sum to the town.
    std::vector<TownFacts> unit_facts, remainder_facts;   // [unit], [town]
    std::vector<std::vector<double>> unit_covered, remainder_covered;  // [circle][unit], [circle][town]
    std::vector<std::vector<Evaluation>> unit_evals;      // [indicator][unit]
    std::vector<double> units_met, units_judged;          // [indicator] over the city (units met / met or missed)

    // new_housing_compliance: each development ([housing] row) judged by the indicator's rule:
    // met / missed; no_data (no households or no m2 provided); no_target (not new in the year:
    // built before built_from or after the evaluated year, or no build year).
    struct DevelopmentCheck {
        Status status = Status::no_target;
        double households = 0, provided_m2 = 0, required_m2 = 0;
    };
    std::vector<std::vector<DevelopmentCheck>> housing;  // [indicator][development], empty for other kinds
};

// Gives each indicator its reader's words: its population group's ([demand] weights) and its
// numerator field's ([labels]); returns one message per indicator naming a group the project
// does not define.
std::vector<std::string> resolve_indicator_words(TargetsFile& targets, const Project& project);

// The targets file ([targets] path) read and checked against the study's layers and statistics
// (a field, column or facility type an indicator names but the data lacks is an error in
// study.report). validate and analyze both call it, so they refuse the same inputs.
std::optional<TargetsFile> load_study_targets(Study& study);

// Rows of `layer` (read from `src`) whose feature passes the OGR SQL attribute filter `where`,
// evaluated by GDAL on the source layer (1 = passes). Throws base::UserError naming the file,
// the layer and `what` when GDAL refuses the expression.
std::vector<uint8_t> rows_matching(const geo::LayerSource& src, const geo::Layer& layer, const std::string& where, const std::string& what);

// Pairs (facility, demand, minutes) of the given facility rows within `minutes`, in facility
// order then demand row: one bounded search per facility, the same costs as coverage.
std::vector<ReachPair> pairs_within(const TravelModel& travel, const std::vector<uint32_t>& rows, double minutes);

// analyze needs a facilities and a demand layer: an error in study.report for each one missing.
// analyze and validate (with a project file) both call it, so they refuse the same projects.
void require_analysis_layers(Study& study);

struct AnalysisOptions {
    Scenario scenario;
    const TargetsFile* targets = nullptr;  // null: read [targets] path, if any
    double nearest_cutoff_min = 60;  // report the nearest facility up to this far
};

// The level rule (GB 50180, not inclusive): a facility type counts toward a circle of N
// minutes only if its life-circle level is at most N (types without a level count everywhere).
bool counts_for_circle(const Project& p, const std::string& type, double minutes);

AnalysisResult analyze(const Study& study, const TravelModel& travel, const AnalysisOptions& opts);

}  // namespace lc::cov
