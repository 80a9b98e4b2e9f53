#include "coverage/analysis/indicators.hpp"
#include "base/error.hpp"

#include "coverage/study/text.hpp"

#include <toml++/toml.h>

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

// Every key an indicator may have; anything else is refused (a misspelt key would otherwise be
// silently ignored).
const std::set<std::string> kIndicatorKeys{"id", "name_zh", "name_en", "unit", "kind", "comparator", "binding", "source",
                                           "facility_types", "with_types", "minutes", "metres", "area_field", "stat",
                                           "population_stat", "attribute", "numerator", "denominator", "host_field",
                                           "within_m", "targets", "city_rollup", "weight_stat", "city_value"};
const std::set<std::string> kRollupKeys{"kind", "target", "comparator"};
const std::set<std::string> kMetaKeys{"plan", "default_year", "source", "note"};


bool is_comparator(const std::string& c) { return c == ">=" || c == ">" || c == "<=" || c == "<" || c == "=="; }

// A target value: a number, or a string "COMPARATOR NUMBER" (the plan's "＞80%" is "> 0.8").
// Returns false when the node is neither.
bool parse_target_value(const toml::node& v, double& value, std::string& comparator) {
    if (auto d = v.value<double>()) {
        value = *d;
        comparator.clear();
        return std::isfinite(value);
    }
    auto s = v.value<std::string>();
    if (!s) return false;
    size_t i = 0;
    while (i < s->size() && std::string("<>=").find((*s)[i]) != std::string::npos) ++i;
    comparator = s->substr(0, i);
    if (!is_comparator(comparator)) return false;
    std::string rest = s->substr(i);
    char* end = nullptr;
    value = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) return false;
    while (*end == ' ') ++end;
    return *end == '\0' && std::isfinite(value);
}

// { YEAR = number | "CMP number", ... } into the two maps; returns an error text or "".
std::string parse_year_table(const toml::table& tg, std::map<int, double>& values, std::map<int, std::string>& comparators) {
    for (auto& [k, v] : tg) {
        const std::string key(k.str());
        char* end = nullptr;
        long year = std::strtol(key.c_str(), &end, 10);
        if (key.empty() || *end != '\0' || year < 1 || year > 9999)
            return "'" + key + "' is not a year; expected { YEAR = number, ... }";
        double value = 0;
        std::string cmp;
        if (!parse_target_value(v, value, cmp))
            return "year " + key + ": expected a finite number or a string such as \"> 0.8\"";
        values[static_cast<int>(year)] = value;
        if (!cmp.empty()) comparators[static_cast<int>(year)] = cmp;
    }
    return "";
}

}  // namespace

namespace {

// ---- indicator kinds ---------------------------------------------------------------------------
// Each kind is one row of kKinds: what it requires in the targets file, how a town's value is
// measured from its facts, how a shortfall is put in words, and how the city value is formed.
// Adding a kind: write its three functions here, add its row, document it in the targets header
// (data/dongguan/targets.toml); if it needs new facts, the analysis gathers them (TownFacts).

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

// Smallest whole number of units that covers a shortfall `need` when the target is to be
// reached (">=": ceil) or passed (">": floor + 1).
double units_needed(double need, bool strict) {
    return strict ? std::floor(need + 1e-9) + 1 : std::ceil(need - 1e-9);
}

std::string fmt(double v, int d) { return with_commas(v, d); }

using Requirement = std::pair<const char*, const char*>;  // key, what is missing; key null = fine
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
    r.den = f.households;
    return r;
}
void gap_coverage_share(const Indicator& ind, const Ratio& r, double target, bool strict, Evaluation& e) {
    e.gap = units_needed(target * r.den - r.num, strict);
    std::string minutes = ind.minutes ? fmt(*ind.minutes, 0) + "-minute" : fmt(*ind.metres, 0) + " m";
    e.gap_text = fmt(r.den - r.num, 0) + " households outside the " + minutes + " circle; " + fmt(e.gap, 0) + " more must be covered";
    e.gap_text_zh = fmt(r.den - r.num, 0) + " 户在" + (ind.minutes ? fmt(*ind.minutes, 0) + "分钟" : fmt(*ind.metres, 0) + "米") +
                    "服务圈外，需再覆盖 " + fmt(e.gap, 0) + " 户";
}

