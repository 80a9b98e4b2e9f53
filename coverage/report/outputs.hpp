#pragma once
// Writing results: GeoPackage layers for GIS, CSV/JSON tables, a Markdown summary and run.json.
#include <future>
#include <map>
#include <string>
#include <vector>

#include "coverage/analysis/analysis.hpp"
#include "geo/geos.hpp"
#include "geo/output.hpp"
#include "geo/xy.hpp"

namespace lc::cov {

// The CRS outputs are written in: the metric CRS, WGS84, or GCJ-02 (WGS84 numbers shifted, for
// overlay on Chinese web maps; the layer then declares EPSG:4326 and its metadata says GCJ-02).
class OutputCrs {
public:
    OutputCrs(const std::string& setting, int metric_epsg);
    // The layers' CRS: an EPSG code, or geo::kGcj02Srs / geo::kBd09Srs (a CRS named for what it
    // is, never EPSG:4326).
    int epsg() const { return epsg_; }
    std::string describe() const;
    // Non-empty for GCJ-02 / BD-09 output: what a reader must know before overlaying the layers
    // (English; its Chinese text is the row of kWarningCode in geo/message_text.cpp).
    std::string warning() const;
    static constexpr const char* kWarningCode = "output_crs_shift";
    geo::GeomPtr convert(const GEOSGeometry* metric) const;  // new geometry in the output CRS
    // Metric points to the output CRS in place, in one batch (as convert() does point by point);
    // throws if a point cannot be transformed.
    void convert(std::vector<geo::XY>& points) const;

private:
    int metric_epsg_, epsg_;
    enum class Shift { none, gcj02, bd09 } shift_ = Shift::none;
    std::unique_ptr<geo::Reprojector> back_;
};

// `geom` (metric CRS) as a new OGR geometry in the output CRS, promoted to multi when the layer
// type `layer_type` is multi; null if `geom` is null. Throws if it cannot be transformed.
OGRGeometry* to_output_geometry(const GEOSGeometry* geom, OGRwkbGeometryType layer_type, const OutputCrs& crs);

// Appends a feature with `geom` (may be null) to `layer`; throws on failure.
void write_feature(OGRLayer* layer, OGRFeature* feature, const GEOSGeometry* geom, const OutputCrs& crs);

// For layers written through geo::BulkLayer with one reused feature: sets `geom` (metric CRS, may
// be null) as f's geometry in the output CRS and appends f.
void write_row(geo::BulkLayer& layer, OGRFeature* f, const GEOSGeometry* geom, const OutputCrs& crs);

// Sets the input attributes of a reused feature (the output layer starts with the input's
// `n_input` fields, in order, as copy_schema makes it): a value where the input has one, else
// unset, as in a fresh feature.
void set_input_fields(OGRFeature* f, const OGRFeature* src, int n_input);

// Copies every field of `defn` into `layer` unchanged (so input ids survive) and returns the
// names used for `extra` fields: an extra name that clashes with an input field gets "lc_".
std::vector<std::string> copy_schema(OGRLayer* layer, const OGRFeatureDefn* defn, const std::vector<std::string>& extra);

struct RunInfo {
    std::string command;              // e.g. "analyze"
    std::vector<std::string> argv;
    std::string travel;               // TravelModel::describe()
    std::vector<std::string> inputs;  // files to checksum
    base::Counter* rows_written = nullptr;  // progress (may be null): rows of the GeoPackage layers
    // Checksums of `inputs` started early by the caller (start_hashing_inputs), so that hashing
    // large inputs runs on a core the caller leaves idle (site's single-threaded solver) instead
    // of on the path to run.json. Not valid: the writer hashes the inputs itself.
    std::shared_future<std::map<std::string, std::string>> input_hashes;
};

// Everything `analyze` writes into outdir: coverage.gpkg, compliance.csv/json, report.md, run.json
// (and the Shapefiles with [output] format = "shp"). Returns the warnings about what was written
// (Shapefile values a DBF cannot hold as they are), for the caller to show with the inputs' report.
geo::Report write_analysis_outputs(const std::string& outdir, const Study& study, const TravelModel& travel,
                            const AnalysisResult& result, const RunInfo& run, const AnalysisResult* baseline = nullptr);

// Turns [output] service_areas = "auto" into "yes" (up to 500 main facilities) or "no" (with a note).
void resolve_service_areas(Study& study, const AnalysisResult& result);

// SHA-256 of a file (hex), "" if unreadable.
std::string sha256_file(const std::string& path);

// SHA-256 (hex, "" if unreadable) of each distinct input file.
std::map<std::string, std::string> hash_inputs(const std::vector<std::string>& paths);
// hash_inputs(paths) on another thread.
std::shared_future<std::map<std::string, std::string>> start_hashing_inputs(const std::vector<std::string>& paths);

// run.json; `hashes` (from hash_inputs) saves checksumming the inputs again.
std::string json_run_info(const Study& study, const RunInfo& run, const std::string& extra_json = "{}",
                          const std::map<std::string, std::string>* hashes = nullptr);

}  // namespace lc::cov
