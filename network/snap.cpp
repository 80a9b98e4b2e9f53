#include "network/snap.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include "network/graph.hpp"
#include "base/parallel.hpp"

namespace lc::net {

const char* to_string(SnapStatus s) {
    switch (s) {
        case SnapStatus::ok: return "ok";
        case SnapStatus::snapped_far: return "snapped_far";
        case SnapStatus::off_network: return "off_network";
        case SnapStatus::island: return "island";
    }
    return "?";
}

SnapIndex::SnapIndex(const Graph& g) : g_(g) {
    // Segment s starts at geometry vertex seg_first[s]; boxes are computed on the fly, so the
    // only big arrays are the grid and the segment records themselves.
    std::vector<uint32_t> seg_first, seg_link;
    const size_t count = g.geom_xy.size() - std::min(g.geom_xy.size(), g.link_count());
    seg_first.reserve(count);
    seg_link.reserve(count);
    double total = 0;
    for (uint32_t l = 0; l < g.link_count(); ++l)
        for (uint32_t i = g.link_geom_first[l]; i + 1 < g.link_geom_first[l + 1]; ++i) {
            seg_first.push_back(i);
            seg_link.push_back(l);
            total += std::hypot(g.geom_xy[i + 1].x - g.geom_xy[i].x, g.geom_xy[i + 1].y - g.geom_xy[i].y);
        }
    auto box_of = [&](uint32_t s) {
        const geo::XY a = g.geom_xy[seg_first[s]], b = g.geom_xy[seg_first[s] + 1];
        return detail::BBox{std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y)};
    };
    // Cells about one mean segment long keep both the per-cell lists and the ring count short.
    grid_.build(seg_first.size(), box_of, seg_first.empty() ? 1.0 : total / static_cast<double>(seg_first.size()));
    // Renumber segments in order of first appearance in the grid.
    std::vector<uint32_t> perm(seg_first.size(), UINT32_MAX);
    segs_.reserve(seg_first.size());
    for (uint32_t s : grid_.items())
        if (perm[s] == UINT32_MAX) {
            perm[s] = static_cast<uint32_t>(segs_.size());
            const uint32_t i = seg_first[s], l = seg_link[s];
            const geo::XY a = g.geom_xy[i], b = g.geom_xy[i + 1];
            segs_.push_back({a.x, a.y, b.x, b.y, l, g.link_component(l), i});
        }
    grid_.remap(perm);
}

namespace {
struct Best {
    double d2 = INFINITY;
    uint32_t first = UINT32_MAX;  // segment start in geom_xy: the tie-breaker
    uint32_t seg = UINT32_MAX;
    double t = 0;
    bool better(double od2, uint32_t ofirst) const { return od2 < d2 || (od2 == d2 && ofirst < first); }
};
}  // namespace

Snap SnapIndex::snap(geo::XY p, const SnapOptions& o) const {
    Snap out;
    if (grid_.empty()) return out;
    const double far = std::max(o.far_m, o.max_m);
    // Whole grid farther than far_m: nothing to look at.
    const double gx1 = grid_.x0() + grid_.nx() * grid_.cell(), gy1 = grid_.y0() + grid_.ny() * grid_.cell();
    const double ox = std::max({grid_.x0() - p.x, 0.0, p.x - gx1}), oy = std::max({grid_.y0() - p.y, 0.0, p.y - gy1});
    if (std::hypot(ox, oy) > far) return out;

    Best main, small;
    const int64_t cx = grid_.raw_cx(p.x), cy = grid_.raw_cy(p.y);
    const double cell = grid_.cell();
    auto visit = [&](uint32_t s) {
        const Seg& sg = segs_[s];
        const double dx = sg.bx - sg.ax, dy = sg.by - sg.ay, l2 = dx * dx + dy * dy;
        const double t = l2 > 0 ? std::clamp(((p.x - sg.ax) * dx + (p.y - sg.ay) * dy) / l2, 0.0, 1.0) : 0.0;
        const double ex = sg.ax + t * dx - p.x, ey = sg.ay + t * dy - p.y, d2 = ex * ex + ey * ey;
        Best& b_ = (sg.comp == 0 || g_.component_nodes[sg.comp] >= o.min_component_nodes) ? main : small;
        if (b_.better(d2, sg.first)) b_ = {d2, sg.first, s, t};
    };
    for (int64_t k = 0;; ++k) {
        // Every point of ring k lies outside the block of rings 0..k-1, so its distance is at
        // least the distance from p to that block's border.
        double lb = 0;
        if (k > 0) {
            const double bx0 = grid_.x0() + static_cast<double>(cx - k + 1) * cell;
            const double bx1 = grid_.x0() + static_cast<double>(cx + k) * cell;
            const double by0 = grid_.y0() + static_cast<double>(cy - k + 1) * cell;
            const double by1 = grid_.y0() + static_cast<double>(cy + k) * cell;
            lb = std::max(0.0, std::min({p.x - bx0, bx1 - p.x, p.y - by0, by1 - p.y}));
        }
        const double limit = main.seg != UINT32_MAX ? std::sqrt(main.d2) : far;
        if (lb > limit) break;
        if (cx - k < 0 && cy - k < 0 && cx + k >= grid_.nx() && cy + k >= grid_.ny()) {
            if (k > 0) break;  // the ring no longer touches the grid
        }
        if (k == 0) {
            grid_.for_each_in_cell(cx, cy, visit);
            continue;
        }
        for (int64_t x = cx - k; x <= cx + k; ++x) {
            grid_.for_each_in_cell(x, cy - k, visit);
            grid_.for_each_in_cell(x, cy + k, visit);
        }
        for (int64_t y = cy - k + 1; y <= cy + k - 1; ++y) {
            grid_.for_each_in_cell(cx - k, y, visit);
            grid_.for_each_in_cell(cx + k, y, visit);
        }
    }

    const Best* pick = nullptr;
    if (main.seg != UINT32_MAX && main.d2 <= far * far) {
        pick = &main;
        out.status = main.d2 <= o.max_m * o.max_m ? SnapStatus::ok : SnapStatus::snapped_far;
    } else if (small.seg != UINT32_MAX && small.d2 <= far * far) {
        pick = &small;
        out.status = SnapStatus::island;
    }
    if (!pick) return out;
    const Seg& sg = segs_[pick->seg];
    const uint32_t i = sg.first;
    const geo::XY a{sg.ax, sg.ay}, b{sg.bx, sg.by};
    out.link = sg.link;
    out.dist_m = std::sqrt(pick->d2);
    out.on_network = {a.x + pick->t * (b.x - a.x), a.y + pick->t * (b.y - a.y)};
    // Planar position within the segment scaled to the segment's geodesic length.
    out.along_m = g_.geom_along_m[i] + pick->t * (g_.geom_along_m[i + 1] - g_.geom_along_m[i]);
    return out;
}

std::vector<Snap> SnapIndex::snap_all(const std::vector<geo::XY>& pts, const SnapOptions& o) const {
    std::vector<Snap> out(pts.size());
    base::parallel_for(pts.size(), 512, [&](size_t b, size_t e, unsigned) {
        for (size_t i = b; i < e; ++i) out[i] = snap(pts[i], o);
    });
    return out;
}

}  // namespace lc::net