Requirement check_area(const Indicator& ind) {
    if (ind.facility_types.empty() || ind.area_field.empty()) return {"area_field", "area_per_100_households needs facility_types and area_field"};
    return kFine;
}
Ratio measure_area(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    r.num = sum_types(f, ind.facility_types, ind.area_field);
    r.den = f.households;
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
    r.value = sum_types(f, ind.facility_types, "");
    r.num = *r.value;
    return r;
}
void gap_count(const Indicator&, const Ratio&, double target, bool strict, Evaluation& e) {
    e.gap = strict ? units_needed(target - *e.value, true) : target - *e.value;
    e.gap_text = fmt(*e.value, 0) + " of " + fmt(target, 0) + " required";
    e.gap_text_zh = "现有 " + fmt(*e.value, 0) + " 个，要求 " + fmt(target, 0) + " 个";
}

Requirement check_per_10k(const Indicator& ind) {
    if (ind.population_stat.empty()) return {"population_stat", "required for per_10k_population"};
    if (ind.stat.empty() && ind.facility_types.empty()) return {"stat", "per_10k_population needs stat or facility_types"};
    return kFine;
}
Ratio measure_per_10k(const Indicator& ind, const TownFacts& f) {
    Ratio r;
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
    return r;
}
void gap_per_10k(const Indicator& ind, const Ratio& r, double target, bool strict, Evaluation& e) {
    e.gap = units_needed(target * r.den / r.scale - r.num, strict);
    std::string what = ind.stat.empty() ? "facilities" : ind.stat;
    e.gap_text = "needs " + fmt(e.gap, 0) + " more " + what + " (" + fmt(*e.value, 1) + " of " + fmt(target, 1) + " per 10,000)";
    e.gap_text_zh = "还需 " + fmt(e.gap, 0) + "（每万人 " + fmt(*e.value, 1) + "/" + fmt(target, 1) + "）";
}

Requirement check_ratio(const Indicator& ind) {
    if (ind.facility_types.empty() || ind.numerator.empty() || ind.denominator.empty())
        return {"numerator", "attribute_ratio needs facility_types, numerator and denominator"};
    return kFine;
}
Ratio measure_ratio(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    r.num = sum_types(f, ind.facility_types, ind.numerator);
    r.den = sum_types(f, ind.facility_types, ind.denominator);
    return r;
}
void gap_ratio(const Indicator& ind, const Ratio& r, double target, bool strict, Evaluation& e) {
    // The numerator is what can change (e.g. converting beds to nursing beds).
    e.gap = units_needed(target * r.den - r.num, strict);
    e.gap_text = "needs " + fmt(e.gap, 0) + " more " + ind.numerator + " (" + fmt(*e.value * 100, 1) + "% of " + fmt(target * 100, 1) + "%)";
    e.gap_text_zh = "还需 " + fmt(e.gap, 0) + " 个" + ind.numerator + "（" + fmt(*e.value * 100, 1) + "%/" + fmt(target * 100, 1) + "%）";
}

Requirement check_hosts(const Indicator& ind) {
    if (ind.facility_types.empty() || ind.with_types.empty()) return {"with_types", "share_of_facilities needs facility_types and with_types"};
    return kFine;
}
Ratio measure_hosts(const Indicator& ind, const TownFacts& f) {
    Ratio r;
    auto it = f.hosts.find(ind.id);
    if (it != f.hosts.end()) r.num = it->second.first, r.den = it->second.second;
    return r;
}
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

