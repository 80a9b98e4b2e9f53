#include "coverage/report/styles.hpp"

#include "coverage/study/text.hpp"
#include "geo/layer.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace lc::cov {

int share_class(double share) {
    // Classes are (0.2k, 0.2(k+1)], the first also holding 0: the same first-match rule QGIS's
    // graduated renderer applies to ranges whose bounds are inclusive.
    if (!(share > 0)) return 0;
    int c = static_cast<int>(std::ceil(share * kShareClasses - 1e-9)) - 1;
    return std::clamp(c, 0, kShareClasses - 1);
}

std::string circle_colour(size_t index, size_t count) {
    // Blues, darkest for the smallest (innermost) circle.
    static const char* blues[] = {"#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef"};
    if (count == 0) return blues[0];
    size_t n = std::min<size_t>(count, 5);
    size_t i = std::min(index, n - 1);
    // Spread the used colours over the ramp.
    size_t pick = n == 1 ? 1 : i * 4 / (n - 1);
    return blues[std::min<size_t>(pick, 4)];
}

namespace {


// "#rrggbb" -> "r,g,b,a" as QML wants it.
std::string qcolour(const std::string& hex, int alpha = 255) {
    unsigned r = 0, g = 0, b = 0;
    std::sscanf(hex.c_str(), "#%02x%02x%02x", &r, &g, &b);
    return std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + "," + std::to_string(alpha);
}

std::string minutes_text(double m) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", m);  // matches QVariant(double).toString() for these values
    return buf;
}

std::string prop(const std::string& k, const std::string& v) { return "          <prop k=\"" + k + "\" v=\"" + markup_escape(v) + "\"/>\n"; }

std::string fill_symbol(int name, const std::string& fill, int fill_alpha, const std::string& outline, double outline_mm) {
    std::ostringstream o;
    o << "      <symbol type=\"fill\" name=\"" << name << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
      << "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
      << prop("color", qcolour(fill, fill_alpha)) << prop("style", "solid") << prop("outline_color", qcolour(outline))
      << prop("outline_style", "solid") << prop("outline_width", std::to_string(outline_mm)) << prop("outline_width_unit", "MM")
      << prop("joinstyle", "bevel") << "        </layer>\n      </symbol>\n";
    return o.str();
}

std::string marker_symbol(int name, const std::string& fill, double size_mm, const std::string& outline, double outline_mm) {
    std::ostringstream o;
    o << "      <symbol type=\"marker\" name=\"" << name << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
      << "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
      << prop("name", "circle") << prop("color", qcolour(fill)) << prop("outline_color", qcolour(outline))
      << prop("outline_style", "solid") << prop("outline_width", std::to_string(outline_mm)) << prop("outline_width_unit", "MM")
      << prop("size", std::to_string(size_mm)) << prop("size_unit", "MM") << prop("scale_method", "diameter") << prop("angle", "0")
      << "        </layer>\n      </symbol>\n";
    return o.str();
}

// 0 point, 1 line, 2 polygon (QGIS's QgsWkbTypes::GeometryType numbering).
int geometry_class(OGRLayer* layer) {
    switch (wkbFlatten(layer->GetGeomType())) {
        case wkbPoint:
        case wkbMultiPoint: return 0;
        case wkbLineString:
        case wkbMultiLineString: return 1;
        default: return 2;
    }
}

std::string wrap(const std::string& renderer, int geom_class) {
    std::ostringstream o;
    o << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<qgis version=\"3.28.0-Firenze\" styleCategories=\"Symbology\">\n"
      << renderer << "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n"
      << "  <layerGeometryType>" << geom_class << "</layerGeometryType>\n</qgis>\n";
    return o.str();
}

std::string single(const std::string& symbol) {
    return "  <renderer-v2 type=\"singleSymbol\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"0\">\n    <symbols>\n" + symbol +
           "    </symbols>\n  </renderer-v2>\n";
}

std::string field_like(OGRLayer* layer, const std::string& name) {
    OGRFeatureDefn* d = layer->GetLayerDefn();
    for (const std::string& n : {name, "lc_" + name})
        if (d->GetFieldIndex(n.c_str()) >= 0) return n;
    return "";
}


}  // namespace

