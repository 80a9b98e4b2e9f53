#pragma once
// Monitoring: several analyze runs (plan years, scenarios) side by side, from the
// compliance.json each run wrote. Indicator by town by run, the trend from the first run to the
// last, what became met or missed between consecutive runs, and the city-wide table the way the
// plan's mid-term review lays it out (each run's value against the target of its year).
#include <optional>
#include <string>
#include <vector>

namespace lc::cov {

struct ComparedRun {
    std::string dir, key;  // key: "2023", or "2025_planned_2025" for a scenario run (CSV column names)
    int year = 0;
    std::string scenario, travel, travel_zh;
    size_t met = 0, missed = 0;  // town-indicator pairs
};

struct ComparedCell {  // one indicator, one town (or the city), one run
    std::optional<double> value, target;
    std::string status = "absent";  // met | missed | no-target | no-data | absent (not in that run)
    std::string comparator;
    std::optional<double> towns_met, towns_with_data;  // city row: towns meeting their own target
};

struct ComparedIndicator {
    std::string id, name_zh, name_en, unit, kind;
    bool binding = false;
};

struct ComparedRow {
    size_t indicator = 0;            // index into Comparison::indicators
    std::string town_id, town_name;  // town_id "CITY" for the city-wide row
    std::vector<ComparedCell> cells;  // one per run
    // From the first run with a value to the last: "improving", "worsening", "unchanged",
    // "changed" (no direction: an exact-value target), "single" (one run only) or "no-data".
    // A city row without a pooled value follows its share of towns meeting their target.
    std::string trend;
    std::optional<double> change;      // last value - first value
    std::vector<size_t> newly_met, newly_missed;  // runs where the status turned (vs the run before)
};

struct Comparison {
    std::vector<ComparedRun> runs;
    std::vector<ComparedIndicator> indicators;
    std::vector<ComparedRow> rows;  // indicator by indicator (first-seen order), towns, then the city
};

// Reads RUN_DIR/compliance.json of every run (at least two). Throws base::UserError naming
// the file and what is wrong with it.
Comparison compare_runs(const std::vector<std::string>& run_dirs);

// compare.csv (UTF-8 with BOM), compare.xlsx, compare.md and compare.html into `outdir`
// (an existing folder; each file written to a temporary name and renamed).
void write_comparison(const std::string& outdir, const Comparison& c, const std::string& lang);

}  // namespace lc::cov
