#include "cli/common.hpp"
#include "cli/progress.hpp"
#include "base/error.hpp"
#include "geo/message_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <filesystem>
#include <iostream>
#include <map>

namespace fs = std::filesystem;

namespace lc::cli {

std::vector<std::string> g_argv;

namespace {
std::string g_lang = "en";
}
void set_language(const std::string& lang) { g_lang = lang == "zh" ? "zh" : "en"; }
bool in_zh() { return g_lang == "zh"; }

CLI::Validator number_in(double lo, double hi) {
    auto text = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return std::string(buf);
    };
    const std::string range = text(lo) + ".." + text(hi);
    return CLI::Validator(
        [lo, hi, range](std::string& value) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (end == value.c_str() || *end != '\0') return "'" + value + "' is not a number";
            if (!std::isfinite(v) || v < lo || v > hi) return "'" + value + "' is outside " + range;
            return "";
        },
        "NUMBER in " + range);
}

void StudyFlags::add_to(CLI::App& app) {
    app.add_option("project", project, "Project file (TOML); optional when the layers are given as flags");
    app.add_option("--set", sets, "Override a project key: section.key=value (repeatable), e.g. --set towns.crs=BD09");
    app.add_option("--towns", towns, "Town boundaries layer (any GDAL vector source)");
    app.add_option("--town-id", town_id, "Field of the towns layer holding the town id");
    app.add_option("--facilities", facilities, "Facilities layer (points or polygons; CSV with lon/lat columns)");
    app.add_option("--type-field", type_field, "Field of the facilities layer holding the facility type");
    app.add_option("--facility-type", facility_types, "Facility type value(s) of the main coverage measure (comma-separated)")->delimiter(',');
    app.add_option("--demand", demand, "Demand layer: residential points/polygons with a household field");
    app.add_option("--weight", weight, "Field of the demand layer holding households (or population)");
    app.add_option("--network", network, "Road network: OSM .osm.pbf/.osm or a line layer");
    app.add_option("--minutes", minutes, "Circle thresholds in minutes, e.g. 5,10,15");
    app.add_option("--speed-kmh", speed_kmh, "Travel speed in km/h (walk default 4 km/h: 15 min = 1,000 m)")->check(number_in(0.1, 300));
    app.add_option("--lang", lang, "Language of the printed messages and of the reports (report.html/report.md, gap texts, "
                                   "QGIS titles): zh or en (default: [project] lang, else en)")
        ->check(CLI::IsMember({"zh", "en"}));
    app.add_flag("-q,--quiet", quiet, "Print only errors and the final summary");
    app.add_flag("-v,--verbose", verbose, "Print every message, not only the first of each kind");
}

void StudyFlags::add_service_flags(CLI::App& app) {
    app.add_option("--capacity-field", capacity_field, "Field of the facilities layer holding capacity (places; one place serves one "
                                                       "unit of demand weight): adds households served and accessibility");
    app.add_option("--access", access, "Accessibility method: 2sfca (default with a capacity), e2sfca (Gaussian decay), gravity, none")
        ->check(CLI::IsMember({"2sfca", "e2sfca", "gravity", "none"}));
}

cov::Project StudyFlags::load() const {
    std::vector<std::string> all;
    auto abs = [](const std::string& p) { return fs::absolute(p).lexically_normal().string(); };
    if (!towns.empty()) all.push_back("towns.path=" + abs(towns));
    if (!town_id.empty()) all.push_back("towns.id=" + town_id);
    if (!facilities.empty()) all.push_back("facilities.path=" + abs(facilities));
    if (!type_field.empty()) all.push_back("facilities.type=" + type_field);
    if (!demand.empty()) all.push_back("demand.path=" + abs(demand));
    if (!weight.empty()) all.push_back("demand.weight=" + weight);
    if (!network.empty()) all.push_back("network.path=" + abs(network));
    if (!minutes.empty()) all.push_back("travel.circles_min=" + minutes);
    if (!capacity_field.empty()) all.push_back("facilities.capacity=" + capacity_field);
    if (!access.empty()) all.push_back("access.method=" + access);
    if (speed_kmh > 0) all.push_back("travel.speed_kmh=" + std::to_string(speed_kmh));
    if (!facility_types.empty()) {
        std::string list;
        for (const auto& t : facility_types) list += (list.empty() ? "" : ",") + t;
        all.push_back("travel.main_types=" + list);
    }
    // Paths given with --set are relative to the current directory, like the flags.
    for (const auto& s : sets) {
        auto eq = s.find('=');
        std::string key = s.substr(0, eq == std::string::npos ? 0 : eq);
        if (eq != std::string::npos && key.size() > 5 && key.substr(key.size() - 5) == ".path" && !s.substr(eq + 1).empty())
            all.push_back(key + "=" + abs(s.substr(eq + 1)));
        else
            all.push_back(s);
    }
    if (!lang.empty()) set_language(lang);  // errors in reading the project follow --lang
    cov::Project p = cov::load_project(project, all);
    if (!lang.empty()) p.lang = lang;
    set_language(p.lang);
    return p;
}

void print_report(const geo::Report& report, bool verbose, bool quiet) {
    const size_t per_code = verbose ? SIZE_MAX : 8;
    std::map<std::string, size_t> shown, total;
    for (const auto& m : report.items()) ++total[m.code];
    for (const auto& m : report.items()) {
        if (quiet && m.level != geo::Level::error) continue;
        if (shown[m.code]++ >= per_code) continue;
        const char* tag = m.level == geo::Level::error ? tr("error: ", "错误：")
                          : m.level == geo::Level::warning ? tr("warning: ", "警告：") : tr("note: ", "提示：");
        std::cerr << tag << geo::format_message(m, in_zh() ? "zh" : "en") << "\n";
        if (shown[m.code] == per_code && total[m.code] > per_code) {
            const std::string more = std::to_string(total[m.code] - per_code);
            if (in_zh()) std::cerr << "  ……另有 " << more << " 条 '" << m.code << "' 消息（--verbose 列出全部）\n";
            else std::cerr << "  ... and " << more << " more '" << m.code << "' messages (--verbose lists all)\n";
        }
    }
}

void print_error(const std::string& english) {
    std::cerr << tr("error: ", "错误：") << geo::error_text(english, in_zh() ? "zh" : "en") << "\n";
}

cov::StudyAndNetwork load_with_progress(const cov::Project& project, Progress& progress, LoadCounts& c) {
    cov::LoadOptions lo;
    lo.progress = {&c.features, &c.road_lines, &c.graph_links};
    progress.begin(project.straight_line() ? tr("reading layers", "读取图层")
                                           : tr("reading layers and building the road network (in parallel)", "读取图层并构建路网（并行）"),
                   {{tr("features", "要素"), &c.features}, {tr("road lines", "道路"), &c.road_lines}, {tr("graph links", "路段"), &c.graph_links}});
    return cov::load_study_and_network(project, lo);
}

int guarded(const std::function<int()>& body) {
    try {
        return body();
    } catch (const geo::InputError& e) {
        std::cerr << tr("error: ", "错误：") << geo::format_message(e.message, in_zh() ? "zh" : "en") << "\n";
        return cannot_run;
    } catch (const base::UserError& e) {
        print_error(e.what());
        return cannot_run;
    } catch (const std::exception& e) {
        // Not caused by the inputs: a bug or a failing system (disk full, GDAL write error).
        std::cerr << tr("internal error: ", "内部错误：") << e.what() << "\n";
        return error;
    }
}

}  // namespace lc::cli
