// Served vs reached, floating-catchment accessibility and equity: hand-worked fixtures, the real
// pipeline on drawn maps, and property tests on generated networks against an independent
// computation (one single-source search per facility through TravelModel::nearest).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>
#include <unistd.h>

#include "coverage/analysis/analysis.hpp"
#include "coverage/analysis/service.hpp"
#include "coverage/analysis/site_study.hpp"
#include "coverage/study/travel.hpp"
#include "tests/support/drawn_run.hpp"

using namespace lc;
using cov::ReachPair;
using lc::testing::DrawnStudy;

namespace {

using Run = lc::testing::DrawnRun;

Run run(const DrawnStudy& drawn, const std::string& name, const std::vector<std::string>& sets) {
    return lc::testing::run_drawn(drawn, "service_" + name, sets);
}

// Street A..E, 50 m per character: B 400 m, C 900 m, D 1,400 m, E 1,800 m from A. The 15-minute
// catchment is 1,000 m: F1 at A reaches h1 (B) and h2 (C); F2 at E reaches h2 (900 m) and h3 (D).
DrawnStudy three_homes_two_centres(double cap1, double cap2) {
    DrawnStudy d(R"(
A-------B---------C---------D-------E
)", 50);
    d.road("ABCDE");
    d.facility('A', "F1", "elderly_service_complex", "existing", cap1);
    d.facility('E', "F2", "elderly_service_complex", "existing", cap2);
    d.homes('B', "h1", 100), d.homes('C', "h2", 200), d.homes('D', "h3", 50);
    return d;
}

}  // namespace

TEST_CASE("nearest-first serving leaves a known remainder and does not depend on pair order", "[service]") {
    // F0 holds 25 places, F1 10. Nearest pairs first: (F1,d2,1 min) serves d2's 10 and fills F1;
    // (F0,d0,2) serves d0's 20; (F0,d1,3) gives d1 the last 5 of F0; (F1,d0,5) finds F1 full.
    std::vector<ReachPair> pairs{{0, 0, 2}, {1, 0, 5}, {0, 1, 3}, {1, 2, 1}};
    const std::vector<double> capacity{25, 10}, weight{20, 10, 10};
    for (int shuffle = 0; shuffle < 6; ++shuffle) {
        std::next_permutation(pairs.begin(), pairs.end(), [](const ReachPair& a, const ReachPair& b) {
            return std::tie(a.facility, a.demand) < std::tie(b.facility, b.demand);
        });
        const cov::Allocation a = cov::allocate_nearest_first(pairs, capacity, weight);
        CHECK(a.served == std::vector<double>{20, 5, 10});
        CHECK(a.load == std::vector<double>{25, 10});
    }
    // Ties in time go to the lower facility row, then the lower demand row.
    const cov::Allocation tie = cov::allocate_nearest_first({{1, 0, 4}, {0, 0, 4}}, {3, 3}, {4});
    CHECK(tie.load == std::vector<double>{3, 1});
}

TEST_CASE("drawn map: 2SFCA ratios and scores worked by hand (3 homes x 2 centres)", "[service][drawn]") {
    Run r = run(three_homes_two_centres(30, 50), "2sfca", {"facilities.capacity=capacity"});
    const auto& res = r.result;
    REQUIRE(res.access.method == cov::AccessMethod::two_step);
    REQUIRE(res.access_catchment_min == 15);
    // R1 = 30 / (100 + 200) = 0.1, R2 = 50 / (200 + 50) = 0.2.
    CHECK(res.facility_ratio[0] == Approx(0.1));
    CHECK(res.facility_ratio[1] == Approx(0.2));
    // A(h1) = R1, A(h2) = R1 + R2, A(h3) = R2.
    CHECK(res.access_score[r.home("h1")] == Approx(0.1));
    CHECK(res.access_score[r.home("h2")] == Approx(0.3));
    CHECK(res.access_score[r.home("h3")] == Approx(0.2));
    // Sum of P_i A_i = 10 + 60 + 10 = 80 = S1 + S2; the town's mean is 80 / 350.
    CHECK(res.access_supply_reaching == Approx(80));
    REQUIRE(res.town_access[0]);
    CHECK(*res.town_access[0] == Approx(80.0 / 350));

    // Served within 15 minutes, nearest first: h1 (400 m from F1) and h3 (400 m from F2) come
    // first and take every place; h2, 900 m from both, finds them full.
    CHECK(res.served[2][r.home("h1")] == Approx(30));
    CHECK(res.served[2][r.home("h2")] == Approx(0));
    CHECK(res.served[2][r.home("h3")] == Approx(50));
    CHECK(res.town_served[2][0] == Approx(80));
    CHECK(res.town_covered[2][0] == Approx(350));  // all three are within reach
    // 5 minutes (333 m) reaches no one, so no one is served.
    CHECK(res.town_served[0][0] == 0);
    CHECK(res.facility_load[2][0] == Approx(30));
    CHECK(res.facility_load[2][1] == Approx(50));
}