std::string layer_qml(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name) {
    const bool zh = lang == "zh";
    const std::string name = as_name.empty() ? std::string(layer->GetName()) : as_name;
    const int gc = geometry_class(layer);
    if (name == "towns") {
        if (circles_min.empty()) return "";
        const double main = *std::max_element(circles_min.begin(), circles_min.end());
        const std::string attr = field_like(layer, "coverage_share_" + circle_label(main));
        if (attr.empty()) return "";
        std::ostringstream o, sym;
        o << "  <renderer-v2 type=\"graduatedSymbol\" attr=\"" << markup_escape(attr)
          << "\" graduatedMethod=\"GraduatedColor\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"0\">\n    <ranges>\n";
        for (int c = 0; c < kShareClasses; ++c) {
            const int lo = c * 100 / kShareClasses, hi = (c + 1) * 100 / kShareClasses;
            std::string label = std::to_string(lo) + "–" + std::to_string(hi) + "%";
            if (c == 0) label = "≤ " + std::to_string(hi) + "%";
            o << "      <range lower=\"" << minutes_text(lo / 100.0) << "\" upper=\"" << minutes_text(hi / 100.0) << "\" symbol=\"" << c
              << "\" label=\"" << markup_escape(label) << "\" render=\"true\"/>\n";
            sym << fill_symbol(c, kShareColours[c], 255, "#737373", 0.26);
        }
        o << "    </ranges>\n    <symbols>\n" << sym.str() << "    </symbols>\n    <mode name=\"equal\"/>\n"
          << "    <classificationMethod id=\"EqualInterval\"/>\n  </renderer-v2>\n";
        return wrap(o.str(), gc);
    }
    if (name == "service_areas") {
        if (layer->GetLayerDefn()->GetFieldIndex("minutes") < 0) return "";
        std::vector<double> circles = circles_min;
        std::sort(circles.begin(), circles.end());
        std::ostringstream o, sym;
        o << "  <renderer-v2 type=\"categorizedSymbol\" attr=\"minutes\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"1\">\n"
          << "    <categories>\n";
        for (size_t c = 0; c < circles.size(); ++c) {
            const std::string v = minutes_text(circles[c]);
            o << "      <category render=\"true\" symbol=\"" << c << "\" value=\"" << v << "\" label=\""
              << markup_escape(zh ? v + " 分钟步行" : v + " min walk") << "\"/>\n";
            sym << fill_symbol(static_cast<int>(c), circle_colour(c, circles.size()), 90, circle_colour(c, circles.size()), 0.26);
        }
        o << "    </categories>\n    <symbols>\n" << sym.str() << "    </symbols>\n"
          << "    <orderby>\n      <orderByClause asc=\"0\" nullsFirst=\"0\">\"minutes\"</orderByClause>\n    </orderby>\n"
          << "  </renderer-v2>\n";
        return wrap(o.str(), gc);
    }
    if (name == "uncovered") {
        return wrap(single(gc == 0 ? marker_symbol(0, kUncoveredColour, 1.4, "#ffffff", 0.1)
                                   : fill_symbol(0, kUncoveredColour, 200, kUncoveredColour, 0.1)),
                    gc);
    }
    if (name == "demand") {
        return wrap(single(gc == 0 ? marker_symbol(0, "#969696", 0.9, "#969696", 0.0) : fill_symbol(0, "#bdbdbd", 255, "#969696", 0.1)), gc);
    }
    if (name == "facilities") {
        const std::string attr = field_like(layer, "main_type");
        if (attr.empty()) return wrap(single(marker_symbol(0, kFacilityColour, 2.4, "#ffffff", 0.3)), gc);
        std::ostringstream o;
        o << "  <renderer-v2 type=\"categorizedSymbol\" attr=\"" << markup_escape(attr)
          << "\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"1\">\n    <categories>\n"
          << "      <category render=\"true\" symbol=\"0\" value=\"1\" label=\"" << (zh ? "主要设施类型" : "Main facility types") << "\"/>\n"
          << "      <category render=\"true\" symbol=\"1\" value=\"0\" label=\"" << (zh ? "其他设施" : "Other facilities") << "\"/>\n"
          << "    </categories>\n    <symbols>\n"
          << marker_symbol(0, kFacilityColour, 2.6, "#ffffff", 0.3) << marker_symbol(1, "#969696", 1.6, "#ffffff", 0.2)
          << "    </symbols>\n"
          << "    <orderby>\n      <orderByClause asc=\"1\" nullsFirst=\"1\">\"" << markup_escape(attr) << "\"</orderByClause>\n    </orderby>\n"
          << "  </renderer-v2>\n";
        return wrap(o.str(), gc);
    }
    return "";
}

