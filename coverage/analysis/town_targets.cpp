#include "coverage/analysis/town_targets.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>

#include "base/error.hpp"

namespace lc::cov {

std::vector<double> read_town_targets(const std::string& path, const geo::TownSet& towns, double default_share) {
    std::ifstream in(path);
    if (!in) throw base::UserError(path + ": cannot read the town targets file");
    std::map<std::string, size_t> by_id;
    for (size_t t = 0; t < towns.size(); ++t) by_id.emplace(towns.id(t), t);
    std::vector<double> share(towns.size(), default_share);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // Excel's byte-order mark
        if (line.empty()) continue;
        const auto comma = line.find(',');
        if (comma == std::string::npos) throw base::UserError(path + ":" + std::to_string(n) + ": expected town_id,share");
        const std::string id = line.substr(0, comma), val = line.substr(comma + 1);
        char* end = nullptr;
        const double v = std::strtod(val.c_str(), &end);
        if (end == val.c_str() || *end != '\0') {
            if (n == 1) continue;  // header
            throw base::UserError(path + ":" + std::to_string(n) + ": '" + val + "' is not a share");
        }
        if (!std::isfinite(v) || v < 0 || v > 1) throw base::UserError(path + ":" + std::to_string(n) + ": share must be 0..1");
        auto it = by_id.find(id);
        if (it == by_id.end()) throw base::UserError(path + ":" + std::to_string(n) + ": no town with id '" + id + "'");
        share[it->second] = v;
    }
    return share;
}

}  // namespace lc::cov
