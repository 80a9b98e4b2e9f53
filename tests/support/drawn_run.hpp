#pragma once
// The whole pipeline on a drawn study (write the layers, load_study_and_network, TravelModel,
// analyze), for the Catch2 tests: header-only, as it needs the analysis libraries that
// lc_test_support does not link.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "coverage/analysis/analysis.hpp"
#include "coverage/study/travel.hpp"
#include "tests/support/drawn_study.hpp"

namespace lc::testing {

struct DrawnRun {
    std::unique_ptr<cov::Study> study;
    std::unique_ptr<cov::RoadNetwork> network;
    std::unique_ptr<cov::TravelModel> travel;
    cov::AnalysisResult result;
    // Demand row of a home id.
    size_t home(const std::string& id) const {
        for (size_t i = 0; i < study->demand->size(); ++i)
            if (study->demand->text(i, study->dem_id) == id) return i;
        FAIL("no home " << id);
        return 0;
    }
    double town_share(size_t circle, size_t town) const { return result.town_covered[circle][town] / result.town_households[town]; }
};

// The index of the town (or village / community) with id `id` in a TownSet.
inline size_t index_of(const geo::TownSet& set, const std::string& id) {
    for (size_t i = 0; i < set.size(); ++i)
        if (set.id(i) == id) return i;
    FAIL("no " << id);
    return 0;
}

// A fresh scratch folder for one run (name it after the test).
inline std::string drawn_scratch(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("lc_drawn_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir);
    return dir.string();
}

// Writes the study (plus `files`, e.g. a targets file) and runs the pipeline with `sets` as
// --set overrides; the inputs must load without errors.
inline DrawnRun run_drawn(const DrawnStudy& drawn, const std::string& name, const std::vector<std::string>& sets = {},
                          const std::string& scenario = "", const std::string& extra_toml = "",
                          const std::vector<std::pair<std::string, std::string>>& files = {}) {
    DrawnRun r;
    const std::string dir = drawn_scratch(name);
    const std::string project = drawn.write(dir, extra_toml);
    for (const auto& [file, text] : files) std::ofstream(dir + "/" + file) << text;
    auto [study, network] = cov::load_study_and_network(cov::load_project(project, sets));
    r.study = std::move(study);
    r.network = std::move(network);
    r.travel = std::make_unique<cov::TravelModel>(*r.study, r.network.get(), r.study->report);
    REQUIRE_FALSE(r.study->report.has_errors());
    cov::AnalysisOptions o;
    o.scenario = cov::Scenario::parse(scenario);
    r.result = cov::analyze(*r.study, *r.travel, o);
    return r;
}

}  // namespace lc::testing
