#include "coverage/study/project.hpp"
#include "base/error.hpp"

#include "coverage/study/text.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace lc::cov {
namespace {

// Applies one "a.b.c=value" override to the table, creating sub-tables as needed.
void apply_override(toml::table& root, const std::string& text) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) throw base::UserError("--set expects section.key=value, got '" + text + "'");
    std::string key = text.substr(0, eq), value = text.substr(eq + 1);
    std::vector<std::string> parts;
    std::stringstream ss(key);
    for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
    toml::table* t = &root;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        auto* sub = (*t)[parts[i]].as_table();
        if (!sub) {
            t->insert_or_assign(parts[i], toml::table{});
            sub = (*t)[parts[i]].as_table();
        }
        t = sub;
    }
    // A value that parses as TOML keeps its type (numbers, arrays, booleans); "5,10,15" or
    // "a,b" is a list; anything else is a string.
    try {
        toml::table parsed = toml::parse("v = " + value);
        t->insert_or_assign(parts.back(), *parsed.get("v"));
        return;
    } catch (const toml::parse_error&) {
    }
    if (value.find(',') != std::string::npos) {
        try {
            toml::table parsed = toml::parse("v = [" + value + "]");
            t->insert_or_assign(parts.back(), *parsed.get("v"));
            return;
        } catch (const toml::parse_error&) {
        }
        toml::array list;  // each piece keeps its own type: "5,abc" is a number and a text
        std::stringstream ss(value);
        for (std::string p; std::getline(ss, p, ',');) {
            try {
                toml::table one = toml::parse("v = " + p);
                list.push_back(*one.get("v"));
            } catch (const toml::parse_error&) {
                list.push_back(p);
            }
        }
        t->insert_or_assign(parts.back(), std::move(list));
        return;
    }
    t->insert_or_assign(parts.back(), value);
}

// A value as a message shows it: text in quotes, anything else as TOML writes it.
std::string describe_node(const toml::node& n) {
    if (auto v = n.value<std::string>(); v && n.is_string()) return "the text \"" + *v + "\"";
    std::ostringstream os;
    n.visit([&](const auto& x) { os << x; });
    return os.str();
}

struct Reader {
    const toml::table& root;
    std::string file;
    // Every key the reader asks for, by section: whatever else the file holds is an error, so
    // that a misspelt key is not silently ignored.
    mutable std::map<std::string, std::set<std::string>> known;

