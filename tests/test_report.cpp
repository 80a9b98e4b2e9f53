// What a planner sees: report.html, the QGIS styles inside coverage.gpkg and the Shapefile copies,
// on the Dongguan sample (straight-line travel, 33 towns).
#include <catch2/catch.hpp>

#include <cpl_minixml.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "coverage/analysis/analysis.hpp"
#include "coverage/report/outputs.hpp"
#include "coverage/report/report_html.hpp"
#include "coverage/report/shapefile.hpp"
#include "coverage/report/styles.hpp"
#include "coverage/report/words.hpp"
#include "coverage/analysis/indicator_kinds.hpp"
#include "geo/crs.hpp"
#include "geo/layer.hpp"

using namespace lc;
namespace fs = std::filesystem;

namespace {

std::string src_path(const std::string& rel) { return std::string(LC_SOURCE_DIR) + "/" + rel; }

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t count(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + needle.size())) ++n;
    return n;
}

// The Dongguan sample analysed once and written (with Shapefiles) into a temporary folder.
struct Dongguan {
    std::unique_ptr<cov::Study> study;
    std::unique_ptr<cov::TravelModel> travel;
    cov::AnalysisResult result;
    fs::path out;

    Dongguan() {
        study = cov::load_study(cov::load_project(src_path("data/dongguan/project.toml"), {"output.format=shp"}));
        travel = std::make_unique<cov::TravelModel>(*study, nullptr, study->report);
        result = cov::analyze(*study, *travel, cov::AnalysisOptions{});
        out = fs::temp_directory_path() / ("lc_test_report_" + std::to_string(::getpid()));
        fs::remove_all(out);
        cov::RunInfo run;
        run.command = "analyze";
        run.travel = travel->describe();
        cov::write_analysis_outputs(out.string(), *study, *travel, result, run);
    }
    ~Dongguan() {
        std::error_code ec;
        fs::remove_all(out, ec);
    }
};

Dongguan& dongguan() {
    static Dongguan d;
    return d;
}

