#pragma once
// Reading one input layer from any GDAL vector source (file, folder, layer of a GeoPackage,
// CSV with lon/lat columns, OSM PBF) into the study's metric CRS, with every repair and skip
// reported. Attributes are kept exactly as read so outputs can carry them unchanged.
#include <ogrsf_frmts.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "geo/crs.hpp"
#include "geo/geos.hpp"
#include "base/counter.hpp"
#include "geo/report.hpp"
#include "geo/xy.hpp"

namespace lc::geo {

struct LayerSource {
    std::string path;      // file or folder
    std::string layer;     // layer name inside the source; empty = the only/first layer
    std::string crs;       // overrides the CRS in the data; required where the data has none
    std::string encoding;  // text encoding of Shapefile/CSV attributes (e.g. GB18030); empty = detect
    std::string where;     // optional OGR SQL attribute filter
    std::string x_field, y_field;  // CSV coordinate columns; empty = try lon/lng/longitude/x, lat/latitude/y
};

enum class GeomKind { point, line, polygon, any };

struct FeatureDeleter {
    void operator()(OGRFeature* f) const noexcept { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

struct DefnRelease {
    void operator()(OGRFeatureDefn* d) const noexcept { if (d) d->Release(); }
};

// An opened source: the dataset, the chosen layer and its resolved source CRS.
class OpenedLayer {
public:
    OpenedLayer(const LayerSource& src, const std::string& role);
    ~OpenedLayer();
    OGRLayer* layer() const { return layer_; }
    const std::string& file() const { return file_; }
    const std::string& name() const { return name_; }
    const CrsSpec& crs() const { return crs_; }
    const std::string& encoding_note() const { return encoding_note_; }
    // Extent of the layer in WGS84 lon/lat (min_x, min_y, max_x, max_y); nullopt if empty.
    std::optional<OGREnvelope> wgs84_extent() const;

private:
    GDALDataset* ds_ = nullptr;
    OGRLayer* layer_ = nullptr;
    std::string file_, name_, encoding_note_;
    CrsSpec crs_;
};

struct Layer {
    std::string file, name, role;       // role: "towns", "facilities", ... for messages
    std::string crs_description;        // source CRS as understood
    std::unique_ptr<OGRFeatureDefn, DefnRelease> defn;  // input schema
    size_t features_read = 0;           // rows in the source (after the where filter)
    std::vector<std::string> geometry_types;            // distinct source geometry type names
    // One entry per usable feature, in source order.
    std::vector<FeaturePtr> attributes; // source attributes (geometry removed)
    std::vector<int64_t> fid;
    std::vector<GeomPtr> geom;          // metric CRS, valid
    std::vector<XY> point;              // the point itself, or an interior point of a polygon
    std::vector<uint8_t> repaired;      // 1 if the geometry was repaired
    // Rows that could not be used (empty / NaN / untransformable geometry), with their reason:
    // they are listed so outputs can carry every input row with a status.
    struct Skipped {
        int64_t fid;
        FeaturePtr attributes;
        std::string reason;  // status code, e.g. "invalid_geometry"
    };
    std::vector<Skipped> skipped;
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;  // metric extent of the usable features

    size_t size() const { return fid.size(); }
    int field_index(const std::string& name) const;  // -1 if absent
    bool has_field(const std::string& name) const { return field_index(name) >= 0; }
    std::string text(size_t row, int field) const;  // "" for null/absent
    // Numeric value of a field; nullopt when null/empty. Non-numeric text is an error reported
    // against the feature and field, and also gives nullopt.
    std::optional<double> number(size_t row, int field, Report* report = nullptr) const;
    // A message about one row and field of this layer (file, layer, feature id and field filled in).
    Message message(Level level, size_t row, int field, std::string code, std::string text) const;
    // "id=F12 name=虎门" style label for messages.
    std::string label(size_t row, int id_field = -1, int name_field = -1) const;
};

// Reads the layer into `metric_epsg`. Problems go into `report`; throws InputError when the
// layer cannot be used at all (unreadable, empty, wrong geometry type, no CRS).
// densify_tolerance_m > 0: polygon edges get vertices (in the source CRS, before reprojecting)
// until no reprojected edge strays from the edge the data draws by more than that; towns are
// read so, which keeps a point's town the one it lies in in the data's own CRS.
// `progress` (may be null) counts the features read, its total grows by the layer's feature count
// where GDAL has it cheaply.
Layer read_layer(const OpenedLayer& opened, GeomKind kind, int metric_epsg, Report& report,
                 const std::string& id_field = "", const std::string& name_field = "", double densify_tolerance_m = 0,
                 base::Counter* progress = nullptr);

// Picks the metric CRS: "auto" (or empty) = from the centre of the given WGS84 extent,
// otherwise an EPSG code as "EPSG:4547" or "4547".
int choose_metric_epsg(const std::string& setting, const OGREnvelope& wgs84_extent);

// Makes GDAL quiet (its messages are collected into our reports instead) and registers drivers.
void init_gdal();

// The time stamp written wherever a file format wants "now" (GeoPackage last_change, QGIS
// layer_styles.update_time): fixed, so that the same inputs give byte-identical files.
inline constexpr const char* kFixedTimestamp = "2000-01-01T00:00:00.000Z";

}  // namespace lc::geo
