#pragma once
// How demand reaches facilities: over the road network (snapped points, bounded searches) or,
// without a network, in a straight line times a detour factor. Every cost is in seconds.
#include <memory>
#include <string>
#include <vector>

#include "coverage/study/study.hpp"
#include "geo/geos.hpp"
#include "network/graph.hpp"
#include "network/load.hpp"
#include "network/search.hpp"
#include "network/snap.hpp"

namespace lc::cov {

struct RoadNetwork {
    net::LoadedLines lines;  // what was read (lines themselves are released after the build)
    net::BuildReport build;
    net::Graph graph;
    std::unique_ptr<net::SnapIndex> index;
    net::Profile profile;
};

// Reads and builds the project's network (throws geo::InputError on unusable input).
// progress.road_lines / graph_links (may be null) count the features read and the links built.
std::unique_ptr<RoadNetwork> load_network(const Project& project, int metric_epsg, geo::Report& report, const LoadProgress& progress = {});

// load_study, and with a network travel mode also load_network, at the same time: the network
// is read and built in a second thread as soon as the towns have fixed the metric CRS (the two
// share no state). The result is what the sequential calls give: the network's messages follow
// the study's in study->report, and an error of the study wins over one of the network.
struct StudyAndNetwork {
    std::unique_ptr<Study> study;
    std::unique_ptr<RoadNetwork> network;  // null in straight-line mode
};
StudyAndNetwork load_study_and_network(const Project& project, const LoadOptions& opts = {});

struct NearestTable {
    std::vector<int32_t> facility;  // facility row, -1 = none within the cutoff
    std::vector<double> seconds;    // +inf when none
};

class TravelModel {
public:
    // Snaps facilities and demand (network mode) and reports points that are off the network.
    TravelModel(const Study& study, const RoadNetwork* network, geo::Report& report);

    bool straight_line() const { return network_ == nullptr; }
    double speed_mps() const { return speed_mps_; }
    double detour_factor() const { return detour_; }
    std::string describe(const std::string& lang = "en") const;  // "zh": in Chinese  // "walking network, 4 km/h" / "straight line x 1.3, 4 km/h"

    // Status of every facility / demand row: ok, snapped_far, off_network, island, outside_towns.
    const std::vector<std::string>& facility_status() const { return fac_status_; }
    const std::vector<std::string>& demand_status() const { return dem_status_; }
    const std::vector<net::Snap>& facility_snaps() const { return fac_snap_; }
    const std::vector<net::Snap>& demand_snaps() const { return dem_snap_; }

    // Nearest of the given facility rows for every demand row within cutoff_s (ties: lowest row).
    NearestTable nearest(const std::vector<uint32_t>& facility_rows, double cutoff_s) const;

    // For points (e.g. siting candidates, metric XY): the demand rows each reaches within cutoff_s.
    std::vector<std::vector<net::Reach>> reach_from_points(const std::vector<geo::XY>& points, double cutoff_s,
                                                           std::vector<std::string>* status = nullptr) const;

    // For facility rows: the demand rows each reaches within cutoff_s (sorted by demand row),
    // from the facility's own snap (network) or point (straight line), with the same costs as
    // nearest(): one search per facility, for capacity and catchment measures.
    std::vector<std::vector<net::Reach>> reach_from_facilities(const std::vector<uint32_t>& facility_rows, double cutoff_s) const;

    // Service-area shapes for points (cartography): the reached network buffered by buffer_m, or
    // in straight-line mode the disc the cutoff allows. Points are snapped as facilities are.
    std::vector<geo::GeomPtr> service_areas(const std::vector<geo::XY>& points, double minutes, double buffer_m) const;

    // Seconds for a straight distance in metres (access legs, straight-line mode).
    double seconds_for_metres(double m) const { return m / speed_mps_; }
    const RoadNetwork* network() const { return network_; }
    // Progress of the searches (may be null): nearest() counts as one search (one search from all
    // its facilities), reach_from_points / reach_from_facilities as one per point or facility.
    // The total grows as each call starts.
    void count_searches(base::Counter* searches) const { searches_ = searches; }
    net::Endpoint endpoint(const net::Snap& s) const;

private:
    const Study& study_;
    const RoadNetwork* network_;
    double speed_mps_, detour_;
    std::vector<net::Snap> fac_snap_, dem_snap_;
    std::vector<std::string> fac_status_, dem_status_;
    std::vector<net::Endpoint> dem_end_;
    // Search labels reused by nearest() (one per core): not thread-safe, like the rest.
    mutable std::vector<net::SearchWorkspace> search_pool_;
    mutable base::Counter* searches_ = nullptr;
};

}  // namespace lc::cov
