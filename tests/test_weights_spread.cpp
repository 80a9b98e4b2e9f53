// [demand] weights with `stat`: a population group from the town statistics, spread over each
// town's demand rows in proportion to their households ([demand] weights in the project.toml
// header), on a drawn map with every figure worked out by hand.
// Walking at 4 km/h; the indicator's circle is 500 m.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "coverage/analysis/analysis.hpp"
#include "tests/support/drawn_run.hpp"

using namespace lc;
using lc::testing::DrawnStudy;
using lc::testing::index_of;

namespace {

// 25 m per character: A 0 m, B 200, C 400, D 600, E 800, F 1,600; N 1,200 m east, 50 m south.
// Towns: W = x -50..250 (A, B), M = 350..650 (C, D), E = 750..850 (E), N = 1,180..1,220 around
// N (no homes). F lies in no town (380 m from N, beyond the 200 m assignment tolerance).
// Households: A 10, B 30 (W 40), C 20, D 60 (M 80), E 50, F 5. A day-care centre at A.
DrawnStudy spread_map() {
    DrawnStudy d(R"(
A-------B-------C-------D-------E-------------------------------F

                                                N
)", 25);
    d.road("ABCDEF");
    d.facility('A', "F1", "day_care");
    d.homes('A', "a", 10), d.homes('B', "b", 30), d.homes('C', "c", 20), d.homes('D', "d", 60);
    d.homes('E', "e", 50), d.homes('F', "f", 5);
    d.town("W", "West", 'A', 'B', 50);
    d.town("M", "Middle", 'C', 'D', 50);
    d.town("E", "East", 'E', 'E', 50);
    d.town("N", "North", 'N', 'N', 20);
    return d;
}

// Older people per town: W 8, M 24, E blank (households but no figure), N 7 (a figure but no
// households: cannot be placed).
const std::string kStats = "code,elderly\nW,8\nM,24\nE,\nN,7\n";

const std::string kTargets = R"([meta]
default_year = 2025

[[indicator]]
id = "old500"
kind = "coverage_share"
facility_types = ["day_care"]
metres = 500
weight = "elderly"
targets = { 2025 = 0.5 }

[[indicator]]
id = "hh500"
kind = "coverage_share"
facility_types = ["day_care"]
metres = 500
targets = { 2025 = 0.5 }
)";

const std::string kExtra = "\n[stats]\npath = \"stats.csv\"\nkey = \"code\"\n\n[targets]\npath = \"targets.toml\"\nyear = 2025\n";

}  // namespace

