#pragma once
// Uniform grid of bounding boxes in CSR form (cell -> item ids). Internal to lc_network:
// used for noding segment pairs and for the snapping index. A uniform grid beats an R-tree
// here because road segments are short and evenly spread.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace lc::net::detail {

struct BBox {
    double x0, y0, x1, y1;
};

class CellGrid {
public:
    // cell_hint: wished-for cell size; it is grown so the grid has at most ~2 cells per item.
    void build(const std::vector<BBox>& boxes, double cell_hint) {
        build(boxes.size(), [&](uint32_t i) { return boxes[i]; }, cell_hint);
    }
    // Same, with the box of item i computed on demand (no array of boxes for millions of items).
    template <class BoxOf>
    void build(size_t count, BoxOf box_of, double cell_hint) {
        first_.clear();
        items_.clear();
        if (count == 0) {
            nx_ = ny_ = 0;
            return;
        }
        x0_ = y0_ = INFINITY;
        double x1 = -INFINITY, y1 = -INFINITY;
        for (uint32_t i = 0; i < count; ++i) {
            const BBox b = box_of(i);
            x0_ = std::min(x0_, b.x0);
            y0_ = std::min(y0_, b.y0);
            x1 = std::max(x1, b.x1);
            y1 = std::max(y1, b.y1);
        }
        const double w = std::max(x1 - x0_, 1e-9), h = std::max(y1 - y0_, 1e-9);
        cell_ = std::max(cell_hint, 1e-6);
        const double max_cells = 2.0 * static_cast<double>(count) + 16.0;
        if ((w / cell_ + 1) * (h / cell_ + 1) > max_cells) cell_ = std::sqrt(w * h / max_cells) + std::max(w, h) / max_cells;
        nx_ = static_cast<uint32_t>(w / cell_) + 1;
        ny_ = static_cast<uint32_t>(h / cell_) + 1;
        first_.assign(static_cast<size_t>(nx_) * ny_ + 1, 0);
        // Two passes (count, then fill) keep it one allocation and deterministic.
        for (int pass = 0; pass < 2; ++pass) {
            for (uint32_t i = 0; i < count; ++i) {
                const BBox b = box_of(i);
                const uint32_t ax = cx(b.x0), bx = cx(b.x1), ay = cy(b.y0), by = cy(b.y1);
                for (uint32_t y = ay; y <= by; ++y)
                    for (uint32_t x = ax; x <= bx; ++x) {
                        const size_t c = static_cast<size_t>(y) * nx_ + x;
                        if (pass == 0)
                            ++first_[c + 1];
                        else
                            items_[fill_[c]++] = i;
                    }
            }
            if (pass == 0) {
                for (size_t c = 1; c < first_.size(); ++c) first_[c] += first_[c - 1];
                items_.resize(first_.back());
                fill_.assign(first_.begin(), first_.end() - 1);
            }
        }
        fill_.clear();
        fill_.shrink_to_fit();
    }

    // Calls f(item) for every item registered in a cell overlapping the box (items may repeat).
    template <class F>
    void for_each_in(const BBox& b, F&& f) const {
        if (nx_ == 0 || b.x1 < x0_ || b.y1 < y0_) return;
        const uint32_t ax = cx(b.x0), bx = cx(b.x1), ay = cy(b.y0), by = cy(b.y1);
        for (uint32_t y = ay; y <= by; ++y)
            for (uint32_t x = ax; x <= bx; ++x) {
                const size_t c = static_cast<size_t>(y) * nx_ + x;
                for (uint32_t k = first_[c]; k < first_[c + 1]; ++k) f(items_[k]);
            }
    }

    // Unclamped cell coordinate of a point (may be outside the grid).
    int64_t raw_cx(double x) const { return static_cast<int64_t>(std::floor((x - x0_) / cell_)); }
    int64_t raw_cy(double y) const { return static_cast<int64_t>(std::floor((y - y0_) / cell_)); }
    // Items of one cell given by (possibly out of range) coordinates.
    template <class F>
    void for_each_in_cell(int64_t x, int64_t y, F&& f) const {
        if (x < 0 || y < 0 || x >= nx_ || y >= ny_) return;
        const size_t c = static_cast<size_t>(y) * nx_ + static_cast<size_t>(x);
        for (uint32_t k = first_[c]; k < first_[c + 1]; ++k) f(items_[k]);
    }

    // Renames item ids: item i becomes perm[i].
    void remap(const std::vector<uint32_t>& perm) {
        for (uint32_t& i : items_) i = perm[i];
    }
    const std::vector<uint32_t>& items() const { return items_; }

    bool empty() const { return nx_ == 0; }
    uint32_t nx() const { return nx_; }
    uint32_t ny() const { return ny_; }
    double cell() const { return cell_; }
    double x0() const { return x0_; }
    double y0() const { return y0_; }

private:
    uint32_t cx(double x) const { return clampi((x - x0_) / cell_, nx_); }
    uint32_t cy(double y) const { return clampi((y - y0_) / cell_, ny_); }
    static uint32_t clampi(double v, uint32_t n) {
        if (!(v > 0)) return 0;
        if (v >= n - 1) return n - 1;
        return static_cast<uint32_t>(v);
    }

    double x0_ = 0, y0_ = 0, cell_ = 1;
    uint32_t nx_ = 0, ny_ = 0;
    std::vector<uint32_t> first_, items_, fill_;
};

}  // namespace lc::net::detail
