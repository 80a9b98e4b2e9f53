#pragma once
// Snapping points (homes, facilities) to the nearest point on the nearest link: never to the
// nearest node, never silently dropped (every point gets a status).
#include <cstdint>
#include <vector>

#include "geo/xy.hpp"
#include "network/grid.hpp"

namespace lc::net {

struct Graph;

// ok           a link of a main component within max_m
// snapped_far  the nearest main-component link is beyond max_m but within far_m
// off_network  nothing within far_m (link = UINT32_MAX)
// island       only links of small components (< min_component_nodes nodes) within far_m
enum class SnapStatus { ok, snapped_far, off_network, island };
const char* to_string(SnapStatus);

struct SnapOptions {
    double max_m = 300;
    double far_m = 1600;
    // Components with fewer nodes are islands. The largest component (id 0) is never an island,
    // so a small study network still snaps normally.
    uint32_t min_component_nodes = 50;
};

struct Snap {
    SnapStatus status = SnapStatus::off_network;
    uint32_t link = UINT32_MAX;
    double along_m = 0;  // geodesic metres from the link's tail
    double dist_m = 0;   // straight (metric CRS) distance point -> network
    geo::XY on_network;  // the snapped point on the link
};

// Spatial index over link segments: a uniform grid searched in growing rings.
class SnapIndex {
public:
    explicit SnapIndex(const Graph&);

    // Nearest point on the nearest link. Ties (equal distance) go to the segment that comes
    // first in Graph::geom_xy, so the result does not depend on the grid. Main components are preferred: a main link within
    // max_m wins (ok); else a main link within far_m (snapped_far); else the nearest small
    // component within far_m (island); else off_network.
    Snap snap(geo::XY p, const SnapOptions&) const;
    // All points, in parallel on all cores; result i belongs to point i (deterministic).
    std::vector<Snap> snap_all(const std::vector<geo::XY>&, const SnapOptions&) const;

private:
    // Everything a distance test needs, in one record, stored in grid order so that the
    // segments of one cell sit together in memory (one cache miss per cell, not six per
    // segment).
    struct Seg {
        double ax, ay, bx, by;
        uint32_t link, comp, first;  // first: index of the segment's start in Graph::geom_xy
    };
    const Graph& g_;
    std::vector<Seg> segs_;
    detail::CellGrid grid_;
};

}  // namespace lc::net
