// coverage/: the analysis on a study small enough to compute by hand (tests/data/fixtures/small).
//
// Straight-line mode: 4 km/h = 66.667 m/min, detour 1.3, so the circles' straight radii are
// 5 min: 256.4 m, 10 min: 512.8 m, 15 min: 769.2 m. Levels: day_care 5, elderly_service_complex 15.
// Town A = x 500000..501000, town B = x 501000..502000 (y 5200000..5201000).
//   D1 (100 hh, A) 200 m from F1 (day care)           -> circles 5, 10, 15
//   D2 ( 50 hh, A) 400 m from F1                      -> circles 10, 15
//   D3 ( 30 hh, A) 700 m from F1, 600 m from F2 (complex, level 15) -> circle 15 only (F2)
//   D4 ( 80 hh, B) 400 m from F2                      -> circle 15 only (F2 does not count for 5/10)
//   D5 ( 40 hh, B) 565.7 m from F2                    -> circle 15
//   D6 ( 10 hh) 800 m north of town A                 -> no town
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "coverage/study/travel.hpp"
#include "coverage/analysis/analysis.hpp"
#include "coverage/study/study.hpp"

using namespace lc;

namespace {
std::string fixture(const std::string& f) { return std::string(LC_SOURCE_DIR) + "/tests/data/fixtures/small/" + f; }

struct Run {
    std::unique_ptr<cov::Study> study;
    std::unique_ptr<cov::TravelModel> travel;
    cov::AnalysisResult result;
    size_t indicator(const std::string& id) const {
        for (size_t i = 0; i < result.targets->indicators.size(); ++i)
            if (result.targets->indicators[i].id == id) return i;
        FAIL("no indicator " << id);
        return 0;
    }
};

Run run(const std::string& scenario = "", std::vector<std::string> sets = {}) {
    Run r;
    r.study = cov::load_study(cov::load_project(fixture("project.toml"), sets));
    r.travel = std::make_unique<cov::TravelModel>(*r.study, nullptr, r.study->report);
    cov::AnalysisOptions o;
    o.scenario = cov::Scenario::parse(scenario);
    r.result = cov::analyze(*r.study, *r.travel, o);
    return r;
}
}  // namespace

TEST_CASE("coverage per household against hand-computed circles", "[analysis]") {
    Run r = run();
    const auto& res = r.result;
    REQUIRE(res.circles_min == std::vector<double>{5, 10, 15});
    // covered[circle][demand], demand order D1..D6
    CHECK(res.covered[0] == std::vector<uint8_t>{1, 0, 0, 0, 0, 0});
    CHECK(res.covered[1] == std::vector<uint8_t>{1, 1, 0, 0, 0, 0});
    CHECK(res.covered[2] == std::vector<uint8_t>{1, 1, 1, 1, 1, 0});
    // Nearest main facility of D3 is F2 (row 1) at 600 m * 1.3 / (4000/60 m/min) = 11.7 min.
    CHECK(res.nearest[2] == 1);
    CHECK(res.nearest_s[2] / 60 == Approx(600 * 1.3 / (4000.0 / 60)));
    CHECK(res.nearest[0] == 0);
    CHECK(res.nearest_s[0] / 60 == Approx(200 * 1.3 / (4000.0 / 60)));
    // D6 is 800 m north of town A's edge: in no town, its households in no town.
    CHECK(r.study->dem_town[5].town == -1);
    CHECK(res.outside_households == 10);
    CHECK(res.town_households == std::vector<double>{180, 120});
    CHECK(res.town_covered[0] == std::vector<double>{100, 0});
    CHECK(res.town_covered[1] == std::vector<double>{150, 0});
    CHECK(res.town_covered[2] == std::vector<double>{180, 120});
}

