#include "coverage/analysis/isochrones.hpp"

#include <set>

#include "base/parallel.hpp"
#include "network/service_area.hpp"

namespace lc::cov {

std::vector<uint32_t> scenario_main_facilities(const Study& s, const Scenario& scenario) {
    const Study* study = &s;
    std::set<std::string> main(s.project.travel.main_types.begin(), s.project.travel.main_types.end());
    // The facilities analyze counts in the same scenario: a typed, active row of a main type.
    std::vector<uint32_t> rows;
    for (size_t i = 0; i < study->facilities->size(); ++i)
        if (!study->fac_type_value[i].empty() && (main.empty() || main.count(study->fac_type_value[i])) &&
            scenario.includes(study->fac_status >= 0 ? study->facilities->text(i, study->fac_status) : std::string()))
            rows.push_back(static_cast<uint32_t>(i));
    return rows;
}

Isochrones compute_isochrones(const Study&, const RoadNetwork& network, const TravelModel& travel, const IsochroneRequest& req) {
    const auto& rows = req.rows;
    const auto& minutes = req.minutes;
    std::vector<net::Endpoint> src;
    for (uint32_t f : rows) src.push_back(travel.endpoint(travel.facility_snaps()[f]));
    net::ServiceAreaOptions so;
    so.buffer_m = req.buffer_m;
    so.done = req.done;
    Isochrones out;
    auto& polys = out.polygons;
    // polys[m][i]: facility i, threshold m (a band when --bands)
    polys.resize(minutes.size());
    if (req.bands) {
        std::vector<double> cut;
        for (double m : minutes) cut.push_back(m * 60);
        for (auto& v : polys) v.resize(rows.size());
        std::vector<net::SearchWorkspace> ws(base::worker_count());
        base::parallel_for(rows.size(), 2, [&](size_t b, size_t e, unsigned w) {
            for (size_t i = b; i < e; ++i) {
                auto bands = net::service_area_bands(network.graph, net::Cost::time, src[i], cut, so, ws[w]);
                for (size_t m = 0; m < minutes.size(); ++m) polys[m][i] = std::move(bands[m]);
                if (req.done) req.done->fetch_add(minutes.size(), std::memory_order_relaxed);
            }
        });
    } else {
        for (size_t m = 0; m < minutes.size(); ++m)
            polys[m] = net::service_area_polygons(network.graph, net::Cost::time, src, minutes[m] * 60, so);
    }
    return out;
}

}  // namespace lc::cov