TEST_CASE("drawn map: E2SFCA and gravity use the documented decay", "[service][drawn]") {
    const double t1 = 400 * 0.9 / 60, t2 = 900 * 0.9 / 60;  // 6 and 13.5 minutes at 4 km/h
    auto gauss = [](double t) { return (std::exp(-0.5 * (t / 15) * (t / 15)) - std::exp(-0.5)) / (1 - std::exp(-0.5)); };
    {
        Run r = run(three_homes_two_centres(30, 50), "e2sfca", {"facilities.capacity=capacity", "access.method=e2sfca"});
        const double r1 = 30 / (100 * gauss(t1) + 200 * gauss(t2)), r2 = 50 / (200 * gauss(t2) + 50 * gauss(t1));
        CHECK(r.result.facility_ratio[0] == Approx(r1).epsilon(1e-5));
        CHECK(r.result.access_score[r.home("h2")] == Approx((r1 + r2) * gauss(t2)).epsilon(1e-5));
        CHECK(r.result.access_supply_reaching == Approx(80));
        CHECK(*r.result.town_access[0] * 350 == Approx(80).epsilon(1e-9));
    }
    {
        Run r = run(three_homes_two_centres(30, 50), "gravity", {"facilities.capacity=capacity", "access.method=gravity", "access.beta=2"});
        auto w = [](double t) { return 1 / (t * t); };
        const double r1 = 30 / (100 * w(t1) + 200 * w(t2)), r2 = 50 / (200 * w(t2) + 50 * w(t1));
        CHECK(r.result.access_score[r.home("h1")] == Approx(r1 * w(t1)).epsilon(1e-5));
        CHECK(r.result.access_score[r.home("h2")] == Approx((r1 + r2) * w(t2)).epsilon(1e-5));
        CHECK(*r.result.town_access[0] * 350 == Approx(80).epsilon(1e-9));
    }
}

TEST_CASE("drawn map: a missing or negative capacity is reported by feature and serves no one", "[service][drawn]") {
    DrawnStudy d = three_homes_two_centres(std::nan(""), -5);
    Run r = run(d, "nocap", {"facilities.capacity=capacity"});
    CHECK(r.study->report.count_code("capacity_missing") == 1);
    CHECK(r.study->report.count_code("capacity_negative") == 1);
    CHECK(r.result.town_served[2][0] == 0);
    CHECK(r.result.town_covered[2][0] == Approx(350));  // reach does not depend on capacity
    // No supply anywhere: every score is 0 and no facility counts as reaching demand with supply.
    CHECK(r.result.access_supply_reaching == 0);
}

TEST_CASE("without a capacity there is no served figure and access defaults to none", "[service][drawn]") {
    Run r = run(three_homes_two_centres(30, 50), "plain", {});
    CHECK_FALSE(r.result.has_capacity);
    CHECK(r.result.served.empty());
    CHECK(r.result.access_score.empty());
    // Asked for, access without capacity counts each facility as one unit of supply.
    Run c = run(three_homes_two_centres(30, 50), "count", {"access.method=2sfca"});
    CHECK(c.result.access_supply_is_count);
    CHECK(c.result.facility_ratio[0] == Approx(1.0 / 300));
    CHECK(c.result.access_supply_reaching == Approx(2));
}