TEST_CASE("every indicator kind: value, status and gap on the fixture", "[analysis]") {
    Run r = run();
    const auto& ev = r.result.evals;
    auto check = [&](const std::string& id, size_t town, std::optional<double> value, cov::Status status, double gap) {
        INFO(id << " town " << town);
        const auto& e = ev[r.indicator(id)][town];
        REQUIRE(e.value.has_value() == value.has_value());
        if (value) CHECK(*e.value == Approx(*value));
        CHECK(e.status == status);
        CHECK(e.gap == Approx(gap));
    };
    using S = cov::Status;
    check("circle15", 0, 1.0, S::met, 0);
    check("circle15", 1, 1.0, S::met, 0);
    check("circle10", 0, 150.0 / 180, S::missed, 12);  // ceil(0.9*180 - 150)
    check("circle10", 1, 0.0, S::missed, 108);         // ceil(0.9*120)
    check("area", 0, 300.0 / 180 * 100, S::missed, 60);  // 200*180/100 - 300 m2
    check("area", 1, 1000.0 / 120 * 100, S::met, 0);
    check("daycare", 0, 1, S::met, 0);
    check("daycare", 1, 0, S::missed, 1);
    check("workers", 0, 15, S::missed, 3);  // 15 per 10k of 10,000 residents; needs 18
    check("workers", 1, 20, S::met, 0);
    check("nursing", 0, std::nullopt, S::no_data, 0);  // no institution in A
    check("nursing", 1, 0.5, S::missed, 5);            // ceil(0.55*100 - 50)
    check("volunteers", 0, 0.5, S::missed, 1);  // C1 has V1 10 m away; C2 has none
    check("volunteers", 1, 1.0, S::met, 0);     // C3 is named by V2's host_id
    check("workers_cap", 1, 40, S::missed, 10);  // comparator <=
    CHECK(ev[r.indicator("daycare")][1].gap_text == "0 of 1 required");
    CHECK(ev[r.indicator("area")][0].gap_text.find("needs 60 m2 more") == 0);
    // City roll-up: one of two towns has a day-care centre, against 60% of towns.
    const auto& city = r.result.city[r.indicator("daycare")];
    CHECK(city.share_of_towns_met == Approx(0.5));
    REQUIRE(city.rollup_status);
    CHECK(*city.rollup_status == S::missed);
    // Pooled city values are the sums of both towns.
    CHECK(*r.result.city[r.indicator("area")].pooled.value == Approx(1300.0 / 300 * 100));
    // The year picks the target: 2023's area target is 100 m2 per 100 households, met by town A.
    Run y2023 = run("", {"targets.year=2023"});
    CHECK(y2023.result.evals[y2023.indicator("area")][0].status == S::met);
}

TEST_CASE("scenarios add planned facilities", "[analysis]") {
    Run base = run();
    Run plan = run("2025");
    // F3 (planned_2025 day care, 50 m from D4) makes town B meet the day-care indicator and puts D4 in the 5-minute circle.
    CHECK(base.result.active[2] == 0);
    CHECK(plan.result.active[2] == 1);
    CHECK(plan.result.evals[plan.indicator("daycare")][1].status == cov::Status::met);
    CHECK(plan.result.covered[0][3] == 1);
    CHECK(plan.result.town_covered[0][1] == 80);
    Run y2023 = run("2023");  // planned_2025 is not there yet in 2023
    CHECK(y2023.result.active[2] == 0);
    CHECK_THROWS(cov::Scenario::parse("someday"));
}

TEST_CASE("facility without a type and towns with zero households give no NaN", "[analysis]") {
    Run r = run();
    CHECK(r.study->report.count_code("no_type") == 1);
    CHECK(r.result.active[8] == 0);  // X1 has an empty type
    // A town with no households and no facilities: ratios become no-data, never NaN.
    cov::TownFacts nobody;
    for (const auto& ind : r.result.targets->indicators) {
        auto e = cov::evaluate(ind, nobody, 2025);
        if (ind.kind == "coverage_share" || ind.kind == "area_per_100_households" || ind.kind == "attribute_ratio")
            CHECK(e.status == cov::Status::no_data);
        if (e.value) CHECK(std::isfinite(*e.value));
        CHECK(std::isfinite(e.gap));
    }
}

