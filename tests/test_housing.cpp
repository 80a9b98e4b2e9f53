// New-housing compliance ([housing], kind new_housing_compliance) on a drawn map, worked out by
// hand: every development judged on its own against 20 m2 per 100 households, only those built
// from built_from up to the year judged, per town and for the city, and housing.csv.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "coverage/analysis/analysis.hpp"
#include "coverage/report/housing_table.hpp"
#include "tests/support/drawn_run.hpp"

using namespace lc;
using lc::testing::DrawnStudy;

namespace {

std::string development(const DrawnStudy& d, char at, const std::string& id, double households, int year, const std::string& m2) {
    const geo::XY ll = d.map().lonlat(at);
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  R"({"type":"Feature","properties":{"id":"%s","name":"Estate %s","households":%g,"built_year":%d,"elderly_m2":%s},)"
                  R"("geometry":{"type":"Point","coordinates":[%.10f,%.10f]}})",
                  id.c_str(), id.c_str(), households, year, m2.c_str(), ll.x, ll.y);
    return buf;
}

}  // namespace

TEST_CASE("new housing: each development against 20 m2 per 100 households, in the plan years, per town and city", "[housing][drawn]") {
    DrawnStudy d(R"(
A-------B-------C-------D-------E-------F
)", 25);
    d.road("ABCDEF");
    d.facility('A', "F1", "day_care");
    d.homes('A', "a", 10), d.homes('F', "f", 10);
    d.town("W", "West", 'A', 'C', 100);  // x -100..500
    d.town("E", "East", 'D', 'F', 100);  // x 500..1,100
    const std::string housing = R"({"type":"FeatureCollection","name":"housing","features":[)" +
                                development(d, 'A', "h1", 500, 2022, "100") + ",\n" +   // needs 100: exactly met
                                development(d, 'B', "h2", 1000, 2023, "150") + ",\n" +  // needs 200: 50 short
                                development(d, 'D', "h3", 200, 2020, "0") + ",\n" +     // before 2021: not judged
                                development(d, 'E', "h4", 300, 2026, "0") + ",\n" +     // after 2025: not judged
                                development(d, 'F', "h5", 0, 2022, "10") + ",\n" +      // no households: reported
                                development(d, 'D', "h6", 400, 2021, "null") + "]}\n";  // no m2: no data
    const std::string targets = R"([meta]
default_year = 2025

[[indicator]]
id = "housing20"
kind = "new_housing_compliance"
area_field = "elderly_m2"
per_100_households = 20
built_from = 2021
targets = { 2025 = 1.0 }
)";
    const std::string extra = "\n[housing]\npath = \"housing.geojson\"\nid = \"id\"\nname = \"name\"\n\n[targets]\npath = \"targets.toml\"\nyear = 2025\n";
    auto run = lc::testing::run_drawn(d, "housing", {}, "", extra, {{"targets.toml", targets}, {"housing.geojson", housing}});
    const cov::Study& s = *run.study;
    const cov::AnalysisResult& r = run.result;
    REQUIRE(s.housing);
    REQUIRE(s.housing->size() == 6);
    const size_t W = s.town_set->id(0) == "W" ? 0 : 1, E = 1 - W;
    REQUIRE(r.housing.size() == 1);
    const auto& c = r.housing[0];
    CHECK(c[0].status == cov::Status::met);
    CHECK(c[0].required_m2 == 100);
    CHECK(c[1].status == cov::Status::missed);
    CHECK(c[1].required_m2 - c[1].provided_m2 == 50);
    CHECK(c[2].status == cov::Status::no_target);
    CHECK(c[3].status == cov::Status::no_target);
    CHECK(c[4].status == cov::Status::no_data);  // households 0: reported, no data
    CHECK(c[5].status == cov::Status::no_data);
    // West: 1 of 2 developments, one more must comply; East: none judged.
    const auto& e = r.evals[0];
    CHECK(*e[W].value == 0.5);
    CHECK(e[W].status == cov::Status::missed);
    CHECK(e[W].gap == 1);
    CHECK(e[W].gap_text == "1 of 2 new developments provide 20 m2 per 100 households; 1 more must (see housing.csv)");
    CHECK_FALSE(e[E].value);
    CHECK(e[E].status == cov::Status::no_data);
    CHECK(*r.city[0].pooled.value == 0.5);
    // The development without households is reported, naming it and the field.
    bool reported = false;
    for (const auto& m : s.report.items())
        if (m.code == "housing_no_households") {
            reported = true;
            CHECK(m.field == "households");
            CHECK(m.feature.find("h5") != std::string::npos);
        }
    CHECK(reported);

    // housing.csv: one row per development, the shortfall in words.
    const std::string dir = lc::testing::drawn_scratch("housing_csv");
    std::filesystem::create_directories(dir);
    cov::write_housing_table(dir, s, r);
    std::ifstream in(dir + "/housing.csv");
    std::string line, all;
    int rows = -1;
    while (std::getline(in, line)) all += line + "\n", ++rows;
    CHECK(rows == 6);
    CHECK(all.find("h2,Estate h2,W,West,,2023,1000,150.0,200.0,15.00,missed,50.0 m2 short") != std::string::npos);
    CHECK(all.find("h3,Estate h3,E,East,,2020,200,,,,not-judged,not new in the year judged") != std::string::npos);
}

TEST_CASE("new housing: an indicator of the kind without a housing layer is warned about and has no data", "[housing][drawn]") {
    DrawnStudy d(R"(
A-------B
)", 25);
    d.road("AB");
    d.facility('A', "F1", "day_care");
    d.homes('B', "b", 10);
    const std::string dir = lc::testing::drawn_scratch("housing_missing");
    const std::string project = d.write(dir, "\n[targets]\npath = \"targets.toml\"\n");
    std::ofstream(dir + "/targets.toml") << R"([[indicator]]
id = "housing20"
kind = "new_housing_compliance"
area_field = "elderly_m2"
per_100_households = 20
targets = { 2025 = 1.0 }
)";
    auto [study, network] = cov::load_study_and_network(cov::load_project(project, {}));
    cov::load_study_targets(*study);
    bool found = false;
    for (const auto& m : study->report.items())
        if (m.code == "no_housing_layer" && m.level == geo::Level::warning && m.text.find("housing20") != std::string::npos) found = true;
    CHECK(found);
    CHECK_FALSE(study->report.has_errors());
}
