// Synthetic street network, demand, facilities and candidate sites over Dongguan's real town
// polygons, for the scale benchmarks (bench/README.md). Deterministic for a seed.
//
//   gen_dongguan_network [OUT_DIR] [--seed N] [--nodes N] [--demand N] [--facilities N]
//                        [--candidates N] [--data DIR] [--segments] [--crs EPSG:N] [--cities N]
//
// OUT_DIR (default /tmp/lc-bench) receives dongguan_bench.gpkg (layers roads, demand,
// facilities, candidates; WGS84 unless --crs), project.toml, copies of towns.geojson /
// town_stats.csv(t) / targets.toml from DIR (default: the repository's data/dongguan), and
// gen.json (what was made).
//
// --segments writes the same streets as one feature per street segment, cut at every junction
// (every vertex the graph makes a node: shared by two lines, or a line's end), the way road
// layers from GIS offices come. --crs writes all four layers in another CRS (e.g. EPSG:4547,
// the generator's own metric CRS, written without any transformation, or EPSG:32650). Both
// change only how the layers are written: the random streams, and so the streets, homes and
// facilities, are the same as without them, and without them the output is what it always was.
//
// --cities N (1..99; default 1, exactly the output without the option) writes a province-sized
// study (issue 13): N translated copies of Dongguan ("cities"), laid out in a grid of
// ceil(sqrt(N * 7 / 3)) columns (7 x 3 for 21) centred on Dongguan, one bounding box plus 5 km
// apart in EPSG:4547 so that no two overlap. Each city has its own random stream (city 0 the
// seed itself, city c the seed + c * 0xD1B54A32D192ED03) and its own streets, homes, facilities
// and candidates, made by the logic below over its own copy of the towns; cities are NOT joined
// by roads (N separate networks). --nodes, --demand, --facilities and --candidates are PER
// CITY. Cities are made and written one at a time (the four layers are appended city by city),
// so memory stays at about one city's worth. Ids stay unique over all cities (roads numbered
// on; demand D%08zu, facilities F%06zu, candidates C%06zu); town codes become c01_humen ..., names
// "城市01 虎门镇" ...; the generator then writes towns.geojson itself (WGS84, each city's towns
// translated in EPSG:4547) and town_stats.csv with every source row repeated per city under its
// new code (town_stats.csvt and targets.toml, which names no town, are copied unchanged).
// gen.json then gains "cities" and "towns". --segments and --crs work as without --cities.
//
// The network: a grid of streets about 50 m apart (spacing chosen so that about --nodes grid
// nodes fall inside the towns), every node jittered by up to +-25 % of the spacing, clipped to the
// town polygons. Streets run along grid rows and columns as long polylines that stop at gaps
// (runs of missing links, ~10 % of the grid links); short diagonal lanes and ~60 long arterials
// (straight lines snapped to grid nodes) are added. Every line vertex is a grid node whose WGS84
// coordinates are computed once, so lines meet exactly at shared vertices (any_vertex).
#include <gdal.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "geo/crs.hpp"
#include "geo/layer.hpp"
#include "geo/xy.hpp"

namespace fs = std::filesystem;
using lc::geo::XY;

namespace {

// splitmix64 -> xoshiro256**: identical streams on every platform and standard library.
struct Rng {
    uint64_t s[4];
    explicit Rng(uint64_t seed) {
        for (auto& v : s) {
            seed += 0x9e3779b97f4a7c15ULL;
            uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            v = z ^ (z >> 31);
        }
    }
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t next() {
        const uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
        s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t, s[3] = rotl(s[3], 45);
        return r;
    }
    double u() { return double(next() >> 11) * 0x1.0p-53; }           // [0, 1)
    double u(double a, double b) { return a + (b - a) * u(); }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
    double normal() {  // Box-Muller
        const double a = 1.0 - u(), b = u();
        return std::sqrt(-2.0 * std::log(a)) * std::cos(2 * M_PI * b);
    }
};

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Town {
    std::string code, name;
    std::vector<std::vector<XY>> rings;  // metric, every ring of every part
    double area_m2 = 0;
    double population = 0, households = 0;
    std::vector<uint32_t> nodes;         // grid nodes inside (compact ids)
};

struct Options {
    std::string out = "/tmp/lc-bench";
    std::string data;  // data/dongguan
    uint64_t seed = 20250601;
    double nodes = 1'100'000;  // grid nodes inside the towns: ~1.0M graph nodes after gaps
    uint32_t demand = 300'000, facilities = 2'000, candidates = 20'000;
    bool segments = false;  // roads as one feature per street segment between junctions
    int out_epsg = 4326;    // CRS the layers are written in
    int cities = 1;         // translated copies of Dongguan; the four counts above are per city
};

[[noreturn]] void usage(const char* msg) {
    std::fprintf(stderr, "%s\nusage: gen_dongguan_network [OUT_DIR] [--seed N] [--nodes N] [--demand N] [--facilities N] "
                         "[--candidates N] [--data DIR] [--segments] [--crs EPSG:N] [--cities N]\n"
                         "  --cities N  N translated copies of Dongguan (1..99, default 1), not joined by roads;\n"
                         "              --nodes, --demand, --facilities and --candidates are then per city\n", msg);
    std::exit(2);
}

std::map<std::string, std::pair<double, double>> read_census(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::string line;
    std::getline(in, line);  // code,name_zh,name_en,population_2020,households_est
    std::map<std::string, std::pair<double, double>> out;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) f.push_back(cell);
        if (f.size() >= 5) out[f[0]] = {std::stod(f[3]), std::stod(f[4])};
    }
    return out;
}

