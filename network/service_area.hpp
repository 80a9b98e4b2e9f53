#pragma once
// Service-area polygons: cartography only. Coverage is always counted from network costs
// (search.hpp); the polygon is the reached network buffered and unioned, and always valid.
#include <atomic>
#include <vector>

#include "geo/geos.hpp"
#include "network/search.hpp"

namespace lc::net {

struct ServiceAreaOptions {
    double buffer_m = 50;       // half-width of the band around every reached street
    int quadrant_segments = 4;  // arc resolution of round caps/joins (GEOS quadrant segments)
    // Progress: service_area_polygons adds 1 per polygon finished (a caller's bar reads it).
    std::atomic<size_t>* done = nullptr;
};

// Polygon (or MultiPolygon) of everything within buffer_m of the reached link pieces; an empty
// polygon when nothing is reached. Always valid (GEOSMakeValid if the buffer was not).
geo::GeomPtr service_area_polygon(const Graph&, const std::vector<LinkPiece>&, const ServiceAreaOptions&);

// The reached pieces as one MultiLineString in the metric CRS (e.g. for a "reached streets" layer).
geo::GeomPtr pieces_to_lines(const Graph&, const std::vector<LinkPiece>&);

// One polygon per source (search + polygon), in parallel on all cores; result i for source i.
// Sources that are off the network get an empty polygon.
std::vector<geo::GeomPtr> service_area_polygons(const Graph&, Cost, const std::vector<Endpoint>& sources,
                                                double cutoff, const ServiceAreaOptions&);

// Bands for increasing cutoffs (e.g. 300, 600, 900 s give 0-300, 300-600, 600-900): the
// polygon of each cutoff minus the polygon of the previous one. Cutoffs must increase.
std::vector<geo::GeomPtr> service_area_bands(const Graph&, Cost, const Endpoint& source,
                                             const std::vector<double>& cutoffs, const ServiceAreaOptions&,
                                             SearchWorkspace&);

}  // namespace lc::net
