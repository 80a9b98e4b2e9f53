// compare_runs: hand-written compliance.json files of three runs, and what a planner must read
// from them: values per run, trend by the comparator's direction, what became met or missed,
// the city row's share of towns, and clear refusals of unusable folders.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.hpp"
#include "coverage/report/compare.hpp"

namespace fs = std::filesystem;
using namespace lc;

namespace {

struct Runs {
    fs::path dir = fs::temp_directory_path() / ("lc_compare_" + std::to_string(::getpid()));
    Runs() { fs::create_directories(dir); }
    ~Runs() { fs::remove_all(dir); }
    std::string write(const std::string& name, const std::string& json) {
        fs::create_directories(dir / name);
        std::ofstream(dir / name / "compliance.json") << json;
        return (dir / name).string();
    }
};

// One run: coverage (>=) in towns a and b with the city pooled; waiting time (<=) in town a;
// a count indicator whose city row has no pooled value, only towns meeting it.
std::string run_json(int year, double cov_a, double cov_b, double target, double wait_a, int towns_met, bool with_wait = true) {
    auto status = [&](double v) { return v >= target ? "\"met\"" : "\"missed\""; };
    std::ostringstream j;
    j << "{\"year\": " << year << ", \"scenario\": \"existing\", \"travel\": \"walk\", \"indicators\": [";
    j << "{\"id\": \"cov\", \"name_zh\": \"覆盖率\", \"name_en\": \"Coverage\", \"unit\": \"share\", \"kind\": \"coverage_share\","
         " \"binding\": true, \"comparator\": \">=\", \"towns\": ["
      << "{\"town_id\": \"a\", \"town_name\": \"甲\", \"value\": " << cov_a << ", \"target\": " << target << ", \"status\": " << status(cov_a) << "},"
      << "{\"town_id\": \"b\", \"town_name\": \"乙\", \"value\": " << cov_b << ", \"target\": " << target << ", \"status\": " << status(cov_b) << "}],"
      << "\"city\": {\"pooled_value\": " << (cov_a + cov_b) / 2 << ", \"pooled_target\": " << target
      << ", \"pooled_status\": " << status((cov_a + cov_b) / 2) << ", \"towns_met\": 0, \"towns_with_data\": 2}}";
    if (with_wait)
        j << ", {\"id\": \"wait\", \"name_zh\": \"等候\", \"name_en\": \"Waiting\", \"unit\": \"count\", \"comparator\": \"<=\", \"towns\": ["
          << "{\"town_id\": \"a\", \"town_name\": \"甲\", \"value\": " << wait_a << ", \"target\": 10, \"status\": "
          << (wait_a <= 10 ? "\"met\"" : "\"missed\"") << "}]}";
    j << ", {\"id\": \"sites\", \"name_en\": \"Sites\", \"unit\": \"count\", \"comparator\": \">=\", \"towns\": [],"
         " \"city\": {\"pooled_value\": null, \"pooled_status\": \"no-data\", \"towns_met\": "
      << towns_met << ", \"towns_with_data\": 2, \"rollup_kind\": \"share_of_towns\", \"rollup_status\": \""
      << (towns_met == 2 ? "met" : "missed") << "\"}}";
    j << "]}";
    return j.str();
}

const cov::ComparedRow& row(const cov::Comparison& c, const std::string& ind, const std::string& town) {
    for (const auto& r : c.rows)
        if (c.indicators[r.indicator].id == ind && r.town_id == town) return r;
    FAIL("no row " << ind << "/" << town);
    return c.rows.front();
}

}  // namespace

