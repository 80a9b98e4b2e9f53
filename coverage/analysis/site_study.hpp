#pragma once
// Siting on a real study: candidate sites (a layer, or generated), their coverage sets from
// bounded searches, and the SitingProblem the solvers take.
#include <memory>
#include <string>
#include <vector>

#include "coverage/study/travel.hpp"
#include "coverage/analysis/analysis.hpp"
#include "coverage/siting/siting.hpp"

namespace lc::cov {

struct SiteRequest {
    std::vector<std::string> facility_types;  // existing facilities of these types already cover
    double minutes = 15;                      // coverage threshold
    std::string candidates_path;              // candidate layer; empty = generate
    std::string candidates_layer, candidates_crs, candidates_id;
    std::string generate = "grid";            // grid | demand (when no candidate layer)
    double grid_m = 200;
    std::string capacity_field;               // candidate field with capacity (households)
    std::string capacity_area_field;          // or floor area (m2) ...
    double capacity_m2_per_100_households = 0;  // ... at this standard
    double uniform_capacity = 0;              // capacity for every candidate (generated ones)
};

struct Candidates {
    std::unique_ptr<geo::Layer> layer;  // when read from a file (fields kept)
    std::vector<geo::XY> xy;
    std::vector<int> town;              // -1 none
    std::vector<std::string> label;     // id field or generated id
    std::vector<std::string> status;    // snap status in network mode
    std::vector<double> capacity;       // empty = uncapacitated
};

struct SiteStudy {
    Candidates candidates;
    SitingProblem problem;
    std::vector<uint32_t> existing_rows;  // facilities that already cover
    std::vector<uint8_t> covered_before;  // per demand (with facility capacities: fully served)
    // Facility capacities known ([facilities] capacity): existing facilities' service counted.
    bool existing_capacity_used = false;
    double existing_reached_weight = 0, existing_served_weight = 0;
    uint32_t outside_group = 0;           // group index for demand/candidates in no town
};

// Builds candidates and the problem; problems found go to study.report.
SiteStudy build_site_study(Study& study, const TravelModel& travel, const SiteRequest& req, const Scenario& scenario);

}  // namespace lc::cov
