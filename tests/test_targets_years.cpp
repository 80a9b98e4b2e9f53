// coverage/targets: which target holds in which year, strict comparators, per-year city
// targets and the pooled city value of a rate, on hand-made targets files and town facts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "coverage/study/study.hpp"
#include "coverage/analysis/indicators.hpp"

using namespace lc;
using S = cov::Status;

namespace {

// Writes `body` to a fresh targets file and loads it.
cov::TargetsFile targets_from(const std::string& body) {
    static int n = 0;
    auto path = std::filesystem::temp_directory_path() /
                ("lc_targets_" + std::to_string(::getpid()) + "_" + std::to_string(++n) + ".toml");
    {
        std::ofstream f(path);
        f << body;
    }
    struct Remove {
        std::filesystem::path p;
        ~Remove() { std::filesystem::remove(p); }
    } remove{path};
    return cov::load_targets(path.string());
}

std::string coverage_indicator(const std::string& targets, const std::string& extra = "") {
    return "[[indicator]]\nid = \"c15\"\nkind = \"coverage_share\"\nunit = \"share\"\nfacility_types = [\"day_care\"]\n"
           "minutes = 15\ntargets = " + targets + "\n" + extra;
}

cov::TownFacts town(double households, double covered) {
    cov::TownFacts f;
    f.households = households;
    f.covered_households["c15"] = covered;
    return f;
}

}  // namespace

TEST_CASE("a target holds from its own year on, and not before", "[targets]") {
    auto tf = targets_from(coverage_indicator("{ 2023 = 0.7, 2025 = 0.8 }"));
    const auto& ind = tf.indicators.at(0);
    CHECK_FALSE(ind.target_for(2021).has_value());
    CHECK_FALSE(ind.target_for(2022).has_value());
    CHECK(*ind.target_for(2023) == 0.7);
    CHECK(*ind.target_for(2024) == 0.7);
    CHECK(*ind.target_for(2025) == 0.8);
    CHECK(*ind.target_for(2030) == 0.8);

    // 2022: no target, said so, whatever the value.
    auto e = cov::evaluate(ind, town(100, 10), 2022);
    CHECK(e.status == S::no_target);
    CHECK_FALSE(e.target.has_value());
    CHECK(e.value == Approx(0.1));
    CHECK(e.gap == 0);
    CHECK(e.gap_text == "no target for 2022");
    CHECK(std::string(cov::to_string(e.status)) == "no-target");
    // 2024 is judged against 2023's 70 %: 75 of 100 covered meets it; 2025's 80 % does not.
    CHECK(cov::evaluate(ind, town(100, 75), 2024).status == S::met);
    auto e25 = cov::evaluate(ind, town(100, 75), 2025);
    CHECK(e25.status == S::missed);
    CHECK(e25.gap == 5);

    // Towns without a target for the year are not counted as towns with data in the roll-up.
    std::vector<cov::TownFacts> towns{town(100, 10), town(100, 90)};
    std::vector<cov::Evaluation> evals{cov::evaluate(ind, towns[0], 2022), cov::evaluate(ind, towns[1], 2022)};
    auto c = cov::roll_up(ind, towns, evals, 2022);
    CHECK(c.towns_with_data == 0);
    CHECK_FALSE(c.share_of_towns_met.has_value());
    CHECK(c.pooled.status == S::no_target);
}

