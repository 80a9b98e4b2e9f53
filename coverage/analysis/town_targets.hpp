#pragma once
// A town-targets CSV for set cover: "town_id,share" per line (a header line is allowed), giving
// towns their own share of households to reach.
#include <string>
#include <vector>

#include "geo/towns.hpp"

namespace lc::cov {

// One share per town (default_share where the file names none). Throws base::UserError naming
// the file and line for a share that is not a number in 0..1 or a town id that does not exist.
std::vector<double> read_town_targets(const std::string& path, const geo::TownSet& towns, double default_share);

}  // namespace lc::cov
