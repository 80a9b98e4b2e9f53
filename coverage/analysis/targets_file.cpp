// Reading the targets file (TOML): every key known and typed, every value range-checked, and the
// names an indicator uses checked against the data. What each kind requires is in its row of the
// kinds table (indicators.cpp).
#include "coverage/analysis/indicators.hpp"
#include "coverage/analysis/indicator_kinds.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <stdexcept>

#include "base/error.hpp"
#include "coverage/study/text.hpp"

namespace lc::cov {

namespace {

// Every key an indicator may have; anything else is refused (a misspelt key would otherwise be
// silently ignored).
const std::set<std::string> kIndicatorKeys{"id", "name_zh", "name_en", "unit", "kind", "comparator", "binding", "source",
                                           "facility_types", "with_types", "minutes", "metres", "area_field", "stat",
                                           "population_stat", "attribute", "numerator", "denominator", "host_field",
                                           "within_m", "targets", "city_rollup", "weight_stat", "city_value",
                                           "population_field", "per", "filter", "facility_filter", "speed_kmh", "weight",
                                           "unit_target", "form", "per_100_households", "built_from"};
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
        if (!is_indicator_kind(ind.kind)) bad("kind", "unknown kind '" + ind.kind + "'; kinds are " + indicator_kind_names());
        ind.comparator = t->contains("comparator") ? text("comparator") : std::string(">=");
        if (!is_comparator(ind.comparator)) bad("comparator", "must be >=, >, <=, < or ==");
        ind.binding = flag("binding");
        ind.source = text("source");
        ind.facility_types = text_list("facility_types");
        ind.with_types = text_list("with_types");
        ind.minutes = number("minutes", true);
        ind.metres = number("metres", true);
        ind.speed_kmh = number("speed_kmh", true);
        if (ind.speed_kmh && (ind.kind != "coverage_share" || !ind.minutes))
            bad("speed_kmh", "only for kind coverage_share with minutes (a circle walked at another speed)");
        if (ind.speed_kmh && !(*ind.speed_kmh > 0 && *ind.speed_kmh <= 30)) bad("speed_kmh", "must be a walking speed above 0 and at most 30 km/h");
        ind.area_field = text("area_field");
        ind.stat = text("stat");
        ind.population_stat = text("population_stat");
        ind.population_field = text("population_field");
        ind.filter = text("filter");
        ind.facility_filter = text("facility_filter");
        if (!ind.filter.empty() && ind.kind != "coverage_share" && ind.kind != "area_per_100_households" &&
            !(ind.kind == "per_population" && !ind.population_field.empty()))
            bad("filter", "only for kinds that count demand rows: coverage_share, area_per_100_households and per_population with "
                          "population_field (a statistics column cannot be filtered by demand rows)");
        if (!ind.facility_filter.empty() && (ind.kind == "share_of_facilities" || ind.kind == "town_value" || ind.facility_types.empty()))
            bad("facility_filter", "only for kinds that count facility_types (coverage_share, count_at_least, area_per_100_households, "
                                   "per_10k_population, per_population, attribute_ratio, city_total)");
        ind.weight = text("weight");
        if (ind.weight == "households") ind.weight.clear();
        if (!ind.weight.empty() && ind.kind != "coverage_share")
            bad("weight", "only for kind coverage_share (the per-100-household kinds count households; per_population names its population)");
        ind.per = number("per", false).value_or(0.0);
        if (t->contains("per") && !(ind.per > 0)) bad("per", "must be a positive number of people (e.g. 1000)");
        if ((t->contains("per") || !ind.population_field.empty()) && ind.kind != "per_population")
            bad(t->contains("per") ? "per" : "population_field", "only for kind per_population");
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
        ind.per_100_households = number("per_100_households", false).value_or(0.0);
        if (auto y = number("built_from", false)) {
            if (*y != std::floor(*y) || *y < 1900 || *y > 2200) bad("built_from", "must be a year (1900-2200)");
            ind.built_from = static_cast<int>(*y);
        }
        if ((t->contains("per_100_households") || t->contains("built_from")) && ind.kind != "new_housing_compliance")
            bad(t->contains("built_from") ? "built_from" : "per_100_households", "only for kind new_housing_compliance");
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
        if (auto* target = t->get("unit_target")) {
            if (auto* years = target->as_table()) {
                if (auto err = parse_year_table(*years, ind.unit_targets, ind.unit_comparators); !err.empty()) bad("unit_target", err);
                if (ind.unit_targets.empty()) bad("unit_target", "no year given");
            } else {
                double v = 0;  // a plain number holds for every year
                std::string cmp;
                if (!parse_target_value(*target, v, cmp)) bad("unit_target", "expected a number, a string such as \"> 0.8\" or { YEAR = number, ... }");
                ind.unit_targets[0] = v;
                if (!cmp.empty()) ind.unit_comparators[0] = cmp;
            }
        }
        ind.form = text("form");
        if (!ind.form.empty() && ind.form != "share_of_units_met") bad("form", "must be share_of_units_met (or left out)");
        if (ind.share_of_units()) {
            if (ind.unit_targets.empty()) bad("unit_target", "form = share_of_units_met needs unit_target, the target each unit must meet");
            if (ind.kind == "city_total") bad("form", "a city-wide total has no per-unit value");
            for (const auto& [year, v] : ind.targets)
                if (v < 0 || v > 1) bad("targets", "with form = share_of_units_met a target is a share of units between 0 and 1 (got " + std::to_string(v) + ")");
        }
        // Kind-specific requirements.
        if (auto [key, what] = check_indicator_kind(ind); key) bad(key, what);
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
        const std::string none;  // new_housing_compliance's area_field is a field of the housing layer
        if (data.has_facilities) {
            for (const auto& [key, field] : {std::pair<const char*, const std::string*>{"area_field", ind.kind == "new_housing_compliance" ? &none : &ind.area_field},
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
        if (!ind.population_field.empty() && data.has_demand) {
            const std::set<std::string> dfields(data.demand_fields.begin(), data.demand_fields.end());
            if (!dfields.count(ind.population_field))
                errors.push_back(who + "the demand layer has no field " + ind.population_field + " (population_field)" +
                                 did_you_mean(ind.population_field, dfields) + "; fields are " + join_names(data.demand_fields));
        }
        if (ind.kind == "new_housing_compliance") {
            // Without a [housing] layer the indicator has no data (load_study_targets warns), not an error.
            if (data.has_housing && std::find(data.housing_fields.begin(), data.housing_fields.end(), ind.area_field) == data.housing_fields.end())
                errors.push_back(who + "the housing layer has no field " + ind.area_field + " (area_field); fields are " + join_names(data.housing_fields));
        }
        for (const auto& [key, column] : {std::pair<const char*, const std::string*>{"stat", &ind.stat},
                                          {"population_stat", &ind.population_stat}, {"weight_stat", &ind.weight_stat}}) {
            if (column->empty()) continue;
            if (std::find(data.unit_fields.begin(), data.unit_fields.end(), *column) != data.unit_fields.end()) continue;  // a figure per unit
            // Judged per unit: without units the indicator has no data (said in its gap text), not an error.
            if (ind.share_of_units() && !data.has_units) continue;
            if (!data.has_stats)
                errors.push_back(who + std::string(key) + " names the statistics column " + *column + " but the project has no [stats] table");
            else if (!columns.count(*column))
                errors.push_back(who + "the statistics table has no column " + *column + " (" + key + ")" + did_you_mean(*column, columns) +
                                 "; columns are " + join_names(data.stat_columns));
        }
    }
    return errors;
}

}  // namespace lc::cov