    const toml::node* node(const std::string& section, const std::string& key) const {
        known[section].insert(key);
        auto* sec = root[section].as_table();
        return sec ? sec->get(key) : nullptr;
    }
    // Sections whose keys are free (names chosen by the user, e.g. [levels]) are listed in `free`.
    void refuse_unknown(const std::set<std::string>& free) const {
        std::set<std::string> sections;
        for (const auto& [name, keys] : known) sections.insert(name);
        sections.insert(free.begin(), free.end());
        for (auto& [k, v] : root) {
            const std::string section(k.str());
            if (!sections.count(section))
                throw base::UserError((file.empty() ? std::string("settings") : file) + ": unknown section [" + section + "]" +
                                         did_you_mean(section, sections, "[", "]"));
            if (free.count(section)) continue;
            auto* t = v.as_table();
            if (!t) bad(section, "", "expected a section ([" + section + "] with keys), not a value");
            for (auto& [key, value] : *t) {
                const std::string name(key.str());
                if (!known[section].count(name)) bad(section, name, "unknown key" + did_you_mean(name, known[section]));
            }
        }
    }
    [[noreturn]] void bad(const std::string& section, const std::string& key, const std::string& what) const {
        throw base::UserError((file.empty() ? std::string("settings") : file) + ": [" + section + "] " + (key.empty() ? "" : key + ": ") + what);
    }
    void str(const std::string& s, const std::string& k, std::string& out) const {
        if (auto* n = node(s, k)) {
            if (auto v = n->value<std::string>()) out = *v;
            else if (auto d = n->value<double>()) out = std::to_string(*d);
            else bad(s, k, "expected a text value");
        }
    }
    void num(const std::string& s, const std::string& k, double& out) const {
        if (auto* n = node(s, k)) {
            if (auto v = n->value<double>()) {
                if (!std::isfinite(*v)) bad(s, k, "must be a finite number");
                out = *v;
            } else {
                bad(s, k, "expected a number");
            }
        }
    }
    void str_list(const std::string& s, const std::string& k, std::vector<std::string>& out) const {
        if (auto* n = node(s, k)) {
            out.clear();
            if (auto* arr = n->as_array()) {
                for (auto& e : *arr) {
                    if (auto v = e.value<std::string>()) out.push_back(*v);
                    else bad(s, k, "expected a list of text values");
                }
            } else if (auto v = n->value<std::string>()) {
                out.push_back(*v);  // one name for a list of one (--set a.b=name)
            } else {
                bad(s, k, "expected a list");
            }
        }
    }
    void num_list(const std::string& s, const std::string& k, std::vector<double>& out) const {
        if (auto* n = node(s, k)) {
            out.clear();
            if (auto* arr = n->as_array()) {
                for (auto& e : *arr) {
                    auto v = e.is_number() ? e.value<double>() : std::nullopt;
                    if (!v) bad(s, k, "expected a list of numbers, e.g. [5, 10, 15]; got " + describe_node(e));
                    if (!std::isfinite(*v)) bad(s, k, "must be finite numbers");
                    out.push_back(*v);
                }
            } else if (auto v = n->is_number() ? n->value<double>() : std::nullopt) {
                if (!std::isfinite(*v)) bad(s, k, "must be finite numbers");
                out.push_back(*v);
            } else {
                // "5,10" in a file is text, not a list: a planner's typo must not pass as 5.
                bad(s, k, "expected a list of numbers, e.g. [5, 10, 15]; got " + describe_node(*n));
            }
        }
    }
    void layer(const std::string& s, geo::LayerSource& src) const {
        str(s, "path", src.path);
        str(s, "layer", src.layer);
        str(s, "crs", src.crs);
        str(s, "encoding", src.encoding);
        str(s, "where", src.where);
        str(s, "x", src.x_field);
        str(s, "y", src.y_field);
    }
};

}  // namespace

std::string Project::resolve(const std::string& path) const {
    if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
    return (fs::path(base_dir) / path).lexically_normal().string();
}

