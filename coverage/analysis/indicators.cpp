#include "coverage/analysis/indicators.hpp"
#include "coverage/analysis/indicator_kinds.hpp"
#include "base/error.hpp"

#include "coverage/study/text.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <stdexcept>

namespace lc::cov {

namespace {

// The entry in force in `year`: that year's, else the latest earlier one; none before the first.
template <class V>
const V* in_force(const std::map<int, V>& by_year, int year) {
    auto it = by_year.upper_bound(year);
    if (it == by_year.begin()) return nullptr;
    return &std::prev(it)->second;
}

// Comparator of the target year in force (the one whose value applies), else `fallback`.
std::string comparator_in_force(const std::map<int, double>& values, const std::map<int, std::string>& comparators,
                                int year, const std::string& fallback) {
    auto it = values.upper_bound(year);
    if (it == values.begin()) return fallback;
    auto c = comparators.find(std::prev(it)->first);
    return c == comparators.end() ? fallback : c->second;
}

}  // namespace

std::optional<double> Indicator::target_for(int year) const {
    if (const double* v = in_force(targets, year)) return *v;
    return std::nullopt;
}

std::string Indicator::comparator_for(int year) const {
    return comparator_in_force(targets, target_comparators, year, comparator);
}

std::optional<double> Indicator::rollup_target_for(int year) const {
    if (const double* v = in_force(rollup_targets, year)) return *v;
    return std::nullopt;
}

std::string Indicator::rollup_comparator_for(int year) const {
    return comparator_in_force(rollup_targets, rollup_comparators, year, rollup_comparator);
}

const char* to_string(Status s) {
    switch (s) {
        case Status::met: return "met";
        case Status::missed: return "missed";
        case Status::no_target: return "no-target";
        default: return "no-data";
    }
}

std::string with_commas(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
    std::string s = buf, frac;
    auto dot = s.find('.');
    if (dot != std::string::npos) frac = s.substr(dot), s = s.substr(0, dot);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
    return (v < 0 ? "-" : "") + s + frac;
}


namespace {

// ---- indicator kinds ---------------------------------------------------------------------------
// Each kind is one row of kKinds: what it requires in the targets file, how a town's value is
// measured from its facts, how a shortfall is put in words, and how the city value is formed.
// Adding a kind: write its three functions here, add its row, document it in the targets header
// (data/dongguan/targets.toml); if it needs new facts, the analysis gathers them (TownFacts).

double sum_types(const TownFacts& f, const Indicator& ind, const std::string& attribute) {
    double s = 0;
    for (const auto& type : ind.facility_types) {
        const std::string t = ind.facility_filter.empty() ? type : filtered_key(type, ind.id);
        if (attribute.empty()) {
            if (auto it = f.count.find(t); it != f.count.end()) s += it->second;
        } else if (auto it = f.attribute_sum.find(t); it != f.attribute_sum.end()) {
            if (auto a = it->second.find(attribute); a != it->second.end()) s += a->second;
        }
    }
    return s;
}

std::optional<double> stat(const TownFacts& f, const std::string& col) {
    auto it = f.stats.find(col);
    return it == f.stats.end() ? std::nullopt : it->second;
}

// Value plus, for the gap, numerator and denominator of the ratio it is.
struct Ratio {
    std::optional<double> value;
    double num = 0, den = 0, scale = 1;  // value = num / den * scale
};

// Smallest whole number of units that covers a shortfall `need` when the target is to be
// reached (">=": ceil) or passed (">": floor + 1).
double units_needed(double need, bool strict) {
    return strict ? std::floor(need + 1e-9) + 1 : std::ceil(need - 1e-9);
}

std::string fmt(double v, int d) { return with_commas(v, d); }

using Requirement = KindRequirement;
constexpr Requirement kFine{nullptr, nullptr};

Requirement check_coverage_share(const Indicator& ind) {
    if (ind.facility_types.empty()) return {"facility_types", "required for coverage_share"};
    if (!ind.minutes && !ind.metres) return {"minutes", "coverage_share needs minutes or metres"};
    return kFine;
}
Ratio measure_coverage_share(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    auto it = f.covered_households.find(ind.id);
    r.num = it == f.covered_households.end() ? 0 : it->second;
    auto only = f.base_weight.find(ind.id);  // a demand filter or a population group: its own base
    r.den = only == f.base_weight.end() ? f.households : only->second;
    return r;
}
void gap_coverage_share(const Indicator& ind, const Ratio& r, double target, bool strict, Evaluation& e) {
    e.gap = units_needed(target * r.den - r.num, strict);
    std::string minutes = ind.minutes ? fmt(*ind.minutes, 0) + "-minute" : fmt(*ind.metres, 0) + " m";
    if (ind.speed_kmh) minutes += " (at " + fmt(*ind.speed_kmh, 1) + " km/h)";
    e.gap_text = fmt(r.den - r.num, 0) + " " + ind.weight_en + " outside the " + minutes + " circle; " + fmt(e.gap, 0) + " more must be covered";
    e.gap_text_zh = fmt(r.den - r.num, 0) + " " + ind.weight_zh + "在" + (ind.minutes ? fmt(*ind.minutes, 0) + "分钟" : fmt(*ind.metres, 0) + "米") +
                    (ind.speed_kmh ? "（步行 " + fmt(*ind.speed_kmh, 1) + " 公里/小时）" : std::string()) +
                    "服务圈外，需再覆盖 " + fmt(e.gap, 0) + " " + ind.weight_zh;
}

Requirement check_area(const Indicator& ind) {
    if (ind.facility_types.empty() || ind.area_field.empty()) return {"area_field", "area_per_100_households needs facility_types and area_field"};
    return kFine;
}
Ratio measure_area(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    r.num = sum_types(f, ind, ind.area_field);
    auto only = f.base_weight.find(ind.id);  // a demand filter: the households of its rows
    r.den = only == f.base_weight.end() ? f.households : only->second;
    r.scale = 100;
    return r;
}
void gap_area(const Indicator&, const Ratio& r, double target, bool, Evaluation& e) {
    e.gap = target * r.den / 100 - r.num;
    e.gap_text = "needs " + fmt(e.gap, 0) + " m2 more (" + fmt(*e.value, 1) + " of " + fmt(target, 1) + " m2 per 100 households)";
    e.gap_text_zh = "还需 " + fmt(e.gap, 0) + " 平方米（每百户 " + fmt(*e.value, 1) + "/" + fmt(target, 1) + " 平方米）";
}

Requirement check_count(const Indicator& ind) {
    if (ind.facility_types.empty()) return {"facility_types", "required for count_at_least"};
    return kFine;
}
Ratio measure_count(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    r.value = sum_types(f, ind, "");
    r.num = *r.value;
    return r;
}
void gap_count(const Indicator&, const Ratio&, double target, bool strict, Evaluation& e) {
    e.gap = strict ? units_needed(target - *e.value, true) : target - *e.value;
    e.gap_text = fmt(*e.value, 0) + " of " + fmt(target, 0) + " required";
    e.gap_text_zh = "现有 " + fmt(*e.value, 0) + " 个，要求 " + fmt(target, 0) + " 个";
}

// A city-wide total (the plan's "慈善空间不少于15个", "100 枢纽型组织"): towns only contribute.
Requirement check_city_total(const Indicator& ind) {
    if (ind.stat.empty() && ind.facility_types.empty()) return {"facility_types", "city_total needs facility_types (with an optional attribute) or stat"};
    return kFine;
}
Ratio measure_city_total(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    std::optional<double> v;
    if (!ind.stat.empty()) v = stat(f, ind.stat);
    else v = sum_types(f, ind, ind.attribute);
    if (v) r.value = *v, r.num = *v;
    return r;
}
void gap_city_total(const Indicator&, const Ratio&, double target, bool strict, Evaluation& e) {
    e.gap = units_needed(target - *e.value, strict);
    e.gap_text = "needs " + fmt(e.gap, 0) + " more city-wide (" + fmt(*e.value, 0) + " of " + fmt(target, 0) + ")";
    e.gap_text_zh = "全市还差 " + fmt(e.gap, 0) + "（现有 " + fmt(*e.value, 0) + "，目标 " + fmt(target, 0) + "）";
}

Requirement check_per_10k(const Indicator& ind) {
    if (ind.population_stat.empty()) return {"population_stat", "required for per_10k_population"};
    if (ind.stat.empty() && ind.facility_types.empty()) return {"stat", "per_10k_population needs stat or facility_types"};
    return kFine;
}
// What a rate per population counts: the statistics column `stat`, else the facilities of the
// types (their number, or the sum of `attribute`). None when the statistic is missing.
std::optional<double> supply_of(const Indicator& ind, const TownFacts& f) {
    if (!ind.stat.empty()) return stat(f, ind.stat);
    return sum_types(f, ind, ind.attribute);
}
Ratio measure_per_10k(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    auto pop = stat(f, ind.population_stat);
    auto num = supply_of(ind, f);
    if (!num) return r;
    r.num = *num;
    if (!pop) return r;
    r.den = *pop;
    r.scale = 10000;
    return r;
}
void gap_per_10k(const Indicator& ind, const Ratio& r, double target, bool strict, Evaluation& e) {
    e.gap = units_needed(target * r.den / r.scale - r.num, strict);
    std::string what = ind.stat.empty() ? "facilities" : ind.stat;
    e.gap_text = "needs " + fmt(e.gap, 0) + " more " + what + " (" + fmt(*e.value, 1) + " of " + fmt(target, 1) + " per 10,000)";
    e.gap_text_zh = "还需 " + fmt(e.gap, 0) + "（每万人 " + fmt(*e.value, 1) + "/" + fmt(target, 1) + "）";
}

// Supply per N people: beds per 1,000 elderly, places per 100 elderly, workers per 1,000.
Requirement check_per_population(const Indicator& ind) {
    if (ind.population_stat.empty() == ind.population_field.empty())
        return {"population_stat", "per_population needs exactly one of population_stat (a statistics column) and population_field (a demand field)"};
    if (ind.stat.empty() && ind.facility_types.empty()) return {"facility_types", "per_population needs facility_types (with an optional attribute) or stat"};
    return kFine;
}
std::optional<double> population_of(const Indicator& ind, const TownFacts& f) {
    if (!ind.population_field.empty()) {
        if (!ind.filter.empty()) {  // the population of the rows passing the demand filter
            auto it = f.base_weight.find(ind.id);
            return it == f.base_weight.end() ? 0.0 : it->second;
        }
        auto it = f.demand_sum.find(ind.population_field);
        return it == f.demand_sum.end() ? std::optional<double>(0.0) : std::optional<double>(it->second);
    }
    return stat(f, ind.population_stat);
}
Ratio measure_per_population(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    auto num = supply_of(ind, f);
    if (!num) return r;
    r.num = *num;
    auto pop = population_of(ind, f);
    if (!pop || !(*pop > 0)) return r;  // no one to serve: no data, not 0 or infinity
    r.den = *pop;
    r.scale = ind.per > 0 ? ind.per : 1000;
    return r;
}
void gap_per_population(const Indicator&, const Ratio& r, double target, bool strict, Evaluation& e) {
    e.gap = units_needed(target * r.den / r.scale - r.num, strict);
    const std::string per = fmt(r.scale, 0);
    e.gap_text = "needs " + fmt(e.gap, 0) + " more (" + fmt(*e.value, 2) + " of " + fmt(target, 2) + " per " + per + ")";
    e.gap_text_zh = "还需 " + fmt(e.gap, 0) + "（每" + (r.scale == 1000 ? std::string("千") : r.scale == 100 ? std::string("百") : per) + "人 " +
                    fmt(*e.value, 2) + "/" + fmt(target, 2) + "）";
}

Requirement check_ratio(const Indicator& ind) {
    if (ind.facility_types.empty() || ind.numerator.empty() || ind.denominator.empty())
        return {"numerator", "attribute_ratio needs facility_types, numerator and denominator"};
    return kFine;
}
Ratio measure_ratio(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    r.num = sum_types(f, ind, ind.numerator);
    r.den = sum_types(f, ind, ind.denominator);
    return r;
}
void gap_ratio(const Indicator& ind, const Ratio& r, double target, bool strict, Evaluation& e) {
    // The numerator is what can change (e.g. converting beds to nursing beds).
    e.gap = units_needed(target * r.den - r.num, strict);
    const std::string& en = ind.numerator_en.empty() ? ind.numerator : ind.numerator_en;
    const std::string& zh = ind.numerator_zh.empty() ? ind.numerator : ind.numerator_zh;
    e.gap_text = "needs " + fmt(e.gap, 0) + " more " + en + " (" + fmt(*e.value * 100, 1) + "% of " + fmt(target * 100, 1) + "%)";
    e.gap_text_zh = "还需 " + fmt(e.gap, 0) + " 个" + zh + "（" + fmt(*e.value * 100, 1) + "%/" + fmt(target * 100, 1) + "%）";
}

Requirement check_hosts(const Indicator& ind) {
    if (ind.facility_types.empty() || ind.with_types.empty()) return {"with_types", "share_of_facilities needs facility_types and with_types"};
    return kFine;
}
// A ratio kept as (numerator, denominator) per indicator id, as hosts and developments are.
Ratio pair_ratio(const std::map<std::string, std::pair<double, double>>& by_id, const std::string& id) {
    Ratio r;
    auto it = by_id.find(id);
    if (it != by_id.end()) r.num = it->second.first, r.den = it->second.second;
    return r;
}
Ratio measure_hosts(const Indicator& ind, const TownFacts& f) { return pair_ratio(f.hosts, ind.id); }
void gap_hosts(const Indicator&, const Ratio& r, double target, bool strict, Evaluation& e) {
    e.gap = units_needed(target * r.den - r.num, strict);
    e.gap_text = fmt(r.num, 0) + " of " + fmt(r.den, 0) + " have one; " + fmt(e.gap, 0) + " more needed";
    e.gap_text_zh = fmt(r.den, 0) + " 个中 " + fmt(r.num, 0) + " 个已设，还需 " + fmt(e.gap, 0) + " 个";
}

Requirement check_town_value(const Indicator& ind) {
    if (ind.stat.empty()) return {"stat", "town_value needs stat"};
    return kFine;
}
Ratio measure_town_value(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    r.value = stat(f, ind.stat);
    if (r.value) r.num = *r.value;
    return r;
}
void gap_town_value(const Indicator&, const Ratio&, double target, bool, Evaluation& e) {
    e.gap = target - *e.value;
    e.gap_text = "value " + fmt(*e.value, 2) + ", target " + fmt(target, 2);
    e.gap_text_zh = "现值 " + fmt(*e.value, 2) + "，目标 " + fmt(target, 2);
}

// New housing (配建): the share of a town's new developments providing per_100_households m2 of
// elderly facilities per 100 households (each judged on its own, in the analysis).
Requirement check_housing(const Indicator& ind) {
    if (ind.area_field.empty()) return {"area_field", "new_housing_compliance needs area_field (m2 provided, a field of the [housing] layer)"};
    if (!(ind.per_100_households > 0)) return {"per_100_households", "new_housing_compliance needs per_100_households (m2 per 100 households, > 0)"};
    return kFine;
}
Ratio measure_housing(const Indicator& ind, const TownFacts& f) { return pair_ratio(f.developments, ind.id); }
void gap_housing(const Indicator& ind, const Ratio& r, double target, bool strict, Evaluation& e) {
    e.gap = units_needed(target * r.den - r.num, strict);
    const std::string rule = fmt(ind.per_100_households, 0);
    e.gap_text = fmt(r.num, 0) + " of " + fmt(r.den, 0) + " new developments provide " + rule + " m2 per 100 households; " + fmt(e.gap, 0) +
                 " more must (see housing.csv)";
    e.gap_text_zh = fmt(r.den, 0) + " 个新建住宅小区中 " + fmt(r.num, 0) + " 个达到每百户 " + rule + " 平方米，还需 " + fmt(e.gap, 0) +
                    " 个达标（见 housing.csv）";
}

// How the city value is formed from the towns'.
enum class CityValue {
    pooled,            // the city as one big town: sums of numerators over sums of denominators
    pooled_stat_rate,  // pooled, over the towns that have both statistics figures
    towns_with_one,    // "one per town": the city value is the count of towns that have one
    weighted_mean,     // a town figure: mean weighted by weight_stat or households (or a sum on request)
    city_only,         // a city-wide total: pooled (the sum); the towns have no target of their own
};

struct IndicatorKind {
    const char* name;
    Requirement (*check)(const Indicator&);
    Ratio (*measure)(const Indicator&, const TownFacts&);
    void (*gap)(const Indicator&, const Ratio&, double target, bool strict, Evaluation&);  // a shortfall in words
    CityValue city;
    bool per_household;  // no households = no data
};

constexpr IndicatorKind kKinds[] = {
    {"coverage_share", check_coverage_share, measure_coverage_share, gap_coverage_share, CityValue::pooled, true},
    {"area_per_100_households", check_area, measure_area, gap_area, CityValue::pooled, true},
    {"count_at_least", check_count, measure_count, gap_count, CityValue::towns_with_one, false},
    {"per_10k_population", check_per_10k, measure_per_10k, gap_per_10k, CityValue::pooled_stat_rate, false},
    {"per_population", check_per_population, measure_per_population, gap_per_population, CityValue::pooled_stat_rate, false},
    {"attribute_ratio", check_ratio, measure_ratio, gap_ratio, CityValue::pooled, false},
    {"share_of_facilities", check_hosts, measure_hosts, gap_hosts, CityValue::pooled, false},
    {"town_value", check_town_value, measure_town_value, gap_town_value, CityValue::weighted_mean, false},
    {"city_total", check_city_total, measure_city_total, gap_city_total, CityValue::city_only, false},
    {"new_housing_compliance", check_housing, measure_housing, gap_housing, CityValue::pooled, false},
};

const IndicatorKind* find_kind(const std::string& name) {
    for (const auto& k : kKinds)
        if (name == k.name) return &k;
    return nullptr;
}
// Indicators are checked when the targets file is read, so every kind met later is in the table.
const IndicatorKind& kind_of(const std::string& name) {
    const IndicatorKind* k = find_kind(name);
    if (!k) throw std::logic_error("indicator kind '" + name + "' is not in the table");
    return *k;
}
std::string kind_names() {
    std::string out;
    for (const auto& k : kKinds) out += (out.empty() ? "" : ", ") + std::string(k.name);
    return out;
}

}  // namespace

bool is_indicator_kind(const std::string& kind) { return find_kind(kind) != nullptr; }
std::string indicator_kind_names() { return kind_names(); }
KindRequirement check_indicator_kind(const Indicator& ind) { return kind_of(ind.kind).check(ind); }

namespace {

// Comparison with a relative tolerance, so that 0.7 computed as 7/10 meets ">= 0.7" and does
// not meet "> 0.7".
bool meets(const std::string& cmp, double v, double t) {
    const double eps = 1e-9 * std::max(1.0, std::fabs(t));
    if (cmp == "<=") return v <= t + eps;
    if (cmp == "<") return v < t - eps;
    if (cmp == ">") return v > t + eps;
    if (cmp == "==") return std::fabs(v - t) <= eps;
    return v >= t - eps;
}

void say_no_target(int year, Evaluation& e) {
    e.gap_text = "no target for " + std::to_string(year);
    e.gap_text_zh = std::to_string(year) + " 年无目标值";
}

void describe_gap(const Indicator& ind, const Ratio& r, double target, int year, Evaluation& e) {
    const IndicatorKind& kind = kind_of(ind.kind);
    if (e.status == Status::no_target) {
        say_no_target(year, e);
        return;
    }
    if (e.status == Status::no_data) {
        e.gap_text = kind.per_household ? "no households in the town" : "no data";
        e.gap_text_zh = kind.per_household ? "该镇街无住户数据" : "无数据";
        if (ind.kind == "new_housing_compliance") e.gap_text = "no new development judged", e.gap_text_zh = "无可考核的新建住宅小区";
        return;
    }
    if (e.status == Status::met) {
        e.gap_text = "met";
        e.gap_text_zh = "已达标";
        return;
    }
    const bool strict = e.comparator == ">";
    if (e.comparator == "<=" || e.comparator == "<") {
        e.gap = *e.value - target;
        e.gap_text = "exceeds the limit by " + fmt(e.gap, 2);
        e.gap_text_zh = "超出上限 " + fmt(e.gap, 2);
        return;
    }
    kind_of(ind.kind).gap(ind, r, target, strict, e);
}

}  // namespace

namespace {
// `city`: the facts are the whole city's (roll_up), so a city-wide target applies.
Evaluation evaluate_at(const Indicator& ind, const TownFacts& f, int year, bool city) {
    Evaluation e;
    const IndicatorKind& kind = kind_of(ind.kind);
    e.target = ind.target_for(year);
    e.comparator = ind.comparator_for(year);
    Ratio r = kind.measure(ind, f);
    if (!r.value && r.den > 0) r.value = r.num / r.den * r.scale;  // ratio kinds leave the division here
    e.value = r.value;
    if (kind.city == CityValue::city_only && !city) {
        // A town's share of a city-wide total: shown, never judged against the city's target.
        e.target.reset();
        e.status = Status::no_target;
        e.gap_text = "city-wide target only; the town has " + fmt(e.value.value_or(0), 0);
        e.gap_text_zh = "全市目标，本镇街现有 " + fmt(e.value.value_or(0), 0);
        return e;
    }
    if (!e.target) e.status = Status::no_target;
    else if (!e.value) e.status = Status::no_data;
    else e.status = meets(e.comparator, *e.value, *e.target) ? Status::met : Status::missed;
    describe_gap(ind, r, e.target.value_or(0), year, e);
    return e;
}
}  // namespace

Evaluation evaluate(const Indicator& ind, const TownFacts& f, int year) { return evaluate_at(ind, f, year, false); }

CityRollup roll_up(const Indicator& ind, const std::vector<TownFacts>& towns, const std::vector<Evaluation>& evals, int year) {
    CityRollup c;
    const IndicatorKind& kind = kind_of(ind.kind);
    // Pooled: the city as one big town (sums of every quantity).
    TownFacts all;
    for (const auto& t : towns) {
        // A rate of statistics is pooled only over towns that have its figures (the population,
        // and a statistics numerator): a town without them neither dilutes nor inflates the city.
        auto has = [&](const std::string& col) { auto it = t.stats.find(col); return it != t.stats.end() && it->second; };
        if (kind.city == CityValue::pooled_stat_rate &&
            ((!ind.stat.empty() && !has(ind.stat)) || (!ind.population_stat.empty() && !has(ind.population_stat))))
            continue;
        all.households += t.households;
        for (const auto& [k, v] : t.covered_households) all.covered_households[k] += v;
        for (const auto& [k, v] : t.base_weight) all.base_weight[k] += v;
        for (const auto& [k, v] : t.count) all.count[k] += v;
        for (const auto& [k, m] : t.attribute_sum)
            for (const auto& [a, v] : m) all.attribute_sum[k][a] += v;
        for (const auto& [k, v] : t.hosts) {
            all.hosts[k].first += v.first;
            all.hosts[k].second += v.second;
        }
        for (const auto& [k, v] : t.demand_sum) all.demand_sum[k] += v;
        for (const auto& [k, v] : t.developments) {
            all.developments[k].first += v.first;
            all.developments[k].second += v.second;
        }
        for (const auto& [k, v] : t.stats)
            if (v) all.stats[k] = all.stats[k].value_or(0) + *v;
    }
    if (kind.city == CityValue::weighted_mean && ind.city_value != "sum") {
        // A town figure (a rate, a score, a per-town count) is not summed over the city: the city
        // value is its mean weighted by weight_stat (default: the town's households).
        double wsum = 0, vsum = 0;
        for (const auto& t : towns) {
            auto v = stat(t, ind.stat);
            std::optional<double> w = ind.weight_stat.empty() ? std::optional<double>(t.households) : stat(t, ind.weight_stat);
            if (!v || !w || *w <= 0) continue;
            wsum += *w;
            vsum += *w * *v;
        }
        if (wsum > 0) all.stats[ind.stat] = vsum / wsum;
        else all.stats.erase(ind.stat);
    }
    if (kind.city == CityValue::towns_with_one) {
        // "One per town" pooled over the city is the count of towns that have one.
        c.pooled.target = ind.target_for(year);
        c.pooled.comparator = ind.comparator_for(year);
        if (!c.pooled.target) {
            c.pooled.status = Status::no_target;
            say_no_target(year, c.pooled);
        }
    } else {
        c.pooled = evaluate_at(ind, all, year, true);
    }
    for (const auto& e : evals) {
        if (e.status == Status::no_data || e.status == Status::no_target) continue;
        c.towns_with_data += 1;
        if (e.status == Status::met) c.towns_met += 1;
    }
    if (c.towns_with_data > 0) c.share_of_towns_met = c.towns_met / c.towns_with_data;
    if (!ind.rollup_kind.empty()) {
        c.rollup_target = ind.rollup_target_for(year);
        c.rollup_comparator = ind.rollup_comparator_for(year);
        if (!c.rollup_target) c.rollup_status = Status::no_target;
        else if (c.share_of_towns_met)
            c.rollup_status = meets(c.rollup_comparator, *c.share_of_towns_met, *c.rollup_target) ? Status::met : Status::missed;
    }
    return c;
}

}  // namespace lc::cov

