#pragma once
// Shapefile copies of the analysis layers (`--format shp`), for GIS offices whose tools still
// want them. The GeoPackage stays the reference output; Shapefiles are converted from it.
//
// Each <layer>.shp comes with .shx, .dbf, .prj, a .cpg naming the DBF's encoding (UTF-8, or
// CP936/GBK with [output] shapefile_encoding = "CP936": the .cpg then says "936", the code page
// number ArcGIS and GDAL both read), <layer>.qml (QGIS) and <layer>.sld (SLD 1.0: QGIS,
// GeoServer) with the same classes and colours as the GeoPackage's style and the DBF's field
// names, and <layer>.fields.csv (UTF-8 with BOM: short name, full name, zh and en reader's
// names, DBF type) so an analyst can read the short names. field_names.csv lists all layers.
//
// Field names (DBF: at most 10 bytes; decided per layer from its field list and order alone,
// measured in UTF-8 whatever the encoding, so both encodings give the same names):
//   1. A name of at most 10 bytes is kept (these are reserved first: a shortened name never
//      takes an original one).
//   2. Indicator fields are numbered in the targets file's order (i01 = its first
//      [[indicator]]): <id>_value -> i01_value, _target -> i01_target, _status -> i01_status,
//      _gap -> i01_gap, _gap_text -> i01_gaptxt, and cov_<id> on demand rows -> cov_i01
//      (from i100 on: _val, _tgt, _st, _gap, _gtx).
//   3. lifecircle's other long output names by a fixed table (kShortNames in shapefile.cpp):
//      coverage_share_15 -> cov_sh_15, covered_households_15 -> cov_hh_15, served_share_15 ->
//      srv_sh_15, capacity_places -> cap_places, indicators_missed -> ind_missed, ...; an
//      "lc_" name (an output field renamed where an input field had its name) keeps "lc_" when
//      that fits.
//   4. Any other long name (an input field) by the generic rule: split at "_", each part
//      abbreviated by a word table (coverage -> cov, households -> hh, ...); if still too long,
//      every part but the last cut to its first character; cuts never split a UTF-8 character.
//   5. A name already taken in the layer (compared case-insensitively, as DBF readers do) gets
//      "_2", "_3", ... in its last bytes, the first free one.
//
// Types: integer fields stay Integer (N(9,0); Integer64 beyond); real fields that hold counts
// (households, covered/served households, capacity places, demand weights, ...: kCountFields;
// the caller adds count indicators' value/target/gap) are written as Integer when every value
// is whole, else as Real; other reals keep the decimals their values
// have (at least 1, at most what a 24-character field holds). Text fields are as wide as their
// longest value in the DBF's encoding times 1.5, at least 80 and at most 254 bytes; a longer
// value is cut at a character boundary and reported, as is a character CP936 cannot hold.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <ogr_core.h>

#include "geo/report.hpp"

namespace lc::cov {

// One DBF field of a Shapefile: where it comes from and how it is written.
struct ShapefileField {
    std::string layer, full_name, short_name;
    std::string alias_zh, alias_en;  // the reader's names ("" for input fields without a [labels] entry)
    OGRFieldType type = OFTString;   // as written in the DBF
    int width = 0, precision = 0;
};

struct ShapefileOptions {
    std::vector<std::string> layers{"towns", "demand", "uncovered", "facilities", "service_areas"};
    std::vector<double> circles_min;
    std::string lang = "en";                // of the styles' legend labels and aliases
    std::string encoding = "UTF-8";         // "UTF-8" or "CP936" ([output] shapefile_encoding)
    std::vector<std::string> indicator_ids; // in the targets file's order: the i01, i02, ... numbering
    std::map<std::string, std::string> indicator_names_zh, indicator_names_en;  // id -> name
    std::map<std::string, std::pair<std::string, std::string>> field_words;  // input field -> (zh, en), from [labels]
    std::string town_label_field;           // the towns' label (name field), as in coverage.gpkg
    std::set<std::string> count_fields;     // further real fields that count things (indicators' counts)
};

struct ShapefileResult {
    std::vector<ShapefileField> fields;  // every layer's, in layer and field order
    std::vector<geo::Message> warnings;  // values cut to 254 bytes, characters CP936 cannot hold
};

// The short names for one layer's fields, in the same order (rules above).
std::vector<std::string> short_field_names(const std::vector<std::string>& names, const std::vector<std::string>& indicator_ids = {});

// Converts `opts.layers` of the GeoPackage at `gpkg_path` (those present) into `folder`. The
// folder is built next to its final place and renamed over it when complete; the bytes depend
// on the inputs only (the DBF header's date is fixed at 2000-01-01). Throws std::runtime_error.
ShapefileResult write_shapefiles(const std::string& gpkg_path, const std::string& folder, const ShapefileOptions& opts);

}  // namespace lc::cov