namespace {
// Is `name` a table or view of the GeoPackage (gpkg_contents)?
bool has_table(GDALDataset* ds, const std::string& name) {
    std::string sql = "SELECT COUNT(*) FROM gpkg_contents WHERE table_name = '";
    for (char c : name) sql += c == '\'' ? std::string("''") : std::string(1, c);
    sql += "'";
    OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    bool found = false;
    if (r) {
        if (OGRFeature* f = r->GetNextFeature()) {
            found = f->GetFieldAsInteger(0) > 0;
            OGRFeature::DestroyFeature(f);
        }
        ds->ReleaseResultSet(r);
    }
    return found;
}
}  // namespace

void write_gpkg_styles(GDALDataset* ds, const std::vector<double>& circles_min, const std::string& lang) {
    if (!ds) throw std::runtime_error("write_gpkg_styles: no dataset");
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    if (!styles) {
        // Same schema (names, types, widths) as QGIS creates it, so QGIS can also add its own styles.
        char** opts = CSLSetNameValue(nullptr, "FID", "id");
        styles = ds->CreateLayer("layer_styles", nullptr, wkbNone, opts);
        CSLDestroy(opts);
        if (!styles) throw std::runtime_error(std::string("cannot create the layer_styles table: ") + CPLGetLastErrorMsg());
        struct F {
            const char* name;
            OGRFieldType type;
            int width;
        };
        for (const F& f : {F{"f_table_catalog", OFTString, 256}, F{"f_table_schema", OFTString, 256}, F{"f_table_name", OFTString, 256},
                           F{"f_geometry_column", OFTString, 256}, F{"styleName", OFTString, 30}, F{"styleQML", OFTString, 0},
                           F{"styleSLD", OFTString, 0}, F{"useAsDefault", OFTInteger, 0}, F{"description", OFTString, 0},
                           F{"owner", OFTString, 30}, F{"ui", OFTString, 30}, F{"update_time", OFTDateTime, 0}}) {
            OGRFieldDefn fd(f.name, f.type);
            if (f.width) fd.SetWidth(f.width);
            if (std::string(f.name) == "useAsDefault") fd.SetSubType(OFSTBoolean);
            if (std::string(f.name) == "update_time") fd.SetDefault("CURRENT_TIMESTAMP");
            if (styles->CreateField(&fd) != OGRERR_NONE)
                throw std::runtime_error(std::string("cannot create field ") + f.name + " of layer_styles: " + CPLGetLastErrorMsg());
        }
    }
    const bool zh = lang == "zh";
    if (styles->StartTransaction() != OGRERR_NONE)
        throw std::runtime_error(std::string("cannot write the QGIS styles: ") + CPLGetLastErrorMsg());
    for (const char* lname : {"towns", "service_areas", "uncovered", "facilities", "demand"}) {
        OGRLayer* layer = ds->GetLayerByName(lname);
        // "uncovered" is a view of the demand rows, created by SQL: the open dataset does not
        // list it, but its fields and geometry column are the demand layer's.
        const bool view = !layer && std::string(lname) == "uncovered" && has_table(ds, lname);
        if (view) layer = ds->GetLayerByName("demand");
        if (!layer) continue;
        const std::string qml = layer_qml(layer, circles_min, lang, view ? lname : "");
        if (qml.empty()) continue;
        OGRFeature* f = OGRFeature::CreateFeature(styles->GetLayerDefn());
        f->SetField("f_table_catalog", "");
        f->SetField("f_table_schema", "");
        f->SetField("f_table_name", lname);
        f->SetField("f_geometry_column", layer->GetGeometryColumn());
        f->SetField("styleName", lname);
        f->SetField("styleQML", qml.c_str());
        f->SetField("styleSLD", "");
        f->SetField("useAsDefault", 1);
        f->SetField("description", zh ? "lifecircle 默认样式" : "lifecircle default style");
        f->SetField("owner", "");
        f->SetField("update_time", geo::kFixedTimestamp);  // not CURRENT_TIMESTAMP: reruns stay byte-identical
        const OGRErr err = styles->CreateFeature(f);
        OGRFeature::DestroyFeature(f);
        if (err != OGRERR_NONE) {
            if (styles->RollbackTransaction() != OGRERR_NONE) { /* the error below says enough */ }
            throw std::runtime_error(std::string("cannot write the QGIS style of layer ") + lname + ": " + CPLGetLastErrorMsg());
        }
    }
    if (styles->CommitTransaction() != OGRERR_NONE)
        throw std::runtime_error(std::string("cannot write the QGIS styles: ") + CPLGetLastErrorMsg());
}

}  // namespace lc::cov