namespace lc::cov {

bool judged_per_unit(const Indicator& ind) {
    if (!ind.unit_targets.empty()) return true;
    // A town-level count ("one per town"), a town statistic or a city-wide total says nothing of
    // what each village should have.
    return ind.kind != "count_at_least" && ind.kind != "per_10k_population" && ind.kind != "town_value" && ind.kind != "city_total";
}

Indicator unit_indicator(const Indicator& ind) {
    Indicator u = ind;
    u.form.clear();
    if (!ind.unit_targets.empty()) {
        u.targets = ind.unit_targets;
        u.target_comparators = ind.unit_comparators;
    } else if (!judged_per_unit(ind)) {
        u.targets.clear();
        u.target_comparators.clear();
    }
    return u;
}

Evaluation evaluate_share_of_units(const Indicator& ind, double met, double judged, int year) {
    Evaluation e;
    e.target = ind.target_for(year);
    e.comparator = ind.comparator_for(year);
    if (!e.target) {
        e.status = Status::no_target;
        say_no_target(year, e);
        return e;
    }
    if (!(judged > 0)) {
        e.status = Status::no_data;
        e.gap_text = "no village or community judged";
        e.gap_text_zh = "无可考核的村（社区）";
        return e;
    }
    e.value = met / judged;
    e.status = meets(e.comparator, *e.value, *e.target) ? Status::met : Status::missed;
    const std::string counts = fmt(met, 0) + " of " + fmt(judged, 0) + " villages and communities meet it";
    const std::string counts_zh = fmt(judged, 0) + " 个村（社区）中 " + fmt(met, 0) + " 个达标";
    if (e.status == Status::met) {
        e.gap_text = "met (" + counts + ")";
        e.gap_text_zh = "已达标（" + counts_zh + "）";
        return e;
    }
    if (e.comparator == "<=" || e.comparator == "<") {
        e.gap = *e.value - *e.target;
        e.gap_text = counts + ": above the limit";
        e.gap_text_zh = counts_zh + "，超出上限";
        return e;
    }
    // Units still to bring up to the target: the fewest whole units that reach the share.
    double need = std::ceil(*e.target * judged - met - 1e-9);
    if (e.comparator == ">" && meets("==", (met + need) / judged, *e.target)) need += 1;
    e.gap = std::max(need, 1.0);
    e.gap_text = counts + "; " + fmt(e.gap, 0) + " more needed";
    e.gap_text_zh = counts_zh + "，还需 " + fmt(e.gap, 0) + " 个达标";
    return e;
}

}  // namespace lc::cov
