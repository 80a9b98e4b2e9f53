#pragma once
// The walking network as plain arrays (RoutingKit style): nodes, undirected links with their
// geometry, and directed arcs in CSR order by tail node for the searches.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "base/counter.hpp"
#include "geo/xy.hpp"

namespace lc::net {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

// One input road line, already in the study's metric CRS.
struct LineInput {
    std::vector<geo::XY> xy;      // metric coordinates (metres)
    std::vector<geo::XY> lonlat;  // same vertices in WGS84 (x = lon, y = lat) for geodesic lengths
    double speed_kmh = 4.0;       // travel speed on this line; <= 0 or non-finite drops the line
    int oneway = 0;               // 0 both ways, 1 only in digitised direction, -1 only against
    int64_t source_fid = -1;      // input feature id, for messages
    // Costs from the data ([network] length_field / time_field) for the whole input feature,
    // NaN when not given: the feature's links share them in proportion to their geodesic length
    // (parts of one multi-line feature share one `feature`).
    double length_m = std::numeric_limits<double>::quiet_NaN();
    double minutes = std::numeric_limits<double>::quiet_NaN();
    uint64_t feature = 0;
};

// Many road lines in flat arrays (no allocation per line): line i has the vertices
// first[i] .. first[i+1]-1 of xy and lonlat, and the i-th entry of every per-line array.
struct LineSet {
    std::vector<geo::XY> xy, lonlat;  // as in LineInput, all lines end to end
    std::vector<size_t> first{0};     // size lines+1
    std::vector<double> speed_kmh;
    std::vector<int8_t> oneway;
    std::vector<int64_t> source_fid;
    std::vector<double> length_m, minutes;
    std::vector<uint64_t> feature;
    // Optional, from a loader that numbered the coordinates already: vertex_key[v] < key_count,
    // and two vertices have the same key exactly when their xy are the same bit for bit. Spares
    // build_graph its own hash pass over every vertex; empty: build_graph numbers them itself.
    std::vector<uint32_t> vertex_key;
    size_t key_count = 0;

    size_t size() const { return speed_kmh.size(); }
    bool empty() const { return speed_kmh.empty(); }
    size_t vertex_count(size_t line) const { return first[line + 1] - first[line]; }
    // Appends one line (xy and lonlat may differ in size: build_graph then drops the line).
    void add(const LineInput& line);
    // Appends the per-line values of a line whose vertices were just pushed onto xy/lonlat.
    void close_line(double speed, int8_t dir, int64_t fid, double len_m, double min, uint64_t feat);
    void clear() { *this = LineSet{}; }
};
LineSet to_line_set(const std::vector<LineInput>& lines);

// How lines connect to each other:
//  endpoints   lines meet only where an endpoint coincides exactly with another line's
//              endpoint (ArcGIS default). Interior vertices are shape only.
//  any_vertex  lines meet at every exactly shared vertex (OSM: shared nodes = shared coordinates).
//  noding      lines are split where they cross or touch, and endpoints within node_tolerance_m
//              of another line (its endpoint or its body) are joined to it. Crossing points
//              closer than the tolerance are merged.
enum class Connectivity { endpoints, any_vertex, noding };

struct BuildOptions {
    Connectivity connectivity = Connectivity::endpoints;
    double node_tolerance_m = 1.0;  // only used by noding
    base::Counter* progress = nullptr;  // links measured (the costliest step), total once known
};

// What build_graph dropped or changed, so the caller can report it per input.
struct BuildReport {
    size_t lines_in = 0;
    size_t lines_used = 0;
    size_t degenerate_lines = 0;    // fewer than two distinct vertices, or xy/lonlat size mismatch
    size_t bad_speed_lines = 0;     // speed <= 0 or not finite
    size_t zero_length_links = 0;   // pieces that collapsed to a point after splitting/snapping
    size_t crossings_noded = 0;     // noding: segment intersections found
    size_t endpoints_snapped = 0;   // noding: endpoints joined to another line within tolerance
    std::vector<int64_t> dropped_fids;  // source_fid of every dropped line (degenerate/bad speed)
};

struct Graph {
    // nodes
    std::vector<geo::XY> node_xy;
    std::vector<uint32_t> node_component;  // by decreasing size (0 = largest), ties: first in the input
    std::vector<uint32_t> component_nodes;  // node count per component

    // links: undirected pieces of road between two nodes, with their geometry
    std::vector<uint32_t> link_tail, link_head;
    std::vector<double> link_length_m;                   // geodesic (WGS84) length
    std::vector<double> link_time_fw_s, link_time_bw_s;  // +inf where the direction is not allowed
    std::vector<int64_t> link_source_fid;                // input feature of each link
    std::vector<uint32_t> link_geom_first;               // size links+1, index into geom_xy
    std::vector<geo::XY> geom_xy;                        // metric polyline vertices of each link
    std::vector<double> geom_along_m;                    // geodesic distance from link start

    // directed arcs, CSR by tail node; only allowed directions get an arc. What a time search
    // reads per arc sits in one 16-byte record (one cache miss per arc, not three); a length
    // search reads link_length_m[arc.link].
    struct Arc {
        double time_s;
        uint32_t head, link;
    };
    std::vector<uint32_t> first_out;  // size nodes+1
    std::vector<Arc> arc;
    std::vector<uint8_t> arc_forward;  // 1 if the arc runs tail->head of its link

    size_t node_count() const { return node_xy.size(); }
    size_t link_count() const { return link_tail.size(); }
    size_t arc_count() const { return arc.size(); }
    size_t component_count() const { return component_nodes.size(); }

    // Component of a link (both ends are in the same one).
    uint32_t link_component(uint32_t link) const { return node_component[link_tail[link]]; }
    // Metric point at geodesic distance along_m from the link's tail (clamped to the link).
    geo::XY point_along(uint32_t link, double along_m) const;
};

// Builds the graph. Deterministic: the same input gives identical node/link/arc numbering
// (links in order of first appearance along the input lines; nodes along a Hilbert curve
// through their positions, for memory locality in the searches).
Graph build_graph(const LineSet& lines, const BuildOptions& opts, BuildReport& report);
Graph build_graph(const std::vector<LineInput>& lines, const BuildOptions& opts);
Graph build_graph(const std::vector<LineInput>& lines, const BuildOptions& opts, BuildReport& report);

// Geodesic distance in metres between two WGS84 lon/lat points (PROJ geod_inverse).
double geodesic_m(geo::XY lonlat_a, geo::XY lonlat_b);
// The same for the pieces of a road line: pieces up to 100 m long (nearly all of them) from the
// ellipsoid's radii of curvature at their mid-latitude (within 1 micrometre of geod_inverse),
// longer ones with geod_inverse. Link lengths are sums of these.
double segment_geodesic_m(geo::XY lonlat_a, geo::XY lonlat_b);

}  // namespace lc::net
