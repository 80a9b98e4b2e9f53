#pragma once
// Cartography shared by the GeoPackage styles (QGIS `layer_styles`) and report.html, so a
// planner sees the same classes and colours in QGIS and in the browser.
//
// QGIS reads the default style of a GeoPackage layer from the `layer_styles` attribute table
// (the schema QGIS itself creates in QgsOgrProviderMetadata::saveStyle: id, f_table_catalog,
// f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,
// description, owner, ui, update_time). Rows with useAsDefault = 1 are applied when the layer is
// opened.
#include <gdal_priv.h>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace lc::cov {

// Five equal classes of a coverage share (0..1): [0,0.2), [0.2,0.4), ... [0.8,1].
inline constexpr int kShareClasses = 5;
// ColorBrewer YlGnBu-5: pale = poorly covered, dark blue = well covered. Sequential and free of
// red, so the red dots of uncovered households stand out on every town.
inline constexpr std::array<const char*, kShareClasses> kShareColours{"#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"};
inline constexpr const char* kNoDataColour = "#d9d9d9";
inline constexpr const char* kUncoveredColour = "#e31a1c";
inline constexpr const char* kFacilityColour = "#111111";
int share_class(double share);  // 0..4; share outside [0,1] is clamped

// Fill colour of a service-area circle (index among circles_min, smallest first).
std::string circle_colour(size_t index, size_t count);

// Writes (or replaces) the default QGIS styles of the analysis layers present in `ds`:
//   towns          graduated by coverage_share_<largest circle>, 5 classes
//   service_areas  categorized by minutes (largest drawn first)
//   uncovered      red markers (or red fill for polygon demand)
//   facilities     markers, main types larger and dark, others grey
//   demand         small grey markers / fill
// `lang` picks the legend labels and the fields' reader names (QGIS aliases: "15 分钟覆盖率" for
// coverage_share_15, "<indicator name>（数值）" for <id>_value, from `indicator_names`, id ->
// name in that language); the towns are labelled with `town_label_field` where the layer has it.
// In the same transaction it stores the titles and aliases in the GeoPackage itself, for GIS
// software that does not read QGIS styles (GDAL 3.6's GPKG driver neither writes nor reads field
// alternative names, so this is SQL): the Schema extension (`gpkg_schema`: gpkg_data_columns and
// an empty gpkg_data_column_constraints, registered in gpkg_extensions) gets one row per field
// with a reader's name, `name` in `lang`, `title` and `description` in the other language (newer
// GDAL releases read `name` as the field's alternative name, `description` as its comment); every
// layer's gpkg_contents row gets its title (layer_title) as `identifier` in `lang` and as
// `description` in the other language. `other_indicator_names`: id -> name in the other
// language. Throws std::runtime_error on failure.
void write_gpkg_styles(GDALDataset* ds, const std::vector<double>& circles_min, const std::string& lang,
                       const std::map<std::string, std::string>& indicator_names = {}, const std::string& town_label_field = "",
                       const std::map<std::string, std::string>& other_indicator_names = {});

// The reader's title of a layer lifecircle writes ("镇街覆盖率" / "Coverage by town" for towns), as
// the QGIS project names it and gpkg_contents.identifier holds it; "" for a layer it does not know.
std::string layer_title(const std::string& table, bool zh);

// A layer's cartography as data: the one definition of classes, colours and labels that both
// writers read, QML (QGIS) and SLD 1.0 (QGIS, GeoServer, ArcGIS Pro). Sizes in millimetres.
struct StyleSymbol {
    enum class Kind { marker, line, fill } kind = Kind::fill;
    std::string colour;  // "#rrggbb": marker or polygon fill, line colour
    int alpha = 255;     // of `colour`
    std::string outline;  // marker and polygon outline colour
    double outline_mm = 0;
    double size_mm = 0;  // marker diameter or line width
};
struct StyleClass {
    std::string label;  // the legend's words, in the report's language
    StyleSymbol symbol;
    double lower = 0, upper = 0;  // graduated: (lower, upper], the first class also holds `lower`
    std::string value;            // categorized: the attribute's value, as text
};
struct StyleLabels {
    std::string field;
    int points = 9;
    std::string colour;     // "#rrggbb"
    bool bold = false;
    bool beside = false;    // false: inside the polygon; true: beside the point marker
};
struct LayerStyle {
    enum class Renderer { none, single, graduated, categorized } renderer = Renderer::none;
    int geometry_class = 2;            // 0 point, 1 line, 2 polygon (QgsWkbTypes::GeometryType)
    std::string attr;                  // the field graduated or categorized
    std::vector<StyleClass> classes;   // single: exactly one
    std::string order_by;              // drawing order (QML only; SLD 1.0 has none)
    bool order_ascending = true;
    bool has_labels = false;
    StyleLabels labels;
};

// The style of one layer (renderer none: not a layer we style). as_name: style the layer as if
// it had this name (a view that shares another layer's fields).
LayerStyle layer_style(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name = "",
                       const std::string& label_field = "");

// Field names as a copy of the layer calls them (Shapefiles' 10-character names): full -> shown.
// Every field reference a style writes goes through it; names not in it are written as they are.
using FieldRenames = std::map<std::string, std::string>;

// The reader's name of an output field ("15 分钟覆盖率" for coverage_share_15, "<indicator
// name>（数值）" for <id>_value), or "" for an input field.
std::string field_alias(const std::string& name, bool zh, const std::map<std::string, std::string>& indicator_names);

// The QML of one layer (exposed for tests); empty if the layer is not one we style.
std::string layer_qml(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name = "",
                      const std::map<std::string, std::string>& indicator_names = {}, const std::string& label_field = "",
                      const FieldRenames& renames = {});
// The inside of that QML (renderer, labels, aliases): what a QGIS project's <maplayer> holds.
std::string layer_style_body(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name = "",
                             const std::map<std::string, std::string>& indicator_names = {}, const std::string& label_field = "",
                             const FieldRenames& renames = {});
// The same style as an SLD 1.0 StyledLayerDescriptor (one rule per class, a text rule for the
// labels; no drawing order, SLD 1.0 has none); empty if the layer is not one we style.
std::string layer_sld(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name = "",
                      const std::string& label_field = "", const FieldRenames& renames = {});

}  // namespace lc::cov
