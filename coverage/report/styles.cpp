#include "coverage/report/styles.hpp"

#include "coverage/study/text.hpp"
#include "geo/layer.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
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

std::string line_symbol(int name, const std::string& colour, double width_mm, int alpha = 255) {
    std::ostringstream o;
    o << "      <symbol type=\"line\" name=\"" << name << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
      << "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
      << prop("line_color", qcolour(colour, alpha)) << prop("line_style", "solid") << prop("line_width", std::to_string(width_mm))
      << prop("line_width_unit", "MM") << prop("capstyle", "round") << prop("joinstyle", "round")
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

std::string wrap(const std::string& body, int geom_class, bool labels) {
    std::ostringstream o;
    o << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<qgis version=\"3.22.16-Białowieża\" styleCategories=\"Symbology|Labeling|Fields\" labelsEnabled=\"" << (labels ? 1 : 0) << "\">\n"
      << body << "  <layerGeometryType>" << geom_class << "</layerGeometryType>\n</qgis>\n";
    return o.str();
}

// "15" from "coverage_share_15" when the name starts with `prefix` (circle labels: 15, 7_5).
bool circle_suffix(const std::string& name, const std::string& prefix, std::string& minutes) {
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return false;
    minutes = name.substr(prefix.size());
    for (char& c : minutes) {
        if (c == '_') c = '.';
        else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// The reader's name of an output field, or "" for an input field (shown as the data names it).
std::string output_field_alias(std::string name, bool zh, const std::map<std::string, std::string>& indicator_names) {
    if (name.rfind("lc_", 0) == 0) name = name.substr(3);  // renamed where an input field had the name
    auto T = [&](const std::string& z, const std::string& e) { return zh ? z : e; };
    std::string m;
    if (circle_suffix(name, "covered_households_", m)) return T(m + " 分钟圈内户数", "households within " + m + " min");
    if (circle_suffix(name, "coverage_share_", m)) return T(m + " 分钟覆盖率", "share within " + m + " min");
    if (circle_suffix(name, "served_households_", m)) return T(m + " 分钟内获服务户数", "households served within " + m + " min");
    if (circle_suffix(name, "served_share_", m)) return T(m + " 分钟获服务比例", "share served within " + m + " min");
    if (circle_suffix(name, "covered_", m)) return T(m + " 分钟圈内（1 = 是）", "within " + m + " min (1 = yes)");
    if (circle_suffix(name, "served_", m)) return T(m + " 分钟内获服务比例", "share served within " + m + " min");
    if (circle_suffix(name, "access_2sfca_", m) || circle_suffix(name, "access_e2sfca_", m) || circle_suffix(name, "access_gravity_", m))
        return T("可达性（" + m + " 分钟）", "accessibility (" + m + " min)");
    static const std::map<std::string, std::pair<const char*, const char*>> fixed_names{
        {"town_id", {"镇街代码", "town code"}},
        {"households", {"户数", "households"}},
        {"capacity_places", {"服务容量（位）", "capacity (places)"}},
        {"rank_reach", {"覆盖排名", "rank by reach"}},
        {"rank_adequacy", {"容量充足度排名", "rank by adequacy"}},
        {"indicators_missed", {"未达标指标数", "indicators missed"}},
        {"town", {"所属镇街", "town"}},
        {"unit", {"所属村（社区）", "village or community"}},
        {"unit_id", {"村（社区）代码", "village or community code"}},
        {"unit_name", {"村（社区）名称", "village or community"}},
        {"crosses_into", {"跨入的镇街", "reaches into town"}},
        {"status", {"状态", "status"}},
        {"nearest_id", {"最近设施", "nearest facility"}},
        {"nearest_m", {"到最近设施（米）", "to the nearest facility (m)"}},
        {"nearest_min", {"到最近设施（分钟）", "to the nearest facility (min)"}},
        {"weight", {"权重（户数）", "weight (households)"}},
        {"status_network", {"路网状态", "network status"}},
        {"in_scenario", {"计入本方案（1 = 是）", "in this scenario (1 = yes)"}},
        {"main_type", {"主要设施类型（1 = 是）", "main facility type (1 = yes)"}},
        {"access_ratio", {"供需比", "supply-to-demand ratio"}},
        {"rank", {"选址顺序", "rank"}},
        {"site_label", {"选址", "site"}},
        {"snap_status", {"路网接入状态", "network snap status"}},
        {"new_households", {"新增覆盖户数", "households newly covered"}},
        {"cumulative_households", {"累计新增覆盖户数", "households newly covered, cumulative"}},
        {"covered_share", {"覆盖率（累计）", "share covered (cumulative)"}},
        {"capacity", {"容量", "capacity"}},
        {"load", {"服务户数", "households served"}},
        {"unserved", {"未获服务户数", "households not served"}},
        {"facility_id", {"设施", "facility"}},
        {"type", {"设施类型", "facility type"}},
        {"from_min", {"起始分钟", "from (min)"}},
        {"minutes", {"分钟", "minutes"}},
        {"area_m2", {"面积（平方米）", "area (m²)"}},
        {"facilities", {"设施数", "facilities"}},
        {"link", {"路段", "link"}},
        {"from_node", {"起点", "from node"}},
        {"to_node", {"终点", "to node"}},
        {"component", {"连通分量", "component"}},
        {"component_nodes", {"分量节点数", "nodes in the component"}},
        {"length_m", {"长度（米）", "length (m)"}},
        {"time_fw_s", {"正向用时（秒）", "time forward (s)"}},
        {"time_bw_s", {"反向用时（秒）", "time backward (s)"}},
        {"source_fid", {"源要素", "source feature"}},
    };
    if (auto it = fixed_names.find(name); it != fixed_names.end()) return zh ? it->second.first : it->second.second;
    // Indicator columns: <id>_value, _target, _status, _gap, _gap_text; cov_<id> on demand rows.
    static const std::pair<const char*, std::pair<const char*, const char*>> parts[] = {
        {"_gap_text", {"（缺口说明）", " (gap, in words)"}}, {"_value", {"（数值）", " (value)"}}, {"_target", {"（目标）", " (target)"}},
        {"_status", {"（达标状态）", " (status)"}},          {"_gap", {"（缺口）", " (gap)"}}};
    for (const auto& [suffix, words] : parts) {
        const std::string suf = suffix;
        if (name.size() > suf.size() && name.compare(name.size() - suf.size(), suf.size(), suf) == 0) {
            auto it = indicator_names.find(name.substr(0, name.size() - suf.size()));
            if (it != indicator_names.end()) return it->second + (zh ? words.first : words.second);
        }
    }
    if (name.rfind("cov_", 0) == 0)
        if (auto it = indicator_names.find(name.substr(4)); it != indicator_names.end()) return it->second + T("：圈内（1 = 是）", ": within (1 = yes)");
    return "";
}

std::string shown(const FieldRenames& renames, const std::string& name) {
    auto it = renames.find(name);
    return it == renames.end() ? name : it->second;
}

std::string aliases_xml(OGRLayer* layer, bool zh, const std::map<std::string, std::string>& indicator_names, const FieldRenames& renames) {
    std::ostringstream o;
    OGRFeatureDefn* d = layer->GetLayerDefn();
    o << "  <aliases>\n";
    for (int i = 0; i < d->GetFieldCount(); ++i) {
        const std::string name = d->GetFieldDefn(i)->GetNameRef();
        o << "    <alias field=\"" << markup_escape(shown(renames, name)) << "\" index=\"" << i << "\" name=\""
          << markup_escape(field_alias(name, zh, indicator_names)) << "\"/>\n";
    }
    o << "  </aliases>\n";
    return o.str();
}

// Labels with a white halo, as QGIS's simple labeling.
std::string labeling_xml(const StyleLabels& l, const FieldRenames& renames) {
    const std::string placement = l.beside ? "placement=\"6\" dist=\"1.5\" distUnits=\"MM\""  // around the point
                                           : "placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\" fitInPolygonOnly=\"0\"";
    std::ostringstream o;
    o << "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
      << "      <text-style fieldName=\"" << markup_escape(shown(renames, l.field)) << "\" isExpression=\"0\" fontFamily=\"WenQuanYi Micro Hei\" "
      << "fontSize=\"" << l.points << "\" fontSizeUnit=\"Point\" textColor=\"" << qcolour(l.colour) << "\" textOpacity=\"1\" namedStyle=\""
      << (l.bold ? "Bold" : "Regular") << "\">\n"
      << "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.85\"/>\n"
      << "      </text-style>\n"
      << "      <placement " << placement << "/>\n"
      << "      <rendering drawLabels=\"1\" obstacle=\"1\" displayAll=\"1\" upsidedownLabels=\"0\" scaleVisibility=\"0\"/>\n"
      << "    </settings>\n  </labeling>\n";
    return o.str();
}

std::string symbol_qml(int index, const StyleSymbol& s) {
    switch (s.kind) {
        case StyleSymbol::Kind::marker: return marker_symbol(index, s.colour, s.size_mm, s.outline, s.outline_mm);
        case StyleSymbol::Kind::line: return line_symbol(index, s.colour, s.size_mm, s.alpha);
        case StyleSymbol::Kind::fill: break;
    }
    return fill_symbol(index, s.colour, s.alpha, s.outline, s.outline_mm);
}

std::string renderer_qml(const LayerStyle& st, const FieldRenames& renames) {
    std::ostringstream o, sym;
    for (size_t c = 0; c < st.classes.size(); ++c) sym << symbol_qml(static_cast<int>(c), st.classes[c].symbol);
    const std::string attr = markup_escape(shown(renames, st.attr));
    const std::string order = st.order_by.empty() ? std::string()
                                                  : "    <orderby>\n      <orderByClause asc=\"" + std::string(st.order_ascending ? "1" : "0") +
                                                        "\" nullsFirst=\"" + (st.order_ascending ? "1" : "0") + "\">\"" +
                                                        markup_escape(shown(renames, st.order_by)) + "\"</orderByClause>\n    </orderby>\n";
    const char* order_flag = st.order_by.empty() ? "0" : "1";
    switch (st.renderer) {
        case LayerStyle::Renderer::none: return "";
        case LayerStyle::Renderer::single:
            return "  <renderer-v2 type=\"singleSymbol\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"0\">\n    <symbols>\n" + sym.str() +
                   "    </symbols>\n  </renderer-v2>\n";
        case LayerStyle::Renderer::graduated:
            o << "  <renderer-v2 type=\"graduatedSymbol\" attr=\"" << attr
              << "\" graduatedMethod=\"GraduatedColor\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"" << order_flag << "\">\n    <ranges>\n";
            for (size_t c = 0; c < st.classes.size(); ++c)
                o << "      <range lower=\"" << minutes_text(st.classes[c].lower) << "\" upper=\"" << minutes_text(st.classes[c].upper)
                  << "\" symbol=\"" << c << "\" label=\"" << markup_escape(st.classes[c].label) << "\" render=\"true\"/>\n";
            o << "    </ranges>\n    <symbols>\n" << sym.str() << "    </symbols>\n    <mode name=\"equal\"/>\n"
              << "    <classificationMethod id=\"EqualInterval\"/>\n" << order << "  </renderer-v2>\n";
            return o.str();
        case LayerStyle::Renderer::categorized:
            o << "  <renderer-v2 type=\"categorizedSymbol\" attr=\"" << attr << "\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\""
              << order_flag << "\">\n    <categories>\n";
            for (size_t c = 0; c < st.classes.size(); ++c)
                o << "      <category render=\"true\" symbol=\"" << c << "\" value=\"" << markup_escape(st.classes[c].value) << "\" label=\""
                  << markup_escape(st.classes[c].label) << "\"/>\n";
            o << "    </categories>\n    <symbols>\n" << sym.str() << "    </symbols>\n" << order << "  </renderer-v2>\n";
            return o.str();
    }
    return "";
}

std::string field_like(OGRLayer* layer, const std::string& name) {
    OGRFeatureDefn* d = layer->GetLayerDefn();
    for (const std::string& n : {name, "lc_" + name})
        if (d->GetFieldIndex(n.c_str()) >= 0) return n;
    return "";
}

StyleSymbol marker_sym(const std::string& fill, double size_mm, const std::string& outline, double outline_mm) {
    return {StyleSymbol::Kind::marker, fill, 255, outline, outline_mm, size_mm};
}
StyleSymbol fill_sym(const std::string& colour, int alpha, const std::string& outline, double outline_mm) {
    return {StyleSymbol::Kind::fill, colour, alpha, outline, outline_mm, 0};
}
StyleSymbol line_sym(const std::string& colour, double width_mm) { return {StyleSymbol::Kind::line, colour, 255, "", 0, width_mm}; }

StyleClass style_class(const std::string& label, const StyleSymbol& symbol) {
    StyleClass k;
    k.label = label;
    k.symbol = symbol;
    return k;
}

LayerStyle single_style(int geometry_class, const StyleSymbol& symbol) {
    LayerStyle st;
    st.renderer = LayerStyle::Renderer::single;
    st.geometry_class = geometry_class;
    st.classes.push_back(style_class("", symbol));
    return st;
}

// SLD 1.0 sizes are pixels; QGIS reads and writes them at 96 dpi (3.78 px per mm).
std::string px(double mm) { return minutes_text(std::round(mm * 96 / 25.4 * 100) / 100); }

std::string css(const std::string& indent, const std::string& name, const std::string& value) {
    return indent + "<CssParameter name=\"" + name + "\">" + markup_escape(value) + "</CssParameter>\n";
}

std::string opacity(int alpha) { return minutes_text(std::round(alpha / 255.0 * 1000) / 1000); }

std::string symbolizer_sld(const StyleSymbol& s, int geometry_class) {
    const std::string i = "          ";
    std::ostringstream o;
    if (s.kind == StyleSymbol::Kind::line) {
        o << i << "<LineSymbolizer>\n" << i << "  <Stroke>\n" << css(i + "    ", "stroke", s.colour);
        if (s.alpha < 255) o << css(i + "    ", "stroke-opacity", opacity(s.alpha));
        o << css(i + "    ", "stroke-width", px(s.size_mm)) << css(i + "    ", "stroke-linejoin", "round")
          << css(i + "    ", "stroke-linecap", "round") << i << "  </Stroke>\n" << i << "</LineSymbolizer>\n";
        return o.str();
    }
    auto stroke = [&](const std::string& in) {
        std::string t;
        if (s.outline_mm > 0) t = in + "<Stroke>\n" + css(in + "  ", "stroke", s.outline) + css(in + "  ", "stroke-width", px(s.outline_mm)) + in + "</Stroke>\n";
        return t;
    };
    auto fill_of = [&](const std::string& in) {
        std::string t = in + "<Fill>\n" + css(in + "  ", "fill", s.colour);
        if (s.alpha < 255) t += css(in + "  ", "fill-opacity", opacity(s.alpha));
        return t + in + "</Fill>\n";
    };
    if (s.kind == StyleSymbol::Kind::marker || geometry_class == 0) {
        o << i << "<PointSymbolizer>\n" << i << "  <Graphic>\n" << i << "    <Mark>\n" << i << "      <WellKnownName>circle</WellKnownName>\n"
          << fill_of(i + "      ") << stroke(i + "      ") << i << "    </Mark>\n" << i << "    <Size>" << px(s.size_mm) << "</Size>\n"
          << i << "  </Graphic>\n" << i << "</PointSymbolizer>\n";
        return o.str();
    }
    o << i << "<PolygonSymbolizer>\n" << fill_of(i + "  ") << stroke(i + "  ") << i << "</PolygonSymbolizer>\n";
    return o.str();
}

std::string comparison(const char* op, const std::string& attr, const std::string& literal) {
    return std::string("<ogc:") + op + "><ogc:PropertyName>" + markup_escape(attr) + "</ogc:PropertyName><ogc:Literal>" + markup_escape(literal) +
           "</ogc:Literal></ogc:" + op + ">";
}

// The rule filter of class c: the same first-match ranges QGIS's graduated renderer draws.
std::string filter_sld(const LayerStyle& st, size_t c, const std::string& attr) {
    const StyleClass& k = st.classes[c];
    std::string f;
    if (st.renderer == LayerStyle::Renderer::categorized) f = comparison("PropertyIsEqualTo", attr, k.value);
    else if (st.renderer == LayerStyle::Renderer::graduated)
        f = "<ogc:And>" + comparison(c == 0 ? "PropertyIsGreaterThanOrEqualTo" : "PropertyIsGreaterThan", attr, minutes_text(k.lower)) +
            comparison("PropertyIsLessThanOrEqualTo", attr, minutes_text(k.upper)) + "</ogc:And>";
    return f.empty() ? "" : "          <ogc:Filter>" + f + "</ogc:Filter>\n";
}

std::string labels_sld(const StyleLabels& l, const FieldRenames& renames) {
    const std::string i = "            ";
    std::ostringstream o;
    o << "        <Rule>\n          <Name>labels</Name>\n" << i.substr(2) << "<TextSymbolizer>\n"
      << i << "<Label><ogc:PropertyName>" << markup_escape(shown(renames, l.field)) << "</ogc:PropertyName></Label>\n"
      << i << "<Font>\n" << css(i + "  ", "font-family", "WenQuanYi Micro Hei")
      << css(i + "  ", "font-size", minutes_text(std::round(l.points * 96.0 / 72 * 100) / 100))  // points to pixels
      << css(i + "  ", "font-weight", l.bold ? "bold" : "normal") << i << "</Font>\n"
      << i << "<LabelPlacement>\n" << i << "  <PointPlacement>\n"
      << i << "    <AnchorPoint><AnchorPointX>" << (l.beside ? "0" : "0.5") << "</AnchorPointX><AnchorPointY>0.5</AnchorPointY></AnchorPoint>\n";
    if (l.beside) o << i << "    <Displacement><DisplacementX>" << px(1.5) << "</DisplacementX><DisplacementY>0</DisplacementY></Displacement>\n";
    o << i << "  </PointPlacement>\n" << i << "</LabelPlacement>\n"
      << i << "<Halo>\n" << i << "  <Radius>" << px(0.8) << "</Radius>\n" << i << "  <Fill>\n" << css(i + "    ", "fill", "#ffffff")
      << css(i + "    ", "fill-opacity", "0.85") << i << "  </Fill>\n" << i << "</Halo>\n"
      << i << "<Fill>\n" << css(i + "  ", "fill", l.colour) << i << "</Fill>\n"
      << i.substr(2) << "</TextSymbolizer>\n        </Rule>\n";
    return o.str();
}

}  // namespace

std::string field_alias(const std::string& field, bool zh, const std::map<std::string, std::string>& indicator_names) {
    return output_field_alias(field, zh, indicator_names);
}

LayerStyle layer_style(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name,
                       const std::string& label_field) {
    const bool zh = lang == "zh";
    const std::string name = as_name.empty() ? std::string(layer->GetName()) : as_name;
    const int gc = geometry_class(layer);
    LayerStyle st;
    st.geometry_class = gc;
    if (name == "towns" || name == "units") {  // villages / communities are drawn as towns are
        if (circles_min.empty()) return st;
        const double main = *std::max_element(circles_min.begin(), circles_min.end());
        st.attr = field_like(layer, "coverage_share_" + circle_label(main));
        if (st.attr.empty()) return st;
        st.renderer = LayerStyle::Renderer::graduated;
        for (int c = 0; c < kShareClasses; ++c) {
            const int lo = c * 100 / kShareClasses, hi = (c + 1) * 100 / kShareClasses;
            std::string label = std::to_string(lo) + "–" + std::to_string(hi) + "%";
            if (c == 0) label = "≤ " + std::to_string(hi) + "%";
            StyleClass k = style_class(label, fill_sym(kShareColours[c], 255, "#737373", 0.26));
            k.lower = lo / 100.0;
            k.upper = hi / 100.0;
            st.classes.push_back(k);
        }
        // Town names: dark, at the polygon's inside point; unit names smaller.
        const std::string names = name == "units" ? field_like(layer, "unit_name") : label_field;
        if (!names.empty() && layer->GetLayerDefn()->GetFieldIndex(names.c_str()) >= 0) {
            st.has_labels = true;
            st.labels = {names, name == "units" ? 7 : 9, "#282828", false, false};
        }
        return st;
    }
    if (name == "service_areas") {
        if (layer->GetLayerDefn()->GetFieldIndex("minutes") < 0) return st;
        std::vector<double> circles = circles_min;
        std::sort(circles.begin(), circles.end());
        st.renderer = LayerStyle::Renderer::categorized;
        st.attr = "minutes";
        st.order_by = "minutes";  // the largest circle first, the smaller ones on top
        st.order_ascending = false;
        for (size_t c = 0; c < circles.size(); ++c) {
            const std::string v = minutes_text(circles[c]), colour = circle_colour(c, circles.size());
            StyleClass k = style_class(zh ? v + " 分钟步行" : v + " min walk", fill_sym(colour, 90, colour, 0.26));
            k.value = v;
            st.classes.push_back(k);
        }
        return st;
    }
    if (name == "uncovered")
        return single_style(gc, gc == 0 ? marker_sym(kUncoveredColour, 1.4, "#ffffff", 0.1) : fill_sym(kUncoveredColour, 200, kUncoveredColour, 0.1));
    if (name == "sites") {  // proposed sites: large purple markers, labelled with their rank in bold purple
        st = single_style(gc, marker_sym("#7a0177", 4.0, "#ffffff", 0.5));
        if (const std::string rank = field_like(layer, "rank"); !rank.empty()) {
            st.has_labels = true;
            st.labels = {rank, 10, "#54278f", true, true};
        }
        return st;
    }
    if (name == "links") return single_style(gc, line_sym("#525252", 0.3));
    if (name == "small_components") return single_style(gc, line_sym("#e6550d", 0.8));  // islands stand out
    if (name == "connectors") return single_style(gc, line_sym("#9e9ac8", 0.2));
    if (name == "demand") return single_style(gc, gc == 0 ? marker_sym("#969696", 0.9, "#969696", 0.0) : fill_sym("#bdbdbd", 255, "#969696", 0.1));
    if (name == "facilities") {
        const std::string attr = field_like(layer, "main_type");
        if (attr.empty()) return single_style(gc, marker_sym(kFacilityColour, 2.4, "#ffffff", 0.3));
        st.renderer = LayerStyle::Renderer::categorized;
        st.attr = st.order_by = attr;  // main types drawn last, on top
        StyleClass main_types = style_class(zh ? "主要设施类型" : "Main facility types", marker_sym(kFacilityColour, 2.6, "#ffffff", 0.3));
        main_types.value = "1";
        StyleClass others = style_class(zh ? "其他设施" : "Other facilities", marker_sym("#969696", 1.6, "#ffffff", 0.2));
        others.value = "0";
        st.classes = {main_types, others};
        return st;
    }
    return st;
}

std::string layer_qml(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name,
                      const std::map<std::string, std::string>& indicator_names, const std::string& label_field, const FieldRenames& renames) {
    const std::string body = layer_style_body(layer, circles_min, lang, as_name, indicator_names, label_field, renames);
    if (body.empty()) return "";
    return wrap(body, geometry_class(layer), layer_style(layer, circles_min, lang, as_name, label_field).has_labels);
}

std::string layer_style_body(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name,
                             const std::map<std::string, std::string>& indicator_names, const std::string& label_field,
                             const FieldRenames& renames) {
    const LayerStyle st = layer_style(layer, circles_min, lang, as_name, label_field);
    if (st.renderer == LayerStyle::Renderer::none) return "";
    // Every style carries the fields' reader names, labelled layers also their labels.
    return renderer_qml(st, renames) + (st.has_labels ? labeling_xml(st.labels, renames) : std::string()) +
           aliases_xml(layer, lang == "zh", indicator_names, renames) + "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n";
}

std::string layer_sld(OGRLayer* layer, const std::vector<double>& circles_min, const std::string& lang, const std::string& as_name,
                      const std::string& label_field, const FieldRenames& renames) {
    const LayerStyle st = layer_style(layer, circles_min, lang, as_name, label_field);
    if (st.renderer == LayerStyle::Renderer::none) return "";
    const std::string name = markup_escape(as_name.empty() ? std::string(layer->GetName()) : as_name);
    const std::string attr = shown(renames, st.attr);
    std::ostringstream o;
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<StyledLayerDescriptor version=\"1.0.0\" xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" "
         "xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd\">\n"
      << "  <NamedLayer>\n    <Name>" << name << "</Name>\n    <UserStyle>\n      <Name>" << name << "</Name>\n"
      << "      <Title>" << (lang == "zh" ? "lifecircle 默认样式" : "lifecircle default style") << "</Title>\n      <FeatureTypeStyle>\n";
    for (size_t c = 0; c < st.classes.size(); ++c) {
        const StyleClass& k = st.classes[c];
        o << "        <Rule>\n          <Name>" << name << "_" << c << "</Name>\n";
        if (!k.label.empty()) o << "          <Title>" << markup_escape(k.label) << "</Title>\n";
        o << filter_sld(st, c, attr) << symbolizer_sld(k.symbol, st.geometry_class) << "        </Rule>\n";
    }
    if (st.has_labels) o << labels_sld(st.labels, renames);
    o << "      </FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n</StyledLayerDescriptor>\n";
    return o.str();
}
std::string layer_title(const std::string& table, bool zh) {
    static const std::map<std::string, std::pair<const char*, const char*>> titles{
        {"facilities", {"设施", "Facilities"}},
        {"uncovered", {"服务圈外的住户", "Households outside the circle"}},
        {"service_areas", {"服务圈范围", "Service areas"}},
        {"units", {"村（社区）覆盖率", "Coverage by village or community"}},
        {"towns", {"镇街覆盖率", "Coverage by town"}},
        {"demand", {"全部住户点", "All households"}},
        {"sites", {"建议选址", "Proposed sites"}},
        {"links", {"路网路段", "Network links"}},
        {"small_components", {"孤立路网片段", "Small network components"}},
        {"connectors", {"接入路网连线", "Connectors to the network"}},
    };
    auto it = titles.find(table);
    return it == titles.end() ? "" : zh ? it->second.first : it->second.second;
}

namespace {
std::string sql_literal(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// Runs one SQL statement that returns no rows; throws with `what` on failure.
void run_sql(GDALDataset* ds, const std::string& sql, const std::string& what) {
    CPLErrorReset();
    if (OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr)) ds->ReleaseResultSet(r);
    if (CPLGetLastErrorType() >= CE_Failure) throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
}

// Is `name` a table or view of the GeoPackage (gpkg_contents)?
bool has_table(GDALDataset* ds, const std::string& name) {
    const std::string sql = "SELECT COUNT(*) FROM gpkg_contents WHERE table_name = " + sql_literal(name);
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

// The GeoPackage Schema extension (GeoPackage 1.2.1, clause F.9): the tables as the standard
// defines them, each registered in gpkg_extensions once.
void ensure_schema_extension(GDALDataset* ds) {
    const std::string what = "cannot add the GeoPackage schema extension (field aliases)";
    run_sql(ds,
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, "
            "definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
            what);
    run_sql(ds,
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, "
            "description TEXT, mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), "
            "CONSTRAINT gdc_tn UNIQUE (table_name, name))",
            what);
    run_sql(ds,
            "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, "
            "value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT, "
            "CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))",
            what);
    for (const char* table : {"gpkg_data_columns", "gpkg_data_column_constraints"})
        run_sql(ds,
                std::string("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) SELECT '") + table +
                    "', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', 'read-write' WHERE NOT EXISTS "
                    "(SELECT 1 FROM gpkg_extensions WHERE table_name = '" + table + "' AND extension_name = 'gpkg_schema')",
                what);
}

// One layer's title and field aliases, in both languages, into gpkg_contents and gpkg_data_columns.
void write_layer_schema(GDALDataset* ds, const std::string& table, OGRLayer* fields, bool zh,
                        const std::map<std::string, std::string>& indicator_names, const std::map<std::string, std::string>& other_indicator_names) {
    const std::string what = "cannot store the field aliases of layer " + table;
    if (const std::string title = layer_title(table, zh); !title.empty())
        run_sql(ds, "UPDATE gpkg_contents SET identifier = " + sql_literal(title) + ", description = " + sql_literal(layer_title(table, !zh)) +
                        " WHERE table_name = " + sql_literal(table), what);
    OGRFeatureDefn* d = fields->GetLayerDefn();
    std::set<std::string> names;  // gpkg_data_columns names are unique per table (gdc_tn)
    for (int i = 0; i < d->GetFieldCount(); ++i) {
        const std::string column = d->GetFieldDefn(i)->GetNameRef();
        std::string name = field_alias(column, zh, indicator_names);
        if (name.empty()) continue;  // an input field: its own name is what the data calls it
        if (!names.insert(name).second) names.insert(name += " (" + column + ")");
        const std::string other = field_alias(column, !zh, other_indicator_names);
        const std::string o = other.empty() ? "NULL" : sql_literal(other);
        run_sql(ds, "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description, mime_type, constraint_name) "
                    "VALUES (" + sql_literal(table) + ", " + sql_literal(column) + ", " + sql_literal(name) + ", " + o + ", " + o + ", NULL, NULL)",
                what);
    }
}
}  // namespace

void write_gpkg_styles(GDALDataset* ds, const std::vector<double>& circles_min, const std::string& lang,
                       const std::map<std::string, std::string>& indicator_names, const std::string& town_label_field,
                       const std::map<std::string, std::string>& other_indicator_names) {
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
    bool schema = false;  // the Schema extension's tables, made when the first layer needs them
    for (const char* lname : {"towns", "units", "service_areas", "uncovered", "facilities", "demand", "sites", "links", "small_components", "connectors"}) {
        OGRLayer* layer = ds->GetLayerByName(lname);
        // "uncovered" is a view of the demand rows, created by SQL: the open dataset does not
        // list it, but its fields and geometry column are the demand layer's.
        const bool view = !layer && std::string(lname) == "uncovered" && has_table(ds, lname);
        if (view) layer = ds->GetLayerByName("demand");
        if (!layer) continue;
        try {
            if (!schema) ensure_schema_extension(ds);
            schema = true;
            write_layer_schema(ds, lname, layer, zh, indicator_names, other_indicator_names);
        } catch (...) {
            if (styles->RollbackTransaction() != OGRERR_NONE) { /* the error thrown says enough */ }
            throw;
        }
        const std::string qml = layer_qml(layer, circles_min, lang, view ? lname : "", indicator_names, town_label_field);
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
