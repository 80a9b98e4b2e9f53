#include "coverage/analysis/service.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lc::cov {

Allocation allocate_nearest_first(std::vector<ReachPair> pairs, const std::vector<double>& capacity,
                                  const std::vector<double>& weight) {
    Allocation a;
    a.served.assign(weight.size(), 0);
    a.load.assign(capacity.size(), 0);
    std::sort(pairs.begin(), pairs.end(), [](const ReachPair& x, const ReachPair& y) {
        if (x.minutes != y.minutes) return x.minutes < y.minutes;
        if (x.facility != y.facility) return x.facility < y.facility;
        return x.demand < y.demand;
    });
    std::vector<double> room(capacity.size());
    for (size_t j = 0; j < capacity.size(); ++j) room[j] = std::max(0.0, capacity[j]);
    for (const ReachPair& pr : pairs) {
        const double need = weight[pr.demand] - a.served[pr.demand];
        const double give = std::min(need, room[pr.facility]);
        if (!(give > 0)) continue;
        a.served[pr.demand] += give;
        a.load[pr.facility] += give;
        room[pr.facility] -= give;
    }
    // Rounding must never let a household be "more than served".
    for (size_t d = 0; d < weight.size(); ++d) a.served[d] = std::min(a.served[d], weight[d]);
    return a;
}

std::optional<AccessMethod> parse_access_method(const std::string& text) {
    if (text == "none") return AccessMethod::none;
    if (text == "2sfca") return AccessMethod::two_step;
    if (text == "e2sfca") return AccessMethod::enhanced;
    if (text == "gravity") return AccessMethod::gravity;
    return std::nullopt;
}

const char* to_string(AccessMethod m) {
    switch (m) {
        case AccessMethod::two_step: return "2sfca";
        case AccessMethod::enhanced: return "e2sfca";
        case AccessMethod::gravity: return "gravity";
        case AccessMethod::none: break;
    }
    return "none";
}

double access_weight(const AccessSpec& spec, double catchment_min, double t_min) {
    if (!(t_min <= catchment_min)) return 0;
    switch (spec.method) {
        case AccessMethod::two_step: return 1;
        case AccessMethod::enhanced: {
            const double r = t_min / catchment_min, edge = std::exp(-0.5);
            return std::max(0.0, (std::exp(-0.5 * r * r) - edge) / (1 - edge));
        }
        case AccessMethod::gravity: return std::pow(std::max(t_min, 1.0), -spec.beta);
        case AccessMethod::none: break;
    }
    return 0;
}

Accessibility floating_catchment(const std::vector<ReachPair>& pairs, const std::vector<double>& supply,
                                 const std::vector<double>& weight, const AccessSpec& spec, double catchment_min) {
    Accessibility acc;
    acc.ratio.assign(supply.size(), 0);
    acc.reaches_demand.assign(supply.size(), 0);
    acc.score.assign(weight.size(), 0);
    // Step 1: weighted demand in each facility's catchment. Sums run in pair order, which the
    // caller keeps fixed (facility, then demand row), so results are the same bytes every run.
    std::vector<double> decay(pairs.size());  // once per pair: both steps use it
    for (size_t k = 0; k < pairs.size(); ++k) decay[k] = access_weight(spec, catchment_min, pairs[k].minutes);
    std::vector<double> demand_in(supply.size(), 0);
    for (size_t k = 0; k < pairs.size(); ++k) demand_in[pairs[k].facility] += weight[pairs[k].demand] * decay[k];
    for (size_t j = 0; j < supply.size(); ++j)
        if (demand_in[j] > 0) {
            acc.ratio[j] = supply[j] / demand_in[j];
            acc.reaches_demand[j] = 1;
        }
    // Step 2: every demand point sums the ratios of the facilities whose catchment it is in.
    for (size_t k = 0; k < pairs.size(); ++k) acc.score[pairs[k].demand] += acc.ratio[pairs[k].facility] * decay[k];
    return acc;
}

Inequality inequality(const std::vector<double>& value, const std::vector<double>& weight) {
    Inequality q;
    std::vector<size_t> units;
    double W = 0, WX = 0;
    for (size_t i = 0; i < value.size(); ++i)
        if (weight[i] > 0 && std::isfinite(value[i])) {
            units.push_back(i);
            W += weight[i];
            WX += weight[i] * value[i];
        }
    if (!(W > 0)) return q;
    const double mean = WX / W;
    q.mean = mean;
    std::stable_sort(units.begin(), units.end(), [&](size_t a, size_t b) { return value[a] < value[b]; });
    // Worst-served tenth of the weight: the lowest values until 10% of the households, the last
    // unit counted in part.
    {
        double left = 0.1 * W, sum = 0;
        for (size_t i : units) {
            const double take = std::min(left, weight[i]);
            sum += take * value[i];
            left -= take;
            if (left <= 0) break;
        }
        q.worst_tenth_mean = sum / (0.1 * W);
    }
    if (!(mean > 0)) return q;  // nothing to share: inequality is undefined, not 0
    // Gini in one pass over the sorted values: sum_ij w_i w_j |x_i - x_j| equals
    // 2 sum_i w_i x_i (weight before i - weight after i); equal values cancel out.
    double before = 0, g = 0;
    for (size_t i : units) {
        const double after = W - before - weight[i];
        g += weight[i] * value[i] * (before - after);
        before += weight[i];
    }
    q.gini = std::max(0.0, g / (W * W * mean));
    double theil = 0;
    for (size_t i : units) {
        const double r = value[i] / mean;
        if (r > 0) theil += weight[i] * r * std::log(r);
    }
    q.theil = std::max(0.0, theil / W);
    double cw = 0, cx = 0;
    q.lorenz.push_back({0, 0});
    for (size_t i : units) {
        cw += weight[i];
        cx += weight[i] * value[i];
        q.lorenz.push_back({cw / W, cx / WX});
    }
    q.lorenz.back() = {1, 1};
    return q;
}

}  // namespace lc::cov
