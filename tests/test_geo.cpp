// geo/: CRS conversions, metric CRS choice, layer reading and repair, towns partition check.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "coverage/study/study.hpp"
#include "geo/crs.hpp"
#include "geo/layer.hpp"
#include "base/sha256.hpp"
#include "geo/towns.hpp"

using namespace lc;

static std::string src_path(const std::string& rel) { return std::string(LC_SOURCE_DIR) + "/" + rel; }

// Metres per degree on the sphere, good enough to express sub-centimetre round-trip errors.
static double deg_to_m(double dlon, double dlat, double lat) {
    const double k = 6371000.0 * M_PI / 180.0;
    return std::hypot(dlon * k * std::cos(lat * M_PI / 180.0), dlat * k);
}

TEST_CASE("GCJ-02 and BD-09 match the published reference vectors", "[geo][crs]") {
    double x, y;
    // Widely published vectors of the reference implementation (Tiananmen, 116.404 E 39.915 N).
    geo::wgs84_to_gcj02(116.404, 39.915, x, y);
    CHECK(x == Approx(116.41024449916938).epsilon(1e-13));
    CHECK(y == Approx(39.91640428150164).epsilon(1e-13));
    geo::gcj02_to_bd09(116.404, 39.915, x, y);
    CHECK(x == Approx(116.41036949371029).epsilon(1e-13));
    CHECK(y == Approx(39.92133699351021).epsilon(1e-13));
    geo::wgs84_to_bd09(116.404, 39.915, x, y);
    CHECK(x == Approx(116.41662724378733).epsilon(1e-13));
    CHECK(y == Approx(39.922699552216216).epsilon(1e-13));
    // The one-step approximate inverses published with them are within a few metres of our exact ones.
    geo::gcj02_to_wgs84(116.404, 39.915, x, y);
    CHECK(deg_to_m(x - 116.39775550083061, y - 39.91359571849836, 39.9) < 5.0);
    geo::bd09_to_gcj02(116.404, 39.915, x, y);
    CHECK(deg_to_m(x - 116.39762729119315, y - 39.90865673957631, 39.9) < 5.0);
}

TEST_CASE("GCJ-02 offset near Dongguan is about 600 m (+0.0051 E, -0.0028 N)", "[geo][crs]") {
    double x, y;
    geo::wgs84_to_gcj02(113.75, 22.95, x, y);
    CHECK(x - 113.75 == Approx(0.0051).margin(0.0003));
    CHECK(y - 22.95 == Approx(-0.0028).margin(0.0003));
}

TEST_CASE("GCJ-02 and BD-09 inverses round-trip to under 1 cm across China", "[geo][crs]") {
    double worst_gcj = 0, worst_bd = 0;
    for (double lon = 74; lon <= 134; lon += 2.5)
        for (double lat = 18; lat <= 53; lat += 2.5) {
            double gx, gy, wx, wy, bx, by;
            geo::wgs84_to_gcj02(lon, lat, gx, gy);
            geo::gcj02_to_wgs84(gx, gy, wx, wy);
            worst_gcj = std::max(worst_gcj, deg_to_m(wx - lon, wy - lat, lat));
            geo::wgs84_to_bd09(lon, lat, bx, by);
            geo::bd09_to_wgs84(bx, by, wx, wy);
            worst_bd = std::max(worst_bd, deg_to_m(wx - lon, wy - lat, lat));
        }
    CHECK(worst_gcj < 0.01);
    CHECK(worst_bd < 0.01);
}

TEST_CASE("GCJ-02 equals WGS84 outside China", "[geo][crs]") {
    double x, y;
    geo::wgs84_to_gcj02(9.52, 47.14, x, y);  // Vaduz
    CHECK(x == 9.52);
    CHECK(y == 47.14);
    geo::gcj02_to_wgs84(-74.0, 40.7, x, y);
    CHECK(x == -74.0);
    CHECK(y == 40.7);
}

