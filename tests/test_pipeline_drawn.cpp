// The real pipeline (GeoJSON layers -> project file -> load_study_and_network -> TravelModel ->
// analyze) on street maps drawn in ASCII, with answers worked out by hand. Walking at 4 km/h:
// 1 m takes 0.9 s, so the circles are 5 min = 333.3 m, 10 min = 666.7 m, 15 min = 1,000 m.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "coverage/analysis/analysis.hpp"
#include "coverage/analysis/site_study.hpp"
#include "coverage/siting/solve.hpp"
#include "coverage/study/travel.hpp"
#include "tests/support/drawn_run.hpp"

using namespace lc;
using lc::testing::DrawnStudy;

namespace {

using Run = lc::testing::DrawnRun;

Run run(const DrawnStudy& drawn, const std::string& name, std::vector<std::string> sets = {}, const std::string& scenario = "",
        const std::string& extra_toml = "", const std::vector<std::pair<std::string, std::string>>& files = {}) {
    return lc::testing::run_drawn(drawn, name, sets, scenario, extra_toml, files);
}

constexpr double kSecondsPerMetre = 0.9;  // 4 km/h

}  // namespace

TEST_CASE("drawn map: one street, homes at 300, 700 and 1,100 m from a day-care centre", "[pipeline][drawn]") {
    DrawnStudy d(R"(
A-----B-------C-------D
)", 50);
    d.road("ABCD");
    d.facility('A', "F1", "day_care");
    d.homes('B', "h300", 10), d.homes('C', "h700", 20), d.homes('D', "h1100", 30);
    Run r = run(d, "street");
    REQUIRE(r.result.circles_min == std::vector<double>{5, 10, 15});
    CHECK(r.result.nearest_s[r.home("h300")] == Approx(300 * kSecondsPerMetre).margin(0.2));
    CHECK(r.result.nearest_s[r.home("h700")] == Approx(700 * kSecondsPerMetre).margin(0.2));
    CHECK(r.result.nearest_s[r.home("h1100")] == Approx(1100 * kSecondsPerMetre).margin(0.2));
    // 5 and 10 minutes: only the home at 300 m (700 m is 10.5 min); 15 minutes: 300 and 700 m.
    CHECK(r.town_share(0, 0) == Approx(10.0 / 60));
    CHECK(r.town_share(1, 0) == Approx(10.0 / 60));
    CHECK(r.town_share(2, 0) == Approx(30.0 / 60));
    CHECK(r.result.covered[2][r.home("h1100")] == 0);
}

TEST_CASE("drawn map: across the river is 100 m as the crow flies but 1,800 m on foot", "[pipeline][drawn]") {
    // The only bridge is B-D at the far end: A -> B -> D -> C is 850 + 100 + 850 m.
    DrawnStudy d(R"(
A----------------B

C----------------D
)", 50);
    d.road("AB"), d.road("BD"), d.road("DC");
    d.facility('A', "F1", "day_care");
    d.homes('C', "across", 40);
    d.homes('B', "bridge_end", 10);
    Run net = run(d, "river");
    CHECK(net.result.nearest_s[net.home("across")] == Approx(1800 * kSecondsPerMetre).margin(0.5));
    CHECK(net.result.covered[2][net.home("across")] == 0);  // 27 minutes away
    CHECK(net.result.covered[2][net.home("bridge_end")] == 1);  // 850 m
    CHECK(net.town_share(2, 0) == Approx(10.0 / 50));
    // In straight-line mode (x 1.3 detour) the same home is 130 m away: covered, which is what
    // a buffer analysis would wrongly claim.
    Run straight = run(d, "river_straight", {"travel.mode=straight", "travel.detour_factor=1.3"});
    CHECK(straight.result.nearest_s[straight.home("across")] == Approx(130 * kSecondsPerMetre).margin(0.2));
    CHECK(straight.result.covered[0][straight.home("across")] == 1);
}

TEST_CASE("drawn map: the walk from the door to the street counts", "[pipeline][drawn]") {
    // H is 150 m and K 250 m south of the street's end B (800 m from the centre at A): 950 m
    // (covered within 15 minutes) and 1,050 m (not covered).
    DrawnStudy d(R"(
A---------------B


                H

                K
)", 50);
    d.road("AB");
    d.facility('A', "F1", "day_care");
    d.homes('H', "h150", 7), d.homes('K', "k250", 3);
    Run r = run(d, "door");
    const auto& snaps = r.travel->demand_snaps();
    CHECK(snaps[r.home("h150")].dist_m == Approx(150).margin(0.2));
    CHECK(snaps[r.home("k250")].dist_m == Approx(250).margin(0.2));
    CHECK(r.result.nearest_s[r.home("h150")] == Approx(950 * kSecondsPerMetre).margin(0.5));
    CHECK(r.result.nearest_s[r.home("k250")] == Approx(1050 * kSecondsPerMetre).margin(0.5));
    CHECK(r.result.covered[2][r.home("h150")] == 1);
    CHECK(r.result.covered[2][r.home("k250")] == 0);
    CHECK(r.town_share(2, 0) == Approx(0.7));
}

