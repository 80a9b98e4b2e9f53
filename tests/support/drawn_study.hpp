#pragma once
// A whole study drawn as an ASCII street map (Valhalla's gurka, one level up): roads between
// named points, facilities and homes at named points, towns as rectangles. write() puts real
// GeoJSON layers and a project file in a folder, so tests run the product's own pipeline on
// them (reading, CRS, graph, snapping, coverage, indicators) and check hand-computed answers.
#include <string>
#include <vector>

#include "tests/support/ascii_map.hpp"

namespace lc::testing {

class DrawnStudy {
public:
    DrawnStudy(const std::string& drawing, double metres_per_char) : map_(drawing, metres_per_char) {}

    const net::testing::AsciiMap& map() const { return map_; }
    // A footway through the named points ("ABC").
    void road(const std::string& names, const std::string& highway = "footway") { roads_.push_back({names, highway}); }
    void facility(char at, const std::string& id, const std::string& type, const std::string& status = "existing") {
        facilities_.push_back({at, id, type, status});
    }
    void homes(char at, const std::string& id, double households) { homes_.push_back({at, id, "", households}); }
    // A candidate site for `site` (written to candidates.geojson with an `id` field).
    void candidate(char at, const std::string& id) { candidates_.push_back({at, id, "", "", 0}); }
    // A town: the rectangle with corners at two named points, grown by margin_m (default: one
    // town around the whole map).
    void town(const std::string& id, const std::string& name, char corner_a, char corner_b, double margin_m = 0) {
        towns_.push_back({id, name, corner_a, corner_b, margin_m});
    }
    // Writes towns/roads/facilities/homes.geojson and project.toml (walking network, 4 km/h,
    // circles 5/10/15, day_care level 5 and elderly_service_complex level 15) into `dir`;
    // `extra_toml` is appended. Returns the project file's path.
    std::string write(const std::string& dir, const std::string& extra_toml = "") const;

private:
    net::testing::AsciiMap map_;
    struct Road {
        std::string names, highway;
    };
    struct Point {
        char at;
        std::string id, type, status;
        double households = 0;
    };
    struct Town {
        std::string id, name;
        char a, b;
        double margin_m;
    };
    std::vector<Road> roads_;
    std::vector<Point> facilities_, candidates_;
    struct Home {
        char at;
        std::string id, unused;
        double households;
    };
    std::vector<Home> homes_;
    std::vector<Town> towns_;
};

}  // namespace lc::testing
