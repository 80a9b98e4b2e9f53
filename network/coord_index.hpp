#pragma once
// Numbering exact coordinates: the same (x, y) bit for bit is the same place. Used where lines
// meet (graph building) and to reproject each distinct vertex once (loading).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "geo/xy.hpp"

namespace lc::net {

using geo::XY;

// Exact-coordinate key; -0.0 and 0.0 are the same place.
struct CoordKey {
    uint64_t x, y;
    bool operator==(const CoordKey&) const = default;
};
inline CoordKey key_of(XY p) {
    return {std::bit_cast<uint64_t>(p.x + 0.0), std::bit_cast<uint64_t>(p.y + 0.0)};
}
// splitmix64 finaliser: coordinates on a regular grid have near-identical low bits, which a
// weak hash turns into long bucket chains.
inline uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}
struct CoordHash {
    size_t operator()(const CoordKey& k) const noexcept { return static_cast<size_t>(mix(k.x ^ mix(k.y))); }
};

// Numbers distinct exact coordinates in order of first appearance. Open addressing (linear
// probing, power-of-two size, at most half full) over 4-byte slots that point into the list
// of distinct coordinates: millions of vertices cost one small table, not a node per entry.
class CoordIndex {
public:
    explicit CoordIndex(size_t expected) {
        size_t cap = 16;
        while (cap < 2 * expected) cap <<= 1;
        slots_.assign(cap, kEmpty);
        mask_ = cap - 1;
        coords_.reserve(expected);
    }
    size_t size() const { return coords_.size(); }
    XY coord(uint32_t id) const { return {std::bit_cast<double>(coords_[id].x), std::bit_cast<double>(coords_[id].y)}; }
    // Number of p (a new one, size() before the call, if p was not seen yet).
    uint32_t find_or_add(XY p) {
        if (2 * (coords_.size() + 1) > slots_.size()) grow();
        const CoordKey k = key_of(p);
        for (size_t h = CoordHash()(k) & mask_;; h = (h + 1) & mask_) {
            const uint32_t id = slots_[h];
            if (id == kEmpty) {
                slots_[h] = static_cast<uint32_t>(coords_.size());
                coords_.push_back(k);
                return slots_[h];
            }
            if (coords_[id] == k) return id;
        }
    }

    // ids[i] = find_or_add(pts[i]) for i in order, with the memory each lookup reads fetched a
    // few points ahead: on millions of points the lookups wait on cache misses (the slot, then
    // the coordinate it points to), and this overlaps them.
    void find_or_add_many(const XY* pts, size_t n, uint32_t* ids) {
        constexpr size_t kSlotAhead = 16, kCoordAhead = 8;
        for (size_t i = 0; i < n; ++i) {
            if (i + kSlotAhead < n) __builtin_prefetch(&slots_[slot_of(pts[i + kSlotAhead])]);
            if (i + kCoordAhead < n)
                if (const uint32_t id = slots_[slot_of(pts[i + kCoordAhead])]; id != kEmpty) __builtin_prefetch(&coords_[id]);
            ids[i] = find_or_add(pts[i]);
        }
    }

private:
    static constexpr uint32_t kEmpty = UINT32_MAX;
    size_t slot_of(XY p) const { return CoordHash()(key_of(p)) & mask_; }
    void grow() {
        slots_.assign(2 * slots_.size(), kEmpty);
        mask_ = slots_.size() - 1;
        for (uint32_t id = 0; id < coords_.size(); ++id) {
            size_t h = CoordHash()(coords_[id]) & mask_;
            while (slots_[h] != kEmpty) h = (h + 1) & mask_;
            slots_[h] = id;
        }
    }
    std::vector<uint32_t> slots_;
    std::vector<CoordKey> coords_;
    size_t mask_ = 0;
};

// Numbers the distinct points among pts[0..n) in order of first appearance: id_of[v] is the
// number of pts[v], and the returned list holds each distinct point once (index = number).
// One thread: splitting the points among the cores by hash made every core read them all and
// measured slower on two cores.
inline std::vector<XY> number_distinct(const XY* pts, size_t n, uint32_t* id_of) {
    CoordIndex index(n / 2 + 16);
    index.find_or_add_many(pts, n, id_of);
    std::vector<XY> all(index.size());
    for (uint32_t d = 0; d < index.size(); ++d) all[d] = index.coord(d);
    return all;
}

}  // namespace lc::net
