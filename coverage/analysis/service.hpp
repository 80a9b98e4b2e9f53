#pragma once
// Served, not just reached: capacity-limited allocation of demand to facilities (nearest first)
// and floating-catchment accessibility (2SFCA, E2SFCA, gravity). Plain arrays in and out; the
// pairs (facility, demand, minutes) come from the travel model's searches.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lc::cov {

// One facility-demand pair within reach: travel time in minutes (door-to-street walk included).
struct ReachPair {
    uint32_t facility;  // facility row
    uint32_t demand;    // demand row
    double minutes;
};

struct Allocation {
    std::vector<double> served;  // per demand row: weight served (<= its weight)
    std::vector<double> load;    // per facility row: weight it serves (<= its capacity)
};

// Nearest-first serving: pairs are taken in order of travel time (ties: lower facility row, then
// lower demand row) and each gives the demand as much of the facility's remaining capacity as it
// still needs. A household can be served by several facilities when the nearest is full; a
// facility never serves more than its capacity. Deterministic; does not depend on pair order.
Allocation allocate_nearest_first(std::vector<ReachPair> pairs, const std::vector<double>& capacity,
                                  const std::vector<double>& weight);

// Distance decay of the catchment methods (t and the catchment in minutes; 0 beyond it).
enum class AccessMethod { none, two_step, enhanced, gravity };
struct AccessSpec {
    AccessMethod method = AccessMethod::none;
    double catchment_min = 0;  // 0 = the largest circle
    double beta = 1.0;         // gravity: weight (max(t, 1 min))^-beta
};
// "2sfca" | "e2sfca" | "gravity" | "none"; nullopt for anything else.
std::optional<AccessMethod> parse_access_method(const std::string& text);
const char* to_string(AccessMethod m);
// Weight of a pair t minutes apart: 2SFCA 1; E2SFCA the Gaussian of Dai (2010),
// (exp(-(t/d0)^2/2) - exp(-1/2)) / (1 - exp(-1/2)), 1 at the door and 0 at the catchment edge;
// gravity max(t, 1)^-beta. 0 beyond the catchment for every method.
double access_weight(const AccessSpec& spec, double catchment_min, double t_min);

struct Accessibility {
    std::vector<double> ratio;  // per facility row R_j = S_j / sum_k P_k W(d_kj); 0 when it reaches no demand
    std::vector<uint8_t> reaches_demand;  // per facility row: 1 when the denominator is > 0
    std::vector<double> score;  // per demand row A_i = sum_j R_j W(d_ij)
};
// Two-step floating catchment (Luo & Wang 2003) with the spec's decay: step 1 divides each
// facility's supply by the weighted demand in its catchment, step 2 sums the ratios each demand
// point reaches. Sum_i P_i A_i = sum_j S_j over facilities whose catchment holds any demand.
Accessibility floating_catchment(const std::vector<ReachPair>& pairs, const std::vector<double>& supply,
                                 const std::vector<double>& weight, const AccessSpec& spec, double catchment_min);

// ---- equity across units (towns, villages) -----------------------------------------------
// Each unit has a value x and a weight w (its households): the unit's households all get x.
struct Inequality {
    std::optional<double> gini, theil;  // nullopt: no weight, or a zero mean (nothing to share)
    std::optional<double> mean;         // weighted mean
    std::optional<double> worst_tenth_mean;  // mean value of the worst-served 10% of the weight
    std::vector<std::pair<double, double>> lorenz;  // (cumulative weight share, cumulative value share), from (0,0)
};
// Weighted Gini: sum_ij w_i w_j |x_i - x_j| / (2 W^2 mean), the population form without the
// n/(n-1) small-sample correction (a city's 33 towns are the whole population, not a sample).
// Theil T: (1/W) sum_i w_i (x_i/mean) ln(x_i/mean), with 0 ln 0 = 0. Units of weight 0 are left
// out; values must be >= 0.
Inequality inequality(const std::vector<double>& value, const std::vector<double>& weight);

}  // namespace lc::cov