TEST_CASE("strict comparators: '>' is not met at the target itself", "[targets]") {
    auto strict = targets_from(coverage_indicator("{ 2025 = 0.8 }", "comparator = \">\"\n")).indicators.at(0);
    auto at_least = targets_from(coverage_indicator("{ 2025 = 0.8 }")).indicators.at(0);
    // 80 of 100 covered: exactly the target.
    CHECK(cov::evaluate(at_least, town(100, 80), 2025).status == S::met);
    auto e = cov::evaluate(strict, town(100, 80), 2025);
    CHECK(e.status == S::missed);
    CHECK(e.comparator == ">");
    CHECK(e.gap == 1);  // 81 of 100 passes 80 %
    CHECK(cov::evaluate(strict, town(100, 81), 2025).status == S::met);
    // 79.5 of 100 (weights need not be whole): one more household gives 80.5, which passes 80.
    CHECK(cov::evaluate(strict, town(100, 79.5), 2025).gap == 1);
    CHECK(cov::evaluate(at_least, town(100, 79.5), 2025).gap == 1);
    // 7 of 10 computed in floating point meets ">= 0.7" and does not meet "> 0.7".
    auto strict70 = targets_from(coverage_indicator("{ 2025 = 0.7 }", "comparator = \">\"\n")).indicators.at(0);
    auto atleast70 = targets_from(coverage_indicator("{ 2025 = 0.7 }")).indicators.at(0);
    CHECK(cov::evaluate(atleast70, town(10, 7), 2025).status == S::met);
    CHECK(cov::evaluate(strict70, town(10, 7), 2025).status == S::missed);
    // '<' : a limit that must not be reached.
    auto below = targets_from(coverage_indicator("{ 2025 = 0.5 }", "comparator = \"<\"\n")).indicators.at(0);
    CHECK(cov::evaluate(below, town(100, 50), 2025).status == S::missed);
    CHECK(cov::evaluate(below, town(100, 49), 2025).status == S::met);
}

TEST_CASE("a year's target may carry its own comparator, as the plan's '＞80%' in 2023", "[targets]") {
    auto ind = targets_from(coverage_indicator("{ 2023 = \"> 0.8\", 2025 = 1.0 }")).indicators.at(0);
    CHECK(ind.comparator_for(2023) == ">");
    CHECK(ind.comparator_for(2024) == ">");
    CHECK(ind.comparator_for(2025) == ">=");
    CHECK(cov::evaluate(ind, town(10, 8), 2023).status == S::missed);
    CHECK(cov::evaluate(ind, town(10, 9), 2023).status == S::met);
    CHECK(cov::evaluate(ind, town(10, 9), 2025).status == S::missed);
    CHECK(cov::evaluate(ind, town(10, 10), 2025).status == S::met);
}

TEST_CASE("city roll-up targets are per year", "[targets]") {
    // Five towns, four of which have 90 % covered and one 10 %: 4 of 5 = 80 % of towns meet 50 %.
    auto ind = targets_from(coverage_indicator(
                                "{ 2021 = 0.5 }",
                                "city_rollup = { kind = \"share_of_towns_met\", target = { 2023 = \"> 0.8\", 2025 = 1.0 } }\n"))
                   .indicators.at(0);
    std::vector<cov::TownFacts> towns{town(100, 90), town(100, 90), town(100, 90), town(100, 90), town(100, 10)};
    auto roll = [&](int year) {
        std::vector<cov::Evaluation> evals;
        for (const auto& t : towns) evals.push_back(cov::evaluate(ind, t, year));
        return cov::roll_up(ind, towns, evals, year);
    };
    auto c22 = roll(2022);
    CHECK(c22.share_of_towns_met == Approx(0.8));
    CHECK_FALSE(c22.rollup_target.has_value());
    REQUIRE(c22.rollup_status);
    CHECK(*c22.rollup_status == S::no_target);
    auto c23 = roll(2023);
    REQUIRE(c23.rollup_target);
    CHECK(*c23.rollup_target == 0.8);
    CHECK(c23.rollup_comparator == ">");
    CHECK(*c23.rollup_status == S::missed);  // 80 % is not more than 80 %
    auto c25 = roll(2025);
    CHECK(*c25.rollup_target == 1.0);
    CHECK(*c25.rollup_status == S::missed);
    towns[4] = town(100, 60);
    CHECK(*roll(2023).rollup_status == S::met);
    CHECK(*roll(2025).rollup_status == S::met);

    // A plain number holds for every year.
    auto every = targets_from(coverage_indicator("{ 2021 = 0.5 }", "city_rollup = { kind = \"share_of_towns_met\", target = 0.6 }\n"))
                     .indicators.at(0);
    CHECK(*every.rollup_target_for(2021) == 0.6);
    CHECK(*every.rollup_target_for(2099) == 0.6);
}

