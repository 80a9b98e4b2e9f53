#pragma once
// The road network as GIS layers (lifecircle network): every link with its component, length and
// times; the links of small components; and the connector from every facility and demand point
// to where it joins the network (snap status and distance), so silent snapping can be seen.
#include <string>

#include "coverage/study/travel.hpp"

namespace lc::cov {

void write_network_layers(const std::string& path, const Study& study, const RoadNetwork& network, const TravelModel& travel);

}  // namespace lc::cov
