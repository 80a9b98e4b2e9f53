// The village / community level ([units]) on a drawn map, every figure worked out by hand:
// units nested in towns, a unit reaching into the neighbouring town (reported, its homes there
// counted for that town), homes in no unit (the town's remainder), and "share of units met".
// Walking at 4 km/h: 5 min = 333.3 m, 10 min = 666.7 m, 15 min = 1,000 m.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "coverage/analysis/analysis.hpp"
#include "coverage/report/unit_tables.hpp"
#include "tests/support/drawn_run.hpp"

using namespace lc;
using lc::testing::DrawnStudy;
using lc::testing::index_of;

namespace {

// 25 m per character: A 0 m, B 200, C 400, G 475, D 600, E 800, F 1,050.
// Towns: W = x -100..500, E = 500..1,150 (both y -100..100).
// Units: w1 = -100..300 (A, B), w2 = 350..450 (C), e1 = 450..950, y -150..150 (G, D, E):
// 50 x 200 m of e1's 500 x 300 m lie in W (6.7 %), so e1 belongs to E and crosses into W.
// F lies in no unit. A day-care centre at A.
DrawnStudy units_map() {
    DrawnStudy d(R"(
A-------B-------C--G----D-------E---------F
)", 25);
    d.road("ABCGDEF");
    d.facility('A', "F1", "day_care");
    d.homes('A', "a", 10), d.homes('B', "b", 20), d.homes('C', "c", 30), d.homes('G', "g", 5);
    d.homes('D', "d", 40), d.homes('E', "e", 50), d.homes('F', "f", 60);
    d.town("W", "West", 'A', 'C', 100);  // x -100..500
    d.town("E", "East", 'D', 'F', 100);  // x 500..1,150
    return d;
}

void draw_units(DrawnStudy& d, bool with_town_field) {
    d.unit("w1", "Unit w1", 'A', 'B', 100, with_town_field ? "W" : "");
    d.unit("w2", "Unit w2", 'C', 'C', 50, with_town_field ? "W" : "");
    d.unit("e1", "Unit e1", 'D', 'E', 150, with_town_field ? "E" : "");
}

const std::string kTargets = R"([meta]
default_year = 2025

[[indicator]]
id = "c10"
kind = "coverage_share"
facility_types = ["day_care"]
minutes = 10
targets = { 2025 = 0.5 }

[[indicator]]
id = "dc_every_unit"
kind = "count_at_least"
facility_types = ["day_care"]
form = "share_of_units_met"
unit_target = 1
targets = { 2025 = 1.0 }

[[indicator]]
id = "dc_per_town"
kind = "count_at_least"
facility_types = ["day_care"]
targets = { 2025 = 1 }
)";

lc::testing::DrawnRun run_units(bool with_town_field, const std::string& name) {
    DrawnStudy d = units_map();
    draw_units(d, with_town_field);
    return lc::testing::run_drawn(d, name, {}, "", "\n[targets]\npath = \"targets.toml\"\nyear = 2025\n", {{"targets.toml", kTargets}});
}

}  // namespace