Project load_project(const std::string& path, const std::vector<std::string>& overrides) {
    toml::table root;
    Project p;
    if (!path.empty()) {
        if (!fs::exists(path)) throw base::UserError(path + ": project file not found");
        try {
            root = toml::parse_file(path);
        } catch (const toml::parse_error& e) {
            std::ostringstream os;
            os << path << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description();
            throw base::UserError(os.str());
        }
        p.file = path;
        p.base_dir = fs::absolute(path).parent_path().string();
    }
    for (const auto& o : overrides) apply_override(root, o);
    Reader r{root, path, {}};

    r.str("project", "name", p.name);
    r.str("project", "name_zh", p.name_zh);
    r.str("project", "name_en", p.name_en);
    r.str("project", "lang", p.lang);
    r.str("project", "note", p.note);
    r.str("project", "note_zh", p.note_zh);
    r.str("project", "note_en", p.note_en);

    r.layer("towns", p.towns.src);
    r.str("towns", "id", p.towns.id);
    r.str("towns", "name", p.towns.name);
    r.num("towns", "assign_tolerance_m", p.towns.assign_tolerance_m);

    r.layer("units", p.units.src);
    r.str("units", "id", p.units.id);
    r.str("units", "name", p.units.name);
    r.str("units", "town", p.units.town);
    r.num("units", "crossing_share", p.units.crossing_share);
    r.num("units", "assign_tolerance_m", p.units.assign_tolerance_m);

    r.layer("housing", p.housing.src);
    r.str("housing", "id", p.housing.id);
    r.str("housing", "name", p.housing.name);
    r.str("housing", "households", p.housing.households);
    r.str("housing", "year", p.housing.year);

    r.str("stats", "path", p.stats.path);
    r.str("stats", "key", p.stats.key);
    r.str("stats", "join_on", p.stats.join_on);

    r.layer("facilities", p.facilities.src);
    r.str("facilities", "id", p.facilities.id);
    r.str("facilities", "type", p.facilities.type);
    r.str("facilities", "name", p.facilities.name);
    r.str("facilities", "status", p.facilities.status);
    r.str_list("facilities", "attributes", p.facilities.attributes);
    r.str("facilities", "capacity", p.facilities.capacity);
    r.str("facilities", "capacity_area", p.facilities.capacity_area);
    r.num("facilities", "m2_per_place", p.facilities.m2_per_place);
    if (p.facilities.m2_per_place < 0) r.bad("facilities", "m2_per_place", "must be positive m2 per place");
    if (!p.facilities.capacity_area.empty() && !(p.facilities.m2_per_place > 0))
        r.bad("facilities", "m2_per_place", "capacity_area needs m2_per_place (the standard's m2 per place, e.g. 25)");

    r.str("access", "method", p.access.method);
    r.num("access", "catchment_min", p.access.catchment_min);
    r.num("access", "beta", p.access.beta);
    if (p.access.method.empty()) p.access.method = p.facilities.has_capacity() ? "2sfca" : "none";
    if (p.access.method != "2sfca" && p.access.method != "e2sfca" && p.access.method != "gravity" && p.access.method != "none")
        r.bad("access", "method", "must be 2sfca, e2sfca, gravity or none");
    if (p.access.catchment_min < 0 || p.access.catchment_min > 24 * 60) r.bad("access", "catchment_min", "must be minutes (0 = the largest circle)");
    if (!(p.access.beta > 0) || p.access.beta > 10) r.bad("access", "beta", "must be a decay exponent above 0 and at most 10");

    r.layer("demand", p.demand.src);
    r.str("demand", "id", p.demand.id);
    r.str("demand", "weight", p.demand.weight);
    if (auto* n = r.node("demand", "weights")) {
        auto* t = n->as_table();
        if (!t) r.bad("demand", "weights", "expected a table of population groups, e.g. weights = { elderly = \"elderly_60plus\" }");
        for (auto& [k, v] : *t) {
            Project::WeightGroup g;
            g.name = std::string(k.str());
            const std::string what = g.name + ": expected a demand field name, or { field = \"...\", zh = \"...\", en = \"...\" }, or " +
                                     "{ stat = \"...\" } (a town-statistics column spread over the town's households)";
            if (g.name == "households") r.bad("demand", "weights", "households: is the [demand] weight itself; name the other groups");
            if (auto f = v.value<std::string>()) {
                g.field = *f;
            } else if (auto* gt = v.as_table()) {
                for (auto& [gk, gv] : *gt) {
                    const std::string key(gk.str());
                    auto text = gv.value<std::string>();
                    if (!text || (key != "field" && key != "stat" && key != "zh" && key != "en")) r.bad("demand", "weights", what);
                    (key == "field" ? g.field : key == "stat" ? g.stat : key == "zh" ? g.zh : g.en) = *text;
                }
            } else {
                r.bad("demand", "weights", what);
            }
            if (!g.field.empty() && !g.stat.empty())
                r.bad("demand", "weights", g.name + ": give field (a demand field per row) or stat (a town-statistics column spread over the town's households), not both");
            if (g.field.empty() && g.stat.empty()) r.bad("demand", "weights", what);
            // Words for the groups the plan counts; any other group reads as people.
            const std::string lower = [&] { std::string l = g.name; for (auto& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); return l; }();
            const bool elderly = lower.find("elder") != std::string::npos || lower.find("older") != std::string::npos || lower.find("60") != std::string::npos;
            const bool children = lower.find("child") != std::string::npos || lower.find("minor") != std::string::npos;
            if (g.zh.empty()) g.zh = elderly ? "名老年人" : children ? "名儿童" : "人";
            if (g.en.empty()) g.en = elderly ? "older people" : children ? "children" : "people";
            p.demand.weights.push_back(g);
        }
    }
    if (auto* lt = root["labels"].as_table()) {
        for (auto& [k, v] : *lt) {
            const std::string code(k.str());
            auto* t = v.as_table();
            Project::Label l;
            const std::string what = code + ": expected { zh = \"...\", en = \"...\" }";
            if (!t) r.bad("labels", code, what);
            for (auto& [lk, lv] : *t) {
                const std::string key(lk.str());
                auto text = lv.value<std::string>();
                if (!text || (key != "zh" && key != "en")) r.bad("labels", code, what);
                (key == "zh" ? l.zh : l.en) = *text;
            }
            p.labels[code] = l;
        }
    }
    r.str("demand", "kind", p.demand.kind);
    r.str("demand", "levels_field", p.demand.levels_field);
    r.num("demand", "default_levels", p.demand.default_levels);
    r.num("demand", "dwelling_m2", p.demand.dwelling_m2);
    r.str("demand", "building_field", p.demand.building_field);
    r.str_list("demand", "exclude_building_values", p.demand.exclude_building_values);

    r.layer("network", p.network.src);
    r.str("network", "format", p.network.format);
    r.str("network", "profile", p.network.profile);
    r.str("network", "connectivity", p.network.connectivity);
    r.num("network", "node_tolerance_m", p.network.node_tolerance_m);
    r.num("network", "snap_m", p.network.snap_m);
    r.num("network", "snap_far_m", p.network.snap_far_m);
    double mcn = p.network.min_component_nodes;
    r.num("network", "min_component_nodes", mcn);
    if (mcn < 0 || mcn > 1e9 || mcn != std::floor(mcn)) r.bad("network", "min_component_nodes", "must be a whole number of nodes, 0 or more");
    p.network.min_component_nodes = static_cast<unsigned>(mcn);
    r.str("network", "oneway_field", p.network.oneway_field);
    r.str("network", "speed_field", p.network.speed_field);
    r.str("network", "class_field", p.network.class_field);
    r.str("network", "length_field", p.network.length_field);
    r.str("network", "time_field", p.network.time_field);
    if (auto* n = r.node("network", "speeds")) {
        auto* t = n->as_table();
        if (!t) r.bad("network", "speeds", "expected a table of km/h per road class, e.g. speeds = { primary = 40, residential = 25 }");
        for (auto& [k, v] : *t) {
            auto kmh = v.value<double>();
            if (!kmh || !v.is_number() || !(*kmh > 0) || *kmh > 300)
                r.bad("network", "speeds", std::string(k.str()) + ": expected km/h above 0 and at most 300");
            p.network.speeds[std::string(k.str())] = *kmh;
        }
    }

    r.str("travel", "mode", p.travel.mode);
    r.num("travel", "speed_kmh", p.travel.speed_kmh);
    r.num("travel", "detour_factor", p.travel.detour_factor);
    r.num_list("travel", "circles_min", p.travel.circles_min);
    if (auto* n = r.node("travel", "minutes")) {  // --minutes / travel.minutes: the main circle(s)
        std::vector<double> m;
        r.num_list("travel", "minutes", m);
        (void)n;
        p.travel.circles_min = m;
    }
    r.str_list("travel", "main_types", p.travel.main_types);

    if (auto* lv = root["levels"].as_table())
        for (auto& [k, v] : *lv) {
            if (auto n = v.value<double>()) p.levels[std::string(k.str())] = static_cast<int>(*n);
            else r.bad("levels", std::string(k.str()), "expected minutes as a number");
        }

    r.str("targets", "path", p.targets.path);
    double year = 0;
    r.num("targets", "year", year);
    if (year != 0 && (year < 1900 || year > 2200 || year != std::floor(year))) r.bad("targets", "year", "must be a plan year (1900..2200)");
    p.targets.year = static_cast<int>(year);

    r.str("output", "crs", p.output.crs);
    r.str("output", "metric_crs", p.output.metric_crs);
    r.str("output", "format", p.output.format);
    r.num("output", "buffer_m", p.output.buffer_m);
    r.str("output", "service_areas", p.output.service_areas);
    r.str("output", "shapefile_encoding", p.output.shapefile_encoding);
    if (const std::string e = normalise_shapefile_encoding(p.output.shapefile_encoding); !e.empty()) p.output.shapefile_encoding = e;
    else r.bad("output", "shapefile_encoding", "must be UTF-8 or CP936 (GBK), got '" + p.output.shapefile_encoding + "'");
    if (p.output.service_areas != "auto" && p.output.service_areas != "yes" && p.output.service_areas != "no")
        r.bad("output", "service_areas", "must be auto, yes or no");
    r.refuse_unknown({"levels", "labels"});

    // Validate the few settings whose bad values would make results meaningless.
    if (!(p.travel.speed_kmh > 0)) r.bad("travel", "speed_kmh", "must be positive");
    if (!(p.travel.detour_factor >= 1)) r.bad("travel", "detour_factor", "must be at least 1");
    if (p.travel.speed_kmh > 300) r.bad("travel", "speed_kmh", "must be at most 300 km/h");
    if (p.travel.detour_factor > 10) r.bad("travel", "detour_factor", "must be at most 10");
    if (p.towns.assign_tolerance_m < 0) r.bad("towns", "assign_tolerance_m", "must be 0 or more metres");
    if (!(p.units.crossing_share >= 0) || p.units.crossing_share >= 1) r.bad("units", "crossing_share", "must be a share from 0 to below 1");
    if (!(p.units.assign_tolerance_m >= 0)) r.bad("units", "assign_tolerance_m", "must be 0 or more metres");
    if (!(p.network.snap_m > 0)) r.bad("network", "snap_m", "must be positive metres");
    if (p.network.snap_far_m < p.network.snap_m) r.bad("network", "snap_far_m", "must be at least snap_m (" + fixed(p.network.snap_m, 1) + " m)");
    if (p.network.node_tolerance_m < 0) r.bad("network", "node_tolerance_m", "must be 0 or more metres");
    if (!(p.output.buffer_m > 0) || p.output.buffer_m > 10000) r.bad("output", "buffer_m", "must be more than 0 and at most 10,000 metres");
    if (!(p.demand.dwelling_m2 > 0)) r.bad("demand", "dwelling_m2", "must be positive m2");
    if (!(p.demand.default_levels > 0)) r.bad("demand", "default_levels", "must be positive");
    for (double c : p.travel.circles_min)
        if (!(c > 0) || c > 24 * 60) r.bad("travel", "circles_min", "circle thresholds must be positive minutes, at most a day");
    if (p.demand.kind != "points" && p.demand.kind != "polygons" && p.demand.kind != "buildings")
        r.bad("demand", "kind", "must be points, polygons or buildings");
    if (!p.travel.mode.empty() && p.travel.mode != "network" && p.travel.mode != "straight")
        r.bad("travel", "mode", "must be network or straight");

    for (auto* src : {&p.towns.src, &p.units.src, &p.housing.src, &p.facilities.src, &p.demand.src, &p.network.src}) src->path = p.resolve(src->path);
    p.stats.path = p.resolve(p.stats.path);
    p.targets.path = p.resolve(p.targets.path);
    return p;
}

std::string Project::word(const std::string& code, const std::string& lang) const {
    if (auto it = labels.find(code); it != labels.end()) {
        const std::string& w = lang == "zh" ? it->second.zh : it->second.en;
        if (!w.empty()) return w;
    }
    return builtin_word(code, lang);
}

std::string normalise_shapefile_encoding(const std::string& setting) {
    std::string s;
    for (char c : setting)
        if (c != '-' && c != '_' && c != ' ') s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (s == "UTF8") return "UTF-8";
    if (s == "CP936" || s == "GBK" || s == "936") return "CP936";
    return "";
}

std::string builtin_word(const std::string& code, const std::string& lang) {
    const bool zh = lang == "zh";
    if (code.empty() || code == "existing") return zh ? "现有设施" : "existing facilities";
    if (code == "planned") return zh ? "规划设施" : "planned facilities";
    if (code == "closed") return zh ? "已关闭" : "closed";
    if (code.rfind("planned_", 0) == 0 && code.size() > 8)
        return zh ? "现有及规划至" + code.substr(8) + "年的设施" : "existing and planned to " + code.substr(8);
    return code;
}

}  // namespace lc::cov