// analyze and site read the layers on one thread while the network is built on another.
TEST_CASE("load_study_and_network: the same study and network as loading them in turn, errors", "[analysis][network]") {
    const std::string path = std::string(LC_SOURCE_DIR) + "/data/liechtenstein/project.toml";
    const cov::Project p = cov::load_project(path, {});
    const cov::StudyAndNetwork both = cov::load_study_and_network(p);
    const auto study = cov::load_study(p);
    const auto network = cov::load_network(p, study->metric_epsg, study->report);
    REQUIRE(both.study);
    REQUIRE(both.network);
    CHECK(both.study->metric_epsg == study->metric_epsg);
    CHECK(both.study->demand->size() == study->demand->size());
    CHECK(both.study->facilities->size() == study->facilities->size());
    CHECK(both.network->graph.node_xy.size() == network->graph.node_xy.size());
    CHECK(both.network->graph.link_length_m == network->graph.link_length_m);
    CHECK(both.network->graph.first_out == network->graph.first_out);
    // The network's messages are in the study's report, as after load_network.
    CHECK(both.study->report.items().size() == study->report.items().size());

    // A network that cannot be read: its error, naming the file.
    const cov::Project bad_net = cov::load_project(path, {"network.path=no_such_roads.osm.pbf"});
    CHECK_THROWS_WITH(cov::load_study_and_network(bad_net), Catch::Contains("no_such_roads.osm.pbf"));
    // Both broken: the study's own error comes first, as when its layers are read alone.
    const cov::Project bad_both = cov::load_project(path, {"network.path=no_such_roads.osm.pbf", "facilities.path=no_such_facilities.geojson"});
    CHECK_THROWS_WITH(cov::load_study_and_network(bad_both), Catch::Contains("no_such_facilities.geojson"));
    // Towns that cannot be read: no metric CRS, so no network is started; the towns' error.
    const cov::Project bad_towns = cov::load_project(path, {"towns.path=no_such_towns.geojson"});
    CHECK_THROWS_WITH(cov::load_study_and_network(bad_towns), Catch::Contains("no_such_towns.geojson"));
}

