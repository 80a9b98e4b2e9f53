#include "coverage/study/travel.hpp"
#include "base/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <future>
#include <thread>

#include "base/parallel.hpp"
#include "network/service_area.hpp"

namespace lc::cov {

StudyAndNetwork load_study_and_network(const Project& project, const LoadOptions& opts) {
    StudyAndNetwork out;
    if (project.straight_line()) {
        out.study = load_study(project, opts);
        return out;
    }
    if (!project.has_network()) throw base::UserError("[travel] mode = network but no [network] path is given");
    // The layers are read on a second thread and the network is built on this one, as soon as
    // the towns fix the metric CRS. This way round, the build's big temporary arrays (road
    // lines, hash tables) are freed into this thread's malloc arena, where the outputs written
    // later reuse them (65 MiB less memory touched on the 1M-node benchmark than the other way).
    std::promise<int> epsg_promise;  // metric EPSG, or -1 if load_study never fixes one
    std::future<int> epsg = epsg_promise.get_future();
    bool epsg_given = false;
    std::exception_ptr study_error;
    std::jthread reader([&] {
        LoadOptions lo = opts;
        lo.on_metric_crs = [&](int e) {
            if (opts.on_metric_crs) opts.on_metric_crs(e);
            epsg_given = true;
            epsg_promise.set_value(e);
        };
        try {
            out.study = load_study(project, lo);
        } catch (...) {
            study_error = std::current_exception();
        }
        if (!epsg_given) epsg_promise.set_value(-1);
    });
    const int metric_epsg = epsg.get();
    geo::Report network_report;
    std::exception_ptr network_error;
    if (metric_epsg >= 0) {
        try {
            out.network = load_network(project, metric_epsg, network_report, opts.progress);
        } catch (...) {
            network_error = std::current_exception();
        }
    }
    reader.join();
    // A problem in the study's own layers is reported first, as when they are read alone.
    if (study_error) std::rethrow_exception(study_error);
    if (network_error) std::rethrow_exception(network_error);
    out.study->report.append(network_report);
    const auto& xy = out.network->graph.node_xy;
    Extent e{xy[0].x, xy[0].y, xy[0].x, xy[0].y};  // load_network refuses a graph without links
    for (const auto& p : xy) e.min_x = std::min(e.min_x, p.x), e.min_y = std::min(e.min_y, p.y), e.max_x = std::max(e.max_x, p.x), e.max_y = std::max(e.max_y, p.y);
    check_near_towns(*out.study, out.network->lines.file, out.network->lines.layer, "road network lies", e);
    return out;
}

std::unique_ptr<RoadNetwork> load_network(const Project& p, int metric_epsg, geo::Report& report, const LoadProgress& progress) {
    auto rn = std::make_unique<RoadNetwork>();
    net::NetworkSource ns;
    ns.src = p.network.src;
    ns.format = p.network.format;
    if (p.network.profile == "walk") ns.profile = net::walk_profile(p.travel.speed_kmh);
    else if (p.network.profile == "drive") ns.profile = net::drive_profile();
    else throw base::UserError("[network] profile must be walk or drive, got '" + p.network.profile + "'");
    ns.oneway_field = p.network.oneway_field;
    ns.speed_field = p.network.speed_field;
    ns.class_field = p.network.class_field;
    ns.length_field = p.network.length_field;
    ns.time_field = p.network.time_field;
    for (const auto& [cls, kmh] : p.network.speeds) {  // the project's class speeds win over the profile's
        ns.profile.class_speed_kmh[cls] = kmh;
        ns.profile.allowed.insert(cls);
    }
    rn->profile = ns.profile;
    ns.progress = progress.road_lines;
    rn->lines = net::read_network_lines(ns, metric_epsg, report);
    net::BuildOptions bo;
    std::string conn = p.network.connectivity;
    if (conn.empty()) conn = rn->lines.osm ? "any_vertex" : "endpoints";
    if (conn == "endpoints") bo.connectivity = net::Connectivity::endpoints;
    else if (conn == "any_vertex") bo.connectivity = net::Connectivity::any_vertex;
    else if (conn == "noding") bo.connectivity = net::Connectivity::noding;
    else throw base::UserError("[network] connectivity must be endpoints, any_vertex or noding, got '" + conn + "'");
    bo.node_tolerance_m = p.network.node_tolerance_m;
    bo.progress = progress.graph_links;
    rn->graph = net::build_graph(rn->lines.lines, bo, rn->build);
    rn->lines.lines.clear();
    if (rn->graph.link_count() == 0) {
        geo::Message m;
        m.level = geo::Level::error;
        m.file = rn->lines.file;
        m.layer = rn->lines.layer;
        m.code = "no_usable_ways";
        m.text = "no road link left after building the graph";
        throw geo::InputError(m);
    }
    if (rn->build.degenerate_lines || rn->build.bad_speed_lines)
        report.warn(rn->lines.file, rn->lines.layer, "lines_dropped",
                    std::to_string(rn->build.degenerate_lines) + " degenerate lines and " +
                        std::to_string(rn->build.bad_speed_lines) + " lines without a usable speed were left out");
    rn->index = std::make_unique<net::SnapIndex>(rn->graph);
    return rn;
}

TravelModel::TravelModel(const Study& s, const RoadNetwork* network, geo::Report& report)
    : study_(s), network_(network), speed_mps_(s.project.travel.speed_kmh / 3.6), detour_(s.project.travel.detour_factor) {
    auto status_for = [&](size_t n, const std::vector<geo::TownSet::Assignment>& towns, const std::vector<net::Snap>* snaps) {
        std::vector<std::string> st(n, "ok");
        for (size_t i = 0; i < n; ++i) {
            if (snaps && (*snaps)[i].status != net::SnapStatus::ok) st[i] = net::to_string((*snaps)[i].status);
            else if (i < towns.size() && towns[i].town < 0) st[i] = "outside_towns";
        }
        return st;
    };
    net::SnapOptions so;
    so.max_m = s.project.network.snap_m;
    so.far_m = s.project.network.snap_far_m;
    so.min_component_nodes = s.project.network.min_component_nodes;
    auto report_snaps = [&](const geo::Layer& layer, const std::vector<net::Snap>& snaps, int id_field) {
        size_t far = 0, off = 0, island = 0;
        for (size_t i = 0; i < snaps.size(); ++i) {
            if (snaps[i].status == net::SnapStatus::ok) continue;
            geo::Message m;
            m.level = geo::Level::warning;
            m.file = layer.file;
            m.layer = layer.name;
            m.fid = layer.fid[i];
            m.feature = layer.text(i, id_field);
            char buf[160];
            if (snaps[i].status == net::SnapStatus::snapped_far) {
                ++far;
                m.code = "snapped_far";
                std::snprintf(buf, sizeof buf, "nearest walkable street is %.0f m away (beyond %.0f m): snapped there and flagged", snaps[i].dist_m, so.max_m);
            } else if (snaps[i].status == net::SnapStatus::island) {
                ++island;
                m.code = "island";
                std::snprintf(buf, sizeof buf, "only a small disconnected piece of network (< %u nodes) is within reach (%.0f m): flagged", so.min_component_nodes, snaps[i].dist_m);
            } else {
                ++off;
                m.code = "off_network";
                std::snprintf(buf, sizeof buf, "no street within %.0f m: off the network, never covered", so.far_m);
            }
            m.text = buf;
            report.add(std::move(m));
        }
        (void)far, (void)off, (void)island;
    };
    if (network_) {
        if (s.facilities) {
            fac_snap_ = network_->index->snap_all(s.facilities->point, so);
            report_snaps(*s.facilities, fac_snap_, s.fac_id);
        }
        if (s.demand) {
            dem_snap_ = network_->index->snap_all(s.demand->point, so);
            report_snaps(*s.demand, dem_snap_, s.dem_id);
            dem_end_.reserve(dem_snap_.size());
            for (const auto& sn : dem_snap_) dem_end_.push_back(endpoint(sn));
        }
    }
    if (s.facilities) fac_status_ = status_for(s.facilities->size(), s.fac_town, network_ ? &fac_snap_ : nullptr);
    if (s.demand) dem_status_ = status_for(s.demand->size(), s.dem_town, network_ ? &dem_snap_ : nullptr);
}

std::string TravelModel::describe(const std::string& lang) const {
    char buf[200];
    if (lang == "zh") {
        if (network_)
            std::snprintf(buf, sizeof buf, "%s路网，%.1f 公里/小时（%s）", network_->profile.name == "walk" ? "步行" : "车行",
                          study_.project.travel.speed_kmh, network_->profile.name == "walk" ? "步行速度" : "按道路等级限速");
        else
            std::snprintf(buf, sizeof buf, "直线距离 × %.2f 绕行系数，%.1f 公里/小时（无路网）", detour_, study_.project.travel.speed_kmh);
        return buf;
    }
    if (network_)
        std::snprintf(buf, sizeof buf, "%s network, %.1f km/h (%s)", network_->profile.name.c_str(), study_.project.travel.speed_kmh,
                      network_->profile.name == "walk" ? "walking" : "class speeds");
    else
        std::snprintf(buf, sizeof buf, "straight line x %.2f detour factor, %.1f km/h (no road network)", detour_,
                      study_.project.travel.speed_kmh);
    return buf;
}

net::Endpoint TravelModel::endpoint(const net::Snap& s) const {
    net::Endpoint e;
    if (s.status == net::SnapStatus::off_network || s.link == net::kNone) return e;
    e.link = s.link;
    e.along_m = s.along_m;
    e.access = s.dist_m / speed_mps_;  // the walk from the door to the street, at the same speed
    return e;
}

namespace {

// Buckets points on a square grid so bounded straight-line searches look at 3x3 cells only.
struct PointGrid {
    double x0 = 0, y0 = 0, cell = 1;
    uint32_t nx = 0, ny = 0;
    std::vector<uint32_t> first, items;
    void build(const std::vector<geo::XY>& pts, const std::vector<uint32_t>& ids, double cell_size) {
        cell = std::max(cell_size, 1.0);
        double x1 = -INFINITY, y1 = -INFINITY;
        x0 = y0 = INFINITY;
        for (uint32_t id : ids) {
            x0 = std::min(x0, pts[id].x), y0 = std::min(y0, pts[id].y);
            x1 = std::max(x1, pts[id].x), y1 = std::max(y1, pts[id].y);
        }
        if (ids.empty()) return;
        // Keep the grid at most ~4M cells even for a tiny radius over a large area.
        while ((x1 - x0) / cell * (y1 - y0) / cell > 4e6) cell *= 2;
        nx = static_cast<uint32_t>((x1 - x0) / cell) + 1;
        ny = static_cast<uint32_t>((y1 - y0) / cell) + 1;
        first.assign(static_cast<size_t>(nx) * ny + 1, 0);
        for (uint32_t id : ids) ++first[index(pts[id]) + 1];
        for (size_t c = 1; c < first.size(); ++c) first[c] += first[c - 1];
        items.resize(ids.size());
        std::vector<uint32_t> fill(first.begin(), first.end() - 1);
        for (uint32_t id : ids) items[fill[index(pts[id])]++] = id;  // ids ascending within a cell
    }
    size_t index(geo::XY p) const {
        auto cx = static_cast<uint32_t>(std::clamp((p.x - x0) / cell, 0.0, nx - 1.0));
        auto cy = static_cast<uint32_t>(std::clamp((p.y - y0) / cell, 0.0, ny - 1.0));
        return static_cast<size_t>(cy) * nx + cx;
    }
    // Calls f(id) for every point within `radius` cells' reach of p (a superset of the disc).
    template <class F>
    void around(geo::XY p, double radius, F&& f) const {
        if (nx == 0) return;
        int r = static_cast<int>(std::ceil(radius / cell));
        int cx = static_cast<int>(std::floor((p.x - x0) / cell)), cy = static_cast<int>(std::floor((p.y - y0) / cell));
        for (int y = std::max(0, cy - r); y <= std::min<int>(ny - 1, cy + r); ++y)
            for (int x = std::max(0, cx - r); x <= std::min<int>(nx - 1, cx + r); ++x) {
                size_t c = static_cast<size_t>(y) * nx + x;
                for (uint32_t k = first[c]; k < first[c + 1]; ++k) f(items[k]);
            }
    }
};

}  // namespace

NearestTable TravelModel::nearest(const std::vector<uint32_t>& rows, double cutoff_s) const {
    NearestTable t;
    const size_t nd = study_.demand ? study_.demand->size() : 0;
    t.facility.assign(nd, -1);
    t.seconds.assign(nd, net::kInf);
    if (nd == 0 || rows.empty()) return t;
    base::expect(searches_, 1);
    struct Done {  // one search, counted when it returns
        base::Counter* c;
        ~Done() { base::count(c); }
    } done{searches_};
    if (network_) {
        std::vector<net::Endpoint> src;
        src.reserve(rows.size());
        for (uint32_t r : rows) src.push_back(endpoint(fac_snap_[r]));
        // Island and far-snapped points keep their network position: their cost is real, if long.
        auto res = net::nearest_source(network_->graph, net::Cost::time, src, dem_end_, cutoff_s, search_pool_);
        for (size_t i = 0; i < nd; ++i)
            if (res.source[i] != net::kNone) {
                t.facility[i] = static_cast<int32_t>(rows[res.source[i]]);
                t.seconds[i] = res.cost[i];
            }
        return t;
    }
    // Straight line: the radius in metres that the cutoff allows.
    const double radius = cutoff_s * speed_mps_ / detour_;
    PointGrid grid;
    std::vector<uint32_t> sorted = rows;
    std::sort(sorted.begin(), sorted.end());
    grid.build(study_.facilities->point, sorted, std::max(radius, 50.0));
    const auto& fp = study_.facilities->point;
    const auto& dp = study_.demand->point;
    base::parallel_for(nd, 4096, [&](size_t b, size_t e, unsigned) {
        for (size_t i = b; i < e; ++i) {
            double best = net::kInf;
            int32_t best_f = -1;
            grid.around(dp[i], radius, [&](uint32_t f) {
                double sec = std::hypot(fp[f].x - dp[i].x, fp[f].y - dp[i].y) * detour_ / speed_mps_;
                if (sec <= cutoff_s && (sec < best || (sec == best && static_cast<int32_t>(f) < best_f))) {
                    best = sec;
                    best_f = static_cast<int32_t>(f);
                }
            });
            t.facility[i] = best_f;
            t.seconds[i] = best;
        }
    });
    return t;
}

std::vector<std::vector<net::Reach>> TravelModel::reach_from_points(const std::vector<geo::XY>& points, double cutoff_s,
                                                                    std::vector<std::string>* status) const {
    std::vector<std::vector<net::Reach>> out(points.size());
    if (!study_.demand) return out;
    if (network_) {
        net::SnapOptions so;
        so.max_m = study_.project.network.snap_m;
        so.far_m = study_.project.network.snap_far_m;
        so.min_component_nodes = study_.project.network.min_component_nodes;
        auto snaps = network_->index->snap_all(points, so);
        std::vector<net::Endpoint> src;
        src.reserve(points.size());
        if (status) status->clear();
        for (const auto& sn : snaps) {
            src.push_back(endpoint(sn));
            if (status) status->push_back(net::to_string(sn.status));
        }
        base::expect(searches_, src.size());
        return net::reach_per_source(network_->graph, net::Cost::time, src, dem_end_, cutoff_s, searches_ ? &searches_->done : nullptr);
    }
    if (status) status->assign(points.size(), "ok");
    base::expect(searches_, points.size());
    const double radius = cutoff_s * speed_mps_ / detour_;
    const auto& dp = study_.demand->point;
    std::vector<uint32_t> all(dp.size());
    for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
    PointGrid grid;
    grid.build(dp, all, std::max(radius, 50.0));
    base::parallel_for(points.size(), 64, [&](size_t b, size_t e, unsigned) {
        for (size_t j = b; j < e; ++j) {
            grid.around(points[j], radius, [&](uint32_t d) {
                double sec = std::hypot(points[j].x - dp[d].x, points[j].y - dp[d].y) * detour_ / speed_mps_;
                if (sec <= cutoff_s) out[j].push_back({d, static_cast<float>(sec)});
            });
            std::sort(out[j].begin(), out[j].end(), [](const net::Reach& a, const net::Reach& c) { return a.target < c.target; });
        }
        base::count(searches_, e - b);
    });
    return out;
}

std::vector<std::vector<net::Reach>> TravelModel::reach_from_facilities(const std::vector<uint32_t>& rows, double cutoff_s) const {
    if (!study_.demand || !study_.facilities) return std::vector<std::vector<net::Reach>>(rows.size());
    if (network_) {
        std::vector<net::Endpoint> src;
        src.reserve(rows.size());
        for (uint32_t r : rows) src.push_back(endpoint(fac_snap_[r]));
        base::expect(searches_, src.size());
        return net::reach_per_source(network_->graph, net::Cost::time, src, dem_end_, cutoff_s,
                                     searches_ ? &searches_->done : nullptr);  // sorted by target
    }
    std::vector<geo::XY> pts;
    pts.reserve(rows.size());
    for (uint32_t r : rows) pts.push_back(study_.facilities->point[r]);
    return reach_from_points(pts, cutoff_s);
}

std::vector<geo::GeomPtr> TravelModel::service_areas(const std::vector<geo::XY>& points, double minutes, double buffer_m) const {
    std::vector<geo::GeomPtr> out;
    if (network_) {
        net::SnapOptions so;
        so.max_m = study_.project.network.snap_m;
        so.far_m = study_.project.network.snap_far_m;
        so.min_component_nodes = study_.project.network.min_component_nodes;
        std::vector<net::Endpoint> src;
        for (const auto& sn : network_->index->snap_all(points, so)) src.push_back(endpoint(sn));
        net::ServiceAreaOptions sa;
        sa.buffer_m = buffer_m;
        return net::service_area_polygons(network_->graph, net::Cost::time, src, minutes * 60, sa);
    }
    const double radius = minutes * 60 * speed_mps_ / detour_;
    for (const auto& p : points) {
        geo::GeomPtr pt = geo::make_point(p.x, p.y);
        out.emplace_back(GEOSBuffer_r(geo::geos(), pt.get(), radius, 16));
    }
    return out;
}

}  // namespace lc::cov
