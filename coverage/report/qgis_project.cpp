#include "coverage/report/qgis_project.hpp"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "coverage/report/styles.hpp"
#include "coverage/study/text.hpp"
#include "geo/layer.hpp"
#include "geo/output.hpp"

namespace lc::cov {
namespace {

struct DatasetCloser {
    void operator()(GDALDataset* d) const noexcept { GDALClose(d); }
};

std::string srs_xml(const OGRSpatialReference* srs, const std::string& indent) {
    std::ostringstream o;
    std::string wkt, proj4, authid, description;
    if (srs) {
        char* w = nullptr;
        const char* opts[] = {"FORMAT=WKT2_2018", nullptr};
        if (srs->exportToWkt(&w, opts) == OGRERR_NONE && w) wkt = w;
        CPLFree(w);
        char* p = nullptr;
        if (srs->exportToProj4(&p) == OGRERR_NONE && p) proj4 = p;
        CPLFree(p);
        if (const char* name = srs->GetAuthorityName(nullptr); name && srs->GetAuthorityCode(nullptr))
            authid = std::string(name) + ":" + srs->GetAuthorityCode(nullptr);
        if (const char* n = srs->GetName()) description = n;
    }
    o << indent << "<spatialrefsys nativeFormat=\"Wkt\">\n"
      << indent << "  <wkt>" << markup_escape(wkt) << "</wkt>\n"
      << indent << "  <proj4>" << markup_escape(proj4) << "</proj4>\n"
      << indent << "  <srsid>0</srsid>\n"
      << indent << "  <srid>" << (authid.rfind("EPSG:", 0) == 0 ? authid.substr(5) : "0") << "</srid>\n"
      << indent << "  <authid>" << markup_escape(authid) << "</authid>\n"
      << indent << "  <description>" << markup_escape(description) << "</description>\n"
      << indent << "  <geographicflag>" << (srs && srs->IsGeographic() ? "true" : "false") << "</geographicflag>\n"
      << indent << "</spatialrefsys>\n";
    return o.str();
}

const char* geometry_word(OGRLayer* l) {
    switch (wkbFlatten(l->GetGeomType())) {
        case wkbPoint:
        case wkbMultiPoint: return "Point";
        case wkbLineString:
        case wkbMultiLineString: return "Line";
        default: return "Polygon";
    }
}

struct ProjectLayer {
    std::string table, title;
    bool visible = true;
};

}  // namespace

void write_qgis_project(const QgisProjectInput& in) {
    geo::init_gdal();
    const bool zh = in.lang == "zh";
    std::unique_ptr<GDALDataset, DatasetCloser> ds(
        static_cast<GDALDataset*>(GDALOpenEx(in.gpkg_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) throw std::runtime_error("cannot read " + in.gpkg_path + " for the QGIS project");
    const std::string gpkg_name = std::filesystem::path(in.gpkg_path).filename().string();
    // Drawing order, top first: points over areas, towns under them, every household hidden by
    // default (hundreds of thousands of points).
    // Titles as gpkg_contents.identifier holds them (layer_title).
    const std::vector<ProjectLayer> wanted = {
        {"facilities", layer_title("facilities", zh), true},   {"uncovered", layer_title("uncovered", zh), true},
        {"service_areas", layer_title("service_areas", zh), true}, {"units", layer_title("units", zh), false},
        {"towns", layer_title("towns", zh), true},             {"demand", layer_title("demand", zh), false},
    };
    struct Present {
        ProjectLayer spec;
        OGRLayer* layer;
        std::string id;
    };
    std::vector<Present> layers;
    for (const auto& w : wanted)
        if (OGRLayer* l = ds->GetLayerByName(w.table.c_str())) layers.push_back({w, l, w.table + "_lifecircle"});
    if (layers.empty()) throw std::runtime_error(in.gpkg_path + ": no layer for the QGIS project");
    OGRLayer* towns = ds->GetLayerByName("towns");
    const OGRSpatialReference* project_srs = (towns ? towns : layers.front().layer)->GetSpatialRef();
    OGREnvelope extent;
    bool have_extent = towns && towns->GetExtent(&extent, TRUE) == OGRERR_NONE;
    for (const auto& p : layers) {
        if (have_extent) break;
        have_extent = p.layer->GetExtent(&extent, TRUE) == OGRERR_NONE;
    }
    const double mx = have_extent ? 0.03 * (extent.MaxX - extent.MinX) : 0, my = have_extent ? 0.03 * (extent.MaxY - extent.MinY) : 0;

    std::ostringstream q;
    q << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<qgis projectname=\"" << markup_escape(in.title) << "\" version=\"3.22.16-Białowieża\">\n"
      << "  <homePath path=\"\"/>\n"
      << "  <title>" << markup_escape(in.title) << "</title>\n"
      << "  <projectCrs>\n" << srs_xml(project_srs, "    ") << "  </projectCrs>\n";
    // The layer tree: one group, layers in drawing order.
    q << "  <layer-tree-group>\n    <customproperties/>\n"
      << "    <layer-tree-group name=\"" << (zh ? "生活圈覆盖分析" : "Life-circle coverage") << "\" checked=\"Qt::Checked\" expanded=\"1\">\n"
      << "      <customproperties/>\n";
    for (const auto& p : layers)
        q << "      <layer-tree-layer id=\"" << p.id << "\" name=\"" << markup_escape(p.spec.title) << "\" source=\"./" << markup_escape(gpkg_name)
          << "|layername=" << p.spec.table << "\" providerKey=\"ogr\" checked=\"" << (p.spec.visible ? "Qt::Checked" : "Qt::Unchecked")
          << "\" expanded=\"0\">\n        <customproperties/>\n      </layer-tree-layer>\n";
    q << "    </layer-tree-group>\n  </layer-tree-group>\n";
    q << "  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n"
      << "    <units>" << (project_srs && project_srs->IsGeographic() ? "degrees" : "meters") << "</units>\n"
      << "    <extent>\n      <xmin>" << fixed(extent.MinX - mx, 6) << "</xmin>\n      <ymin>" << fixed(extent.MinY - my, 6)
      << "</ymin>\n      <xmax>" << fixed(extent.MaxX + mx, 6) << "</xmax>\n      <ymax>" << fixed(extent.MaxY + my, 6) << "</ymax>\n"
      << "    </extent>\n    <rotation>0</rotation>\n    <destinationsrs>\n" << srs_xml(project_srs, "      ")
      << "    </destinationsrs>\n  </mapcanvas>\n";
    q << "  <projectlayers>\n";
    for (const auto& p : layers) {
        const std::string body = layer_style_body(p.layer, in.circles_min, in.lang, "", in.indicator_names, in.town_label_field);
        const bool labels = layer_style(p.layer, in.circles_min, in.lang, "", in.town_label_field).has_labels;
        q << "    <maplayer type=\"vector\" geometry=\"" << geometry_word(p.layer) << "\" labelsEnabled=\"" << (labels ? 1 : 0)
          << "\" autoRefreshEnabled=\"0\" readOnly=\"0\" simplifyDrawingHints=\"1\" simplifyMaxScale=\"1\" simplifyDrawingTol=\"1\""
             " simplifyLocal=\"1\" simplifyAlgorithm=\"0\" styleCategories=\"AllStyleCategories\">\n"
          << "      <id>" << p.id << "</id>\n"
          << "      <datasource>./" << markup_escape(gpkg_name) << "|layername=" << p.spec.table << "</datasource>\n"
          << "      <layername>" << markup_escape(p.spec.title) << "</layername>\n"
          << "      <srs>\n" << srs_xml(p.layer->GetSpatialRef(), "        ") << "      </srs>\n"
          << "      <provider encoding=\"UTF-8\">ogr</provider>\n"
          << body << "      <layerGeometryType>" << (std::string(geometry_word(p.layer)) == "Point" ? 0 : std::string(geometry_word(p.layer)) == "Line" ? 1 : 2)
          << "</layerGeometryType>\n    </maplayer>\n";
    }
    q << "  </projectlayers>\n  <layerorder>\n";
    for (const auto& p : layers) q << "    <layer id=\"" << p.id << "\"/>\n";
    q << "  </layerorder>\n"
      << "  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n  </properties>\n"
      << "</qgis>\n";
    const std::string xml = q.str();

    // A .qgz is a zip holding the .qgs; written next to its final name and renamed into place.
    const std::string tmp = in.project_path + ".tmp";
    void* zip = CPLCreateZip(tmp.c_str(), nullptr);
    if (!zip) throw std::runtime_error("cannot write " + in.project_path);
    const std::string inner = std::filesystem::path(in.project_path).stem().string() + ".qgs";
    const bool ok = CPLCreateFileInZip(zip, inner.c_str(), nullptr) == CE_None &&
                    CPLWriteFileInZip(zip, xml.data(), static_cast<int>(xml.size())) == CE_None && CPLCloseFileInZip(zip) == CE_None;
    if (CPLCloseZip(zip) != CE_None || !ok) {
        std::filesystem::remove(tmp);
        throw std::runtime_error("writing " + in.project_path + " failed");
    }
    std::filesystem::rename(tmp, in.project_path);
}

}  // namespace lc::cov
