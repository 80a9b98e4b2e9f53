#pragma once
// The isochrones GeoPackage (lifecircle isochrones): one feature per facility and threshold, or
// dissolved per type or town.
#include <string>

#include "coverage/analysis/isochrones.hpp"

namespace lc::cov {

// dissolve: "none", "type" or "town".
void write_isochrone_layer(const std::string& path, const Study& study, const TravelModel& travel, const IsochroneRequest& req,
                           const Isochrones& iso, const std::string& dissolve);

}  // namespace lc::cov