TEST_CASE("the city value of a per-town rate is weighted by each town's denominator", "[targets]") {
    auto ind = targets_from(coverage_indicator("{ 2025 = 0.6 }")).indicators.at(0);
    // 90 of 100 and 450 of 900: the city has 540 of 1,000 covered (54 %), not the mean of the
    // rates (70 %) nor their sum (140 %).
    std::vector<cov::TownFacts> towns{town(100, 90), town(900, 450)};
    std::vector<cov::Evaluation> evals{cov::evaluate(ind, towns[0], 2025), cov::evaluate(ind, towns[1], 2025)};
    auto c = cov::roll_up(ind, towns, evals, 2025);
    REQUIRE(c.pooled.value);
    CHECK(*c.pooled.value == Approx(0.54));
    CHECK(c.pooled.status == S::missed);
    CHECK(c.pooled.gap == 60);  // 600 of 1,000 needed
}

TEST_CASE("the city value of a town figure is its weighted mean, not the sum of the towns' values", "[targets]") {
    // Volunteer coverage rate per town (a statistics column): 0.9 in a town of 100 households,
    // 0.5 in one of 300. Weighted by households: (90 + 150) / 400 = 0.6; the old sum was 1.4
    // ("met" against 0.8). Weighted by a stats column (centres: 10 and 10): 0.7. Summed on
    // request (city_value = "sum", for per-town counts the city adds up): 1.4.
    const std::string body = R"(
[[indicator]]
id = "vol"
kind = "town_value"
stat = "rate"
comparator = ">="
targets = { 2025 = 0.8 }
)";
    auto facts = [](double hh, double rate, double centres) {
        cov::TownFacts f;
        f.households = hh;
        f.stats["rate"] = rate;
        f.stats["centres"] = centres;
        return f;
    };
    std::vector<cov::TownFacts> towns{facts(100, 0.9, 10), facts(300, 0.5, 10)};
    auto city = [&](const std::string& extra) {
        auto ind = targets_from(body + extra).indicators.at(0);
        std::vector<cov::Evaluation> evals{cov::evaluate(ind, towns[0], 2025), cov::evaluate(ind, towns[1], 2025)};
        return cov::roll_up(ind, towns, evals, 2025);
    };
    auto by_households = city("");
    REQUIRE(by_households.pooled.value);
    CHECK(*by_households.pooled.value == Approx(0.6));
    CHECK(by_households.pooled.status == S::missed);
    auto by_centres = city("weight_stat = \"centres\"\n");
    REQUIRE(by_centres.pooled.value);
    CHECK(*by_centres.pooled.value == Approx(0.7));
    auto summed = city("city_value = \"sum\"\n");
    REQUIRE(summed.pooled.value);
    CHECK(*summed.pooled.value == Approx(1.4));
    // A town without the figure (or without weight) is left out of the mean, not counted as 0.
    towns[1].stats.erase("rate");
    auto one = city("");
    REQUIRE(one.pooled.value);
    CHECK(*one.pooled.value == Approx(0.9));
    towns[0].stats.erase("rate");
    CHECK_FALSE(city("").pooled.value);
    CHECK(city("").pooled.status == S::no_data);
}