TEST_CASE("weights from the statistics: each town's figure spread over its households, sums, coverage and warnings", "[weights][drawn]") {
    auto run = lc::testing::run_drawn(spread_map(), "spread", {"demand.weights.elderly.stat=elderly"}, "", kExtra,
                                      {{"stats.csv", kStats}, {"targets.toml", kTargets}});
    const cov::Study& s = *run.study;
    const cov::AnalysisResult& r = run.result;
    const size_t W = index_of(*s.town_set, "W"), M = index_of(*s.town_set, "M"), E = index_of(*s.town_set, "E"), N = index_of(*s.town_set, "N");
    REQUIRE(s.dem_group_weight.count("elderly"));
    const std::vector<double>& old = s.dem_group_weight.at("elderly");

    // Row by row: the town's figure x the row's households / the town's households.
    CHECK(old[run.home("a")] == Approx(8.0 * 10 / 40));
    CHECK(old[run.home("b")] == Approx(8.0 * 30 / 40));
    CHECK(old[run.home("c")] == Approx(24.0 * 20 / 80));
    CHECK(old[run.home("d")] == Approx(24.0 * 60 / 80));
    CHECK(old[run.home("e")] == 0);  // E has no figure
    CHECK(s.dem_town[run.home("f")].town == -1);
    CHECK(old[run.home("f")] == 0);  // in no town
    // Per town the rows sum to the statistic (none where the town has no figure; N's 7 cannot
    // be placed: it has no rows).
    std::vector<double> sum(s.town_set->size(), 0.0);
    for (size_t d = 0; d < old.size(); ++d)
        if (s.dem_town[d].town >= 0) sum[static_cast<size_t>(s.dem_town[d].town)] += old[d];
    CHECK(sum[W] == Approx(8).epsilon(1e-12));
    CHECK(sum[M] == Approx(24).epsilon(1e-12));
    CHECK(sum[E] == 0);
    CHECK(sum[N] == 0);

    // Warnings naming the town and the column.
    REQUIRE(s.report.count_code("weight_stat_missing") == 1);
    REQUIRE(s.report.count_code("weight_stat_unplaced") == 1);
    for (const auto& m : s.report.items()) {
        if (m.code == "weight_stat_missing") {
            CHECK(m.level == geo::Level::warning);
            CHECK(m.text == "town E East has households but no figure in column 'elderly' ([demand] weights.elderly): its demand rows count 0 older people");
        }
        if (m.code == "weight_stat_unplaced") {
            CHECK(m.level == geo::Level::warning);
            CHECK(m.text == "town N North has 7 in column 'elderly' ([demand] weights.elderly) but no households to spread them over: these older people are counted nowhere");
        }
    }

    // The circle of 500 m from A holds A, B and C (D is 600 m away). Spread in proportion to
    // households, a town's elderly share is its household share: W 8 of 8 (40 of 40), M 6 of 24
    // (20 of 80). E has households but no older people counted: no data for the elderly share.
    const size_t old500 = 0, hh500 = 1;
    REQUIRE(r.targets->indicators[old500].id == "old500");
    const auto& e = r.evals[old500];
    CHECK(*e[W].value == Approx(1.0));
    CHECK(e[W].status == cov::Status::met);
    CHECK(*e[M].value == Approx(6.0 / 24));
    CHECK(*e[M].value == Approx(*r.evals[hh500][M].value));
    CHECK(*r.evals[hh500][M].value == Approx(20.0 / 80));
    CHECK(e[M].status == cov::Status::missed);
    CHECK(e[M].gap == 6);  // ceil(0.5 x 24 - 6)
    CHECK(e[M].gap_text == "18 older people outside the 500 m circle; 6 more must be covered");
    CHECK(e[M].gap_text_zh == "18 名老年人在500米服务圈外，需再覆盖 6 名老年人");
    CHECK(e[E].status == cov::Status::no_data);
    CHECK(*r.evals[hh500][E].value == 0);
    CHECK(e[N].status == cov::Status::no_data);
    // The city counts people, so the towns weigh by their statistic: (8 + 6) / (8 + 24), not the
    // household share (40 + 20) / 170.
    CHECK(*r.city[old500].pooled.value == Approx(14.0 / 32));
    CHECK(*r.city[hh500].pooled.value == Approx(60.0 / 170));
}

TEST_CASE("weights from the statistics: both field and stat, an unknown column or no statistics table are refused", "[weights][drawn]") {
    const std::string dir = lc::testing::drawn_scratch("spread_bad");
    const std::string project = spread_map().write(dir, kExtra);
    std::ofstream(dir + "/stats.csv") << kStats;
    std::ofstream(dir + "/targets.toml") << kTargets;
    CHECK_THROWS_WITH(cov::load_project(project, {"demand.weights.elderly.stat=elderly", "demand.weights.elderly.field=households"}),
                      Catch::Contains("project.toml: [demand] weights: elderly: give field (a demand field per row) or stat") &&
                          Catch::Contains("not both"));
    CHECK_THROWS_WITH(cov::load_project(project, {"demand.weights.elderly.zh=x"}), Catch::Contains("[demand] weights: elderly: expected"));
    CHECK_THROWS_WITH(cov::load_study(cov::load_project(project, {"demand.weights.elderly.stat=elderly_60plus"})),
                      Catch::Contains("project.toml: [demand] weights: elderly: stat 'elderly_60plus' is not a column of") &&
                          Catch::Contains("stats.csv; its columns are: code, elderly"));
    CHECK_THROWS_WITH(cov::load_study(cov::load_project(project, {"demand.weights.elderly.stat=code"})),
                      Catch::Contains("stat 'code': column of") && Catch::Contains("holds no number for any town"));
    const std::string no_stats = spread_map().write(dir + "_nostats");
    CHECK_THROWS_WITH(cov::load_study(cov::load_project(no_stats, {"demand.weights.elderly.stat=elderly"})),
                      Catch::Contains("[demand] weights: elderly: stat 'elderly' needs the town statistics table ([stats] path)"));
    std::filesystem::remove_all(dir);
    std::filesystem::remove_all(dir + "_nostats");
}