TEST_CASE("generated networks: 2SFCA equals an independent computation, served <= reached, served <= capacity", "[service][property]") {
    for (uint32_t seed = 1; seed <= 6; ++seed) {
        std::mt19937 rng(seed);
        auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
        DrawnStudy d("A", 1);
        std::vector<geo::XY> nodes;
        for (int i = 0; i < 30; ++i) nodes.push_back({std::round(uni(0, 1500)), std::round(uni(0, 1500))});
        for (int i = 0; i < 29; ++i) d.road_xy({nodes[i], nodes[i + 1]});  // a path through all: connected
        for (int i = 0; i < 25; ++i) {
            int a = static_cast<int>(uni(0, 30)), b = static_cast<int>(uni(0, 30));
            if (a != b) d.road_xy({nodes[a], nodes[b]});
        }
        const int nf = 6, nd = 40;
        for (int j = 0; j < nf; ++j)
            d.facility_xy({uni(0, 1500), uni(0, 1500)}, "F" + std::to_string(j), "elderly_service_complex", std::round(uni(0, 60)));
        for (int i = 0; i < nd; ++i) d.homes_xy({uni(0, 1500), uni(0, 1500)}, "h" + std::to_string(i), std::round(uni(1, 40)));
        for (const char* method : {"2sfca", "e2sfca", "gravity"}) {
            Run r = run(d, "prop" + std::to_string(seed) + method,
                        {"facilities.capacity=capacity", std::string("access.method=") + method, "network.snap_m=2000",
                         "network.snap_far_m=2000"});
            const auto& res = r.result;
            const auto& w = r.study->dem_weight_value;
            const double d0 = 15;
            // Independent: one single-source search per facility (the nearest table of a set
            // of one), the full time matrix, then both steps by brute force.
            std::vector<std::vector<double>> t(nf, std::vector<double>(nd, INFINITY));
            for (uint32_t j = 0; j < nf; ++j) {
                const cov::NearestTable nt = r.travel->nearest({j}, d0 * 60 + 1e-9);
                for (int i = 0; i < nd; ++i) t[j][i] = nt.seconds[i] / 60;
            }
            cov::AccessSpec spec;
            spec.method = *cov::parse_access_method(method);
            spec.beta = 1;
            double supply_reaching = 0;
            std::vector<double> ratio(nf, 0);
            for (int j = 0; j < nf; ++j) {
                double dem = 0;
                for (int i = 0; i < nd; ++i) dem += w[i] * cov::access_weight(spec, d0, t[j][i]);
                if (dem > 0) ratio[j] = r.study->fac_capacity[j] / dem, supply_reaching += r.study->fac_capacity[j];
                CHECK(res.facility_ratio[j] == Approx(ratio[j]).epsilon(1e-4).margin(1e-12));
            }
            double sum_pa = 0;
            for (int i = 0; i < nd; ++i) {
                double a = 0;
                for (int j = 0; j < nf; ++j) a += ratio[j] * cov::access_weight(spec, d0, t[j][i]);
                CHECK(res.access_score[i] == Approx(a).epsilon(1e-4).margin(1e-12));
                sum_pa += w[i] * res.access_score[i];
            }
            CHECK(sum_pa == Approx(supply_reaching).epsilon(1e-9));
            CHECK(res.access_supply_reaching == Approx(supply_reaching));
            // Served never exceeds reach, a household's weight, or the places there are.
            for (size_t c = 0; c < res.circles_min.size(); ++c) {
                double served = 0;
                for (int i = 0; i < nd; ++i) {
                    CHECK(res.served[c][i] <= w[i] * res.covered[c][i] + 1e-9);
                    served += res.served[c][i];
                }
                double cap = 0;
                for (int j = 0; j < nf; ++j) {
                    CHECK(res.facility_load[c][j] <= r.study->fac_capacity[j] + 1e-9);
                    cap += r.study->fac_capacity[j];
                }
                CHECK(served <= cap + 1e-9);
                CHECK(served == Approx(std::accumulate(res.facility_load[c].begin(), res.facility_load[c].end(), 0.0)));
            }
        }
    }
}

