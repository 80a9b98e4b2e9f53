#include "coverage/targets.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace lc::cov {

std::optional<double> Indicator::target_for(int year) const {
    if (targets.empty()) return std::nullopt;
    auto it = targets.upper_bound(year);
    if (it == targets.begin()) return targets.begin()->second;
    return std::prev(it)->second;
}

const char* to_string(Status s) {
    switch (s) {
        case Status::met: return "met";
        case Status::missed: return "missed";
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

const std::set<std::string> kKinds{"coverage_share", "area_per_100_households", "count_at_least", "per_10k_population",
                                   "attribute_ratio", "share_of_facilities", "town_value"};

std::vector<std::string> strings(const toml::node* n) {
    std::vector<std::string> out;
    if (!n) return out;
    if (auto* a = n->as_array())
        for (auto& e : *a)
            if (auto v = e.value<std::string>()) out.push_back(*v);
    if (auto v = n->value<std::string>()) out.push_back(*v);
    return out;
}

}  // namespace

TargetsFile load_targets(const std::string& path) {
    TargetsFile tf;
    tf.file = path;
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        std::ostringstream os;
        os << path << ":" << e.source().begin.line << ": " << e.description();
        throw std::runtime_error(os.str());
    }
    tf.plan = root["meta"]["plan"].value_or(std::string());
    tf.default_year = static_cast<int>(root["meta"]["default_year"].value_or(0.0));
    auto* arr = root["indicator"].as_array();
    if (!arr) throw std::runtime_error(path + ": no [[indicator]] entries");
    std::set<std::string> ids;
    int n = 0;
    for (auto& node : *arr) {
        ++n;
        auto* t = node.as_table();
        if (!t) continue;
        Indicator ind;
        ind.id = (*t)["id"].value_or(std::string());
        auto bad = [&](const std::string& key, const std::string& what) {
            throw std::runtime_error(path + ": indicator " + std::to_string(n) + (ind.id.empty() ? "" : " (" + ind.id + ")") +
                                     " key '" + key + "': " + what);
        };
        if (ind.id.empty()) bad("id", "missing");
        if (!ids.insert(ind.id).second) bad("id", "used twice");
        ind.name_zh = (*t)["name_zh"].value_or(std::string());
        ind.name_en = (*t)["name_en"].value_or(std::string());
        ind.unit = (*t)["unit"].value_or(std::string());
        ind.kind = (*t)["kind"].value_or(std::string());
        if (!kKinds.count(ind.kind)) bad("kind", "unknown kind '" + ind.kind + "'");
        ind.comparator = (*t)["comparator"].value_or(std::string(">="));
        if (ind.comparator != ">=" && ind.comparator != "<=" && ind.comparator != "==") bad("comparator", "must be >=, <= or ==");
        ind.binding = (*t)["binding"].value_or(false);
        ind.source = (*t)["source"].value_or(std::string());
        ind.facility_types = strings(t->get("facility_types"));
        ind.with_types = strings(t->get("with_types"));
        if (auto v = (*t)["minutes"].value<double>()) ind.minutes = *v;
        if (auto v = (*t)["metres"].value<double>()) ind.metres = *v;
        ind.area_field = (*t)["area_field"].value_or(std::string());
        ind.stat = (*t)["stat"].value_or(std::string());
        ind.population_stat = (*t)["population_stat"].value_or(std::string());
        ind.attribute = (*t)["attribute"].value_or(std::string());
        ind.numerator = (*t)["numerator"].value_or(std::string());
        ind.denominator = (*t)["denominator"].value_or(std::string());
        ind.host_field = (*t)["host_field"].value_or(std::string());
        ind.within_m = (*t)["within_m"].value_or(0.0);
        if (auto* tg = (*t)["targets"].as_table())
            for (auto& [k, v] : *tg) {
                int year = std::atoi(std::string(k.str()).c_str());
                auto val = v.value<double>();
                if (year <= 0 || !val) bad("targets", "expected { YEAR = number, ... }");
                ind.targets[year] = *val;
            }
        if (ind.targets.empty()) bad("targets", "missing");
        if (auto* r = (*t)["city_rollup"].as_table()) {
            ind.rollup_kind = (*r)["kind"].value_or(std::string());
            ind.rollup_target = (*r)["target"].value_or(0.0);
            if (ind.rollup_kind != "share_of_towns_met") bad("city_rollup", "kind must be share_of_towns_met");
        }
        // Kind-specific requirements.
        if (ind.kind == "coverage_share") {
            if (ind.facility_types.empty()) bad("facility_types", "required for coverage_share");
            if (!ind.minutes && !ind.metres) bad("minutes", "coverage_share needs minutes or metres");
        }
        if (ind.kind == "area_per_100_households" && (ind.facility_types.empty() || ind.area_field.empty()))
            bad("area_field", "area_per_100_households needs facility_types and area_field");
        if (ind.kind == "count_at_least" && ind.facility_types.empty()) bad("facility_types", "required for count_at_least");
        if (ind.kind == "per_10k_population") {
            if (ind.population_stat.empty()) bad("population_stat", "required for per_10k_population");
            if (ind.stat.empty() && ind.facility_types.empty()) bad("stat", "per_10k_population needs stat or facility_types");
        }
        if (ind.kind == "attribute_ratio" && (ind.facility_types.empty() || ind.numerator.empty() || ind.denominator.empty()))
            bad("numerator", "attribute_ratio needs facility_types, numerator and denominator");
        if (ind.kind == "share_of_facilities" && (ind.facility_types.empty() || ind.with_types.empty()))
            bad("with_types", "share_of_facilities needs facility_types and with_types");
        if (ind.kind == "town_value" && ind.stat.empty()) bad("stat", "town_value needs stat");
        tf.indicators.push_back(std::move(ind));
    }
    return tf;
}