TEST_CASE("drawn map: two towns, a centre in the west reaches homes in the east, count per town against the target",
          "[pipeline][drawn]") {
    // West town around A (x within 150 m), east town from 150 m to 750 m. The centre at A reaches
    // B (300 m, east) within 5 minutes but not C (600 m).
    DrawnStudy d(R"(
A-----B-----C
)", 50);
    d.road("ABC");
    d.facility('A', "F1", "day_care");
    d.homes('A', "west", 5), d.homes('B', "east300", 10), d.homes('C', "east600", 20);
    d.town("W", "West", 'A', 'A', 150);
    d.town("E", "East", 'B', 'C', 150);
    const std::string targets = R"([meta]
default_year = 2025

[[indicator]]
id = "daycare"
kind = "count_at_least"
facility_types = ["day_care"]
targets = { 2025 = 1 }

[[indicator]]
id = "c5"
kind = "coverage_share"
facility_types = ["day_care"]
minutes = 5
targets = { 2025 = 0.5 }
)";
    Run r = run(d, "towns_targets", {}, "", "\n[targets]\npath = \"targets.toml\"\nyear = 2025\n", {{"targets.toml", targets}});
    REQUIRE(r.study->town_set->size() == 2);
    const size_t west = r.study->town_set->id(0) == "W" ? 0 : 1, east = 1 - west;
    CHECK(r.result.town_households[west] == 5);
    CHECK(r.result.town_households[east] == 30);
    CHECK(r.town_share(0, west) == 1.0);
    CHECK(r.town_share(0, east) == Approx(10.0 / 30));
    REQUIRE(r.result.targets);
    const auto& count = r.result.evals[0];
    CHECK(count[west].status == cov::Status::met);
    CHECK(count[east].status == cov::Status::missed);
    CHECK(count[east].gap_text == "0 of 1 required");
    const auto& c5 = r.result.evals[1];
    CHECK(*c5[east].value == Approx(1.0 / 3));
    CHECK(c5[east].gap == 5);  // half of 30 households: 15, 10 are covered
    // The city: 15 of 35 households within 5 minutes, pooled (not the mean of 1.0 and 0.33).
    CHECK(*r.result.city[1].pooled.value == Approx(15.0 / 35));
}

TEST_CASE("drawn map: a planned centre counts from its plan year on", "[pipeline][drawn]") {
    DrawnStudy d(R"(
A-----B-------C-------D
)", 50);
    d.road("ABCD");
    d.facility('A', "F1", "day_care");
    d.facility('D', "F2", "day_care", "planned_2025");
    d.homes('D', "far", 30), d.homes('B', "near", 10);
    Run existing = run(d, "planned_existing");
    CHECK(existing.result.covered[2][existing.home("far")] == 0);
    Run y2023 = run(d, "planned_2023", {}, "2023");
    CHECK(y2023.result.covered[2][y2023.home("far")] == 0);
    Run y2025 = run(d, "planned_2025", {}, "2025");
    CHECK(y2025.result.covered[0][y2025.home("far")] == 1);
    CHECK(y2025.result.nearest_s[y2025.home("far")] == Approx(0).margin(0.01));
    CHECK(y2025.town_share(2, 0) == 1.0);
}

TEST_CASE("drawn map: a 15-minute-level centre does not count toward the 5-minute circle (GB 50180)", "[pipeline][drawn]") {
    // The same home 300 m away: within 5 minutes of walking, but an elderly-service complex is a
    // 15-minute-level facility, so only a day-care centre puts it in the 5-minute circle.
    DrawnStudy d(R"(
A-----B
)", 50);
    d.road("AB");
    d.facility('A', "C1", "elderly_service_complex");
    d.homes('B', "home", 12);
    Run complex_only = run(d, "level_complex");
    const size_t h = complex_only.home("home");
    CHECK(complex_only.result.nearest_s[h] == Approx(270).margin(0.2));
    CHECK(complex_only.result.covered[0][h] == 0);
    CHECK(complex_only.result.covered[1][h] == 0);
    CHECK(complex_only.result.covered[2][h] == 1);
    d.facility('A', "D1", "day_care");
    Run with_day_care = run(d, "level_daycare");
    CHECK(with_day_care.result.covered[0][with_day_care.home("home")] == 1);
}