class Gpkg {
public:
    Gpkg(const std::string& path, int epsg) {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        if (!drv) throw std::runtime_error("GDAL has no GPKG driver");
        ds_ = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        if (!ds_) throw std::runtime_error("cannot create " + path);
        if (srs_.importFromEPSG(epsg) != OGRERR_NONE) throw std::runtime_error("unknown CRS EPSG:" + std::to_string(epsg));
        srs_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    ~Gpkg() { close(); }
    void close() {
        if (ds_) GDALClose(ds_);
        ds_ = nullptr;
    }
    OGRLayer* layer(const char* name, OGRwkbGeometryType type, const std::vector<std::pair<const char*, OGRFieldType>>& fields) {
        OGRLayer* l = ds_->CreateLayer(name, &srs_, type, nullptr);
        if (!l) throw std::runtime_error(std::string("cannot create layer ") + name);
        for (auto [n, t] : fields) {
            OGRFieldDefn fd(n, t);
            if (l->CreateField(&fd) != OGRERR_NONE) throw std::runtime_error(std::string("cannot create field ") + n);
        }
        return l;
    }
    void begin() { ds_->StartTransaction(); }
    void commit() { ds_->CommitTransaction(); }

private:
    GDALDataset* ds_ = nullptr;
    OGRSpatialReference srs_;
};

}  // namespace