TEST_CASE("indicator filters give the numbers of a run on pre-filtered layers", "[analysis][filter]") {
    // The same circle twice: plainly, and with a demand filter and a facility filter. Against a
    // run whose layers are filtered up front ([demand] / [facilities] where), the filtered
    // indicator must give the same value, per town and for the city.
    const auto dir = std::filesystem::temp_directory_path() / ("lc_filter_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string targets = (dir / "targets.toml").string();
    {
        std::ofstream t(targets);
        t << "[[indicator]]\nid = \"plain\"\nkind = \"coverage_share\"\nunit = \"share\"\nfacility_types = [\"day_care\", \"elderly_service_complex\"]\n"
             "minutes = 15\ntargets = { 2025 = 0.9 }\n\n"
             "[[indicator]]\nid = \"only\"\nkind = \"coverage_share\"\nunit = \"share\"\nfacility_types = [\"day_care\", \"elderly_service_complex\"]\n"
             "minutes = 15\nfilter = \"households >= 50\"\nfacility_filter = \"id <> 'F2'\"\ntargets = { 2025 = 0.9 }\n";
    }
    Run filtered = run("", {"targets.path=" + targets});
    Run prefiltered = run("", {"targets.path=" + targets, "demand.where=households >= 50", "facilities.where=id <> 'F2'"});
    const size_t only = filtered.indicator("only"), plain = prefiltered.indicator("plain");
    const size_t nt = filtered.study->town_set->size();
    REQUIRE(nt == prefiltered.study->town_set->size());
    for (size_t t = 0; t < nt; ++t) {
        INFO("town " << t);
        const auto& a = filtered.result.evals[only][t];
        const auto& b = prefiltered.result.evals[plain][t];
        CHECK(a.value.has_value() == b.value.has_value());
        if (a.value && b.value) CHECK(*a.value == Approx(*b.value));
        CHECK(a.status == b.status);
    }
    REQUIRE(filtered.result.city[only].pooled.value);
    CHECK(*filtered.result.city[only].pooled.value == Approx(*prefiltered.result.city[plain].pooled.value));
    // The filters changed something (else the test would prove nothing).
    CHECK(*filtered.result.city[only].pooled.value != Approx(*filtered.result.city[filtered.indicator("plain")].pooled.value));
    // A bad expression is refused when the targets are loaded, naming the indicator.
    {
        std::ofstream t(targets);
        t << "[[indicator]]\nid = \"bad\"\nkind = \"coverage_share\"\nunit = \"share\"\nfacility_types = [\"day_care\"]\n"
             "minutes = 15\nfilter = \"no_such_field = 1\"\ntargets = { 2025 = 0.9 }\n";
    }
    auto study = cov::load_study(cov::load_project(fixture("project.toml"), {"targets.path=" + targets}));
    cov::load_study_targets(*study);
    CHECK(study->report.count_code("bad_filter") == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("population groups: one run with households and the elderly gives each run's own numbers", "[analysis][weights]") {
    // The Dongguan sample counts households, and older people through [demand] weights. Its
    // per-100-household figures must be those of a run that knows only households, and its
    // elderly circle that of a run whose only weight is the elderly field.
    const std::string project = std::string(LC_SOURCE_DIR) + "/data/dongguan/project.toml";
    auto run_with = [&](const std::vector<std::string>& sets) {
        Run r;
        r.study = cov::load_study(cov::load_project(project, sets));
        r.travel = std::make_unique<cov::TravelModel>(*r.study, nullptr, r.study->report);
        r.result = cov::analyze(*r.study, *r.travel, cov::AnalysisOptions{});
        return r;
    };
    Run both = run_with({});
    REQUIRE(both.study->dem_group_weight.count("elderly"));
    // Households only: the groups' table dropped (an empty table), the elderly indicator refused
    // for lack of its group, so it is left out of this targets file by a filter on ids below.
    Run households = run_with({"demand.weights={}"});
    Run elderly_only = run_with({"demand.weights={}", "demand.weight=elderly_60plus"});
    const size_t nt = both.study->town_set->size();
    REQUIRE(nt == 33);
    size_t compared = 0;
    for (const char* id : {"elderly_facility_area_per_100hh", "community_facility_area_per_100hh", "home_care_circle_15min"}) {
        const size_t a = both.indicator(id), b = households.indicator(id);
        for (size_t t = 0; t < nt; ++t) {
            INFO(id << " town " << t);
            const auto& x = both.result.evals[a][t];
            const auto& y = households.result.evals[b][t];
            REQUIRE(x.value.has_value() == y.value.has_value());
            if (x.value) {
                CHECK(*x.value == *y.value);
                ++compared;
            }
            CHECK(x.gap_text == y.gap_text);
        }
    }
    CHECK(compared >= 60);
    // The elderly circle of the combined run = the household circle of the elderly-only run.
    const size_t e = both.indicator("home_care_circle_15min_elderly"), h = elderly_only.indicator("home_care_circle_15min");
    for (size_t t = 0; t < nt; ++t) {
        INFO("town " << t);
        const auto& x = both.result.evals[e][t];
        const auto& y = elderly_only.result.evals[h][t];
        REQUIRE(x.value.has_value() == y.value.has_value());
        if (x.value) CHECK(*x.value == Approx(*y.value).epsilon(1e-12));
        CHECK(x.status == y.status);
        CHECK(x.gap == Approx(y.gap));
    }
    CHECK(*both.result.city[e].pooled.value == Approx(*elderly_only.result.city[h].pooled.value).epsilon(1e-12));
    // The groups differ (else the test proves nothing), and the gap text counts older people.
    CHECK(*both.result.city[e].pooled.value != Approx(*both.result.city[both.indicator("home_care_circle_15min")].pooled.value));
    bool people = false;
    for (size_t t = 0; t < nt; ++t) people = people || both.result.evals[e][t].gap_text.find("older people outside the 15-minute circle") != std::string::npos;
    CHECK(people);
}

TEST_CASE("population groups: an unknown group or a group on the wrong kind is refused", "[analysis][weights]") {
    const std::string project = std::string(LC_SOURCE_DIR) + "/data/dongguan/project.toml";
    auto study = cov::load_study(cov::load_project(project, {"demand.weights={}"}));
    cov::load_study_targets(*study);
    CHECK(study->report.count_code("unknown_weight") == 1);
    CHECK_THROWS_WITH(cov::load_study(cov::load_project(project, {"demand.weights.elderly=no_such_field"})),
                      Catch::Contains("field named by [demand] weights.elderly does not exist"));
    CHECK_THROWS_WITH(cov::load_project(project, {"demand.weights.households=households"}), Catch::Contains("households: is the [demand] weight itself"));
    const auto dir = std::filesystem::temp_directory_path() / ("lc_weights_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string targets = (dir / "targets.toml").string();
    std::ofstream(targets) << "[[indicator]]\nid = \"m2\"\nkind = \"area_per_100_households\"\nunit = \"m2_per_100_households\"\n"
                              "facility_types = [\"day_care\"]\narea_field = \"floor_area_m2\"\nweight = \"elderly\"\ntargets = { 2025 = 20 }\n";
    CHECK_THROWS_WITH(cov::load_targets(targets), Catch::Contains("key 'weight': only for kind coverage_share"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("facility filters on counting kinds give the numbers of a run on pre-filtered facilities", "[analysis][filter]") {
    // Counts, floor area per 100 households and a city total, plainly and with facility_filter
    // "floor_area_m2 < 350" (F1 300 m2 passes; F2 1,000 m2 does not), against a run
    // whose facilities layer is filtered up front ([facilities] where).
    const auto dir = std::filesystem::temp_directory_path() / ("lc_ffilter_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string targets = (dir / "targets.toml").string();
    const std::string types = "facility_types = [\"day_care\", \"elderly_service_complex\"]\n";
    auto write = [&](const std::string& filter) {
        std::ofstream t(targets);
        for (const char* kind : {"count_at_least", "area_per_100_households", "city_total"}) {
            const std::string k = kind;
            t << "[[indicator]]\nid = \"" << k << "\"\nkind = \"" << k << "\"\nunit = \"" << (k == "area_per_100_households" ? "m2_per_100_households" : "count")
              << "\"\n" << types << (k == "area_per_100_households" ? "area_field = \"floor_area_m2\"\n" : "")
              << (filter.empty() ? "" : "facility_filter = \"" + filter + "\"\n") << "targets = { 2025 = 1 }\n\n";
        }
    };
    write("floor_area_m2 < 350");
    Run filtered = run("", {"targets.path=" + targets});
    write("");
    Run prefiltered = run("", {"targets.path=" + targets, "facilities.where=floor_area_m2 < 350"});
    Run plain = run("", {"targets.path=" + targets});
    const size_t nt = filtered.study->town_set->size();
    for (const char* id : {"count_at_least", "area_per_100_households", "city_total"}) {
        const size_t a = filtered.indicator(id), b = prefiltered.indicator(id);
        for (size_t t = 0; t < nt; ++t) {
            INFO(id << " town " << t);
            const auto& x = filtered.result.evals[a][t];
            const auto& y = prefiltered.result.evals[b][t];
            REQUIRE(x.value.has_value() == y.value.has_value());
            if (x.value) CHECK(*x.value == Approx(*y.value));
            CHECK(x.status == y.status);
        }
        const auto& pa = filtered.result.city[a].pooled.value;
        const auto& pb = prefiltered.result.city[b].pooled.value;
        REQUIRE(pa.has_value() == pb.has_value());  // count_at_least has no pooled city value
        if (pa) CHECK(*pa == Approx(*pb));
        CHECK(filtered.result.city[a].towns_met == prefiltered.result.city[b].towns_met);
    }
    // By hand: of the existing F1 (day care, 300 m2) and F2 (complex, 1,000 m2) only F1 passes
    // (F3 is planned for 2025, outside the existing scenario).
    CHECK(*filtered.result.city[filtered.indicator("city_total")].pooled.value == 1);
    CHECK(*plain.result.city[plain.indicator("city_total")].pooled.value == 2);
    // A filter on a kind without facilities to count is refused.
    {
        std::ofstream t(targets);
        t << "[[indicator]]\nid = \"v\"\nkind = \"town_value\"\nunit = \"count\"\nstat = \"x\"\nfacility_filter = \"id = 'F1'\"\ntargets = { 2025 = 1 }\n";
    }
    CHECK_THROWS_WITH(cov::load_targets(targets), Catch::Contains("facility_filter"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("demand filters on area per 100 households and per population give the numbers of a run on a pre-filtered layer",
          "[analysis][filter]") {
    // Floor area per 100 households (its households) and beds per 1,000 older people (the
    // population field) with filter "households >= 500", against the same indicators on a run
    // whose demand layer is filtered up front ([demand] where): per town, per village /
    // community and for the city. The Dongguan sample has units and a population field.
    const std::string project = std::string(LC_SOURCE_DIR) + "/data/dongguan/project.toml";
    const auto dir = std::filesystem::temp_directory_path() / ("lc_dfilter_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string targets = (dir / "targets.toml").string();
    auto write = [&](const std::string& filter) {
        std::ofstream t(targets);
        const std::string f = filter.empty() ? "" : "filter = \"" + filter + "\"\n";
        t << "[meta]\ndefault_year = 2025\n\n"
             "[[indicator]]\nid = \"m2\"\nkind = \"area_per_100_households\"\nunit = \"m2_per_100_households\"\n"
             "facility_types = [\"day_care\", \"elderly_service_complex\", \"elderly_canteen\"]\narea_field = \"floor_area_m2\"\n"
          << f << "targets = { 2025 = 20 }\n\n"
             "[[indicator]]\nid = \"beds\"\nkind = \"per_population\"\nunit = \"per_1000\"\nfacility_types = [\"elderly_institution\"]\n"
             "attribute = \"beds\"\npopulation_field = \"elderly_60plus\"\nper = 1000\n"
          << f << "targets = { 2025 = 35 }\n\n"
             "[[indicator]]\nid = \"places\"\nkind = \"per_population\"\nunit = \"per_1000\"\nfacility_types = [\"day_care\"]\n"
             "population_field = \"population\"\nper = 10000\n"
          << f << "facility_filter = \"capacity >= 20\"\ntargets = { 2025 = 1 }\n";
    };
    auto run_with = [&](const std::vector<std::string>& sets) {
        Run r;
        r.study = cov::load_study(cov::load_project(project, sets));
        r.travel = std::make_unique<cov::TravelModel>(*r.study, nullptr, r.study->report);
        r.result = cov::analyze(*r.study, *r.travel, cov::AnalysisOptions{});
        return r;
    };
    write("households >= 500");
    Run filtered = run_with({"targets.path=" + targets});
    write("");
    Run prefiltered = run_with({"targets.path=" + targets, "demand.where=households >= 500"});
    Run plain = run_with({"targets.path=" + targets});
    REQUIRE(filtered.study->has_units());
    const size_t nt = filtered.study->town_set->size(), nu = filtered.study->unit_set->size();
    REQUIRE(nt == prefiltered.study->town_set->size());
    REQUIRE(nu == prefiltered.study->unit_set->size());
    REQUIRE(prefiltered.study->demand->size() < filtered.study->demand->size());  // the filter drops rows
    auto same = [](const cov::Evaluation& x, const cov::Evaluation& y) {
        REQUIRE(x.value.has_value() == y.value.has_value());
        if (x.value) CHECK(*x.value == Approx(*y.value).epsilon(1e-12));
        CHECK(x.status == y.status);
        CHECK(x.gap == Approx(y.gap).epsilon(1e-12));
        CHECK(x.gap_text == y.gap_text);
    };
    for (const char* id : {"m2", "beds", "places"}) {
        const size_t a = filtered.indicator(id), b = prefiltered.indicator(id);
        size_t valued = 0;
        for (size_t t = 0; t < nt; ++t) {
            INFO(id << " town " << t);
            same(filtered.result.evals[a][t], prefiltered.result.evals[b][t]);
            valued += filtered.result.evals[a][t].value.has_value();
        }
        CHECK(valued >= 10);
        for (size_t u = 0; u < nu; ++u) {
            INFO(id << " unit " << u);
            same(filtered.result.unit_evals[a][u], prefiltered.result.unit_evals[b][u]);
        }
        INFO(id << " city");
        REQUIRE(filtered.result.city[a].pooled.value);
        same(filtered.result.city[a].pooled, prefiltered.result.city[b].pooled);
        CHECK(filtered.result.city[a].towns_met == prefiltered.result.city[b].towns_met);
        CHECK(filtered.result.units_met[a] == prefiltered.result.units_met[b]);
        // The filter changed the number (else the test would prove nothing).
        CHECK(*filtered.result.city[a].pooled.value != Approx(*plain.result.city[plain.indicator(id)].pooled.value));
    }
    // A filter on a rate whose population is a statistics column is refused: the demand rows do
    // not make that population.
    {
        std::ofstream t(targets);
        t << "[[indicator]]\nid = \"p\"\nkind = \"per_population\"\nunit = \"per_1000\"\nfacility_types = [\"day_care\"]\n"
             "population_stat = \"population_2020\"\nfilter = \"households >= 500\"\ntargets = { 2025 = 1 }\n";
    }
    CHECK_THROWS_WITH(cov::load_targets(targets), Catch::Contains("key 'filter': only for kinds that count demand rows"));
    {
        std::ofstream t(targets);
        t << "[[indicator]]\nid = \"n\"\nkind = \"count_at_least\"\nunit = \"count\"\nfacility_types = [\"day_care\"]\n"
             "filter = \"households >= 500\"\ntargets = { 2025 = 1 }\n";
    }
    CHECK_THROWS_WITH(cov::load_targets(targets), Catch::Contains("key 'filter': only for kinds that count demand rows"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("a demand filter on area per 100 households counts the households of the rows passing it", "[analysis][filter]") {
    // By hand on the fixture, filter "households >= 50": town A keeps D1 (100) and D2 (50), not
    // D3 (30): 300 m2 of F1 per 150 households = 200 per 100; town B keeps D4 (80), not D5 (40):
    // F2's 1,000 m2 per 80 households = 1,250 per 100. City: 1,300 m2 per 230 households.
    // per_population over the same rows: 1 day-care centre per 150 households of A, x 1000.
    const auto dir = std::filesystem::temp_directory_path() / ("lc_dfilter_small_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string targets = (dir / "targets.toml").string();
    std::ofstream(targets) << "[[indicator]]\nid = \"m2\"\nkind = \"area_per_100_households\"\nunit = \"m2_per_100_households\"\n"
                              "facility_types = [\"day_care\", \"elderly_service_complex\"]\narea_field = \"floor_area_m2\"\n"
                              "filter = \"households >= 50\"\ntargets = { 2025 = 250 }\n\n"
                              "[[indicator]]\nid = \"dc\"\nkind = \"per_population\"\nunit = \"per_1000\"\nfacility_types = [\"day_care\"]\n"
                              "population_field = \"households\"\nfilter = \"households >= 50\"\ntargets = { 2025 = 10 }\n";
    Run r = run("", {"targets.path=" + targets});
    const auto& m2 = r.result.evals[r.indicator("m2")];
    CHECK(*m2[0].value == Approx(300.0 / 150 * 100));
    CHECK(m2[0].status == cov::Status::missed);
    CHECK(m2[0].gap == Approx(250.0 * 150 / 100 - 300));  // 75 m2 more
    CHECK(m2[0].gap_text.find("needs 75 m2 more") == 0);
    CHECK(*m2[1].value == Approx(1000.0 / 80 * 100));
    CHECK(*r.result.city[r.indicator("m2")].pooled.value == Approx(1300.0 / 230 * 100));
    const auto& dc = r.result.evals[r.indicator("dc")];
    CHECK(*dc[0].value == Approx(1.0 / 150 * 1000));
    CHECK(*dc[1].value == 0);  // no day-care centre in B, 80 households pass
    CHECK(*r.result.city[r.indicator("dc")].pooled.value == Approx(1.0 / 230 * 1000));
    std::filesystem::remove_all(dir);
}