// How the city value is formed from the towns'.
enum class CityValue {
    pooled,            // the city as one big town: sums of numerators over sums of denominators
    pooled_stat_rate,  // pooled, over the towns that have both statistics figures
    towns_with_one,    // "one per town": the city value is the count of towns that have one
    weighted_mean,     // a town figure: mean weighted by weight_stat or households (or a sum on request)
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
    {"attribute_ratio", check_ratio, measure_ratio, gap_ratio, CityValue::pooled, false},
    {"share_of_facilities", check_hosts, measure_hosts, gap_hosts, CityValue::pooled, false},
    {"town_value", check_town_value, measure_town_value, gap_town_value, CityValue::weighted_mean, false},
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

TargetsFile load_targets(const std::string& path) {
    TargetsFile tf;
    tf.file = path;
    toml::table root;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw base::UserError(path + ": targets file not found ([targets] path or --targets)");
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        std::ostringstream os;
        os << path << ":" << e.source().begin.line << ": " << e.description();
        throw base::UserError(os.str());
    }
    for (auto& [k, v] : root) {
        const std::string section(k.str());
        if (section == "meta" || section == "indicator") continue;
        throw base::UserError(path + ": unknown section [" + section + "]" + did_you_mean(section, {"meta", "indicator"}, "[", "]"));
    }
    if (auto* meta = root["meta"].as_table())
        for (auto& [k, v] : *meta)
            if (!kMetaKeys.count(std::string(k.str())))
                throw base::UserError(path + ": [meta] " + std::string(k.str()) + ": unknown key" + did_you_mean(std::string(k.str()), kMetaKeys));
    tf.plan = root["meta"]["plan"].value_or(std::string());
    if (const toml::node* dy = root["meta"]["default_year"].node()) {
        auto y = dy->value<int64_t>();
        if (!dy->is_integer() || !y || *y < 1900 || *y > 2200)
            throw base::UserError(path + ": [meta] default_year: expected a year such as 2025");
        tf.default_year = static_cast<int>(*y);
    }
    if (const toml::node* pl = root["meta"]["plan"].node(); pl && !pl->is_string())
        throw base::UserError(path + ": [meta] plan: expected a text value in quotes");
    auto* arr = root["indicator"].as_array();
    if (!arr) throw base::UserError(path + ": no [[indicator]] entries");
    std::set<std::string> ids;
    int n = 0;
    for (auto& node : *arr) {
        ++n;
        auto* t = node.as_table();
        if (!t) continue;
        Indicator ind;
        ind.id = (*t)["id"].value_or(std::string());
        auto bad = [&](const std::string& key, const std::string& what) {
            throw base::UserError(path + ": indicator " + std::to_string(n) + (ind.id.empty() ? "" : " (" + ind.id + ")") +
                                     " key '" + key + "': " + what);
        };
        if (ind.id.empty()) bad("id", "missing");
        // Typed reads: a value of the wrong type is an error, never read as "" or 0.
        auto text = [&](const std::string& key) -> std::string {
            const toml::node* n = t->get(key);
            if (!n) return {};
            if (auto v = n->value<std::string>()) return *v;
            bad(key, "expected a text value in quotes");
            return {};  // not reached: bad() throws
        };
        auto number = [&](const std::string& key, bool positive) -> std::optional<double> {
            const toml::node* n = t->get(key);
            if (!n) return std::nullopt;
            auto v = n->is_number() ? n->value<double>() : std::nullopt;
            if (!v) bad(key, "expected a number");
            if (!std::isfinite(*v)) bad(key, "must be a finite number");
            if (positive ? *v <= 0 : *v < 0) bad(key, positive ? "must be greater than 0" : "must not be negative");
            return v;
        };
        auto text_list = [&](const std::string& key) {
            std::vector<std::string> out;
            const toml::node* n = t->get(key);
            if (!n) return out;
            if (auto v = n->value<std::string>()) return std::vector<std::string>{*v};
            auto* a = n->as_array();
            if (!a) bad(key, "expected a list of text values, e.g. [\"day_care\"]");
            for (auto& e : *a) {
                auto v = e.value<std::string>();
                if (!v || !e.is_string()) bad(key, "expected a list of text values, e.g. [\"day_care\"]");
                out.push_back(*v);
            }
            return out;
        };
        auto flag = [&](const std::string& key) {
            const toml::node* n = t->get(key);
            if (!n) return false;
            if (auto v = n->value<bool>(); v && n->is_boolean()) return *v;
            bad(key, "expected true or false");
            return false;  // not reached
        };
        auto refuse_unknown = [&](const toml::table& table, const std::set<std::string>& keys, const std::string& prefix) {
            for (auto& [k, v] : table) {
                const std::string key(k.str());
                if (!keys.count(key)) bad(prefix + key, "unknown key" + did_you_mean(key, keys, prefix));
            }
        };
        refuse_unknown(*t, kIndicatorKeys, "");
        if (auto* r = (*t)["city_rollup"].as_table()) refuse_unknown(*r, kRollupKeys, "city_rollup.");
        if (!ids.insert(ind.id).second) bad("id", "used twice");
        ind.name_zh = text("name_zh");
        ind.name_en = text("name_en");
        ind.unit = text("unit");
        ind.kind = text("kind");
        if (!find_kind(ind.kind)) bad("kind", "unknown kind '" + ind.kind + "'; kinds are " + kind_names());
        ind.comparator = t->contains("comparator") ? text("comparator") : std::string(">=");
        if (!is_comparator(ind.comparator)) bad("comparator", "must be >=, >, <=, < or ==");
        ind.binding = flag("binding");
        ind.source = text("source");
        ind.facility_types = text_list("facility_types");
        ind.with_types = text_list("with_types");
        ind.minutes = number("minutes", true);
        ind.metres = number("metres", true);
        ind.area_field = text("area_field");
        ind.stat = text("stat");
        ind.population_stat = text("population_stat");
        ind.attribute = text("attribute");
        ind.numerator = text("numerator");
        ind.denominator = text("denominator");
        ind.host_field = text("host_field");
        ind.weight_stat = text("weight_stat");
        ind.city_value = text("city_value");
        if (!ind.city_value.empty() && ind.city_value != "sum" && ind.city_value != "weighted_mean")
            bad("city_value", "must be sum or weighted_mean");
        if ((!ind.weight_stat.empty() || !ind.city_value.empty()) && ind.kind != "town_value")
            bad(ind.weight_stat.empty() ? "city_value" : "weight_stat", "only for kind town_value");
        ind.within_m = number("within_m", false).value_or(0.0);
        if (auto* tn = t->get("targets")) {
            auto* tg = tn->as_table();
            if (!tg) bad("targets", "expected { YEAR = number, ... }");
            if (auto err = parse_year_table(*tg, ind.targets, ind.target_comparators); !err.empty()) bad("targets", err);
        }
        if (ind.targets.empty()) bad("targets", "missing");
        if (auto* rn = t->get("city_rollup")) {
            auto* r = rn->as_table();
            if (!r) bad("city_rollup", "expected { kind = \"share_of_towns_met\", target = ... }");
            ind.rollup_kind = (*r)["kind"].value_or(std::string());
            if (ind.rollup_kind != "share_of_towns_met") bad("city_rollup", "kind must be share_of_towns_met");
            ind.rollup_comparator = (*r)["comparator"].value_or(std::string(">="));
            if (!is_comparator(ind.rollup_comparator)) bad("city_rollup.comparator", "must be >=, >, <=, < or ==");
            auto* target = r->get("target");
            if (!target) bad("city_rollup.target", "missing");
            if (auto* years = target->as_table()) {
                if (auto err = parse_year_table(*years, ind.rollup_targets, ind.rollup_comparators); !err.empty())
                    bad("city_rollup.target", err);
                if (ind.rollup_targets.empty()) bad("city_rollup.target", "no year given");
            } else {
                // A plain number holds for every year.
                double v = 0;
                std::string cmp;
                if (!parse_target_value(*target, v, cmp)) bad("city_rollup.target", "expected a share, a string such as \"> 0.8\" or { YEAR = share, ... }");
                ind.rollup_targets[0] = v;
                if (!cmp.empty()) ind.rollup_comparators[0] = cmp;
            }
            for (const auto& [year, v] : ind.rollup_targets)
                if (v < 0 || v > 1) bad("city_rollup.target", "a share of towns must lie between 0 and 1 (got " + std::to_string(v) + ")");
        }
        // Kind-specific requirements.
        if (auto [key, what] = kind_of(ind.kind).check(ind); key) bad(key, what);
        tf.indicators.push_back(std::move(ind));
    }
    return tf;
}