int main(int argc, char** argv) {
    Options o;
    o.data = (fs::path(__FILE__).parent_path().parent_path() / "data" / "dongguan").string();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) usage(("missing value for " + a).c_str());
            return argv[++i];
        };
        if (a == "--seed") o.seed = std::stoull(val());
        else if (a == "--nodes") o.nodes = std::stod(val());
        else if (a == "--demand") o.demand = std::stoul(val());
        else if (a == "--facilities") o.facilities = std::stoul(val());
        else if (a == "--candidates") o.candidates = std::stoul(val());
        else if (a == "--data") o.data = val();
        else if (a == "--segments") o.segments = true;
        else if (a == "--cities") {
            const std::string v = val();
            char* end = nullptr;
            const long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end || n < 1 || n > 99) usage("--cities wants a number from 1 to 99");
            o.cities = int(n);
        }
        else if (a == "--crs") {
            std::string v = val();
            if (v.rfind("EPSG:", 0) == 0 || v.rfind("epsg:", 0) == 0) v = v.substr(5);
            char* end = nullptr;
            o.out_epsg = int(std::strtol(v.c_str(), &end, 10));
            if (v.empty() || *end || o.out_epsg <= 0) usage("--crs wants an EPSG code, e.g. EPSG:32650");
        }
        else if (a == "-h" || a == "--help") usage("Synthetic Dongguan network and points for the benchmarks.");
        else if (!a.empty() && a[0] == '-') usage(("unknown option " + a).c_str());
        else o.out = a;
    }
    const double t_start = now_s();
    lc::geo::init_gdal();
    CPLSetConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
    fs::create_directories(o.out);

    // --- towns (WGS84) -> EPSG:4547 ----------------------------------------------------------
    const int metric_epsg = 4547;
    lc::geo::Reprojector rp(lc::geo::CrsSpec::parse("EPSG:4326"), metric_epsg);
    // Metric coordinates -> the output CRS, in place. WGS84 goes through rp exactly as before
    // --crs existed (so the default output stays bit-identical); EPSG:4547 is the metric CRS
    // itself and is written untransformed.
    std::unique_ptr<OGRCoordinateTransformation> to_out_ct;
    if (o.out_epsg != 4326 && o.out_epsg != metric_epsg) {
        OGRSpatialReference* a = lc::geo::make_srs(metric_epsg);
        OGRSpatialReference* b = lc::geo::make_srs(o.out_epsg);
        to_out_ct.reset(OGRCreateCoordinateTransformation(a, b));
        a->Release(), b->Release();
        if (!to_out_ct) throw std::runtime_error("no transformation from EPSG:4547 to EPSG:" + std::to_string(o.out_epsg));
    }
    // The offset of the city being made (--cities), added before the transformation; 0 with one city.
    double dx = 0, dy = 0;
    auto metric_to_out = [&](double* x, double* y, size_t n) {
        if (dx != 0 || dy != 0)
            for (size_t k = 0; k < n; ++k) x[k] += dx, y[k] += dy;
        bool ok = true;
        if (o.out_epsg == 4326) ok = rp.metric_to_wgs84(x, y, n);
        else if (to_out_ct) ok = to_out_ct->Transform(n, x, y);
        if (!ok) throw std::runtime_error("cannot transform to EPSG:" + std::to_string(o.out_epsg));
    };
    const auto census = read_census(o.data + "/census2020.csv");
    std::vector<Town> towns;
    {
        const std::string path = o.data + "/towns.geojson";
        GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
        if (!ds) throw std::runtime_error("cannot open " + path);
        OGRLayer* l = ds->GetLayer(0);
        for (auto& f : *l) {
            Town t;
            t.code = f->GetFieldAsString("code");
            t.name = f->GetFieldAsString("name_zh");
            auto it = census.find(t.code);
            if (it == census.end()) throw std::runtime_error("town " + t.code + " not in census2020.csv");
            t.population = it->second.first, t.households = it->second.second;
            const OGRGeometry* g = f->GetGeometryRef();
            std::vector<const OGRPolygon*> parts;
            if (wkbFlatten(g->getGeometryType()) == wkbPolygon) parts.push_back(g->toPolygon());
            else
                for (const OGRPolygon* p : *g->toMultiPolygon()) parts.push_back(p);
            for (const OGRPolygon* p : parts)
                for (const OGRLinearRing* r : *p) {
                    std::vector<double> x(r->getNumPoints()), y(r->getNumPoints());
                    for (int k = 0; k < r->getNumPoints(); ++k) x[k] = r->getX(k), y[k] = r->getY(k);
                    rp.to_metric(x.data(), y.data(), x.size());
                    std::vector<XY> ring(x.size());
                    double a = 0;
                    for (size_t k = 0; k < x.size(); ++k) {
                        ring[k] = {x[k], y[k]};
                        const size_t n = (k + 1) % x.size();
                        a += x[k] * y[n] - x[n] * y[k];
                    }
                    t.area_m2 += (r == p->getExteriorRing() ? 1 : -1) * std::abs(a) / 2;
                    t.rings.push_back(std::move(ring));
                }
            towns.push_back(std::move(t));
        }
        GDALClose(ds);
    }
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY, area = 0;
    for (const Town& t : towns) {
        area += t.area_m2;
        for (const auto& r : t.rings)
            for (XY p : r) x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    }
    const double sp = std::sqrt(area / o.nodes);
    const uint32_t nx = uint32_t((x1 - x0) / sp) + 2, ny = uint32_t((y1 - y0) / sp) + 2;
    std::fprintf(stderr, "towns: %zu, %.0f km2; grid %u x %u at %.1f m\n", towns.size(), area / 1e6, nx, ny, sp);

    // --- grid nodes inside the towns (scanline per row; first town in layer order wins) -------
    std::vector<int8_t> cell_town(size_t(nx) * ny, -1);
    for (uint32_t i = 0; i < ny; ++i) {
        const double y = y0 + i * sp;
        for (size_t ti = 0; ti < towns.size(); ++ti) {
            std::vector<double> xs;
            for (const auto& r : towns[ti].rings)
                for (size_t k = 0; k + 1 < r.size(); ++k) {
                    const XY a = r[k], b = r[k + 1];
                    if ((a.y <= y) != (b.y <= y)) xs.push_back(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
                }
            std::sort(xs.begin(), xs.end());
            for (size_t k = 0; k + 1 < xs.size(); k += 2) {
                const int64_t j0 = std::max<int64_t>(0, int64_t(std::ceil((xs[k] - x0) / sp)));
                const int64_t j1 = std::min<int64_t>(nx - 1, int64_t(std::floor((xs[k + 1] - x0) / sp)));
                for (int64_t j = j0; j <= j1; ++j)
                    if (cell_town[size_t(i) * nx + j] < 0) cell_town[size_t(i) * nx + j] = int8_t(ti);
            }
        }
    }
    // Compact ids of the inside nodes (row by row), the same in every city: a city is a
    // translated copy, made in Dongguan's own frame and moved by (dx, dy) when written.
    std::vector<uint32_t> node_id(size_t(nx) * ny, UINT32_MAX);
    size_t nn = 0;
    for (uint32_t i = 0; i < ny; ++i)
        for (uint32_t j = 0; j < nx; ++j) {
            const size_t c = size_t(i) * nx + j;
            if (cell_town[c] < 0) continue;
            node_id[c] = uint32_t(nn);
            towns[cell_town[c]].nodes.push_back(uint32_t(nn));
            ++nn;
        }
    auto nid = [&](int64_t i, int64_t j) -> uint32_t {
        if (i < 0 || j < 0 || i >= int64_t(ny) || j >= int64_t(nx)) return UINT32_MAX;
        return node_id[size_t(i) * nx + j];
    };

    // --- cities (--cities): a grid centred on Dongguan, one bounding box + 5 km apart ------------
    const bool multi = o.cities > 1;
    const int cols = multi ? int(std::ceil(std::sqrt(o.cities * 7.0 / 3.0) - 1e-9)) : 1, rows = (o.cities + cols - 1) / cols;
    const double pitch_x = std::ceil((x1 - x0) / 1000 + 5) * 1000, pitch_y = std::ceil((y1 - y0) / 1000 + 5) * 1000;
    auto city_offset = [&](int city) {
        return std::pair{(city % cols - (cols - 1) / 2.0) * pitch_x, ((rows - 1) / 2.0 - city / cols) * pitch_y};
    };
    auto city_code = [&](int city, const Town& t) {
        char b[16];
        std::snprintf(b, sizeof b, "c%02d_", city + 1);
        return multi ? b + t.code : t.code;
    };
    auto city_name = [&](int city, const Town& t) {
        char b[32];
        std::snprintf(b, sizeof b, "城市%02d ", city + 1);
        return multi ? b + t.name : t.name;
    };
    if (multi)
        std::fprintf(stderr, "cities: %d in %d x %d, %.0f km x %.0f km apart\n", o.cities, cols, rows, pitch_x / 1000, pitch_y / 1000);

    const std::string gpkg_path = o.out + "/dongguan_bench.gpkg";
    const std::string tmp_path = gpkg_path + ".tmp.gpkg";
    fs::remove(tmp_path);
    Gpkg gpkg(tmp_path, o.out_epsg);
    // Created when city 0 first writes to them (in the order the one-city study always had);
    // the other cities append.
    OGRLayer *l_roads = nullptr, *l_demand = nullptr, *l_fac = nullptr, *l_cand = nullptr;
    size_t n_roads = 0, n_vertices = 0, n_grid_links = 0, n_gap_links = 0, n_lines = 0;
    size_t n_dem = 0, n_fac = 0, n_cand = 0, n_main = 0;  // over all cities, for the ids
    const double t_cities = now_s();

    for (int city = 0; city < o.cities; ++city) {
        std::tie(dx, dy) = city_offset(city);
        std::vector<std::string> tcode(towns.size()), tname(towns.size());
        for (size_t ti = 0; ti < towns.size(); ++ti) tcode[ti] = city_code(city, towns[ti]), tname[ti] = city_name(city, towns[ti]);
        Rng rng(o.seed + uint64_t(city) * 0xD1B54A32D192ED03ULL);
        std::vector<double> mx(nn), my(nn);  // metric (jittered) coordinates of the inside nodes
        for (uint32_t i = 0; i < ny; ++i)
            for (uint32_t j = 0; j < nx; ++j) {
                const uint32_t v = node_id[size_t(i) * nx + j];
                if (v == UINT32_MAX) continue;
                mx[v] = x0 + j * sp + rng.u(-0.25, 0.25) * sp;
                my[v] = y0 + i * sp + rng.u(-0.25, 0.25) * sp;
            }
        std::vector<double> ox(mx), oy(my);  // the same in the output CRS
        metric_to_out(ox.data(), oy.data(), nn);
        if (multi) std::fprintf(stderr, "city %02d/%02d: offset %+.0f km, %+.0f km; ", city + 1, o.cities, dx / 1000, dy / 1000);
        std::fprintf(stderr, "grid nodes inside the towns: %zu\n", nn);

        // --- roads ---------------------------------------------------------------------------------
        {
            // The street lines are collected first and written afterwards: --segments has to know
            // which vertices other lines share before it can cut a line there. Writing uses no
            // random numbers, so deferring it leaves the streams (and the default output) unchanged.
            std::vector<uint32_t> line_vs;        // node ids of all lines, end to end
            std::vector<size_t> line_first{0};    // line i: line_vs[line_first[i] .. line_first[i+1])
            std::vector<const char*> line_cls;
            auto emit = [&](const std::vector<uint32_t>& vs, const char* cls) {
                if (vs.size() < 2) return;
                line_vs.insert(line_vs.end(), vs.begin(), vs.end());
                line_first.push_back(line_vs.size());
                line_cls.push_back(cls);
            };
            // Rows (dir 0) and columns (dir 1). Gaps come in runs: a street is missing for a few blocks
            // (mean 2.5 links), ~10 % of the links overall; a street run averages ~22 links (1.1 km).
            const double p_end_gap = 0.4, p_start_gap = p_end_gap / 9.0;
            std::vector<uint32_t> run;
            for (int dir = 0; dir < 2; ++dir) {
                const uint32_t lines = dir == 0 ? ny : nx, len = dir == 0 ? nx : ny;
                for (uint32_t a = 0; a < lines; ++a) {
                    bool gap = false;
                    run.clear();
                    for (uint32_t b = 0; b < len; ++b) {
                        const uint32_t v = dir == 0 ? nid(a, b) : nid(b, a);
                        if (v == UINT32_MAX) {
                            emit(run, "residential");
                            run.clear();
                            continue;
                        }
                        if (!run.empty()) {  // the link run.back() -> v
                            gap = gap ? rng.u() >= p_end_gap : rng.u() < p_start_gap;
                            ++n_grid_links;
                            if (gap) {
                                ++n_gap_links;
                                emit(run, "residential");
                                run.clear();
                            }
                        }
                        run.push_back(v);
                    }
                    emit(run, "residential");
                }
            }
            // Diagonal lanes: 1 per ~60 nodes, 3-30 links each.
            const size_t n_diag = nn / 60;
            for (size_t k = 0; k < n_diag; ++k) {
                int64_t i = int64_t(rng.below(ny)), j = int64_t(rng.below(nx));
                const int64_t dj = rng.u() < 0.5 ? 1 : -1;
                const int steps = 3 + int(rng.below(28));
                run.clear();
                for (int s = 0; s <= steps; ++s, ++i, j += dj) {
                    const uint32_t v = nid(i, j);
                    if (v == UINT32_MAX) break;
                    run.push_back(v);
                }
                emit(run, "footway");
            }
            // Arterials: 60 straight lines of 5-25 km, through the nearest grid node every spacing.
            for (int k = 0; k < 60; ++k) {
                const Town& t = towns[rng.below(towns.size())];
                if (t.nodes.empty()) continue;
                const uint32_t s = t.nodes[rng.below(t.nodes.size())];
                const double ang = rng.u(0, M_PI), length = rng.u(5000, 25000);
                const double sx = mx[s], sy = my[s];
                run.clear();
                for (double d = -length / 2; d <= length / 2; d += sp) {
                    const int64_t j = std::llround((sx + d * std::cos(ang) - x0) / sp), i = std::llround((sy + d * std::sin(ang) - y0) / sp);
                    const uint32_t v = nid(i, j);
                    if (v == UINT32_MAX) {
                        emit(run, "primary");
                        run.clear();
                        continue;
                    }
                    if (run.empty() || run.back() != v) run.push_back(v);
                }
                emit(run, "primary");
            }
            const size_t city_lines = line_cls.size();
            n_lines += city_lines;

            if (!l_roads) l_roads = gpkg.layer("roads", wkbLineString, {{"id", OFTInteger}, {"highway", OFTString}, {"name", OFTString}});
            OGRLayer* l = l_roads;
            gpkg.begin();
            auto write = [&](const uint32_t* vs, size_t n, const char* cls) {
                OGRFeature f(l->GetLayerDefn());
                f.SetField("id", int(++n_roads));
                f.SetField("highway", cls);
                OGRLineString ls;
                ls.setNumPoints(int(n), FALSE);
                for (size_t k = 0; k < n; ++k) ls.setPoint(int(k), ox[vs[k]], oy[vs[k]]);
                f.SetGeometry(&ls);
                if (l->CreateFeature(&f) != OGRERR_NONE) throw std::runtime_error("cannot write a road");
                n_vertices += n;
            };
            // A junction is what any_vertex makes a graph node: a vertex used more than once over
            // all lines (where streets cross or meet) or a line's end. Cutting every line there
            // gives one feature per graph link, so the segment layer has exactly the graph of the
            // long lines, with either connectivity = "any_vertex" or "endpoints".
            std::vector<uint8_t> uses;
            if (o.segments) {
                uses.assign(nn, 0);
                for (uint32_t v : line_vs) uses[v] = uint8_t(std::min(2, uses[v] + 1));
            }
            for (size_t i = 0; i < city_lines; ++i) {
                const uint32_t* vs = line_vs.data() + line_first[i];
                const size_t n = line_first[i + 1] - line_first[i];
                if (!o.segments) {
                    write(vs, n, line_cls[i]);
                    continue;
                }
                size_t start = 0;
                for (size_t k = 1; k < n; ++k)
                    if (k + 1 == n || uses[vs[k]] > 1) {
                        write(vs + start, k - start + 1, line_cls[i]);
                        start = k;
                    }
            }
            gpkg.commit();
        }
        if (!multi)
            std::fprintf(stderr, "roads: %zu street lines, written as %zu features with %zu vertices; grid links %zu, %zu left out (%.1f %%)\n",
                         n_lines, n_roads, n_vertices, n_grid_links, n_gap_links, 100.0 * n_gap_links / std::max<size_t>(1, n_grid_links));

        // --- demand: points per town in proportion to its census population; 60 % in estates -----
        double pop_total = 0;
        for (const Town& t : towns) pop_total += t.population;
        std::vector<XY> dem_xy;       // metric
        std::vector<int> dem_town;
        std::vector<uint32_t> dem_hh;
        {
            std::vector<uint32_t> per_town(towns.size());
            uint32_t assigned = 0;
            for (size_t ti = 0; ti < towns.size(); ++ti) assigned += per_town[ti] = uint32_t(o.demand * towns[ti].population / pop_total);
            for (size_t k = 0; assigned < o.demand; ++k, ++assigned) ++per_town[k % towns.size()];
            auto inside_of = [&](double x, double y) -> int {
                const int64_t j = std::llround((x - x0) / sp), i = std::llround((y - y0) / sp);
                if (i < 0 || j < 0 || i >= int64_t(ny) || j >= int64_t(nx)) return -1;
                return cell_town[size_t(i) * nx + j];
            };
            for (size_t ti = 0; ti < towns.size(); ++ti) {
                const Town& t = towns[ti];
                if (t.nodes.empty() || per_town[ti] == 0) continue;
                const uint32_t n_est = 3 + per_town[ti] / 1500;
                std::vector<XY> est(n_est);
                std::vector<double> sigma(n_est);
                for (uint32_t e = 0; e < n_est; ++e) {
                    const uint32_t v = t.nodes[rng.below(t.nodes.size())];
                    est[e] = {mx[v], my[v]};
                    sigma[e] = rng.u(200, 700);
                }
                const double hh_mean = t.households / per_town[ti];
                for (uint32_t k = 0; k < per_town[ti]; ++k) {
                    XY p{NAN, NAN};
                    if (rng.u() < 0.6) {
                        const uint32_t e = uint32_t(rng.below(n_est));
                        for (int tries = 0; tries < 10; ++tries) {
                            const double x = est[e].x + rng.normal() * sigma[e], y = est[e].y + rng.normal() * sigma[e];
                            if (inside_of(x, y) == int(ti)) {
                                p = {x, y};
                                break;
                            }
                        }
                    }
                    if (std::isnan(p.x)) {
                        const uint32_t v = t.nodes[rng.below(t.nodes.size())];
                        p = {mx[v] + rng.u(-0.5, 0.5) * sp, my[v] + rng.u(-0.5, 0.5) * sp};
                    }
                    dem_xy.push_back(p);
                    dem_town.push_back(int(ti));
                    dem_hh.push_back(uint32_t(std::max(1.0, std::round(hh_mean * rng.u(0.4, 1.6)))));
                }
            }
        }
        auto to_out = [&](const std::vector<XY>& pts) {
            std::vector<double> x(pts.size()), y(pts.size());
            for (size_t k = 0; k < pts.size(); ++k) x[k] = pts[k].x, y[k] = pts[k].y;
            metric_to_out(x.data(), y.data(), pts.size());
            std::vector<XY> out(pts.size());
            for (size_t k = 0; k < pts.size(); ++k) out[k] = {x[k], y[k]};
            return out;
        };
        {
            const auto ll = to_out(dem_xy);
            if (!l_demand)
                l_demand = gpkg.layer("demand", wkbPoint, {{"id", OFTString}, {"town_code", OFTString}, {"households", OFTInteger}, {"population", OFTInteger},
                                                           {"elderly_60plus", OFTInteger}});
            OGRLayer* l = l_demand;
            gpkg.begin();
            char id[32];
            for (size_t k = 0; k < ll.size(); ++k) {
                OGRFeature f(l->GetLayerDefn());
                if (multi) std::snprintf(id, sizeof id, "D%08zu", n_dem + k + 1);
                else std::snprintf(id, sizeof id, "D%06zu", k + 1);
                f.SetField("id", id);
                f.SetField("town_code", tcode[dem_town[k]].c_str());
                f.SetField("households", int(dem_hh[k]));
                f.SetField("population", int(std::lround(dem_hh[k] * 2.6)));
                // The sample's rule (census 2020 city-wide 60+ share, 5.47 %), for the targets' beds per 1,000 elderly.
                f.SetField("elderly_60plus", int(std::lround(dem_hh[k] * 2.6 * 0.0547)));
                OGRPoint pt(ll[k].x, ll[k].y);
                f.SetGeometry(&pt);
                if (l->CreateFeature(&f) != OGRERR_NONE) throw std::runtime_error("cannot write demand");
            }
            gpkg.commit();
            n_dem += ll.size();
        }

        // A point near the homes (a random demand point, moved up to 150 m).
        auto near_homes = [&]() {
            const size_t d = rng.below(dem_xy.size());
            return std::pair{XY{dem_xy[d].x + rng.u(-150, 150), dem_xy[d].y + rng.u(-150, 150)}, dem_town[d]};
        };

        // --- facilities ------------------------------------------------------------------------------
        struct TypeShare {
            const char* type;
            const char* zh;
            double share;
            double area_lo, area_hi;
        };
        const TypeShare types[] = {
            {"community_service_station", "社区服务站", 0.35, 150, 600},   {"elderly_canteen", "长者饭堂", 0.20, 80, 300},
            {"day_care", "日间照料中心", 0.15, 200, 800},                     {"community_service_centre", "社区综合服务中心", 0.10, 300, 1500},
            {"volunteer_point", "志愿服务站点", 0.075, 30, 100},              {"elderly_institution", "养老院", 0.04, 3000, 20000},
            {"hub_social_org", "社区社会组织联合会", 0.03, 50, 200},          {"social_work_station", "社工站", 0.02, 60, 200},
            {"minors_protection_station", "未成年人保护工作站", 0.015, 40, 120}};
        {
            if (!l_fac)
                l_fac = gpkg.layer("facilities", wkbPoint,
                                   {{"id", OFTString}, {"name", OFTString}, {"type", OFTString}, {"status", OFTString},
                                    {"floor_area_m2", OFTReal}, {"beds", OFTInteger}, {"nursing_beds", OFTInteger},
                                    {"capacity", OFTInteger}, {"host_id", OFTString}, {"town_code", OFTString}});
            OGRLayer* l = l_fac;
            // One elderly_service_complex per town (+1 in the 7 most populous), then the mix above.
            std::vector<std::pair<std::string, std::pair<XY, int>>> fac;
            std::vector<size_t> by_pop(towns.size());
            for (size_t k = 0; k < by_pop.size(); ++k) by_pop[k] = k;
            std::stable_sort(by_pop.begin(), by_pop.end(), [&](size_t a, size_t b) { return towns[a].population > towns[b].population; });
            for (size_t k = 0; k < towns.size() + 7 && fac.size() < o.facilities; ++k) {
                const size_t ti = by_pop[k % towns.size()];
                const Town& t = towns[ti];
                if (t.nodes.empty()) continue;
                const uint32_t v = t.nodes[rng.below(t.nodes.size())];
                fac.push_back({"elderly_service_complex", {XY{mx[v], my[v]}, int(ti)}});
            }
            const size_t rest = o.facilities - fac.size();
            for (const TypeShare& ts : types) {
                const size_t n = &ts == &types[std::size(types) - 1] ? o.facilities - fac.size() : size_t(std::lround(rest * ts.share));
                for (size_t k = 0; k < n && fac.size() < o.facilities; ++k) fac.push_back({ts.type, near_homes()});
            }
            std::vector<XY> fxy;
            for (auto& f : fac) fxy.push_back(f.second.first);
            const auto ll = to_out(fxy);
            std::vector<std::string> centres;
            gpkg.begin();
            char id[32], name[200];
            for (size_t k = 0; k < fac.size(); ++k) {
                const std::string& type = fac[k].first;
                const int ti = fac[k].second.second;
                const TypeShare* ts = nullptr;
                for (const TypeShare& x : types)
                    if (type == x.type) ts = &x;
                OGRFeature f(l->GetLayerDefn());
                if (multi) std::snprintf(id, sizeof id, "F%06zu", n_fac + k + 1);
                else std::snprintf(id, sizeof id, "F%05zu", k + 1);
                std::snprintf(name, sizeof name, "%s%s %zu（合成）", tname[ti].c_str(), ts ? ts->zh : "综合养老服务中心", n_fac + k + 1);
                f.SetField("id", id);
                f.SetField("name", name);
                f.SetField("type", type.c_str());
                const double r = rng.u();
                f.SetField("status", r < 0.95 ? "existing" : r < 0.97 ? "planned_2023" : "planned_2025");
                const double area_m2 = ts ? std::round(rng.u(ts->area_lo, ts->area_hi)) : std::round(rng.u(1500, 5000));
                f.SetField("floor_area_m2", area_m2);
                const bool beds = type == "elderly_institution" || type == "elderly_service_complex";
                const int nb = beds ? int(area_m2 / 45) : 0;
                f.SetField("beds", nb);
                f.SetField("nursing_beds", beds ? int(nb * rng.u(0.3, 0.7)) : 0);
                if (beds || type == "day_care") f.SetField("capacity", beds ? nb : int(area_m2 / 10));
                if (type == "community_service_centre") centres.push_back(id);
                if (type == "volunteer_point" && !centres.empty() && rng.u() < 0.8)
                    f.SetField("host_id", centres[rng.below(centres.size())].c_str());
                f.SetField("town_code", tcode[ti].c_str());
                OGRPoint pt(ll[k].x, ll[k].y);
                f.SetGeometry(&pt);
                if (l->CreateFeature(&f) != OGRERR_NONE) throw std::runtime_error("cannot write a facility");
                n_main += type == "day_care" || type == "elderly_service_complex" || type == "elderly_canteen";
            }
            gpkg.commit();
            n_fac += fac.size();
        }

        // --- candidates: half near homes, half anywhere in the towns ----------------------------------
        {
            std::vector<XY> cxy;
            std::vector<int> ctown;
            for (uint32_t k = 0; k < o.candidates; ++k) {
                if (k % 2 == 0) {
                    auto [p, t] = near_homes();
                    cxy.push_back(p), ctown.push_back(t);
                } else {
                    const uint32_t v = uint32_t(rng.below(nn));
                    cxy.push_back({mx[v] + rng.u(-0.5, 0.5) * sp, my[v] + rng.u(-0.5, 0.5) * sp});
                    ctown.push_back(-1);
                }
            }
            const auto ll = to_out(cxy);
            if (!l_cand)
                l_cand = gpkg.layer("candidates", wkbPoint, {{"id", OFTString}, {"kind", OFTString}, {"floor_area_m2", OFTReal}, {"capacity", OFTInteger}});
            OGRLayer* l = l_cand;
            gpkg.begin();
            char id[32];
            for (size_t k = 0; k < ll.size(); ++k) {
                OGRFeature f(l->GetLayerDefn());
                if (multi) std::snprintf(id, sizeof id, "C%06zu", n_cand + k + 1);
                else std::snprintf(id, sizeof id, "C%05zu", k + 1);
                f.SetField("id", id);
                f.SetField("kind", k % 2 == 0 ? "vacant_unit" : "parcel");
                const double a = std::round(rng.u(150, 1200));
                f.SetField("floor_area_m2", a);
                f.SetField("capacity", int(a / 20 * 100));  // households at 20 m2 per 100 households
                OGRPoint pt(ll[k].x, ll[k].y);
                f.SetGeometry(&pt);
                if (l->CreateFeature(&f) != OGRERR_NONE) throw std::runtime_error("cannot write a candidate");
            }
            gpkg.commit();
            n_cand += ll.size();
        }
        if (multi)
            std::fprintf(stderr, "city %02d/%02d: %zu road features in all so far, demand %zu, facilities %zu, candidates %zu (%.1f s)\n", city + 1,
                         o.cities, n_roads, n_dem, n_fac, n_cand, now_s() - t_cities);
    }  // cities
    if (multi)
        std::fprintf(stderr, "roads: %zu street lines, written as %zu features with %zu vertices; grid links %zu, %zu left out (%.1f %%)\n",
                     n_lines, n_roads, n_vertices, n_grid_links, n_gap_links, 100.0 * n_gap_links / std::max<size_t>(1, n_grid_links));
    gpkg.close();
    fs::rename(tmp_path, gpkg_path);

    // --- project, copies of the towns/stats/targets, gen.json ------------------------------------
    if (!multi)
        for (const char* f : {"towns.geojson", "town_stats.csv", "town_stats.csvt", "targets.toml"})
            fs::copy_file(o.data + "/" + f, o.out + "/" + f, fs::copy_options::overwrite_existing);
    else {
        for (const char* f : {"town_stats.csvt", "targets.toml"})
            fs::copy_file(o.data + "/" + f, o.out + "/" + f, fs::copy_options::overwrite_existing);
        // towns.geojson: every city's copy of the towns, moved by its offset in EPSG:4547.
        const std::string src_path = o.data + "/towns.geojson", dst_path = o.out + "/towns.geojson";
        GDALDataset* src = static_cast<GDALDataset*>(GDALOpenEx(src_path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
        if (!src) throw std::runtime_error("cannot open " + src_path);
        OGRLayer* sl = src->GetLayer(0);
        fs::remove(dst_path);
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GeoJSON");
        GDALDataset* dst = drv ? drv->Create(dst_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr) : nullptr;
        if (!dst) throw std::runtime_error("cannot create " + dst_path);
        OGRSpatialReference wgs84;
        wgs84.importFromEPSG(4326);
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const char* lco[] = {"COORDINATE_PRECISION=7", nullptr};
        OGRLayer* dl = dst->CreateLayer("towns", &wgs84, wkbUnknown, const_cast<char**>(lco));
        if (!dl) throw std::runtime_error("cannot create the towns layer");
        OGRFeatureDefn* sd = sl->GetLayerDefn();
        for (int k = 0; k < sd->GetFieldCount(); ++k) dl->CreateField(sd->GetFieldDefn(k));
        const bool has_en = sd->GetFieldIndex("name_en") >= 0;
        std::vector<double> x, y;
        auto move_ring = [&](OGRLinearRing* r) {
            const int n = r->getNumPoints();
            x.resize(n), y.resize(n);
            for (int k = 0; k < n; ++k) x[k] = r->getX(k), y[k] = r->getY(k);
            rp.to_metric(x.data(), y.data(), x.size());
            for (int k = 0; k < n; ++k) x[k] += dx, y[k] += dy;
            if (!rp.metric_to_wgs84(x.data(), y.data(), x.size())) throw std::runtime_error("cannot move a town to its city");
            for (int k = 0; k < n; ++k) r->setPoint(k, x[k], y[k]);
        };
        for (int city = 0; city < o.cities; ++city) {
            std::tie(dx, dy) = city_offset(city);
            sl->ResetReading();
            size_t ti = 0;
            for (auto& f : *sl) {
                if (ti >= towns.size() || towns[ti].code != f->GetFieldAsString("code")) throw std::runtime_error("towns.geojson changed while reading");
                OGRFeature g(dl->GetLayerDefn());
                g.SetFrom(f.get());
                g.SetField("code", city_code(city, towns[ti]).c_str());
                g.SetField("name_zh", city_name(city, towns[ti]).c_str());
                if (has_en) {
                    char b[16];
                    std::snprintf(b, sizeof b, "City%02d ", city + 1);
                    g.SetField("name_en", (b + std::string(f->GetFieldAsString("name_en"))).c_str());
                }
                OGRGeometry* geom = g.GetGeometryRef();
                std::vector<OGRPolygon*> parts;
                if (wkbFlatten(geom->getGeometryType()) == wkbPolygon) parts.push_back(geom->toPolygon());
                else
                    for (OGRPolygon* q : *geom->toMultiPolygon()) parts.push_back(q);
                for (OGRPolygon* q : parts)
                    for (OGRLinearRing* r : *q) move_ring(r);
                if (dl->CreateFeature(&g) != OGRERR_NONE) throw std::runtime_error("cannot write a town");
                ++ti;
            }
        }
        GDALClose(dst);
        GDALClose(src);
        // town_stats.csv: the header, then every source row once per city under the city's code.
        std::ifstream in(o.data + "/town_stats.csv");
        if (!in) throw std::runtime_error("cannot read " + o.data + "/town_stats.csv");
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        std::ofstream out(o.out + "/town_stats.csv");
        if (!lines.empty()) out << lines[0] << "\n";
        for (int city = 0; city < o.cities; ++city)
            for (size_t k = 1; k < lines.size(); ++k) {
                const size_t comma = lines[k].find(',');
                if (lines[k].empty() || comma == std::string::npos) continue;
                char b[16];
                std::snprintf(b, sizeof b, "c%02d_", city + 1);
                out << b << lines[k] << "\n";
            }
        if (!out) throw std::runtime_error("cannot write " + o.out + "/town_stats.csv");
    }
    {
        std::ofstream p(o.out + "/project.toml");
        p << "# Generated by bench/gen_dongguan_network (seed " << o.seed << "): SYNTHETIC street grid, demand,\n"
             "# facilities and candidate sites over Dongguan's real town boundaries. Benchmark data only.\n";
        // Only a non-default shape says so: the default project.toml stays what it always was.
        if (o.segments || o.out_epsg != 4326)
            p << "# Roads: " << (o.segments ? "one feature per street segment between junctions" : "long street polylines")
              << "; all layers of dongguan_bench.gpkg in EPSG:" << o.out_epsg << ".\n";
        if (multi)
            p << "# Cities: " << o.cities << " translated copies of Dongguan (" << cols << " x " << rows
              << ", not joined by roads), towns c01_humen ...; --nodes/--demand/--facilities/--candidates per city.\n";
        p << "\n[project]\nname = \"";
        if (multi) p << "Province synthetic scale benchmark (" << o.cities << " copies of Dongguan)";
        else p << "Dongguan synthetic scale benchmark";
        p << "\"\nlang = \"en\"\n"
             "note = \"SYNTHETIC network, households and facilities (bench/gen_dongguan_network.cpp); only the town boundaries and census are real"
          << (multi ? " (each city a translated copy of Dongguan's)" : "") << ".\"\n"
             "\n[towns]\npath = \"towns.geojson\"\ncrs = \"EPSG:4326\"\nid = \"code\"\nname = \"name_zh\"\n"
             "\n[stats]\npath = \"town_stats.csv\"\nkey = \"code\"\njoin_on = \"id\"\n"
             "\n[network]\npath = \"dongguan_bench.gpkg\"\nlayer = \"roads\"\nformat = \"lines\"\nprofile = \"walk\"\n"
             "connectivity = \"any_vertex\"\n"
             "\n[facilities]\npath = \"dongguan_bench.gpkg\"\nlayer = \"facilities\"\nid = \"id\"\ntype = \"type\"\nname = \"name\"\n"
             "status = \"status\"\nattributes = [\"floor_area_m2\", \"beds\", \"nursing_beds\", \"capacity\"]\n"
             "\n[demand]\npath = \"dongguan_bench.gpkg\"\nlayer = \"demand\"\nid = \"id\"\nweight = \"households\"\nkind = \"points\"\n"
             "weights = { elderly = { field = \"elderly_60plus\", zh = \"名老年人\", en = \"older people\" } }\n"
             "\n[travel]\nmode = \"network\"\nspeed_kmh = 4.0\ncircles_min = [5, 10, 15]\n"
             "main_types = [\"day_care\", \"elderly_service_complex\", \"elderly_canteen\"]\n"
             "\n[levels]\nday_care = 5\ncommunity_service_station = 5\nelderly_canteen = 10\nelderly_service_complex = 15\n"
             "community_service_centre = 15\n"
             "\n[targets]\npath = \"targets.toml\"\nyear = 2025\n"
             "\n[output]\ncrs = \"metric\"\nmetric_crs = \"EPSG:4547\"\n";
    }
    {
        std::ofstream j(o.out + "/gen.json");
        j << "{\"seed\": " << o.seed << ", \"grid_spacing_m\": " << sp << ", \"grid_nodes\": " << nn * o.cities << ", \"roads\": " << n_roads
          << ", \"road_vertices\": " << n_vertices << ", \"grid_links\": " << n_grid_links << ", \"gap_links\": " << n_gap_links
          << ", \"demand\": " << n_dem << ", \"facilities\": " << n_fac << ", \"main_facilities\": " << n_main
          << ", \"candidates\": " << n_cand;
        // Keys added with --segments/--crs only, so a default gen.json is unchanged (and
        // bench/run.sh still recognises data generated before these options existed).
        if (o.segments || o.out_epsg != 4326)
            j << ", \"street_lines\": " << n_lines << ", \"roads_shape\": \"" << (o.segments ? "segments" : "polylines")
              << "\", \"crs\": \"EPSG:" << o.out_epsg << "\"";
        // And with --cities only (the counts above are then over all cities).
        if (multi) j << ", \"cities\": " << o.cities << ", \"towns\": " << o.cities * towns.size();
        j << "}\n";
    }
    std::printf("wrote %s (%sroads %zu features / %zu vertices over %zu grid nodes at %.1f m, demand %zu, facilities %zu (%zu main), "
                "candidates %zu) and project.toml in %.1f s\n",
                gpkg_path.c_str(), multi ? (std::to_string(o.cities) + " cities, ").c_str() : "", n_roads, n_vertices, nn * o.cities, sp,
                n_dem, n_fac, n_main, n_cand, now_s() - t_start);
    return 0;
}
