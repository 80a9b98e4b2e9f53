#pragma once
// coverage.qgz: a QGIS project over the layers of coverage.gpkg, so a GIS analyst opens one file
// and sees the analysis as the report draws it: every layer styled (the styles of
// styles.hpp), grouped and ordered, towns labelled with their names, layer titles and field
// aliases in the report's language, paths relative to the project (the folder can be moved or
// zipped), the map extent on the towns.
#include <map>
#include <string>
#include <vector>

namespace lc::cov {

struct QgisProjectInput {
    std::string gpkg_path;   // the finished coverage.gpkg (read to list layers and extents)
    std::string project_path;  // where to write the .qgz (next to the GeoPackage)
    std::string lang = "zh";
    std::string title;
    std::vector<double> circles_min;
    std::map<std::string, std::string> indicator_names;  // id -> name in lang (field aliases)
    std::string town_label_field;                         // towns are labelled with it
};

// Throws std::runtime_error when the GeoPackage cannot be read or the project not written.
void write_qgis_project(const QgisProjectInput& in);

}  // namespace lc::cov