TEST_CASE("bad target values are refused, naming the indicator and key", "[targets]") {
    auto refuses = [](const std::string& body, const std::string& fragment) {
        INFO(body);
        try {
            targets_from(body);
            FAIL("accepted");
        } catch (const std::runtime_error& e) {
            CHECK_THAT(e.what(), Catch::Contains(fragment));
            CHECK_THAT(e.what(), Catch::Contains("c15"));
        }
    };
    refuses(coverage_indicator("{ 2023 = \"about 0.8\" }"), "key 'targets'");
    refuses(coverage_indicator("{ 2023 = \"=> 0.8\" }"), "key 'targets'");
    refuses(coverage_indicator("{ 2023 = nan }"), "finite");
    refuses(coverage_indicator("{ 2023 = inf }"), "finite");
    refuses(coverage_indicator("{ \"20x3\" = 0.8 }"), "not a year");
    refuses(coverage_indicator("0.8"), "key 'targets'");
    refuses(coverage_indicator("{ 2023 = 0.8 }", "comparator = \"=>\"\n"), "key 'comparator'");
    refuses(coverage_indicator("{ 2023 = 0.8 }", "city_rollup = { kind = \"share_of_towns_met\", target = 1.5 }\n"),
            "city_rollup.target");
    refuses(coverage_indicator("{ 2023 = 0.8 }", "city_rollup = { kind = \"share_of_towns_met\" }\n"), "city_rollup.target");
    refuses(coverage_indicator("{ 2023 = 0.8 }", "city_rollup = { kind = \"share_of_towns_met\", target = { 2023 = \"x\" } }\n"),
            "city_rollup.target");
}

TEST_CASE("a statistics cell is a number only when all of it is one", "[targets]") {
    CHECK(*cov::parse_stat_number("6000") == 6000);
    CHECK(*cov::parse_stat_number(" 12.5 ") == 12.5);
    CHECK(*cov::parse_stat_number("-3") == -3);
    CHECK(*cov::parse_stat_number("1e4") == 10000);
    CHECK_FALSE(cov::parse_stat_number("6k"));  // not a silent 6
    CHECK_FALSE(cov::parse_stat_number("12,000"));
    CHECK_FALSE(cov::parse_stat_number(""));
    CHECK_FALSE(cov::parse_stat_number("n/a"));
    CHECK_FALSE(cov::parse_stat_number("nan"));
    CHECK_FALSE(cov::parse_stat_number("inf"));
    CHECK_FALSE(cov::parse_stat_number("1e999"));
}

TEST_CASE("per_population: beds per 1,000 elderly from a demand field, pooled over towns with people", "[targets]") {
    auto tf = targets_from(
        "[[indicator]]\nid = \"beds\"\nkind = \"per_population\"\nunit = \"per_1000\"\nfacility_types = [\"home\"]\n"
        "attribute = \"beds\"\npopulation_field = \"elderly\"\nper = 1000\ntargets = { 2021 = 35 }\n");
    const auto& ind = tf.indicators.at(0);
    auto town_with = [](double beds, double elderly) {
        cov::TownFacts f;
        f.households = 100;
        f.attribute_sum["home"]["beds"] = beds;
        f.demand_sum["elderly"] = elderly;
        return f;
    };
    // 60 beds for 2,000 elderly: 30 per 1,000; 35 needs 70 beds: 10 more.
    auto a = town_with(60, 2000);
    auto e = cov::evaluate(ind, a, 2025);
    REQUIRE(e.value);
    CHECK(*e.value == Approx(30));
    CHECK(e.status == S::missed);
    CHECK(e.gap == 10);
    CHECK(e.gap_text == "needs 10 more (30.00 of 35.00 per 1,000)");
    // 80 beds for 1,000 elderly: met. No elderly at all: no data, never infinity.
    auto b = town_with(80, 1000), c = town_with(5, 0);
    CHECK(cov::evaluate(ind, b, 2025).status == S::met);
    auto ec = cov::evaluate(ind, c, 2025);
    CHECK(ec.status == S::no_data);
    CHECK_FALSE(ec.value);
    // City: (60 + 80 + 5) beds / (2,000 + 1,000 + 0) elderly = 48.33 per 1,000.
    std::vector<cov::TownFacts> towns{a, b, c};
    std::vector<cov::Evaluation> evals;
    for (const auto& t : towns) evals.push_back(cov::evaluate(ind, t, 2025));
    auto city = cov::roll_up(ind, towns, evals, 2025);
    REQUIRE(city.pooled.value);
    CHECK(*city.pooled.value == Approx(145.0 / 3000 * 1000));
    // A stats population missing in a town leaves the whole town out of the city value.
    auto st = targets_from(
        "[[indicator]]\nid = \"w\"\nkind = \"per_population\"\nunit = \"per_100\"\nfacility_types = [\"home\"]\n"
        "population_stat = \"pop\"\nper = 100\ntargets = { 2021 = 1 }\n");
    cov::TownFacts x, y;
    x.count["home"] = 3, x.stats["pop"] = 200.0;
    y.count["home"] = 5, y.stats["pop"] = std::nullopt;
    std::vector<cov::TownFacts> xy{x, y};
    std::vector<cov::Evaluation> exy{cov::evaluate(st.indicators[0], x, 2025), cov::evaluate(st.indicators[0], y, 2025)};
    CHECK(*cov::roll_up(st.indicators[0], xy, exy, 2025).pooled.value == Approx(1.5));  // 3 / 200 * 100
    CHECK(exy[1].status == S::no_data);
    // Exactly one population source.
    CHECK_THROWS_WITH(targets_from("[[indicator]]\nid = \"z\"\nkind = \"per_population\"\nfacility_types = [\"home\"]\ntargets = { 2021 = 1 }\n"),
                      Catch::Contains("population_stat"));
    CHECK_THROWS_WITH(targets_from(coverage_indicator("{ 2021 = 1 }", "per = 100\n")), Catch::Contains("only for kind per_population"));
}