TEST_CASE("metric CRS: CGCS2000 3-degree GK zone in China, UTM elsewhere", "[geo][crs]") {
    CHECK(geo::auto_metric_epsg(113.75, 22.9) == 4547);  // Dongguan: CM 114 E
    CHECK(geo::auto_metric_epsg(115.4, 30.0) == 4547);   // still within 1.5 deg of 114
    CHECK(geo::auto_metric_epsg(115.6, 30.0) == 4548);   // CM 117 E
    CHECK(geo::auto_metric_epsg(75.2, 39.0) == 4534);    // CM 75 E, first of the family
    CHECK(geo::auto_metric_epsg(9.52, 47.14) == 32632);  // Liechtenstein: UTM 32N
    CHECK(geo::auto_metric_epsg(151.2, -33.9) == 32756); // Sydney: UTM 56S
    OGREnvelope e;
    e.MinX = 113.5, e.MaxX = 114.3, e.MinY = 22.6, e.MaxY = 23.2;
    CHECK(geo::choose_metric_epsg("auto", e) == 4547);
    CHECK(geo::choose_metric_epsg("EPSG:32650", e) == 32650);
    CHECK_THROWS(geo::choose_metric_epsg("EPSG:4326", e));  // geographic, not metric
    CHECK_THROWS(geo::choose_metric_epsg("nonsense", e));
}

TEST_CASE("reprojection to EPSG:4547 uses easting-first order", "[geo][crs]") {
    geo::Reprojector rp(geo::CrsSpec::parse("EPSG:4326"), 4547);
    double x = 114.0, y = 23.0;
    REQUIRE(rp.to_metric(&x, &y, 1));
    CHECK(x == Approx(500000.0).margin(0.01));  // on the central meridian
    CHECK(y == Approx(2544390).margin(200));    // about 23 deg north
    double bx = 114.0, by = 23.0;  // the same numbers read as BD-09 land ~1 km south-west
    geo::Reprojector bd(geo::CrsSpec::parse("BD09"), 4547);
    REQUIRE(bd.to_metric(&bx, &by, 1));
    CHECK(x - bx > 900);
    CHECK(x - bx < 1400);
    CHECK(y - by > 200);
}

namespace {
std::unique_ptr<cov::Study> load_towns(const std::string& file, std::vector<std::string> sets) {
    sets.push_back("towns.path=" + src_path(file));
    return cov::load_study(cov::load_project("", sets));
}
}  // namespace

TEST_CASE("Dongguan towns: area, the two overlaps and the gaps", "[geo][towns]") {
    auto s = load_towns("data/dongguan/towns.geojson", {"towns.id=code", "towns.name=name_zh"});
    CHECK(s->metric_epsg == 4547);
    REQUIRE(s->town_set->size() == 33);
    auto pc = geo::check_partition(*s->town_set);
    // About 2,408 km2 (geodesic union 2,407 km2 per the data README); GK zone scale error is tiny here.
    CHECK(pc.union_area_m2 / 1e6 == Approx(2407.5).margin(3));
    REQUIRE(pc.overlaps.size() == 2);
    std::map<std::string, double> overlap;
    for (const auto& o : pc.overlaps) overlap[s->town_set->id(o.a) + "/" + s->town_set->id(o.b)] = o.area_m2 / 1e4;
    CHECK(overlap["guancheng/dongcheng"] == Approx(12.1).margin(0.3));
    CHECK(overlap["shijie/shilong"] == Approx(32.6).margin(0.5));
    CHECK(pc.gaps_area_m2 / 1e6 == Approx(28.8).margin(0.3));
    REQUIRE(pc.gaps.size() >= 5);
    CHECK(pc.gaps[0].area_m2 / 1e6 == Approx(11.8).margin(0.1));  // the Eco-Park, bordered by four towns
    CHECK(pc.gaps[0].bordering.size() == 4);
    CHECK(s->report.count(geo::Level::warning) == 0);
}

TEST_CASE("messy BD-09 towns: rings repaired and named, towns land on the clean ones", "[geo][towns]") {
    auto clean = load_towns("data/dongguan/towns.geojson", {"towns.id=source_id"});
    auto messy = load_towns("data/dongguan/towns_messy.geojson", {"towns.crs=BD09", "towns.id=id"});
    REQUIRE(messy->town_set->size() == 32);
    CHECK(messy->report.count_code("ring_repaired") == 26);  // 25 unclosed outer rings + Liaobu's 2-position ring
    CHECK(messy->report.count(geo::Level::error) == 0);
    bool liaobu_named = false;
    for (const auto& m : messy->report.items())
        if (m.text.find("only 2 positions") != std::string::npos && m.feature.find("寮步") != std::string::npos) liaobu_named = true;
    CHECK(liaobu_named);

    auto mean_iou = [&](const cov::Study& m) {
        double sum = 0;
        int n = 0;
        for (size_t i = 0; i < m.town_set->size(); ++i)
            for (size_t j = 0; j < clean->town_set->size(); ++j)
                if (clean->town_set->id(j) == m.town_set->id(i)) {
                    geo::GeomPtr inter(GEOSIntersection_r(geo::geos(), m.town_set->geom(i), clean->town_set->geom(j)));
                    geo::GeomPtr uni(GEOSUnion_r(geo::geos(), m.town_set->geom(i), clean->town_set->geom(j)));
                    sum += geo::area(inter.get()) / geo::area(uni.get());
                    ++n;
                }
        REQUIRE(n == 32);
        return sum / n;
    };
    CHECK(mean_iou(*messy) >= 0.85);
    auto wrong = load_towns("data/dongguan/towns_messy.geojson", {"towns.id=id"});  // read as WGS84
    CHECK(mean_iou(*wrong) < 0.7);
}