namespace {

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "(none)" : out;
}

}  // namespace

std::vector<std::string> check_against_data(const TargetsFile& tf, const DataNames& data) {
    std::vector<std::string> errors;
    const std::set<std::string> fields(data.facility_fields.begin(), data.facility_fields.end());
    const std::set<std::string> columns(data.stat_columns.begin(), data.stat_columns.end());
    const std::set<std::string> types(data.facility_types.begin(), data.facility_types.end());
    for (const auto& ind : tf.indicators) {
        const std::string who = "indicator " + ind.id + ": ";
        if (data.has_facilities) {
            for (const auto& [key, field] : {std::pair<const char*, const std::string*>{"area_field", &ind.area_field},
                                             {"attribute", &ind.attribute}, {"numerator", &ind.numerator},
                                             {"denominator", &ind.denominator}, {"host_field", &ind.host_field}})
                if (!field->empty() && !fields.count(*field))
                    errors.push_back(who + "facilities have no field " + *field + " (" + key + ")" + did_you_mean(*field, fields) +
                                     "; fields are " + join_names(data.facility_fields));
            for (const auto* list : {&ind.facility_types, &ind.with_types}) {
                if (list->empty()) continue;
                bool any = false;
                for (const auto& t : *list) any = any || types.count(t);
                if (!any)
                    errors.push_back(who + "no facility has type " + join_names(*list) + did_you_mean(list->front(), types) +
                                     "; the types in the data are " + join_names(data.facility_types));
            }
        }
        for (const auto& [key, column] : {std::pair<const char*, const std::string*>{"stat", &ind.stat},
                                          {"population_stat", &ind.population_stat}, {"weight_stat", &ind.weight_stat}}) {
            if (column->empty()) continue;
            if (!data.has_stats)
                errors.push_back(who + std::string(key) + " names the statistics column " + *column + " but the project has no [stats] table");
            else if (!columns.count(*column))
                errors.push_back(who + "the statistics table has no column " + *column + " (" + key + ")" + did_you_mean(*column, columns) +
                                 "; columns are " + join_names(data.stat_columns));
        }
    }
    return errors;
}

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