TEST_CASE("units: nested in towns by area, sums, remainders, a unit across the border and share of units met", "[units][drawn]") {
    for (bool with_town_field : {false, true}) {
        INFO("units' town from " << (with_town_field ? "their town field" : "their area"));
        auto run = run_units(with_town_field, with_town_field ? "units_field" : "units_area");
        const cov::Study& s = *run.study;
        const cov::AnalysisResult& r = run.result;
        REQUIRE(s.has_units());
        const size_t W = index_of(*s.town_set, "W"), E = index_of(*s.town_set, "E");
        const size_t w1 = index_of(*s.unit_set, "w1"), w2 = index_of(*s.unit_set, "w2"), e1 = index_of(*s.unit_set, "e1");
        CHECK(s.unit_town[w1] == static_cast<int>(W));
        CHECK(s.unit_town[w2] == static_cast<int>(W));
        CHECK(s.unit_town[e1] == static_cast<int>(E));

        // Households: the units hold A+B, C, D+E; G (in e1 but in town W) and F (in no unit)
        // are their towns' remainders.
        CHECK(r.unit_facts[w1].households == 30);
        CHECK(r.unit_facts[w2].households == 30);
        CHECK(r.unit_facts[e1].households == 90);
        CHECK(r.remainder_facts[W].households == 5);
        CHECK(r.remainder_facts[E].households == 60);
        // A town's units plus its remainder are the town, for every circle too.
        for (size_t t : {W, E}) {
            double hh = r.remainder_facts[t].households;
            for (size_t u = 0; u < s.unit_set->size(); ++u)
                if (s.unit_town[u] == static_cast<int>(t)) hh += r.unit_facts[u].households;
            CHECK(hh == r.town_households[t]);
            for (size_t c = 0; c < r.circles_min.size(); ++c) {
                double covered = r.remainder_covered[c][t];
                for (size_t u = 0; u < s.unit_set->size(); ++u)
                    if (s.unit_town[u] == static_cast<int>(t)) covered += r.unit_covered[c][u];
                CHECK(covered == r.town_covered[c][t]);
            }
        }
        // Within 10 minutes (666.7 m) of A: A, B, C, G, D.
        CHECK(r.unit_covered[1][e1] == 40);
        CHECK(r.remainder_covered[1][W] == 5);

        // The crossing unit is reported: 6.7 % of its area, G's 5 households counted for W.
        REQUIRE(s.unit_crossings.size() == 1);
        CHECK(s.unit_crossings[0].unit == e1);
        CHECK(s.unit_crossings[0].other_town == static_cast<int>(W));
        CHECK(s.unit_crossings[0].area_share == Approx(10000.0 / 150000).epsilon(1e-3));
        CHECK(s.unit_crossings[0].weight_elsewhere == 5);
        bool reported = false;
        for (const auto& m : s.report.items())
            if (m.code == "unit_crosses_town_border") {
                reported = true;
                CHECK(m.text.find("6.7%") != std::string::npos);
                CHECK(m.text.find("5 households") != std::string::npos);
                CHECK(m.text.find("West") != std::string::npos);
            }
        CHECK(reported);

        // c10 per unit (target 0.5): w1 1.0 met, w2 1.0 met, e1 40/90 missed.
        REQUIRE(r.unit_evals.size() == 3);
        CHECK(*r.unit_evals[0][w1].value == 1.0);
        CHECK(r.unit_evals[0][w1].status == cov::Status::met);
        CHECK(*r.unit_evals[0][e1].value == Approx(40.0 / 90));
        CHECK(r.unit_evals[0][e1].status == cov::Status::missed);
        CHECK(r.units_met[0] == 2);
        CHECK(r.units_judged[0] == 3);
        // The towns keep their own figures: W 65/65, E 40/150.
        CHECK(*r.evals[0][W].value == 1.0);
        CHECK(*r.evals[0][E].value == Approx(40.0 / 150));

        // A day-care centre in every unit: only w1 has one. W: 1 of 2 units (0.5, one more
        // needed), E: 0 of 1, the city 1 of 3.
        const auto& every = r.evals[1];
        CHECK(*every[W].value == 0.5);
        CHECK(every[W].status == cov::Status::missed);
        CHECK(every[W].gap == 1);
        CHECK(every[W].gap_text == "1 of 2 villages and communities meet it; 1 more needed");
        CHECK(*every[E].value == 0.0);
        CHECK(*r.city[1].pooled.value == Approx(1.0 / 3));
        CHECK(r.city[1].pooled.status == cov::Status::missed);
        CHECK(r.city[1].pooled.gap == 2);
        // One centre per town is judged per town only: units get no target.
        CHECK(r.unit_evals[2][w1].status == cov::Status::no_target);
        CHECK(r.evals[2][W].status == cov::Status::met);
        CHECK(r.evals[2][E].status == cov::Status::missed);

        // units.csv: the rows of a town sum to the town (remainder rows included).
        const std::string dir = lc::testing::drawn_scratch(with_town_field ? "units_csv_field" : "units_csv_area");
        std::filesystem::create_directories(dir);
        cov::write_unit_tables(dir, s, r);
        std::ifstream in(dir + "/units.csv");
        std::string line;
        std::getline(in, line);
        CHECK(line.rfind("\xEF\xBB\xBFunit_id,unit_name,town_id,town_name,households", 0) == 0);
        std::map<std::string, double> town_sum;
        int rows = 0;
        while (std::getline(in, line)) {
            std::stringstream cells(line);
            std::string id, name, town, town_name, hh;
            std::getline(cells, id, ','), std::getline(cells, name, ','), std::getline(cells, town, ','), std::getline(cells, town_name, ',');
            std::getline(cells, hh, ',');
            town_sum[town] += std::stod(hh);
            ++rows;
        }
        CHECK(rows == 5);  // 3 units, 2 remainders
        CHECK(town_sum["W"] == 65);
        CHECK(town_sum["E"] == 150);
    }
}

TEST_CASE("units: a unit naming a town the towns layer lacks is an error naming the unit and field", "[units][drawn]") {
    DrawnStudy d = units_map();
    d.unit("w1", "Unit w1", 'A', 'B', 100, "W");
    d.unit("x1", "Unit x1", 'C', 'C', 50, "NOWHERE");
    const std::string dir = lc::testing::drawn_scratch("units_bad_town");
    const std::string project = d.write(dir);
    auto [study, network] = cov::load_study_and_network(cov::load_project(project, {}));
    bool found = false;
    for (const auto& m : study->report.items())
        if (m.code == "unknown_town") {
            found = true;
            CHECK(m.level == geo::Level::error);
            CHECK(m.field == "town");
            CHECK(m.layer == "units");
            CHECK(m.text.find("NOWHERE") != std::string::npos);
        }
    CHECK(found);
}

TEST_CASE("units: form share_of_units_met without unit_target is refused naming the key", "[units]") {
    const std::string dir = lc::testing::drawn_scratch("units_bad_targets");
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/t.toml") << R"([[indicator]]
id = "x"
kind = "count_at_least"
facility_types = ["day_care"]
form = "share_of_units_met"
targets = { 2025 = 1.0 }
)";
    try {
        cov::load_targets(dir + "/t.toml");
        FAIL("accepted");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find("unit_target") != std::string::npos);
    }
}
