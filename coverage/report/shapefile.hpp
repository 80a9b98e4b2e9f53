#pragma once
// Shapefile copies of the analysis layers (`--format shp`), for planners whose tools still want
// them. The GeoPackage stays the reference output; Shapefiles are converted from it.
//
// Every Shapefile is UTF-8 with a .cpg ("UTF-8") so Chinese text survives any reader that
// honours the code page, and carries a .prj. DBF field names are limited to 10 bytes; the
// shortened names follow one stable, collision-free rule and are listed in field_names.csv
// (layer, full_name, short_name) next to the files.
//
// Field-name rule (applied per layer, depends only on that layer's field list and order):
//   1. A name of at most 10 bytes is kept as it is (these are reserved first, so a shortened
//      name never takes an original one).
//   2. Longer names are split at "_" (a trailing "_gap_text" counts as one part, "gtx") and each
//      part abbreviated by a fixed table (coverage→cov, covered→cvd, households→hh, share→sh,
//      status→st, target→tgt, value→val, text→tx, nearest→near, minutes→min, network→net,
//      scenario→scn, facility→fac, indicators→ind, missed→miss, population→pop, service→svc,
//      community→com, elderly→eld, per→p, ...; see abbreviations() in shapefile.cpp).
//      If that is still longer than 10 bytes, every part but the last is cut to its first
//      character (parts starting with a digit are kept whole) and glued together into a head:
//      head + "_" + last part; else head + last part; else the head cut so the last part fits
//      whole (it says what the field is: value, target, status, ...); cuts never split a UTF-8
//      character.
//   3. A name already taken in the layer (compared case-insensitively, as DBF readers do) gets
//      "_2", "_3", ... in its last bytes, the first free one.
#include <string>
#include <vector>

namespace lc::cov {

struct ShortFieldName {
    std::string layer, full_name, short_name;
};

// The short names for one layer's fields, in the same order (rule above).
std::vector<std::string> short_field_names(const std::vector<std::string>& names);

// Converts `layers` of the GeoPackage at `gpkg_path` (those present) into `folder`/<layer>.shp
// plus `folder`/field_names.csv. The folder is built next to its final place and renamed over
// it when complete. Each layer QGIS styles gets a <layer>.qml sidecar (the GeoPackage's style
// with the short field names), which QGIS loads with the Shapefile. Returns the mapping written
// to field_names.csv. Throws std::runtime_error.
std::vector<ShortFieldName> write_shapefiles(const std::string& gpkg_path, const std::string& folder,
                                             const std::vector<std::string>& layers = {"towns", "demand", "uncovered", "facilities",
                                                                                       "service_areas"},
                                             const std::vector<double>& circles_min = {}, const std::string& lang = "en");

}  // namespace lc::cov