TEST_CASE("city_total: a city-wide count against the city's target, towns only contribute", "[targets]") {
    auto tf = targets_from(
        "[[indicator]]\nid = \"hubs\"\nkind = \"city_total\"\nunit = \"count\"\nfacility_types = [\"hub\"]\n"
        "targets = { 2025 = 100 }\n");
    const auto& ind = tf.indicators.at(0);
    std::vector<cov::TownFacts> towns(3);
    towns[0].count["hub"] = 40, towns[1].count["hub"] = 32, towns[2].count["other"] = 9;
    std::vector<cov::Evaluation> evals;
    for (const auto& t : towns) evals.push_back(cov::evaluate(ind, t, 2025));
    // A town is never judged against the city's 100: its share is shown, with no target.
    CHECK(evals[0].status == S::no_target);
    CHECK_FALSE(evals[0].target);
    REQUIRE(evals[0].value);
    CHECK(*evals[0].value == 40);
    CHECK(evals[2].gap_text == "city-wide target only; the town has 0");
    // The city: 72 of 100, 28 more needed.
    auto city = cov::roll_up(ind, towns, evals, 2025);
    REQUIRE(city.pooled.value);
    CHECK(*city.pooled.value == 72);
    CHECK(city.pooled.status == S::missed);
    CHECK(city.pooled.gap == 28);
    CHECK(city.pooled.gap_text == "needs 28 more city-wide (72 of 100)");
    CHECK(city.towns_with_data == 0);
    // Before the target year: no target, for the city too.
    CHECK(cov::roll_up(ind, towns, evals, 2023).pooled.status == S::no_target);
    // A sum of an attribute (beds) works the same way.
    auto beds = targets_from(
        "[[indicator]]\nid = \"beds\"\nkind = \"city_total\"\nunit = \"count\"\nfacility_types = [\"home\"]\nattribute = \"beds\"\n"
        "targets = { 2021 = 500 }\n");
    std::vector<cov::TownFacts> b(2);
    b[0].attribute_sum["home"]["beds"] = 300, b[1].attribute_sum["home"]["beds"] = 250;
    std::vector<cov::Evaluation> eb{cov::evaluate(beds.indicators[0], b[0], 2025), cov::evaluate(beds.indicators[0], b[1], 2025)};
    CHECK(cov::roll_up(beds.indicators[0], b, eb, 2025).pooled.status == S::met);
}
