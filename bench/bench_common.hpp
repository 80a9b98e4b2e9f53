#pragma once
// Small helpers shared by the scale benchmarks (timing, peak memory, reading points).
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "geo/crs.hpp"
#include "geo/xy.hpp"

namespace bench {

inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time of the whole process (all threads), in seconds.
inline double cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Peak resident set size of this process so far, in MiB.
inline double peak_rss_mib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

// Current resident set size in MiB (from /proc/self/statm).
inline double rss_mib() {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1048576.0);
}

// Runs f() `reps` times; returns every wall time in seconds (and, in *cpu, the process CPU
// seconds of each run: on a busy machine CPU time shows what the run costs on idle cores).
template <class F>
std::vector<double> repeat(int reps, F&& f, std::vector<double>* cpu = nullptr) {
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        const double t0 = now_s(), c0 = cpu_s();
        f();
        t.push_back(now_s() - t0);
        if (cpu) cpu->push_back(cpu_s() - c0);
    }
    return t;
}

inline double best(const std::vector<double>& t) { return t.empty() ? 0 : *std::min_element(t.begin(), t.end()); }

inline std::string runs(const std::vector<double>& t, const char* fmt = "%.3f") {
    std::string s;
    char buf[32];
    for (double v : t) {
        std::snprintf(buf, sizeof buf, fmt, v);
        s += (s.empty() ? "" : " / ") + std::string(buf);
    }
    return s;
}

// Points of a WGS84 layer, in the metric CRS.
inline std::vector<lc::geo::XY> read_points(const std::string& path, const std::string& layer_name, int metric_epsg) {
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    if (!ds) throw std::runtime_error("cannot open " + path);
    OGRLayer* l = ds->GetLayerByName(layer_name.c_str());
    if (!l) throw std::runtime_error(path + ": no layer " + layer_name);
    // The layer's own CRS (the segment study is written in EPSG:32650, the polyline one in 4326).
    std::string crs = "EPSG:4326";
    if (const OGRSpatialReference* srs = l->GetSpatialRef())
        if (const char* code = srs->GetAuthorityCode(nullptr)) crs = std::string("EPSG:") + code;
    std::vector<double> x, y;
    for (auto& f : *l) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) continue;
        x.push_back(g->toPoint()->getX());
        y.push_back(g->toPoint()->getY());
    }
    GDALClose(ds);
    lc::geo::Reprojector rp(lc::geo::CrsSpec::parse(crs), metric_epsg);
    rp.to_metric(x.data(), y.data(), x.size());
    std::vector<lc::geo::XY> out(x.size());
    for (size_t i = 0; i < x.size(); ++i) out[i] = {x[i], y[i]};
    return out;
}

inline const char* verdict(double value, double target) { return value < target ? "PASS" : "MISS"; }

}  // namespace bench
