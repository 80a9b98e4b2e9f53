#pragma once
// A whole study drawn as an ASCII street map (Valhalla's gurka, one level up): roads between
// named points, facilities and homes at named points, towns as rectangles. write() puts real
// GeoJSON layers and a project file in a folder, so tests run the product's own pipeline on
// them (reading, CRS, graph, snapping, coverage, indicators) and check hand-computed answers.
#include <limits>
#include <string>
#include <vector>

#include "tests/support/ascii_map.hpp"

namespace lc::testing {

class DrawnStudy {
public:
    DrawnStudy(const std::string& drawing, double metres_per_char) : map_(drawing, metres_per_char) {}

    const net::testing::AsciiMap& map() const { return map_; }
    // A footway through the named points ("ABC").
    // `properties` adds JSON members to the feature, e.g. R"("len_m": 2000)".
    void road(const std::string& names, const std::string& highway = "footway", const std::string& properties = "") {
        Road r{{}, highway, properties};
        for (char c : names) r.xy.push_back(map_.xy(c));
        roads_.push_back(r);
    }
    // The same at metric positions (AsciiMap's local plane), for generated maps (property tests).
    void road_xy(const std::vector<geo::XY>& xy, const std::string& highway = "footway") { roads_.push_back({xy, highway, ""}); }
    void facility_xy(geo::XY at, const std::string& id, const std::string& type, double capacity) {
        facilities_.push_back({at, id, type, "existing", 0, capacity});
    }
    void homes_xy(geo::XY at, const std::string& id, double households) { homes_.push_back({at, id, "", households}); }
    // `capacity` (places) is written to a `capacity` field; NaN writes null (no capacity).
    void facility(char at, const std::string& id, const std::string& type, const std::string& status = "existing",
                  double capacity = std::numeric_limits<double>::quiet_NaN()) {
        facilities_.push_back({map_.xy(at), id, type, status, 0, capacity});
    }
    void homes(char at, const std::string& id, double households) { homes_.push_back({map_.xy(at), id, "", households}); }
    // A candidate site for `site` (written to candidates.geojson with an `id` field).
    void candidate(char at, const std::string& id) { candidates_.push_back({map_.xy(at), id, "", "", 0}); }
    // A town: the rectangle with corners at two named points, grown by margin_m (default: one
    // town around the whole map).
    void town(const std::string& id, const std::string& name, char corner_a, char corner_b, double margin_m = 0) {
        towns_.push_back({id, name, corner_a, corner_b, margin_m});
    }
    // A village / community ([units]): a rectangle like a town; `town` (a town id) is written to a
    // `town` field when given, else the unit's town is found from its area.
    void unit(const std::string& id, const std::string& name, char corner_a, char corner_b, double margin_m = 0, const std::string& town = "") {
        units_.push_back({id, name, corner_a, corner_b, margin_m, town});
    }
    // Writes towns/roads/facilities/homes.geojson (and units.geojson with [units] when drawn) and project.toml (walking network, 4 km/h,
    // circles 5/10/15, day_care level 5 and elderly_service_complex level 15) into `dir`;
    // `extra_toml` is appended. Returns the project file's path.
    std::string write(const std::string& dir, const std::string& extra_toml = "") const;

private:
    net::testing::AsciiMap map_;
    struct Road {
        std::vector<geo::XY> xy;
        std::string highway, properties;
    };
    struct Point {
        geo::XY at;
        std::string id, type, status;
        double households = 0;
        double capacity = std::numeric_limits<double>::quiet_NaN();
    };
    struct Town {
        std::string id, name;
        char a, b;
        double margin_m;
    };
    std::vector<Road> roads_;
    std::vector<Point> facilities_, candidates_;
    struct Home {
        geo::XY at;
        std::string id, unused;
        double households;
    };
    std::vector<Home> homes_;
    std::vector<Town> towns_;
    struct Unit {
        std::string id, name;
        char a, b;
        double margin_m;
        std::string town;
    };
    std::vector<Unit> units_;
};

}  // namespace lc::testing