namespace {

double sum_types(const TownFacts& f, const std::vector<std::string>& types, const std::string& attribute) {
    double s = 0;
    for (const auto& t : types) {
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

Ratio measure(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    const std::string& k = ind.kind;
    if (k == "coverage_share") {
        auto it = f.covered_households.find(ind.id);
        r.num = it == f.covered_households.end() ? 0 : it->second;
        r.den = f.households;
    } else if (k == "area_per_100_households") {
        r.num = sum_types(f, ind.facility_types, ind.area_field);
        r.den = f.households;
        r.scale = 100;
    } else if (k == "count_at_least") {
        r.value = sum_types(f, ind.facility_types, "");
        r.num = *r.value;
        return r;
    } else if (k == "per_10k_population") {
        auto pop = stat(f, ind.population_stat);
        if (!ind.stat.empty()) {
            auto v = stat(f, ind.stat);
            if (!v) return r;
            r.num = *v;
        } else {
            r.num = sum_types(f, ind.facility_types, ind.attribute);
        }
        if (!pop) return r;
        r.den = *pop;
        r.scale = 10000;
    } else if (k == "attribute_ratio") {
        r.num = sum_types(f, ind.facility_types, ind.numerator);
        r.den = sum_types(f, ind.facility_types, ind.denominator);
    } else if (k == "share_of_facilities") {
        auto it = f.hosts.find(ind.id);
        if (it != f.hosts.end()) r.num = it->second.first, r.den = it->second.second;
    } else if (k == "town_value") {
        r.value = stat(f, ind.stat);
        if (r.value) r.num = *r.value;
        return r;
    }
    if (r.den > 0) r.value = r.num / r.den * r.scale;
    return r;
}

bool meets(const std::string& cmp, double v, double t) {
    const double eps = 1e-9 * std::max(1.0, std::fabs(t));
    if (cmp == "<=") return v <= t + eps;
    if (cmp == "==") return std::fabs(v - t) <= eps;
    return v >= t - eps;
}

std::string fmt(double v, int d) { return with_commas(v, d); }

void describe_gap(const Indicator& ind, const Ratio& r, double target, Evaluation& e) {
    const std::string& k = ind.kind;
    if (e.status == Status::no_data) {
        e.gap_text = k == "coverage_share" || k == "area_per_100_households" ? "no households in the town" : "no data";
        e.gap_text_zh = k == "coverage_share" || k == "area_per_100_households" ? "该镇街无住户数据" : "无数据";
        return;
    }
    if (e.status == Status::met) {
        e.gap_text = "met";
        e.gap_text_zh = "已达标";
        return;
    }
    if (ind.comparator == "<=") {
        e.gap = *e.value - target;
        e.gap_text = "exceeds the limit by " + fmt(e.gap, 2);
        e.gap_text_zh = "超出上限 " + fmt(e.gap, 2);
        return;
    }
    if (k == "coverage_share") {
        e.gap = std::ceil(target * r.den - r.num - 1e-9);
        std::string minutes = ind.minutes ? fmt(*ind.minutes, 0) + "-minute" : fmt(*ind.metres, 0) + " m";
        e.gap_text = fmt(r.den - r.num, 0) + " households outside the " + minutes + " circle; " + fmt(e.gap, 0) +
                     " more must be covered";
        e.gap_text_zh = fmt(r.den - r.num, 0) + " 户在" + (ind.minutes ? fmt(*ind.minutes, 0) + "分钟" : fmt(*ind.metres, 0) + "米") +
                        "服务圈外，需再覆盖 " + fmt(e.gap, 0) + " 户";
    } else if (k == "area_per_100_households") {
        e.gap = target * r.den / 100 - r.num;
        e.gap_text = "needs " + fmt(e.gap, 0) + " m2 more (" + fmt(*e.value, 1) + " of " + fmt(target, 1) + " m2 per 100 households)";
        e.gap_text_zh = "还需 " + fmt(e.gap, 0) + " 平方米（每百户 " + fmt(*e.value, 1) + "/" + fmt(target, 1) + " 平方米）";
    } else if (k == "count_at_least") {
        e.gap = target - *e.value;
        e.gap_text = fmt(*e.value, 0) + " of " + fmt(target, 0) + " required";
        e.gap_text_zh = "现有 " + fmt(*e.value, 0) + " 个，要求 " + fmt(target, 0) + " 个";
    } else if (k == "per_10k_population") {
        e.gap = std::ceil(target * r.den / r.scale - r.num - 1e-9);
        std::string what = ind.stat.empty() ? "facilities" : ind.stat;
        e.gap_text = "needs " + fmt(e.gap, 0) + " more " + what + " (" + fmt(*e.value, 1) + " of " + fmt(target, 1) + " per 10,000)";
        e.gap_text_zh = "还需 " + fmt(e.gap, 0) + "（每万人 " + fmt(*e.value, 1) + "/" + fmt(target, 1) + "）";
    } else if (k == "attribute_ratio") {
        // The numerator is what can change (e.g. converting beds to nursing beds).
        e.gap = std::ceil(target * r.den - r.num - 1e-9);
        e.gap_text = "needs " + fmt(e.gap, 0) + " more " + ind.numerator + " (" + fmt(*e.value * 100, 1) + "% of " + fmt(target * 100, 1) + "%)";
        e.gap_text_zh = "还需 " + fmt(e.gap, 0) + " 个" + ind.numerator + "（" + fmt(*e.value * 100, 1) + "%/" + fmt(target * 100, 1) + "%）";
    } else if (k == "share_of_facilities") {
        e.gap = std::ceil(target * r.den - r.num - 1e-9);
        e.gap_text = fmt(r.num, 0) + " of " + fmt(r.den, 0) + " have one; " + fmt(e.gap, 0) + " more needed";
        e.gap_text_zh = fmt(r.den, 0) + " 个中 " + fmt(r.num, 0) + " 个已设，还需 " + fmt(e.gap, 0) + " 个";
    } else {
        e.gap = target - *e.value;
        e.gap_text = "value " + fmt(*e.value, 2) + ", target " + fmt(target, 2);
        e.gap_text_zh = "现值 " + fmt(*e.value, 2) + "，目标 " + fmt(target, 2);
    }
}

}  // namespace

Evaluation evaluate(const Indicator& ind, const TownFacts& f, int year) {
    Evaluation e;
    e.target = ind.target_for(year);
    Ratio r = measure(ind, f);
    e.value = r.value;
    if (!e.value || !e.target) e.status = Status::no_data;
    else e.status = meets(ind.comparator, *e.value, *e.target) ? Status::met : Status::missed;
    describe_gap(ind, r, e.target.value_or(0), e);
    return e;
}

CityRollup roll_up(const Indicator& ind, const std::vector<TownFacts>& towns, const std::vector<Evaluation>& evals, int year) {
    CityRollup c;
    // Pooled: the city as one big town (sums of every quantity).
    TownFacts all;
    for (const auto& t : towns) {
        all.households += t.households;
        for (const auto& [k, v] : t.covered_households) all.covered_households[k] += v;
        for (const auto& [k, v] : t.count) all.count[k] += v;
        for (const auto& [k, m] : t.attribute_sum)
            for (const auto& [a, v] : m) all.attribute_sum[k][a] += v;
        for (const auto& [k, v] : t.hosts) {
            all.hosts[k].first += v.first;
            all.hosts[k].second += v.second;
        }
        for (const auto& [k, v] : t.stats)
            if (v) all.stats[k] = all.stats[k].value_or(0) + *v;
    }
    if (ind.kind == "count_at_least") {
        // "One per town" pooled over the city is the count of towns that have one.
        c.pooled.target = ind.target_for(year);
    } else {
        c.pooled = evaluate(ind, all, year);
    }
    for (const auto& e : evals) {
        if (e.status == Status::no_data) continue;
        c.towns_with_data += 1;
        if (e.status == Status::met) c.towns_met += 1;
    }
    if (c.towns_with_data > 0) c.share_of_towns_met = c.towns_met / c.towns_with_data;
    if (!ind.rollup_kind.empty() && c.share_of_towns_met)
        c.rollup_status = *c.share_of_towns_met >= ind.rollup_target - 1e-9 ? Status::met : Status::missed;
    return c;
}

}  // namespace lc::cov