TEST_CASE("points are assigned to towns by the documented rule", "[geo][towns]") {
    auto s = load_towns("data/dongguan/towns.geojson", {"towns.id=code"});
    const auto& ts = *s->town_set;
    auto index = [&](const std::string& id) {
        for (size_t t = 0; t < ts.size(); ++t)
            if (ts.id(t) == id) return static_cast<int>(t);
        return -1;
    };
    // A point inside the Shijie/Shilong overlap goes to whichever of the two comes first in input order.
    int shijie = index("shijie"), shilong = index("shilong");
    REQUIRE(shijie >= 0);
    geo::GeomPtr inter(GEOSIntersection_r(geo::geos(), ts.geom(shijie), ts.geom(shilong)));
    geo::GeomPtr inside(GEOSPointOnSurface_r(geo::geos(), inter.get()));
    geo::XY p;
    GEOSGeomGetX_r(geo::geos(), inside.get(), &p.x);
    GEOSGeomGetY_r(geo::geos(), inside.get(), &p.y);
    auto a = ts.assign(p, 200);
    CHECK(a.how == geo::TownSet::How::overlap);
    CHECK(a.town == std::min(shijie, shilong));
    // The middle of the Eco-Park gap is more than 200 m from every town: no town.
    auto pc = geo::check_partition(ts);
    auto far = ts.assign(pc.gaps[0].inside, 200);
    CHECK(far.town == -1);
    CHECK(far.how == geo::TownSet::How::outside);
    // 50 m outside the city's southern edge -> the nearest town, with its distance.
    geo::XY south{ts.geom(0) ? 0.0 : 0.0, 0};
    double miny = 1e18, x_at = 0;
    for (size_t t = 0; t < ts.size(); ++t) {
        double y0;
        GEOSGeom_getYMin_r(geo::geos(), ts.geom(t), &y0);
        if (y0 < miny) {
            miny = y0;
            geo::GeomPtr env(GEOSEnvelope_r(geo::geos(), ts.geom(t)));
            double x0, x1;
            GEOSGeom_getXMin_r(geo::geos(), ts.geom(t), &x0);
            GEOSGeom_getXMax_r(geo::geos(), ts.geom(t), &x1);
            x_at = (x0 + x1) / 2;
        }
    }
    (void)south;
    auto near = ts.assign(geo::XY{x_at, miny - 2000}, 200);
    CHECK(near.town == -1);
    auto near2 = ts.assign(geo::XY{x_at, miny - 2000}, 50000);
    CHECK(near2.how == geo::TownSet::How::nearest);
    CHECK(near2.distance_m >= 2000);
}