TEST_CASE("drawn map: a T-junction: the centre down the side street reaches both arms", "[pipeline][drawn]") {
    // D is 150 m down the side street from the junction B; A and C are 300 m along each arm.
    DrawnStudy d(R"(
A-----B-----C
      |
      |
      D
)", 50);
    d.road("ABC"), d.road("BD");
    d.facility('D', "F1", "day_care");
    d.homes('A', "west", 10), d.homes('B', "junction", 5), d.homes('C', "east", 20);
    Run r = run(d, "tjunction");
    CHECK(r.result.nearest_s[r.home("junction")] == Approx(150 * kSecondsPerMetre).margin(0.2));
    CHECK(r.result.nearest_s[r.home("west")] == Approx(450 * kSecondsPerMetre).margin(0.3));
    CHECK(r.result.nearest_s[r.home("east")] == Approx(450 * kSecondsPerMetre).margin(0.3));
    CHECK(r.town_share(0, 0) == Approx(5.0 / 35));  // 5 min = 333 m: the junction only
    CHECK(r.town_share(1, 0) == 1.0);               // 10 min = 667 m: everyone
}

TEST_CASE("drawn map: a cul-de-sac just past the cutoff", "[pipeline][drawn]") {
    // 10 m per character: B is 990 m from the centre (14.85 min), the dead end C 1,010 m (15.15).
    DrawnStudy d("\nA" + std::string(98, '-') + "B-C\n", 10);
    d.road("ABC");
    d.facility('A', "F1", "day_care");
    d.homes('B', "before", 8), d.homes('C', "dead_end", 2);
    Run r = run(d, "culdesac");
    CHECK(r.result.nearest_s[r.home("before")] == Approx(990 * kSecondsPerMetre).margin(0.3));
    CHECK(r.result.nearest_s[r.home("dead_end")] == Approx(1010 * kSecondsPerMetre).margin(0.3));
    CHECK(r.result.covered[2][r.home("before")] == 1);
    CHECK(r.result.covered[2][r.home("dead_end")] == 0);
    CHECK(r.town_share(2, 0) == Approx(0.8));
}

TEST_CASE("drawn map: a centre on an island of road is flagged and reaches nobody on the main network", "[pipeline][drawn]") {
    // 100 m per character. E-F is a path on its own, 1,700 m south of the main street A-G-H:
    // beyond snap_far_m (1,600 m), so the centre at E is on an island (2 nodes, under
    // min_component_nodes = 3) and the home at H can only be reached from A (1,200 m).
    DrawnStudy d("\nA-----G-----H" + std::string(17, '\n') + "            E-F\n", 100);
    d.road("AG"), d.road("GH"), d.road("EF");
    d.facility('A', "main", "day_care");
    d.facility('E', "island", "day_care");
    d.homes('H', "home", 10);
    Run r = run(d, "island", {"network.min_component_nodes=3"});
    const auto& status = r.travel->facility_status();
    REQUIRE(status.size() == 2);
    const size_t main_row = r.study->facility_id(0) == "main" ? 0 : 1;
    CHECK(status[main_row] == "ok");
    CHECK(status[1 - main_row] == "island");
    CHECK(r.result.nearest[r.home("home")] == int32_t(main_row));
    CHECK(r.result.nearest_s[r.home("home")] == Approx(1200 * kSecondsPerMetre).margin(0.5));
    CHECK(r.result.covered[2][r.home("home")] == 0);  // 18 minutes
}

TEST_CASE("drawn map: a tie between two centres goes to the first one in the file", "[pipeline][drawn]") {
    // Two centres in the same building at A, the home 300 m away: exactly equal times.
    DrawnStudy d(R"(
A-----B
)", 50);
    d.road("AB");
    d.facility('A', "listed_first", "day_care");
    d.facility('A', "listed_second", "day_care");
    d.homes('B', "home", 10);
    Run r = run(d, "tie");
    CHECK(r.result.nearest_s[r.home("home")] == Approx(300 * kSecondsPerMetre).margin(0.2));
    CHECK(r.study->facility_id(static_cast<size_t>(r.result.nearest[r.home("home")])) == "listed_first");
}