TEST_CASE("compare_runs: values, trends and status changes across three runs", "[compare]") {
    Runs runs;
    const std::string r1 = runs.write("2021", run_json(2021, 0.50, 0.90, 0.8, 12, 1));
    const std::string r2 = runs.write("2023", run_json(2023, 0.85, 0.95, 0.8, 8, 1, false));
    const std::string r3 = runs.write("2025", run_json(2025, 0.85, 0.95, 0.9, 11, 2));
    const cov::Comparison c = cov::compare_runs({r1, r2, r3});
    REQUIRE(c.runs.size() == 3);
    CHECK(c.runs[1].year == 2023);
    CHECK(c.runs[0].met == 1);     // cov b (cities are not counted)
    CHECK(c.runs[0].missed == 2);  // cov a, wait a
    REQUIRE(c.indicators.size() == 3);

    const auto& a = row(c, "cov", "a");
    CHECK(*a.cells[0].value == Approx(0.50));
    CHECK(*a.cells[2].target == Approx(0.9));
    CHECK(a.trend == "improving");  // 0.50 -> 0.85 under >=
    CHECK(*a.change == Approx(0.35));
    CHECK(a.newly_met == std::vector<size_t>{1});     // missed in 2021, met in 2023
    CHECK(a.newly_missed == std::vector<size_t>{2});  // met in 2023, the 2025 target rose to 0.9
    const auto& b = row(c, "cov", "b");
    CHECK(b.trend == "improving");
    CHECK(b.newly_met.empty());
    CHECK(b.newly_missed.empty());  // 0.95 meets 0.9 too

    // Lower is better under <=: 12 -> 11 improves even though it still misses; the 2023 run
    // has no such indicator, so nothing "changes" between the runs around the gap.
    const auto& w = row(c, "wait", "a");
    CHECK(w.cells[1].status == "absent");
    CHECK(w.trend == "improving");
    CHECK(*w.change == Approx(-1));
    CHECK(w.newly_met.empty());
    CHECK(w.newly_missed.empty());

    // The city row of a count indicator follows the share of towns meeting it: 1/2 -> 2/2.
    const auto& s = row(c, "sites", "CITY");
    CHECK_FALSE(s.cells[0].value);
    CHECK(*s.cells[2].towns_met == 2);
    CHECK(s.trend == "improving");
    CHECK_FALSE(s.change);
    CHECK(s.newly_met == std::vector<size_t>{2});
    // The city row comes after the towns of its indicator.
    CHECK(c.rows[2].town_id == "CITY");
    CHECK(c.rows[2].indicator == 0);

    SECTION("unchanged values read as unchanged, a single value as one run only") {
        const cov::Comparison c2 = cov::compare_runs({r2, r3});
        CHECK(row(c2, "cov", "a").trend == "unchanged");
        CHECK(row(c2, "wait", "a").trend == "single");
    }
    SECTION("the outputs are written, with a BOM and the run columns in order") {
        const fs::path out = runs.dir / "out";
        fs::create_directories(out);
        cov::write_comparison(out.string(), c, "en");
        for (const char* f : {"compare.csv", "compare.xlsx", "compare.md", "compare.html"}) CHECK(fs::file_size(out / f) > 100);
        std::ifstream in(out / "compare.csv");
        std::string header, first;
        std::getline(in, header);
        std::getline(in, first);
        CHECK(header.rfind("\xEF\xBB\xBFindicator_id,indicator,unit,town_id,town_name,value_2021,target_2021,status_2021,value_2023", 0) == 0);
        CHECK(first == "cov,Coverage,share,a,甲,0.5,0.8,missed,0.85,0.8,met,0.85,0.9,missed,0.35,improving,2023,2025");
        std::ifstream md(out / "compare.md");
        const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
        CHECK(text.find("甲: Coverage (85.0% → 85.0%; target >= 80.0% → >= 90.0%)") != std::string::npos);
        CHECK(text.find("1/2 towns met") != std::string::npos);
        CHECK(text.find("nan") == std::string::npos);
    }
}

TEST_CASE("compare_runs refuses what it cannot compare, naming the file", "[compare]") {
    Runs runs;
    const std::string good = runs.write("good", run_json(2021, 0.5, 0.9, 0.8, 12, 1));
    CHECK_THROWS_AS(cov::compare_runs({good}), base::UserError);
    auto message = [&](const std::vector<std::string>& dirs) {
        try {
            cov::compare_runs(dirs);
        } catch (const base::UserError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string missing = (runs.dir / "nothing").string();
    CHECK(message({good, missing}).find(missing + "/compliance.json: cannot be read") != std::string::npos);
    const std::string broken = runs.write("broken", "{\"year\": 2021, \"indicators\": [");
    CHECK(message({good, broken}).find("broken/compliance.json: not valid JSON") != std::string::npos);
    const std::string no_year = runs.write("noyear", "{\"indicators\": []}");
    CHECK(message({good, no_year}).find("noyear/compliance.json: no integer 'year'") != std::string::npos);
}
