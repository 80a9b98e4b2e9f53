#include "coverage/report/isochrone_layer.hpp"

#include <cmath>
#include <map>

#include "coverage/report/outputs.hpp"
#include "coverage/report/styles.hpp"
#include "geo/output.hpp"

namespace lc::cov {
namespace {

geo::GeomPtr union_all(std::vector<const GEOSGeometry*> parts) {
    std::vector<GEOSGeometry*> clones;
    for (const auto* p : parts)
        if (p && GEOSisEmpty_r(geo::geos(), p) != 1) clones.push_back(GEOSGeom_clone_r(geo::geos(), p));
    geo::GeomPtr coll(GEOSGeom_createCollection_r(geo::geos(), GEOS_GEOMETRYCOLLECTION, clones.data(), static_cast<unsigned>(clones.size())));
    return geo::GeomPtr(GEOSUnaryUnion_r(geo::geos(), coll.get()));
}

}  // namespace

void write_isochrone_layer(const std::string& path, const Study& study, const TravelModel& travel, const IsochroneRequest& req,
                           const Isochrones& iso, const std::string& dissolve) {
    const auto& rows = req.rows;
    const auto& minutes = req.minutes;
    cov::OutputCrs crs(study.project.output.crs, study.metric_epsg);
    geo::VectorOutput out(path);
    OGRLayer* layer = out.create_layer("service_areas", wkbMultiPolygon, crs.epsg());
    for (const char* n : {"facility_id", "type", "town", "status"}) geo::add_field(layer, n, OFTString);
    geo::add_field(layer, "from_min", OFTReal);
    geo::add_field(layer, "minutes", OFTReal);
    geo::add_field(layer, "area_m2", OFTReal);
    geo::add_field(layer, "facilities", OFTInteger);
    geo::start_transaction(layer);
    auto town_of = [&](uint32_t f) { return study.fac_town[f].town >= 0 ? study.town_set->id(study.fac_town[f].town) : std::string(); };
    for (size_t m = 0; m < minutes.size(); ++m) {
        const double from = req.bands && m > 0 ? minutes[m - 1] : 0.0;
        auto emit = [&](const std::string& id, const std::string& type, const std::string& town, const std::string& status,
                        const GEOSGeometry* g, int count) {
            OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
            if (!id.empty()) f->SetField("facility_id", id.c_str());
            if (!type.empty()) f->SetField("type", type.c_str());
            if (!town.empty()) f->SetField("town", town.c_str());
            if (!status.empty()) f->SetField("status", status.c_str());
            f->SetField("from_min", from);
            f->SetField("minutes", minutes[m]);
            f->SetField("area_m2", std::round((g ? geo::area(g) : 0.0) * 10) / 10);
            f->SetField("facilities", count);
            write_feature(layer, f, g && GEOSisEmpty_r(geo::geos(), g) != 1 ? g : nullptr, crs);
            OGRFeature::DestroyFeature(f);
        };
        if (dissolve == "none") {
            for (size_t i = 0; i < rows.size(); ++i) {
                uint32_t fr = rows[i];
                std::string id = study.facility_id(fr);
                emit(id, study.fac_type_value[fr], town_of(fr), travel.facility_status()[fr], iso.polygons[m][i].get(), 1);
            }
        } else {
            std::map<std::string, std::vector<const GEOSGeometry*>> groups;
            for (size_t i = 0; i < rows.size(); ++i)
                groups[dissolve == "type" ? study.fac_type_value[rows[i]] : town_of(rows[i])].push_back(iso.polygons[m][i].get());
            for (const auto& [key, parts] : groups) {
                geo::GeomPtr u = union_all(parts);
                emit("", dissolve == "type" ? key : "", dissolve == "town" ? key : "", "", u.get(), static_cast<int>(parts.size()));
            }
        }
    }
    geo::commit_transaction(layer);
    write_gpkg_styles(out.dataset(), req.minutes, study.project.lang);  // QGIS default style: bands by minutes
    out.commit();
}

}  // namespace lc::cov
