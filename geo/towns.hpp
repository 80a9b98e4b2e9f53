#pragma once
// The study's towns: point-in-town assignment with a documented rule for overlaps and gaps,
// and the partition check (overlaps between towns, gaps inside the city outline).
#include <string>
#include <vector>

#include "geo/geos.hpp"
#include "geo/layer.hpp"
#include "geo/xy.hpp"

namespace lc::geo {

class TownSet {
public:
    // Takes the polygons of a towns layer read in the metric CRS.
    TownSet(const Layer& layer, int id_field, int name_field);
    ~TownSet();
    TownSet(const TownSet&) = delete;
    TownSet& operator=(const TownSet&) = delete;

    size_t size() const { return id_.size(); }
    const std::string& id(size_t t) const { return id_[t]; }
    const std::string& name(size_t t) const { return name_[t]; }
    const GEOSGeometry* geom(size_t t) const { return geom_[t]; }
    double area_m2(size_t t) const { return area_[t]; }

    enum class How { inside, overlap, nearest, outside };
    struct Assignment {
        int town = -1;      // -1 = outside every town beyond the tolerance
        How how = How::outside;
        double distance_m = 0;  // for nearest: distance to that town
    };
    // Rule (documented in the README): a point inside one town belongs to it; inside several
    // (overlapping boundaries) it belongs to the first of them in input order; inside none, to
    // the nearest town within `tolerance_m` (ties: first in input order); else to none.
    Assignment assign(XY p, double tolerance_m) const;
    // Same, with prepared geometries owned by the calling thread: GEOS builds a prepared
    // polygon's index lazily on first use, so prepared geometries must not be shared by threads.
    Assignment assign(XY p, double tolerance_m, const std::vector<PreparedPtr>& prepared) const;
    std::vector<Assignment> assign_all(const std::vector<XY>& pts, double tolerance_m) const;  // parallel

    // Towns whose polygons contain or lie within `radius_m` of p (for coverage by town).
    std::vector<int> candidates(XY p, double radius_m) const;

private:
    std::vector<int> candidates(const GEOSGeometry* g) const;  // towns whose envelopes meet g's, sorted
    std::vector<std::string> id_, name_;
    std::vector<const GEOSGeometry*> geom_;  // owned by the Layer
    std::vector<PreparedPtr> prepared_;
    std::vector<double> area_;
    GEOSSTRtree* tree_ = nullptr;
};

struct TownOverlap {
    int a = 0, b = 0;
    double area_m2 = 0;
};
struct TownGap {
    double area_m2 = 0;
    XY inside;                 // a point inside the gap
    std::vector<int> bordering;  // towns touching the gap (within 1 m)
    GeomPtr geom;
};
struct PartitionCheck {
    double sum_area_m2 = 0;    // sum of town areas (overlaps counted twice)
    double union_area_m2 = 0;  // area of the union
    std::vector<TownOverlap> overlaps;  // pairs with a positive-area intersection (> 1 m²)
    std::vector<TownGap> gaps;          // holes of the union (areas inside the outline that no town covers), largest first
    double gaps_area_m2 = 0;
};
PartitionCheck check_partition(const TownSet& towns, double min_area_m2 = 1.0);

}  // namespace lc::geo