TEST_CASE("drawn map: site picks the candidate that covers the most uncovered households", "[pipeline][drawn][siting]") {
    // 600 m between letters. The centre at A covers B (600 m). Uncovered: C 40, D 30, E 20.
    // Candidate C reaches B..D (new 70), D reaches C..E (new 90), E reaches D..E (new 50).
    DrawnStudy d(R"(
A-----------B-----------C-----------D-----------E
)", 50);
    d.road("ABCDE");
    d.facility('A', "F1", "day_care");
    d.homes('B', "b", 10), d.homes('C', "c", 40), d.homes('D', "dd", 30), d.homes('E', "e", 20);
    d.candidate('C', "cand_C"), d.candidate('D', "cand_D"), d.candidate('E', "cand_E");
    Run r = run(d, "site");
    cov::SiteRequest req;
    req.facility_types = {"day_care"};
    req.minutes = 15;
    req.candidates_path = (std::filesystem::path(r.study->project.file).parent_path() / "candidates.geojson").string();
    req.candidates_id = "id";
    cov::SiteStudy ss = cov::build_site_study(*r.study, *r.travel, req, cov::Scenario{});
    REQUIRE(ss.problem.candidate_count == 3);
    cov::SitingOptions opt;
    opt.k = 2;
    for (auto solver : {cov::Solver::greedy, cov::Solver::exact}) {
        const cov::SitingResult res = cov::solve(cov::Problem::mclp, solver, ss.problem, opt);
        REQUIRE_FALSE(res.chosen.empty());
        CHECK(ss.candidates.label[res.chosen[0]] == "cand_D");
        CHECK(res.before_weight == 10);
        CHECK(res.cumulative[0] == 90);     // D alone covers everyone left
        CHECK(res.after_weight == 100);
    }
}

TEST_CASE("drawn map: costs from the data - a length field, a time field, class speeds", "[pipeline][drawn][network]") {
    // A-B is 500 m drawn; its feature says 1,000 m (a planar length from the GIS office, or a
    // detour the drawing simplifies). B-C is 500 m with no value: geodesic, and reported.
    DrawnStudy d(R"(
A---------B---------C
)", 50);
    d.road("AB", "footway", R"("len_m": 1000, "mins": 5)");
    d.road("BC", "footway");
    d.facility('A', "F1", "day_care");
    d.homes('B', "hB", 10), d.homes('C', "hC", 10);
    Run plain = run(d, "cost_plain");
    CHECK(plain.result.nearest_s[plain.home("hB")] == Approx(500 * kSecondsPerMetre).margin(0.2));
    Run len = run(d, "cost_length", {"network.length_field=len_m"});
    CHECK(len.result.nearest_s[len.home("hB")] == Approx(1000 * kSecondsPerMetre).margin(0.2));
    CHECK(len.result.nearest_s[len.home("hC")] == Approx(1500 * kSecondsPerMetre).margin(0.2));
    CHECK(len.study->report.count_code("cost_field_missing") == 1);
    // A time field wins over length / speed: 5 minutes for A-B whatever its length.
    Run time = run(d, "cost_time", {"network.time_field=mins"});
    CHECK(time.result.nearest_s[time.home("hB")] == Approx(300).margin(0.2));
    CHECK(time.result.nearest_s[time.home("hC")] == Approx(300 + 500 * kSecondsPerMetre).margin(0.3));
    // Class speeds from the project file: footways at 2 km/h double every time.
    Run slow = run(d, "cost_speeds", {}, "", "\n[network.speeds]\nfootway = 2\n");
    CHECK(slow.result.nearest_s[slow.home("hB")] == Approx(2 * 500 * kSecondsPerMetre).margin(0.3));
}

TEST_CASE("drawn map: circles by distance and at an elderly walking speed, side by side with the time circle", "[pipeline][drawn]") {
    // Homes at 300, 700 and 1,100 m. 15 minutes at 4 km/h is 1,000 m: 300 and 700 m (30 of 60).
    // 15 minutes at 2.5 km/h is 625 m: only 300 m (10 of 60). 750 m as a distance: 300 and 700 m.
    DrawnStudy d(R"(
A-----B-------C-------D
)", 50);
    d.road("ABCD");
    d.facility('A', "F1", "day_care");
    d.homes('B', "h300", 10), d.homes('C', "h700", 20), d.homes('D', "h1100", 30);
    const std::string circle = "kind = \"coverage_share\"\nunit = \"share\"\nfacility_types = [\"day_care\"]\ntargets = { 2025 = 0.5 }\n";
    const std::string targets = "[[indicator]]\nid = \"t15\"\nminutes = 15\n" + circle + "\n[[indicator]]\nid = \"slow15\"\nminutes = 15\nspeed_kmh = 2.5\n" +
                                circle + "\n[[indicator]]\nid = \"m750\"\nmetres = 750\n" + circle;
    Run r = run(d, "speeds", {}, "", "\n[targets]\npath = \"targets.toml\"\nyear = 2025\n", {{"targets.toml", targets}});
    REQUIRE(r.result.targets);
    auto value = [&](const std::string& id) {
        for (size_t k = 0; k < r.result.targets->indicators.size(); ++k)
            if (r.result.targets->indicators[k].id == id) return r.result.evals[k][0].value.value_or(-1);
        return -1.0;
    };
    CHECK(value("t15") == Approx(30.0 / 60));
    CHECK(value("slow15") == Approx(10.0 / 60));
    CHECK(value("m750") == Approx(30.0 / 60));
}