struct DsCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DsPtr = std::unique_ptr<GDALDataset, DsCloser>;
DsPtr open_vector(const fs::path& p) {
    geo::init_gdal();
    return DsPtr(static_cast<GDALDataset*>(GDALOpenEx(p.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
}

}  // namespace

TEST_CASE("report.html is one self-contained page with the map, legend, scale bar and table", "[report]") {
    Dongguan& d = dongguan();
    const fs::path path = d.out / "report.html";
    REQUIRE(fs::exists(path));
    const std::string html = slurp(path);
    const size_t towns = d.study->town_set->size();
    REQUIRE(towns == 33);

    // Self-contained: nothing loaded from elsewhere, web addresses only in the attribution line.
    CHECK(html.find("<script src") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    std::istringstream lines(html);
    for (std::string line; std::getline(lines, line);)
        if (line.find("http://") != std::string::npos || line.find("https://") != std::string::npos) {
            INFO(line.substr(0, 200));
            CHECK(line.find("class=\"attribution\"") != std::string::npos);
        }

    // Summary: title, the synthetic-data note, travel model.
    CHECK(html.find("<html lang=\"zh-CN\">") != std::string::npos);
    CHECK(html.find(cov::html_escape(d.study->project.name)) != std::string::npos);
    CHECK(html.find(cov::html_escape(d.study->project.note_in("zh"))) != std::string::npos);
    CHECK(html.find("合成数据") != std::string::npos);  // the synthetic-data note, in the page's language
    CHECK(html.find(cov::html_escape(d.travel->describe("zh"))) != std::string::npos);
    CHECK(d.travel->describe("zh").find("直线距离") != std::string::npos);

    // Map: one path per town, legend with five classes, scale bar, uncovered dots, facilities.
    CHECK(count(html, "<svg id=\"map\"") == 1);
    CHECK(count(html, "<path class=\"town\"") == towns);
    CHECK(html.find("id=\"legend\"") != std::string::npos);
    CHECK(count(html, "class=\"legend-class\"") == 5);
    CHECK(html.find("id=\"scalebar\"") != std::string::npos);
    CHECK(html.find(" km</text>") != std::string::npos);
    CHECK(html.find("id=\"uncovered\"") != std::string::npos);
    CHECK(count(html, "<circle cx=") >= d.result.main_rows.size());
    // Not OSM data: the data files are named instead of an OSM attribution.
    CHECK(html.find("OpenStreetMap") == std::string::npos);
    CHECK(html.find("towns.geojson") != std::string::npos);

    // Compliance table: a row per town, a column per indicator, sortable, binding first.
    CHECK(html.find("class=\"compliance sortable\"") != std::string::npos);
    CHECK(count(html, "<tr class=\"town-row\"") == towns);
    REQUIRE(d.result.targets);
    CHECK(count(html, "data-indicator=\"") == d.result.targets->indicators.size());
    const size_t binding = html.find("data-indicator=\"nursing_bed_share\"");
    const size_t other = html.find("data-indicator=\"home_care_circle_15min\"");
    REQUIRE(binding != std::string::npos);
    REQUIRE(other != std::string::npos);
    CHECK(binding < other);
    CHECK(html.find("st-missed") != std::string::npos);
    CHECK(html.find("st-met") != std::string::npos);
    CHECK(html.find("addEventListener('click'") != std::string::npos);

    // Town panels.
    CHECK(count(html, "<div class=\"town-card\"") == towns);
}

TEST_CASE("report.html's interactive map: a pane to pan and zoom, layer check boxes, each town's figures as display texts", "[report]") {
    Dongguan& d = dongguan();
    const std::string html = slurp(d.out / "report.html");
    const size_t towns = d.study->town_set->size();
    // The pane pan and zoom move is inside the map; controls hidden until the script shows them.
    CHECK(count(html, "<svg id=\"map-pane\"") == 1);
    CHECK(html.find("<div class=\"map-tools\" id=\"map-tools\" hidden>") != std::string::npos);
    CHECK(html.find("<div class=\"map-tip\" id=\"map-tip\" role=\"status\" hidden></div>") != std::string::npos);
    for (const char* key : {"towns", "labels", "uncovered", "type0", "type1", "type2"}) {
        INFO(key);
        CHECK(count(html, std::string("<input type=\"checkbox\" checked value=\"") + key + "\">") == 1);
        CHECK(html.find(std::string("data-layers=\"") + key) != std::string::npos);
    }
    CHECK(html.find("value=\"planned\"") == std::string::npos);  // no planned facility in the existing scenario
    // The panel's JSON: one row of display texts per town, in the order of "fields".
    const std::string open = "<script type=\"application/json\" id=\"map-data\">";
    const size_t a = html.find(open), b = html.find("</script>", a);
    REQUIRE(a != std::string::npos);
    const nlohmann::json data = nlohmann::json::parse(html.substr(a + open.size(), b - a - open.size()));
    REQUIRE(data["towns"].size() == towns);
    const auto& fields = data["fields"];
    REQUIRE(fields.size() == 1 + d.result.circles_min.size() + 1 + 2);  // households, circles, served, statuses, missed
    CHECK(fields[0] == "住户");
    CHECK(fields[3] == "15 分钟覆盖率");
    CHECK(fields[4] == "15 分钟获服务");
    for (size_t t = 0; t < towns; ++t) {
        const auto& row = data["towns"][t];
        INFO("town " << t << " " << row.dump());
        REQUIRE(row.size() == fields.size() + 1);
        CHECK(row[0] == d.study->town_set->name(t));
        const double hh = d.result.town_households[t];
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", hh);
        std::string digits = row[1].get<std::string>();
        digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
        CHECK(digits == buf);
        for (size_t c = 0; c < d.result.circles_min.size(); ++c) {
            if (hh > 0) std::snprintf(buf, sizeof buf, "%.1f%%", 100 * d.result.town_covered[c][t] / hh);
            CHECK(row[2 + c] == (hh > 0 ? std::string(buf) : std::string("无数据")));
        }
        REQUIRE(d.result.has_capacity);
        if (hh > 0) std::snprintf(buf, sizeof buf, "%.1f%%", 100 * d.result.town_served[2][t] / hh);  // the 15-minute circle
        CHECK(row[5] == (hh > 0 ? std::string(buf) : std::string("无数据")));
        size_t missed = 0, met = 0;
        for (const auto& e : d.result.evals) missed += e[t].status == cov::Status::missed, met += e[t].status == cov::Status::met;
        const std::string statuses = row[6].get<std::string>();
        if (met) CHECK(statuses.find("达标 " + std::to_string(met) + " 项") != std::string::npos);
        if (missed) CHECK(statuses.find("未达标 " + std::to_string(missed) + " 项") != std::string::npos);
        CHECK((missed == 0) == (row[7] == "无"));
        for (const auto& v : row) {
            const std::string text = v.get<std::string>();
            CHECK(!text.empty());
            for (const char* bad : {"nan", "inf", "undefined", "<"}) CHECK(text.find(bad) == std::string::npos);
        }
    }
}

TEST_CASE("report.html escapes text, speaks English and draws proposed sites", "[report]") {
    Dongguan& d = dongguan();
    const std::string saved = d.study->project.name, saved_en = d.study->project.name_en;
    d.study->project.name = "<script>alert('x')</script> & co";
    d.study->project.name_en.clear();  // the title in English is `name` then
    cov::SiteReport site;
    site.title = "Proposed sites <test>";
    site.sites.push_back({{d.study->towns->min_x + 5000, d.study->towns->min_y + 5000}, "1", "covers 1,000 households"});
    site.sites.push_back({{d.study->towns->min_x + 9000, d.study->towns->min_y + 7000}, "2", "covers 500 households"});
    site.marginal = {{0, 0.60}, {1, 0.66}, {2, 0.69}};
    const std::string html = cov::report_html(*d.study, *d.travel, d.result, "en", &site);
    d.study->project.name = saved;
    d.study->project.name_en = saved_en;

    CHECK(html.find("<script>alert") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co") != std::string::npos);
    CHECK(html.find("Proposed sites &lt;test&gt;") != std::string::npos);
    CHECK(html.find("<html lang=\"en\">") != std::string::npos);
    CHECK(html.find("Indicators by town") != std::string::npos);
    CHECK(html.find("Machong") != std::string::npos);  // name_en of the towns layer
    CHECK(html.find("id=\"sites\"") != std::string::npos);
    CHECK(html.find("id=\"marginal-chart\"") != std::string::npos);
    CHECK(html.find("id=\"marginal-line\"") != std::string::npos);
    CHECK(cov::html_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
}

TEST_CASE("coverage.gpkg carries QGIS default styles in layer_styles", "[report]") {
    Dongguan& d = dongguan();
    DsPtr ds = open_vector(d.out / "coverage.gpkg");
    REQUIRE(ds);
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    REQUIRE(styles);
    for (const char* f : {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML", "styleSLD",
                          "useAsDefault", "description", "owner", "ui", "update_time"})
        CHECK(styles->GetLayerDefn()->GetFieldIndex(f) >= 0);
    std::map<std::string, std::string> qml;
    styles->ResetReading();
    while (OGRFeature* f = styles->GetNextFeature()) {
        const std::string table = f->GetFieldAsString("f_table_name");
        qml[table] = f->GetFieldAsString("styleQML");
        CHECK(f->GetFieldAsInteger("useAsDefault") == 1);
        CHECK(std::string(f->GetFieldAsString("f_table_schema")).empty());
        OGRLayer* target = ds->GetLayerByName(table.c_str());
        REQUIRE(target);
        CHECK(std::string(f->GetFieldAsString("f_geometry_column")) == target->GetGeometryColumn());
        OGRFeature::DestroyFeature(f);
    }
    for (const char* t : {"towns", "service_areas", "uncovered", "facilities"}) {
        INFO(t);
        REQUIRE(qml.count(t));
        // Well-formed XML whose root is <qgis> with a renderer.
        CPLXMLNode* root = CPLParseXMLString(qml[t].c_str());
        REQUIRE(root);
        const CPLXMLNode* q = CPLGetXMLNode(root, "=qgis");
        CHECK(q);
        if (q) CHECK(CPLGetXMLNode(const_cast<CPLXMLNode*>(q), "renderer-v2"));
        CPLDestroyXMLNode(root);
    }
    CHECK(qml["towns"].find("type=\"graduatedSymbol\" attr=\"coverage_share_15\"") != std::string::npos);
    CHECK(count(qml["towns"], "<range ") == 5);
    CHECK(qml["service_areas"].find("type=\"categorizedSymbol\" attr=\"minutes\"") != std::string::npos);
    CHECK(count(qml["service_areas"], "<category ") == 3);
    CHECK(qml["uncovered"].find("SimpleMarker") != std::string::npos);
    CHECK(qml["uncovered"].find("227,26,28,255") != std::string::npos);  // red

    // Registered as an attributes table, so GIS clients list it as a table.
    OGRLayer* contents = ds->ExecuteSQL("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'", nullptr, nullptr);
    REQUIRE(contents);
    OGRFeature* f = contents->GetNextFeature();
    REQUIRE(f);
    CHECK(std::string(f->GetFieldAsString(0)) == "attributes");
    OGRFeature::DestroyFeature(f);
    ds->ReleaseResultSet(contents);
}

TEST_CASE("Shapefile output: UTF-8 with .cpg and .prj, short field names mapped in field_names.csv", "[report]") {
    Dongguan& d = dongguan();
    const fs::path shp = d.out / "shp";
    for (const char* layer : {"towns", "demand", "uncovered", "facilities", "service_areas"})
        for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"}) {
            INFO(layer << ext);
            CHECK(fs::exists(shp / (std::string(layer) + ext)));
        }
    CHECK(slurp(shp / "towns.cpg").rfind("UTF-8", 0) == 0);
    CHECK(slurp(shp / "towns.prj").find("PROJCS") != std::string::npos);
    // QGIS style sidecars, their fields renamed to the Shapefile's short names.
    for (const char* layer : {"towns", "uncovered", "facilities", "service_areas"}) {
        INFO(layer);
        REQUIRE(fs::exists(shp / (std::string(layer) + ".qml")));
        CHECK(slurp(shp / (std::string(layer) + ".qml")).find("<qgis") != std::string::npos);
    }
    {
        const std::string qml = slurp(shp / "towns.qml");
        const size_t at = qml.find("attr=\"");
        REQUIRE(at != std::string::npos);
        const std::string attr = qml.substr(at + 6, qml.find('"', at + 6) - at - 6);
        CHECK(attr.size() <= 10);
        DsPtr towns = open_vector(shp / "towns.shp");
        REQUIRE(towns);
        CHECK(towns->GetLayer(0)->GetLayerDefn()->GetFieldIndex(attr.c_str()) >= 0);
    }

    // field_names.csv: unique (case-insensitively) and at most 10 bytes per layer.
    REQUIRE(fs::exists(shp / "field_names.csv"));
    std::istringstream csv(slurp(shp / "field_names.csv"));
    std::string line;
    std::getline(csv, line);
    CHECK(line == "\xEF\xBB\xBF" "layer,full_name,short_name,alias_zh,alias_en,type");
    std::map<std::string, std::set<std::string>> seen;
    std::map<std::pair<std::string, std::string>, std::string> short_of;
    size_t rows = 0;
    while (std::getline(csv, line)) {
        const size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
        REQUIRE(a != std::string::npos);
        const std::string layer = line.substr(0, a), full = line.substr(a + 1, b - a - 1), shortn = line.substr(b + 1, c - b - 1);
        INFO(line);
        CHECK(!shortn.empty());
        CHECK(shortn.size() <= 10);
        std::string low = shortn;
        for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        CHECK(seen[layer].insert(low).second);
        short_of[{layer, full}] = shortn;
        ++rows;
    }
    CHECK(rows > 20);
    REQUIRE(short_of.count({"towns", "coverage_share_15"}));
    REQUIRE(short_of.count({"towns", "name_zh"}));

    // The Chinese town names read back unchanged, and the shortened share field carries the values.
    DsPtr ds = open_vector(shp / "towns.shp");
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayer(0);
    REQUIRE(layer->GetFeatureCount() == 33);
    const std::string name_field = short_of[{"towns", "name_zh"}], share_field = short_of[{"towns", "coverage_share_15"}];
    REQUIRE(layer->GetLayerDefn()->GetFieldIndex(name_field.c_str()) >= 0);
    REQUIRE(layer->GetLayerDefn()->GetFieldIndex(share_field.c_str()) >= 0);
    std::set<std::string> names;
    layer->ResetReading();
    while (OGRFeature* f = layer->GetNextFeature()) {
        names.insert(f->GetFieldAsString(name_field.c_str()));
        OGRFeature::DestroyFeature(f);
    }
    for (size_t t = 0; t < d.study->town_set->size(); ++t) {
        INFO(d.study->town_set->name(t));
        CHECK(names.count(d.study->town_set->name(t)) == 1);
    }
    CHECK(names.count("麻涌镇") == 1);
}

TEST_CASE("coverage share classes match the QGIS ranges", "[report]") {
    CHECK(cov::share_class(0.0) == 0);
    CHECK(cov::share_class(0.2) == 0);
    CHECK(cov::share_class(0.21) == 1);
    CHECK(cov::share_class(0.8) == 3);
    CHECK(cov::share_class(0.95) == 4);
    CHECK(cov::share_class(1.0) == 4);
    CHECK(cov::share_class(1.5) == 4);
}

TEST_CASE("GCJ-02 and BD-09 outputs carry their own CRS, never EPSG:4326, and round-trip to WGS 84 within 1 cm", "[report][crs]") {
    for (const char* setting : {"GCJ02", "BD09"}) {
        INFO(setting);
        auto study = cov::load_study(cov::load_project(src_path("data/dongguan/project.toml"), {std::string("output.crs=") + setting}));
        cov::TravelModel travel(*study, nullptr, study->report);
        const cov::AnalysisResult result = cov::analyze(*study, travel, cov::AnalysisOptions{});
        const fs::path out = fs::temp_directory_path() / ("lc_test_crs_" + std::to_string(::getpid()) + setting);
        fs::remove_all(out);
        cov::RunInfo run;
        run.command = "analyze";
        cov::write_analysis_outputs(out.string(), *study, travel, result, run);
        DsPtr ds = open_vector(out / "coverage.gpkg");
        REQUIRE(ds);
        OGRLayer* fac = ds->GetLayerByName("facilities");
        REQUIRE(fac);
        const OGRSpatialReference* srs = fac->GetSpatialRef();
        REQUIRE(srs);
        CHECK(srs->GetAuthorityName(nullptr) == nullptr);  // no EPSG code at all
        CHECK(std::string(srs->GetName()).find(setting[0] == 'G' ? "GCJ-02" : "BD-09") != std::string::npos);
        OGRSpatialReference wgs84;
        wgs84.importFromEPSG(4326);
        CHECK_FALSE(std::string(srs->GetName()) == wgs84.GetName());
        CHECK(slurp(out / "run.json").find("output_crs_warning") != std::string::npos);
        // Every facility, back to WGS 84 with the inverse formula, lands within 1 cm of where the
        // metric CRS says it is.
        geo::Reprojector rp(geo::CrsSpec::parse("EPSG:4326"), study->metric_epsg);
        fac->ResetReading();
        size_t n = 0;
        double worst_m = 0;
        while (OGRFeature* f = fac->GetNextFeature()) {
            const OGRGeometry* g = f->GetGeometryRef();
            if (g && wkbFlatten(g->getGeometryType()) == wkbPoint) {
                double lon = g->toPoint()->getX(), lat = g->toPoint()->getY();
                if (setting[0] == 'G') geo::gcj02_to_wgs84(lon, lat, lon, lat);
                else geo::bd09_to_wgs84(lon, lat, lon, lat);
                double x = lon, y = lat;
                REQUIRE(rp.to_metric(&x, &y, 1));
                const int64_t fid = f->GetFID();
                const geo::XY want = study->facilities->point[static_cast<size_t>(fid - 1)];
                worst_m = std::max(worst_m, std::hypot(x - want.x, y - want.y));
                ++n;
            }
            OGRFeature::DestroyFeature(f);
        }
        CHECK(n == study->facilities->size());
        CHECK(worst_m < 0.01);
        ds.reset();
        fs::remove_all(out);
    }
}

TEST_CASE("every indicator kind has a reader-facing name in both languages", "[report]") {
    std::string names = cov::indicator_kind_names() + ", ";
    size_t kinds = 0;
    for (size_t pos = 0, comma; (comma = names.find(", ", pos)) != std::string::npos; pos = comma + 2) {
        const std::string kind = names.substr(pos, comma - pos);
        INFO(kind);
        ++kinds;
        CHECK(std::string(cov::kind_text(kind, cov::Tr{true})) != "其他");
        CHECK(std::string(cov::kind_text(kind, cov::Tr{false})) != "other");
    }
    CHECK(kinds >= 9);
}