Evaluation evaluate(const Indicator& ind, const TownFacts& f, int year) {
    Evaluation e;
    e.target = ind.target_for(year);
    e.comparator = ind.comparator_for(year);
    Ratio r = kind_of(ind.kind).measure(ind, f);
    if (!r.value && r.den > 0) r.value = r.num / r.den * r.scale;  // ratio kinds leave the division here
    e.value = r.value;
    if (!e.target) e.status = Status::no_target;
    else if (!e.value) e.status = Status::no_data;
    else e.status = meets(e.comparator, *e.value, *e.target) ? Status::met : Status::missed;
    describe_gap(ind, r, e.target.value_or(0), year, e);
    return e;
}

CityRollup roll_up(const Indicator& ind, const std::vector<TownFacts>& towns, const std::vector<Evaluation>& evals, int year) {
    CityRollup c;
    const IndicatorKind& kind = kind_of(ind.kind);
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
        // A rate of statistics is pooled only over towns that have both of its figures, so a
        // town without a population does not dilute the city's ratio.
        auto has = [&](const std::string& col) { auto it = t.stats.find(col); return it != t.stats.end() && it->second; };
        if (kind.city == CityValue::pooled_stat_rate && !ind.stat.empty() && !(has(ind.stat) && has(ind.population_stat))) continue;
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
        c.pooled = evaluate(ind, all, year);
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
