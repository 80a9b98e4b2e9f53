#pragma once
// Service areas (isochrones) of the facilities analyze counts: one polygon per facility and
// threshold (or per band between thresholds), for cartography; coverage itself is counted from
// network costs, not from these shapes.
#include <atomic>
#include <vector>

#include "coverage/analysis/analysis.hpp"
#include "geo/geos.hpp"

namespace lc::cov {

// Facilities of the main types that exist in the scenario (typed, active), as analyze counts them.
std::vector<uint32_t> scenario_main_facilities(const Study& study, const Scenario& scenario);

struct IsochroneRequest {
    std::vector<uint32_t> rows;   // facility rows
    std::vector<double> minutes;  // thresholds, ascending
    bool bands = false;           // rings between consecutive thresholds instead of full areas
    double buffer_m = 0;          // around the reached network
    std::atomic<size_t>* done = nullptr;  // progress: +1 per polygon (facility x threshold) drawn
};
struct Isochrones {
    std::vector<std::vector<geo::GeomPtr>> polygons;  // [threshold][facility], metric CRS
};
Isochrones compute_isochrones(const Study& study, const RoadNetwork& network, const TravelModel& travel, const IsochroneRequest& req);

}  // namespace lc::cov