TEST_CASE("Gini, Theil, Lorenz and the worst-served tenth on known vectors", "[service][equity]") {
    auto q = cov::inequality({1, 1, 1}, {1, 1, 1});
    CHECK(*q.gini == Approx(0).margin(1e-12));
    CHECK(*q.theil == Approx(0).margin(1e-12));
    // [0, 0, 0, 1] with equal weights: one unit holds everything. Population Gini = (n-1)/n.
    q = cov::inequality({0, 0, 0, 1}, {1, 1, 1, 1});
    CHECK(*q.gini == Approx(0.75));
    CHECK(*q.theil == Approx(std::log(4.0)));  // the maximum, ln n
    // [1, 2, 3, 4]: sum |xi - xj| over ordered pairs = 20, mean 2.5: 20 / (2 * 16 * 2.5) = 0.25.
    q = cov::inequality({4, 1, 3, 2}, {1, 1, 1, 1});
    CHECK(*q.gini == Approx(0.25));
    const double theil = (0.4 * std::log(0.4) + 0.8 * std::log(0.8) + 1.2 * std::log(1.2) + 1.6 * std::log(1.6)) / 4;
    CHECK(*q.theil == Approx(theil));
    REQUIRE(q.lorenz.size() == 5);
    CHECK(q.lorenz[1].first == Approx(0.25));
    CHECK(q.lorenz[1].second == Approx(0.1));
    CHECK(q.lorenz[2].second == Approx(0.3));
    // Weights are households: [1, 3] with weights 3 and 1 is [1, 1, 1, 3] unweighted.
    auto a = cov::inequality({1, 3}, {3, 1}), b = cov::inequality({1, 1, 1, 3}, {1, 1, 1, 1});
    CHECK(*a.gini == Approx(*b.gini));
    CHECK(*a.theil == Approx(*b.theil));
    // Worst tenth of 10 equal units is the lowest one; of 4 units, 40% of the lowest.
    q = cov::inequality({5, 1, 9, 3, 7, 2, 8, 4, 6, 10}, std::vector<double>(10, 1));
    CHECK(*q.worst_tenth_mean == Approx(1));
    CHECK(*cov::inequality({1, 2, 3, 4}, {1, 1, 1, 1}).worst_tenth_mean == Approx(1));
    CHECK(*cov::inequality({1, 2}, {0.05, 1}).worst_tenth_mean == Approx((0.05 * 1 + 0.055 * 2) / 0.105));
    // Nothing to share: no Gini (not 0); units without weight are left out.
    CHECK_FALSE(cov::inequality({0, 0}, {1, 1}).gini);
    CHECK_FALSE(cov::inequality({1, 2}, {0, 0}).mean);
    CHECK(*cov::inequality({1, 1, 100}, {1, 1, 0}).gini == Approx(0).margin(1e-12));
}

TEST_CASE("drawn map: siting counts what existing facilities can serve, not only their reach", "[service][drawn][siting]") {
    // F1 (30 places) reaches h1 (100) and h2 (200); F2 (50) reaches h2 and h3 (50). Nearest
    // first: F1 serves 30 of h1, F2 all of h3; h2 is within reach of both but served by none.
    DrawnStudy d = three_homes_two_centres(30, 50);
    cov::SiteRequest req;
    req.facility_types = {"elderly_service_complex"};
    req.minutes = 15;
    req.generate = "demand";
    {
        Run r = run(d, "site_cap", {"facilities.capacity=capacity"});
        cov::SiteStudy ss = cov::build_site_study(*r.study, *r.travel, req, cov::Scenario{});
        CHECK(ss.existing_capacity_used);
        CHECK(ss.existing_reached_weight == Approx(350));
        CHECK(ss.existing_served_weight == Approx(80));
        CHECK(ss.covered_before[r.home("h1")] == 0);  // 70 households still unserved
        CHECK(ss.covered_before[r.home("h2")] == 0);
        CHECK(ss.covered_before[r.home("h3")] == 1);
        const auto& p = ss.problem;
        REQUIRE(p.demand_count == 4);  // h1's served 30 households are a separate covered entry
        CHECK(p.demand_weight[r.home("h1")] == Approx(70));
        CHECK(p.demand_weight[3] == Approx(30));
        CHECK(p.already_covered[3] == 1);
        double total = 0;
        for (double w : p.demand_weight) total += w;
        CHECK(total == Approx(350));
        // Candidates were generated at the households not yet served: h1 and h2.
        CHECK(ss.candidates.xy.size() == 2);
    }
    {
        Run r = run(d, "site_nocap", {});
        cov::SiteStudy ss = cov::build_site_study(*r.study, *r.travel, req, cov::Scenario{});
        CHECK_FALSE(ss.existing_capacity_used);
        CHECK(ss.covered_before[r.home("h1")] == 1);
        CHECK(ss.covered_before[r.home("h2")] == 1);
        CHECK(ss.problem.demand_count == 3);
    }
}
