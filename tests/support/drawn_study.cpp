#include "tests/support/drawn_study.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace lc::testing {
namespace {

std::string lonlat_text(geo::XY ll) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "[%.10f,%.10f]", ll.x, ll.y);
    return buf;
}

void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

std::string collection(const std::string& name, const std::vector<std::string>& features) {
    std::string s = "{\"type\":\"FeatureCollection\",\"name\":\"" + name + "\",\"features\":[\n";
    for (size_t i = 0; i < features.size(); ++i) s += features[i] + (i + 1 < features.size() ? ",\n" : "\n");
    return s + "]}\n";
}

}  // namespace

std::string DrawnStudy::write(const std::string& dir_text, const std::string& extra_toml) const {
    namespace fs = std::filesystem;
    const fs::path dir(dir_text);
    fs::create_directories(dir);
    using net::testing::AsciiMap;

    std::vector<std::string> feats;
    auto rect = [&](geo::XY a, geo::XY b, double m) {
        const double x0 = std::min(a.x, b.x) - m, x1 = std::max(a.x, b.x) + m, y0 = std::min(a.y, b.y) - m, y1 = std::max(a.y, b.y) + m;
        return "[[" + lonlat_text(AsciiMap::to_lonlat({x0, y0})) + "," + lonlat_text(AsciiMap::to_lonlat({x1, y0})) + "," +
               lonlat_text(AsciiMap::to_lonlat({x1, y1})) + "," + lonlat_text(AsciiMap::to_lonlat({x0, y1})) + "," +
               lonlat_text(AsciiMap::to_lonlat({x0, y0})) + "]]";
    };
    if (towns_.empty()) {
        // One town around everything drawn, 500 m beyond it.
        double x0 = std::numeric_limits<double>::max(), y0 = x0, x1 = -x0, y1 = -x0;
        std::vector<geo::XY> all;
        for (const auto& r : roads_) all.insert(all.end(), r.xy.begin(), r.xy.end());
        for (const auto& f : facilities_) all.push_back(f.at);
        for (const auto& h : homes_) all.push_back(h.at);
        for (const geo::XY p : all) {
            x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
        }
        feats.push_back(R"({"type":"Feature","properties":{"code":"T","name":"Town"},"geometry":{"type":"Polygon","coordinates":)" +
                        rect({x0, y0}, {x1, y1}, 500) + "}}");
    }
    for (const auto& t : towns_)
        feats.push_back(R"({"type":"Feature","properties":{"code":")" + t.id + R"(","name":")" + t.name +
                        R"("},"geometry":{"type":"Polygon","coordinates":)" + rect(map_.xy(t.a), map_.xy(t.b), t.margin_m) + "}}");
    write_file(dir / "towns.geojson", collection("towns", feats));
    feats.clear();
    bool unit_towns = false;
    for (const auto& u : units_) {
        unit_towns = unit_towns || !u.town.empty();
        feats.push_back(R"({"type":"Feature","properties":{"code":")" + u.id + R"(","name":")" + u.name + R"(","town":")" + u.town +
                        R"("},"geometry":{"type":"Polygon","coordinates":)" + rect(map_.xy(u.a), map_.xy(u.b), u.margin_m) + "}}");
    }
    if (!units_.empty()) write_file(dir / "units.geojson", collection("units", feats));

    feats.clear();
    for (size_t i = 0; i < roads_.size(); ++i) {
        std::string coords;
        for (geo::XY p : roads_[i].xy) coords += (coords.empty() ? "" : ",") + lonlat_text(AsciiMap::to_lonlat(p));
        feats.push_back(R"({"type":"Feature","properties":{"id":)" + std::to_string(i + 1) + R"(,"highway":")" + roads_[i].highway + "\"" +
                        (roads_[i].properties.empty() ? "" : "," + roads_[i].properties) + R"(},"geometry":{"type":"LineString","coordinates":[)" + coords + "]}}");
    }
    write_file(dir / "roads.geojson", collection("roads", feats));

    feats.clear();
    for (const auto& f : facilities_) {
        std::ostringstream cap;
        if (std::isfinite(f.capacity)) cap << f.capacity;
        else cap << "null";
        feats.push_back(R"({"type":"Feature","properties":{"id":")" + f.id + R"(","type":")" + f.type + R"(","status":")" + f.status +
                        R"(","capacity":)" + cap.str() + R"(},"geometry":{"type":"Point","coordinates":)" + lonlat_text(AsciiMap::to_lonlat(f.at)) + "}}");
    }
    write_file(dir / "facilities.geojson", collection("facilities", feats));

    feats.clear();
    for (const auto& h : homes_) {
        std::ostringstream w;
        w << h.households;
        feats.push_back(R"({"type":"Feature","properties":{"id":")" + h.id + R"(","households":)" + w.str() +
                        R"(},"geometry":{"type":"Point","coordinates":)" + lonlat_text(AsciiMap::to_lonlat(h.at)) + "}}");
    }
    write_file(dir / "homes.geojson", collection("homes", feats));

    feats.clear();
    for (const auto& c : candidates_)
        feats.push_back(R"({"type":"Feature","properties":{"id":")" + c.id + R"("},"geometry":{"type":"Point","coordinates":)" +
                        lonlat_text(AsciiMap::to_lonlat(c.at)) + "}}");
    if (!feats.empty()) write_file(dir / "candidates.geojson", collection("candidates", feats));

    const std::string project = R"([project]
name = "drawn"
lang = "en"

[towns]
path = "towns.geojson"
id = "code"
name = "name"

)" + (units_.empty() ? std::string() : std::string("\n[units]\npath = \"units.geojson\"\nid = \"code\"\nname = \"name\"\n") + (unit_towns ? "town = \"town\"\n" : "")) + R"(
[facilities]
path = "facilities.geojson"
id = "id"
type = "type"
status = "status"

[demand]
path = "homes.geojson"
id = "id"
weight = "households"

[network]
path = "roads.geojson"
profile = "walk"
connectivity = "any_vertex"
min_component_nodes = 1

[travel]
mode = "network"
speed_kmh = 4.0
circles_min = [5, 10, 15]
main_types = ["day_care", "elderly_service_complex"]

[levels]
day_care = 5
elderly_service_complex = 15
)" + extra_toml;
    write_file(dir / "project.toml", project);
    return (dir / "project.toml").string();
}

}  // namespace lc::testing