// Borders drawn as long straight lon/lat edges at 48 N (one edge of 6 degrees along the parallel,
// meridian edges of 1 and 2 degrees). In UTM 32 such edges are curves; reprojecting only their
// end points would move the parallel border by about a kilometre at its middle. A point 5 cm on
// either side of a border must land in the town it lies in in the data's own coordinates.
TEST_CASE("a point 5 cm inside a town stays in it: borders follow the source CRS", "[geo][towns]") {
    namespace fs = std::filesystem;
    const fs::path file = fs::temp_directory_path() / ("lc_border48_" + std::to_string(::getpid()) + ".geojson");
    std::ofstream(file) << R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[
{"type":"Feature","properties":{"code":"south"},"geometry":{"type":"Polygon","coordinates":[[[6,47],[12,47],[12,48],[6,48],[6,47]]]}},
{"type":"Feature","properties":{"code":"north"},"geometry":{"type":"Polygon","coordinates":[[[6,48],[12,48],[12,49],[6,49],[6,48]]]}},
{"type":"Feature","properties":{"code":"east"},"geometry":{"type":"Polygon","coordinates":[[[12,47],[13.5,47],[13.5,49],[12,49],[12,47]]]}}]})";
    auto s = cov::load_study(cov::load_project("", {"towns.path=" + file.string(), "towns.id=code", "output.metric_crs=EPSG:32632"}));
    fs::remove(file);
    const auto& ts = *s->town_set;
    REQUIRE(ts.size() == 3);
    geo::Reprojector rp(geo::CrsSpec::parse("EPSG:4326"), 32632);
    auto town_at = [&](double lon, double lat) {
        rp.to_metric(&lon, &lat, 1);
        auto a = ts.assign(geo::XY{lon, lat}, 0);
        return a.how == geo::TownSet::How::inside ? ts.id(a.town) : std::string("(") + std::to_string(int(a.how)) + ")";
    };
    const double dlat = 0.05 / 111132.0;                              // 5 cm north-south at 48 N
    const double dlon = 0.05 / (111320.0 * std::cos(48.0 * M_PI / 180));  // 5 cm east-west
    for (double lon : {6.5, 7.0, 9.0, 10.5, 11.9}) {
        INFO("lon " << lon);
        CHECK(town_at(lon, 48 - dlat) == "south");
        CHECK(town_at(lon, 48 + dlat) == "north");
    }
    for (double lat : {47.1, 47.5, 47.9}) {
        INFO("lat " << lat);
        CHECK(town_at(12 - dlon, lat) == "south");
        CHECK(town_at(12 + dlon, lat) == "east");
    }
    for (double lat : {48.1, 48.5, 48.9}) {
        INFO("lat " << lat);
        CHECK(town_at(12 - dlon, lat) == "north");
        CHECK(town_at(12 + dlon, lat) == "east");
    }
    // No overlap or gap between the three towns: their shared borders were densified alike.
    auto pc = geo::check_partition(ts);
    CHECK(pc.gaps.empty());
    CHECK(pc.overlaps.empty());
}

TEST_CASE("project overrides and field defaults", "[geo][project]") {
    auto p = cov::load_project(src_path("data/dongguan/project.toml"), {"travel.speed_kmh=5", "travel.circles_min=10,20", "towns.crs=BD09"});
    CHECK(p.travel.speed_kmh == 5.0);
    REQUIRE(p.travel.circles_min.size() == 2);
    CHECK(p.travel.circles_min[1] == 20.0);
    CHECK(p.towns.src.crs == "BD09");
    CHECK(p.towns.src.path == src_path("data/dongguan/towns.geojson"));  // resolved against the project file
    CHECK_THROWS_WITH(cov::load_project("", {"travel.speed_kmh=-1"}), Catch::Contains("speed_kmh"));
    CHECK_THROWS_WITH(cov::load_project("", {"nonsense"}), Catch::Contains("section.key=value"));
}

TEST_CASE("town statistics are joined by town id, CSV points load from lon/lat", "[geo][project]") {
    auto s = cov::load_study(cov::load_project(src_path("data/dongguan/project.toml"), {}));
    REQUIRE(s->town_set->size() == 33);
    // The census table's Humen population, looked up independently from the CSV text.
    size_t humen = 0;
    for (size_t t = 0; t < s->town_set->size(); ++t)
        if (s->town_set->id(t) == "humen") humen = t;
    auto pop = s->stats.number(humen, "population_2020");
    REQUIRE(pop);
    CHECK(*pop == 838144.0);  // 2020 census, 虎门镇 (census2020.csv)
    auto csv = cov::load_study(cov::load_project("", {"towns.path=" + src_path("tests/data/bad/text_in_number.geojson"),
                                                      "demand.path=" + src_path("tests/data/bad/nan_coords.csv"),
                                                      "demand.crs=EPSG:4326"}));
    REQUIRE(csv->demand->size() == 1);  // two rows with NaN/inf coordinates are skipped and reported
    CHECK(csv->demand->skipped.size() == 2);
    CHECK(csv->dem_weight_value[0] == 10.0);
    CHECK(csv->dem_town[0].town == 0);  // 113.71 E lies in the first square town
}

TEST_CASE("SHA-256 of strings and files matches the FIPS 180-4 examples", "[geo]") {
    CHECK(lc::base::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(lc::base::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(lc::base::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(lc::base::sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // A file over three times the reader's 1 MiB buffer (several updates, a partial last one).
    const auto path = std::filesystem::temp_directory_path() / ("lc_sha_" + std::to_string(::getpid()));
    std::string text;
    for (int i = 0; text.size() < 3'500'000; ++i) text += std::to_string(i) + ",";
    {
        std::ofstream f(path, std::ios::binary);
        f << text;
    }
    CHECK(lc::base::sha256_file_hex(path.string()) == lc::base::sha256_hex(text));
    std::filesystem::remove(path);
    CHECK(lc::base::sha256_file_hex(path.string()).empty());  // unreadable: ""
}
