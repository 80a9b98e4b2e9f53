#include "coverage/report/report_html.hpp"
#include "coverage/report/words.hpp"
#include "coverage/report/report_html_assets.hpp"
#include "coverage/report/report_html_map.hpp"
#include "coverage/report/report_html_service.hpp"
#include "coverage/report/report_html_units.hpp"

#include "coverage/study/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>
#include <unordered_set>

#include "coverage/report/styles.hpp"
#include "coverage/analysis/indicators.hpp"
#include "geo/geos.hpp"
#include "geo/output.hpp"

namespace fs = std::filesystem;

namespace lc::cov {

std::string html_escape(const std::string& s) { return markup_escape(s); }

namespace {

constexpr size_t kMaxUncoveredDots = 20000;
constexpr int kMapUnits = 2000;  // longest side of the map in SVG units (integer coordinates)
constexpr int kPad = 40;
constexpr int kFont = 30;
constexpr int kLegendWidth = 660;
constexpr int kBottom = 110;


std::string num(double v, int d) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", d, v);
    return buf;
}
std::string pct(double share, int d = 1) { return num(100 * share, d) + "%"; }
std::string gnum(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
// Exact-enough machine value for data-v sort keys.
std::string key(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

struct CellHash {  // an SVG unit cell (x, y)
    size_t operator()(const std::pair<long, long>& c) const { return std::hash<long>()(c.first * 1000003L ^ c.second); }
};

// Metric CRS -> SVG units (integers, y down).
struct Frame {
    double minx = 0, maxy = 0, k = 1;
    long X(double x) const { return kPad + std::lround((x - minx) * k); }
    long Y(double y) const { return kPad + std::lround((maxy - y) * k); }
};

// Appends one ring as "M x y l dx dy ... z" (relative moves keep the path short).
void append_ring(std::string& d, const GEOSGeometry* ring, const Frame& f) {
    GEOSContextHandle_t h = geo::geos();
    const GEOSCoordSequence* cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 4) return;
    std::vector<std::pair<long, long>> pts;
    pts.reserve(n);
    for (unsigned i = 0; i + 1 < n; ++i) {  // the last point repeats the first: "z" closes
        double x, y;
        GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
        std::pair<long, long> p{f.X(x), f.Y(y)};
        if (pts.empty() || pts.back() != p) pts.push_back(p);
    }
    while (pts.size() > 1 && pts.back() == pts.front()) pts.pop_back();
    if (pts.size() < 3) return;  // collapsed at this scale
    d += "M" + std::to_string(pts[0].first) + " " + std::to_string(pts[0].second) + "l";
    for (size_t i = 1; i < pts.size(); ++i) {
        long dx = pts[i].first - pts[i - 1].first, dy = pts[i].second - pts[i - 1].second;
        if (i > 1 && dx >= 0) d += ' ';
        d += std::to_string(dx);
        if (dy >= 0) d += ' ';
        d += std::to_string(dy);
    }
    d += 'z';
}

std::string polygon_path(const GEOSGeometry* g, const Frame& f) {
    GEOSContextHandle_t h = geo::geos();
    std::string d;
    const int parts = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < parts; ++i) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(h, g, i);
        if (!poly || GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON) continue;
        append_ring(d, GEOSGetExteriorRing_r(h, poly), f);
        const int holes = GEOSGetNumInteriorRings_r(h, poly);
        for (int j = 0; j < holes; ++j) append_ring(d, GEOSGetInteriorRingN_r(h, poly, j), f);
    }
    return d;
}

// Largest 1/2/5 x 10^n km not longer than `max_m`.
double scale_bar_km(double max_m) {
    double best = 0.1;
    for (int e = -1; e <= 4; ++e)
        for (double m : {1.0, 2.0, 5.0}) {
            double km = m * std::pow(10.0, e);
            if (km * 1000 <= max_m) best = km;
        }
    return best;
}

std::string km_text(double km) {
    char buf[32];
    std::snprintf(buf, sizeof buf, km >= 1 ? "%.0f km" : "%.1f km", km);
    return buf;
}

bool ends_with(const std::string& s, const std::string& suf) {
    if (s.size() < suf.size()) return false;
    std::string tail = s.substr(s.size() - suf.size());
    std::transform(tail.begin(), tail.end(), tail.begin(), ::tolower);
    return tail == suf;
}

std::string unit_text(const Indicator& ind, const Tr& T) { return cov::unit_text(ind.unit, T); }
std::string value_text(const Indicator& ind, double v) { return cov::value_text(ind.unit, v); }

const char* status_class(Status s) {
    switch (s) {
        case Status::met: return "st-met";
        case Status::missed: return "st-missed";
        default: return "st-nodata";
    }
}


}  // namespace

std::string report_html(const Study& s, const TravelModel& travel, const AnalysisResult& r, const std::string& lang_in,
                        const SiteReport* site) {
    const std::string lang = lang_in == "zh" ? "zh" : "en";
    const Tr T{lang == "zh"};
    const Project& p = s.project;
    const size_t nt = s.town_set->size();
    const size_t nd = s.demand ? s.demand->size() : 0;
    const std::vector<Indicator> no_indicators;
    const std::vector<Indicator>& inds = r.targets ? r.targets->indicators : no_indicators;
    const size_t nc = r.circles_min.size();
    size_t imain = 0;
    for (size_t c = 1; c < nc; ++c)
        if (r.circles_min[c] > r.circles_min[imain]) imain = c;
    const std::string main_min = nc ? gnum(r.circles_min[imain]) : "";

    auto share_of = [&](size_t c, size_t t) -> std::optional<double> {
        if (c >= nc || !(r.town_households[t] > 0)) return std::nullopt;
        return r.town_covered[c][t] / r.town_households[t];
    };
    // Town label: the project's name field; in English the towns layer's name_en when it has one.
    const int name_en_field = lang == "en" ? s.towns->field_index("name_en") : -1;
    auto town_label = [&](size_t t) {
        std::string n = s.town_set->name(t).empty() ? s.town_set->id(t) : s.town_set->name(t);
        if (name_en_field >= 0) {
            std::string en = s.towns->text(t, name_en_field);
            if (!en.empty() && en != n) return en + " " + n;
        }
        return n;
    };
    std::vector<size_t> order(inds.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return inds[a].binding > inds[b].binding; });

    double total_hh = 0;
    for (double h : r.town_households) total_hh += h;
    std::vector<double> covered_total(nc, 0);
    for (size_t c = 0; c < nc; ++c)
        for (double v : r.town_covered[c]) covered_total[c] += v;

    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"" << (T.zh ? "zh-CN" : "en") << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"lifecircle " << LC_VERSION << "\">\n"
      << "<title>" << html_escape(p.name_in(lang)) << "</title>\n<style>" << kReportCss << "</style>\n</head>\n<body>\n<main>\n";

    // ---------------------------------------------------------------- summary
    o << "<header id=\"summary\">\n<h1>" << html_escape(p.name_in(lang)) << "</h1>\n";
    if (!p.note_in(lang).empty()) o << "<p class=\"note\"><strong>" << T("数据说明：", "About the data: ") << "</strong>" << html_escape(p.note_in(lang)) << "</p>\n";
    o << "<div class=\"summary\">\n<dl>\n";
    o << "<dt>" << T("出行方式", "Travel model") << "</dt><dd>" << html_escape(travel.describe(lang)) << "</dd>\n";
    o << "<dt>" << T("情景", "Scenario") << "</dt><dd>" << html_escape(p.word(r.scenario.name, lang)) << "</dd>\n";
    if (r.targets) {
        o << "<dt>" << T("目标年份", "Target year") << "</dt><dd>" << r.year << "</dd>\n";
        if (!r.targets->plan.empty()) o << "<dt>" << T("规划", "Plan") << "</dt><dd>" << html_escape(r.targets->plan) << "</dd>\n";
    }
    o << "<dt>" << T("镇街", "Towns") << "</dt><dd>" << nt << "</dd>\n";
    o << "<dt>" << T("主要设施（情景内）", "Main facilities (in scenario)") << "</dt><dd>" << r.main_rows.size();
    if (!p.travel.main_types.empty()) {
        o << " <span style=\"font-weight:400\">(";
        for (size_t i = 0; i < p.travel.main_types.size(); ++i) o << (i ? T("、", ", ") : "") << html_escape(p.word(p.travel.main_types[i], lang));
        o << ")</span>";
    }
    o << "</dd>\n";
    o << "<dt>" << T("住户总数", "Households") << "</dt><dd>" << with_commas(total_hh) << "</dd>\n";
    if (r.outside_households > 0)
        o << "<dt>" << T("镇街外住户（未计入）", "Outside every town (not counted)") << "</dt><dd>" << with_commas(r.outside_households) << "</dd>\n";
    o << "</dl>\n";
    if (nc) {
        o << "<table class=\"circles\" id=\"circles\"><thead><tr><th>" << T("服务圈", "Circle") << "</th><th>" << T("覆盖住户", "Households covered")
          << "</th><th>" << T("占比", "Share") << "</th><th>" << T("计入的设施类型", "Facility types counted") << "</th></tr></thead><tbody>\n";
        for (size_t c = 0; c < nc; ++c) {
            o << "<tr><td>" << gnum(r.circles_min[c]) << T(" 分钟", " min") << "</td><td class=\"n\">" << with_commas(covered_total[c])
              << "</td><td class=\"n\">" << (total_hh > 0 ? pct(covered_total[c] / total_hh) : "—") << "</td><td>";
            bool first = true;
            for (const auto& type : p.travel.main_types)
                if (counts_for_circle(p, type, r.circles_min[c])) {
                    o << (first ? "" : T("、", ", ")) << html_escape(p.word(type, lang));
                    first = false;
                }
            o << "</td></tr>\n";
        }
        o << "</tbody></table>\n";
    }
    o << "</div>\n</header>\n";

    // ---------------------------------------------------------------- map
    const double minx = s.towns->min_x, maxx = s.towns->max_x, miny = s.towns->min_y, maxy = s.towns->max_y;
    const double ext = std::max(maxx - minx, maxy - miny);
    Frame fr;
    fr.minx = minx;
    fr.maxy = maxy;
    fr.k = ext > 0 ? kMapUnits / ext : 1;
    const long mw = std::lround((maxx - minx) * fr.k), mh = std::lround((maxy - miny) * fr.k);
    const long lx = kPad * 2 + mw;  // legend panel
    const long width = lx + kLegendWidth;
    // Facilities of the main types, grouped by type and by existing / planned (in the scenario).
    std::vector<std::string> fac_types = p.travel.main_types;
    std::vector<std::vector<uint32_t>> fac_rows[2];  // [planned][type] facility rows
    for (uint32_t row : r.main_rows) {
        const std::string& type = s.fac_type_value[row];
        size_t i = std::find(fac_types.begin(), fac_types.end(), type) - fac_types.begin();
        if (i == fac_types.size()) fac_types.push_back(type);
        const std::string status = s.fac_status >= 0 ? s.facilities->text(row, s.fac_status) : "";
        auto& rows = fac_rows[status.rfind("planned", 0) == 0 ? 1 : 0];
        rows.resize(fac_types.size());
        rows[i].push_back(row);
    }
    const bool any_planned = !fac_rows[1].empty();
    const int legend_lines = 13 + (site && !site->sites.empty() ? 1 : 0) + (any_planned ? 1 : 0);
    const long height = std::max<long>(kPad + mh + kBottom, kPad * 2 + legend_lines * 46 + 120);

    o << "<section id=\"map-section\">\n<h2>" << T("地图：", "Map: ") << main_min << T(" 分钟服务圈覆盖率", "-minute coverage by town") << "</h2>\n";
    // The layers the map draws, each a check box of the interactive map (report_html_map.hpp).
    std::vector<MapToggle> toggles{{"towns", T("镇街覆盖率", "Coverage by town")}, {"labels", T("镇街名称", "Town names")},
                                   {"uncovered", T("未覆盖住户点", "Uncovered households")}};
    if (fac_types.size() > 1)
        for (size_t i = 0; i < fac_types.size(); ++i) toggles.push_back({"type" + std::to_string(i), p.word(fac_types[i], lang)});
    else
        toggles.push_back({"type0", T("主要设施", "Main facilities")});
    if (any_planned) {
        toggles.push_back({"existing", p.word("existing", lang)});
        toggles.push_back({"planned", p.word("planned", lang)});
    }
    if (site && !site->sites.empty()) toggles.push_back({"sites", T("建议新址", "Proposed sites")});

    // The map pane (a nested svg) is what pan and zoom move, through its viewBox; the legend,
    // scale bar and north arrow around it stay put.
    const long pane_w = kPad * 2 + mw, pane_h = kPad * 2 + mh;
    o << "<div class=\"figure map-figure\" id=\"map-figure\">\n";
    html_map_controls(o, T, toggles);
    o << "<svg id=\"map\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\" aria-label=\""
      << T("镇街覆盖率地图", "Map of coverage by town") << "\" font-family=\"inherit\">\n";
    o << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"#fff\"/>\n";
    o << "<svg id=\"map-pane\" x=\"0\" y=\"0\" width=\"" << pane_w << "\" height=\"" << pane_h << "\" viewBox=\"0 0 " << pane_w << " " << pane_h
      << "\" data-m-per-unit=\"" << key(1 / fr.k) << "\">\n";
    // Towns, simplified for the screen (tolerance ~ one SVG unit).
    const double tol = ext / kMapUnits;
    bool any_nodata = false;
    o << "<g id=\"towns\" data-layers=\"towns\">\n";
    std::vector<std::pair<long, long>> label_at(nt, {-1, -1});
    TownShapes shapes;  // kept for the accessibility map of the service section
    shapes.width = kPad * 2 + mw, shapes.height = kPad * 2 + mh;
    shapes.path.resize(nt);
    for (size_t t = 0; t < nt; ++t) {
        const GEOSGeometry* g = s.town_set->geom(t);
        geo::GeomPtr simple(g ? GEOSTopologyPreserveSimplify_r(geo::geos(), g, tol) : nullptr);
        std::string d = polygon_path(simple ? simple.get() : g, fr);
        if (d.empty() && g) d = polygon_path(g, fr);
        shapes.path[t] = d;
        auto sh = share_of(imain, t);
        any_nodata |= !sh;
        const std::string fill = sh ? kShareColours[share_class(*sh)] : kNoDataColour;
        o << "<path class=\"town\" id=\"map-town-" << t << "\" data-t=\"" << t << "\" fill=\"" << fill << "\" fill-rule=\"evenodd\" d=\"" << d
          << "\"><title>" << html_escape(town_label(t)) << ": " << (sh ? pct(*sh) : std::string(T("无住户", "no households"))) << "</title></path>\n";
        if (g) {
            geo::GeomPtr pt(GEOSPointOnSurface_r(geo::geos(), g));
            double x, y;
            if (pt && GEOSGeomGetX_r(geo::geos(), pt.get(), &x) && GEOSGeomGetY_r(geo::geos(), pt.get(), &y)) label_at[t] = {fr.X(x), fr.Y(y)};
        }
    }
    o << "</g>\n";
    // Uncovered households: one dot per distinct SVG unit cell, thinned evenly beyond the cap.
    std::vector<std::pair<long, long>> dots;
    double uncovered_hh = 0;
    size_t uncovered_points = 0;
    if (nc && nd) {
        // Hashed, not ordered: the dots keep their first-seen order either way.
        std::unordered_set<std::pair<long, long>, CellHash> seen;
        seen.reserve(nd / 4);
        for (size_t d = 0; d < nd; ++d) {
            if (r.covered[imain][d] || s.dem_town[d].town < 0 || !(s.dem_weight_value[d] > 0)) continue;
            uncovered_hh += s.dem_weight_value[d];
            ++uncovered_points;
            std::pair<long, long> c{fr.X(s.demand->point[d].x), fr.Y(s.demand->point[d].y)};
            if (seen.insert(c).second) dots.push_back(c);
        }
    }
    size_t stride = 1;
    if (dots.size() > kMaxUncoveredDots) stride = (dots.size() + kMaxUncoveredDots - 1) / kMaxUncoveredDots;
    {
        std::string d;
        long px = 0, py = 0;
        bool first = true;
        size_t shown = 0;
        for (size_t i = 0; i < dots.size(); i += stride, ++shown) {
            d += first ? 'M' : 'm';
            d += std::to_string(first ? dots[i].first : dots[i].first - px);
            d += ' ';
            d += std::to_string(first ? dots[i].second : dots[i].second - py);
            d += "h0";
            px = dots[i].first;
            py = dots[i].second;
            first = false;
        }
        o << "<path id=\"uncovered\" data-layers=\"uncovered\" data-count=\"" << shown << "\" fill=\"none\" stroke=\"" << kUncoveredColour
          << "\" stroke-width=\"5\" stroke-linecap=\"round\" d=\"" << d << "\"/>\n";
    }
    // Facilities of the main types: one group per type and status (planned ones drawn hollow).
    o << "<g id=\"facilities\">\n";
    for (int planned = 0; planned < 2; ++planned)
        for (size_t i = 0; i < fac_rows[planned].size(); ++i) {
            if (fac_rows[planned][i].empty()) continue;
            o << "<g class=\"fac" << (planned ? " pl" : "") << "\" data-layers=\"type" << i << (any_planned ? planned ? " planned" : " existing" : "") << "\" "
              << (planned ? std::string("fill=\"#fff\" stroke=\"") + kFacilityColour + "\" stroke-width=\"3\""
                          : std::string("fill=\"") + kFacilityColour + "\" stroke=\"#fff\" stroke-width=\"2\"")
              << ">\n";
            for (uint32_t row : fac_rows[planned][i]) {
                const geo::XY& pt = s.facilities->point[row];
                std::string tip = s.fac_name >= 0 ? s.facilities->text(row, s.fac_name) : "";
                if (tip.empty() && s.fac_id >= 0) tip = s.facilities->text(row, s.fac_id);
                o << "<circle cx=\"" << fr.X(pt.x) << "\" cy=\"" << fr.Y(pt.y) << "\" r=\"7\"><title>" << html_escape(tip) << " ("
                  << html_escape(p.word(s.fac_type_value[row], lang)) << (planned ? std::string(T("，", ", ")) + p.word("planned", lang) : "")
                  << ")</title></circle>\n";
            }
            o << "</g>\n";
        }
    o << "</g>\n";
    // Proposed sites.
    if (site && !site->sites.empty()) {
        o << "<g id=\"sites\" data-layers=\"sites\">\n";
        for (const auto& st : site->sites) {
            const long x = fr.X(st.xy.x), y = fr.Y(st.xy.y);
            o << "<path d=\"M" << x << " " << y - 16 << "l16 16-16 16-16-16z\" fill=\"#ff7f00\" stroke=\"#000\" stroke-width=\"2\"><title>"
              << html_escape(st.label + " " + st.detail) << "</title></path><text x=\"" << x + 20 << "\" y=\"" << y + 8
              << "\" class=\"tlabel\" style=\"font-size:calc(24px*var(--sz,1));text-anchor:start\">" << html_escape(st.label) << "</text>\n";
        }
        o << "</g>\n";
    }
    // Town labels on top.
    o << "<g id=\"town-labels\" data-layers=\"labels\">\n";
    for (size_t t = 0; t < nt; ++t)
        if (label_at[t].first >= 0)
            o << "<text class=\"tlabel\" x=\"" << label_at[t].first << "\" y=\"" << label_at[t].second << "\">"
              << html_escape(s.town_set->name(t).empty() ? s.town_set->id(t) : s.town_set->name(t)) << "</text>\n";
    o << "</g>\n</svg>\n";
    // Scale bar (a round number of km, about a fifth of the map width; the script redraws it for
    // the zoom, from data-max-m) and north arrow.
    {
        const double km = scale_bar_km((maxx - minx) / 4);
        const long len = std::lround(km * 1000 * fr.k), x0 = kPad, y0 = kPad + mh + 40;
        o << "<g id=\"scalebar\" font-size=\"" << kFont << "\" data-max-m=\"" << key((maxx - minx) / 4) << "\">\n"
          << "<rect x=\"" << x0 << "\" y=\"" << y0 << "\" width=\"" << len / 2 << "\" height=\"12\" fill=\"#222\"/>"
          << "<rect x=\"" << x0 + len / 2 << "\" y=\"" << y0 << "\" width=\"" << len - len / 2 << "\" height=\"12\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"2\"/>\n"
          << "<text x=\"" << x0 << "\" y=\"" << y0 + 46 << "\">0</text><text x=\"" << x0 + len << "\" y=\"" << y0 + 46
          << "\" text-anchor=\"middle\">" << km_text(km) << "</text>\n</g>\n";
        const long nx = lx - kPad - 30, ny = kPad + mh + 20;
        o << "<g id=\"north\"><path d=\"M" << nx << " " << ny << "l-16 44 16-12 16 12z\" fill=\"#222\"/><text x=\"" << nx << "\" y=\"" << ny + 80
          << "\" text-anchor=\"middle\" font-size=\"" << kFont << "\">N</text></g>\n";
    }
    // Legend.
    const bool osm = ends_with(p.network.src.path, ".pbf") || ends_with(p.demand.src.path, ".pbf") || ends_with(p.towns.src.path, ".pbf") ||
                     ends_with(p.facilities.src.path, ".pbf") || ends_with(p.network.src.path, ".osm");
    {
        long y = kPad + 36;
        const long x = lx + 10;
        o << "<g id=\"legend\" class=\"legend\">\n";
        o << "<text x=\"" << x << "\" y=\"" << y << "\" font-weight=\"bold\">" << main_min << T(" 分钟服务圈覆盖率", "-minute coverage") << "</text>\n";
        y += 34;
        o << "<text x=\"" << x << "\" y=\"" << y << "\" class=\"small\">" << T("（镇街住户占比）", "(share of the town's households)") << "</text>\n";
        y += 20;
        for (int c = kShareClasses - 1; c >= 0; --c) {
            const int lo = c * 100 / kShareClasses, hi = (c + 1) * 100 / kShareClasses;
            o << "<rect class=\"legend-class\" x=\"" << x << "\" y=\"" << y << "\" width=\"56\" height=\"34\" fill=\"" << kShareColours[c]
              << "\" stroke=\"#888\"/><text x=\"" << x + 70 << "\" y=\"" << y + 27 << "\">"
              << (c == 0 ? "≤ " + std::to_string(hi) + "%" : std::to_string(lo) + "–" + std::to_string(hi) + "%") << "</text>\n";
            y += 42;
        }
        if (any_nodata) {
            o << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"56\" height=\"34\" fill=\"" << kNoDataColour
              << "\" stroke=\"#888\"/><text x=\"" << x + 70 << "\" y=\"" << y + 27 << "\">" << T("无住户", "no households") << "</text>\n";
            y += 42;
        }
        y += 22;
        o << "<circle cx=\"" << x + 28 << "\" cy=\"" << y << "\" r=\"9\" fill=\"" << kFacilityColour << "\" stroke=\"#fff\" stroke-width=\"2\"/>"
          << "<text x=\"" << x + 70 << "\" y=\"" << y + 10 << "\">" << T("主要设施", "Main facilities") << " (" << r.main_rows.size() << ")</text>\n";
        y += 34;
        std::string types;
        for (size_t i = 0; i < p.travel.main_types.size(); ++i) types += (i ? ", " : "") + p.word(p.travel.main_types[i], lang);
        if (!types.empty()) {
            // Long type lists wrap at commas.
            std::string line;
            std::vector<std::string> lines;
            for (size_t i = 0; i < p.travel.main_types.size(); ++i) {
                std::string piece = p.word(p.travel.main_types[i], lang) + (i + 1 < p.travel.main_types.size() ? "," : "");
                if (!line.empty() && line.size() + piece.size() > 36) {
                    lines.push_back(line);
                    line.clear();
                }
                line += (line.empty() ? "" : " ") + piece;
            }
            if (!line.empty()) lines.push_back(line);
            for (const auto& l : lines) {
                o << "<text x=\"" << x + 70 << "\" y=\"" << y << "\" class=\"small\">" << html_escape(l) << "</text>\n";
                y += 28;
            }
        }
        if (any_planned) {
            y += 14;
            size_t n = 0;
            for (const auto& rows : fac_rows[1]) n += rows.size();
            o << "<circle cx=\"" << x + 28 << "\" cy=\"" << y << "\" r=\"8\" fill=\"#fff\" stroke=\"" << kFacilityColour << "\" stroke-width=\"3\"/>"
              << "<text x=\"" << x + 70 << "\" y=\"" << y + 10 << "\">" << T("其中规划设施", "of which planned") << " (" << n << ")</text>\n";
            y += 34;
        }
        y += 14;
        o << "<path d=\"M" << x + 22 << " " << y << "h0m12 0h0m-6 -8h0\" stroke=\"" << kUncoveredColour
          << "\" stroke-width=\"7\" stroke-linecap=\"round\"/><text x=\"" << x + 70 << "\" y=\"" << y + 10 << "\">"
          << T("未覆盖住户点", "Uncovered households") << "</text>\n";
        y += 32;
        o << "<text x=\"" << x + 70 << "\" y=\"" << y << "\" class=\"small\">" << with_commas(uncovered_hh) << T(" 户，", " households, ")
          << with_commas(static_cast<double>(uncovered_points)) << T(" 个点", " points") << "</text>\n";
        y += 28;
        if (stride > 1) {
            o << "<text x=\"" << x + 70 << "\" y=\"" << y << "\" class=\"small\">" << T("（抽稀显示：每 ", "(thinned: 1 dot in ") << stride
              << T(" 个显示 1 个）", " shown)") << "</text>\n";
            y += 28;
        }
        if (site && !site->sites.empty()) {
            y += 14;
            o << "<path d=\"M" << x + 28 << " " << y - 16 << "l16 16-16 16-16-16z\" fill=\"#ff7f00\" stroke=\"#000\" stroke-width=\"2\"/><text x=\""
              << x + 70 << "\" y=\"" << y + 10 << "\">" << T("建议新址", "Proposed sites") << " (" << site->sites.size() << ")</text>\n";
            y += 42;
        }
        y += 20;
        o << "<text x=\"" << x << "\" y=\"" << y << "\" class=\"small\">" << T("坐标系 ", "Drawn in ") << "EPSG:" << s.metric_epsg << "</text>\n";
        y += 30;
        o << "<text x=\"" << x << "\" y=\"" << y << "\" class=\"small\" id=\"map-attribution\">"
          << html_escape(osm ? "© OpenStreetMap contributors" : std::string(T("数据：见上方数据说明", "Data: see the note above"))) << "</text>\n";
        o << "</g>\n";
    }
    o << "</svg>\n<div class=\"map-tip\" id=\"map-tip\" role=\"status\" hidden></div>\n";
    html_map_data(o, s, r, T, town_label, order, imain);
    o << "</div>\n";
    // Attribution / data notes (the only place a web address may appear).
    if (osm) {
        o << "<p class=\"attribution\">" << T("地图数据 ", "Map data ")
          << "<a href=\"https://www.openstreetmap.org/copyright\">© OpenStreetMap contributors</a> (ODbL 1.0)</p>\n";
    } else {
        std::string files;
        for (const std::string* path : {&p.towns.src.path, &p.facilities.src.path, &p.demand.src.path, &p.network.src.path})
            if (!path->empty()) files += (files.empty() ? "" : ", ") + fs::path(*path).filename().string();
        o << "<p class=\"attribution\">" << T("数据：", "Data: ") << html_escape(files)
          << (p.note_in(lang).empty() ? std::string() : std::string(T("。", ". ")) + html_escape(p.note_in(lang))) << "</p>\n";
    }
    o << "</section>\n";

    // ---------------------------------------------------------------- compliance table
    o << "<section id=\"compliance\">\n<h2>" << T("各镇街指标达标情况（约束性指标在前）", "Indicators by town (binding first)") << "</h2>\n";
    if (inds.empty()) {
        o << "<p>" << T("未提供指标文件。", "No targets file was given.") << "</p>\n";
    } else {
        o << "<p class=\"key\"><span class=\"st-met\" style=\"background:#d9f0d3\">" << status_text(Status::met, T)
          << "</span><span style=\"background:#fdd0c5\">" << status_text(Status::missed, T) << "</span><span style=\"background:#eee\">"
          << status_text(Status::no_data, T) << "</span>" << T("点击表头排序。", "Click a column header to sort.") << "</p>\n";
        o << "<div class=\"scroll\">\n<table class=\"compliance sortable\" id=\"compliance-table\">\n<thead><tr>"
          << "<th class=\"tn\" data-type=\"text\">" << T("镇街", "Town") << "</th><th data-type=\"num\">" << T("住户", "Households") << "</th>"
          << "<th data-type=\"num\">" << main_min << T(" 分钟覆盖率", "-min coverage") << "</th><th data-type=\"num\">"
          << T("未达标指标数", "Indicators missed") << "</th>";
        for (size_t i : order) {
            const Indicator& ind = inds[i];
            const auto& pooled = r.city[i].pooled;
            o << "<th data-type=\"num\" data-indicator=\"" << html_escape(ind.id) << "\" title=\"" << html_escape(ind.id + ": " + ind.source) << "\">"
              << html_escape(ind.name(lang));
            if (ind.binding) o << "<span class=\"badge\">" << T("约束性", "binding") << "</span>";
            std::string unit = unit_text(ind, T);
            if (pooled.target)
                o << "<span class=\"tgt\">" << T("目标 ", "target ") << html_escape(pooled.comparator) << " " << value_text(ind, *pooled.target)
                  << (unit.empty() || unit == "%" ? "" : " " + unit) << "</span>";
            o << "</th>";
        }
        o << "</tr></thead>\n<tbody>\n";
        for (size_t t = 0; t < nt; ++t) {
            int missed = 0;
            for (size_t i = 0; i < inds.size(); ++i) missed += r.evals[i][t].status == Status::missed;
            auto sh = share_of(imain, t);
            o << "<tr class=\"town-row\" data-t=\"" << t << "\"><td data-v=\"" << html_escape(town_label(t)) << "\"><a href=\"#town-" << t << "\">"
              << html_escape(town_label(t)) << "</a></td><td class=\"n\" data-v=\"" << key(r.town_households[t]) << "\">"
              << with_commas(r.town_households[t]) << "</td><td class=\"n " << (sh ? "" : "st-nodata") << "\" data-v=\""
              << (sh ? key(*sh) : "") << "\">" << (sh ? pct(*sh) : "—") << "</td><td class=\"n\" data-v=\"" << missed << "\">" << missed << "</td>";
            for (size_t i : order) {
                const Indicator& ind = inds[i];
                const Evaluation& e = r.evals[i][t];
                const std::string& gap = T.zh ? e.gap_text_zh : e.gap_text;
                o << "<td class=\"n " << status_class(e.status) << "\" data-v=\"" << (e.value ? key(*e.value) : "") << "\" title=\""
                  << status_text(e.status, T);
                if (e.target) o << "; " << T("目标 ", "target ") << html_escape(e.comparator) << " " << value_text(ind, *e.target);
                o << "\">" << (e.value ? value_text(ind, *e.value) : "—");
                if (e.status != Status::met && !gap.empty()) o << "<span class=\"gap\">" << html_escape(gap) << "</span>";
                o << "</td>";
            }
            o << "</tr>\n";
        }
        o << "</tbody>\n<tfoot><tr class=\"city-row\"><td>" << T("全市", "City") << "</td><td class=\"n\">" << with_commas(total_hh)
          << "</td><td class=\"n\">" << (nc && total_hh > 0 ? pct(covered_total[imain] / total_hh) : "—") << "</td><td></td>";
        for (size_t i : order) {
            const Indicator& ind = inds[i];
            const CityRollup& c = r.city[i];
            const Status st = c.rollup_status ? *c.rollup_status : c.pooled.status;
            o << "<td class=\"n " << status_class(st) << "\">" << (c.pooled.value ? value_text(ind, *c.pooled.value) : "—") << "<span class=\"tgt\">"
              << with_commas(c.towns_met) << "/" << with_commas(c.towns_with_data) << T(" 镇街达标", " towns met") << "</span></td>";
        }
        o << "</tr></tfoot>\n</table>\n</div>\n";
    }
    o << "</section>\n";

    html_units_section(o, s, r, T);

    // ---------------------------------------------------------------- reach, service, equity
    html_service_section(o, s, r, T, town_label, shapes);

    // ---------------------------------------------------------------- town panels
    o << "<section id=\"towns-section\">\n<h2>" << T("各镇街概况（按 ", "Towns (lowest ") << main_min
      << T(" 分钟覆盖率由低到高）", "-minute coverage first)") << "</h2>\n<div class=\"towns\">\n";
    std::vector<size_t> towns(nt);
    for (size_t t = 0; t < nt; ++t) towns[t] = t;
    std::stable_sort(towns.begin(), towns.end(), [&](size_t a, size_t b) {
        auto x = share_of(imain, a), y = share_of(imain, b);
        return x.value_or(2.0) < y.value_or(2.0);
    });
    for (size_t t : towns) {
        o << "<div class=\"town-card\" id=\"town-" << t << "\">\n<h3>" << html_escape(town_label(t)) << " <small>" << html_escape(s.town_set->id(t))
          << "</small></h3>\n<div>" << T("住户：", "Households: ") << with_commas(r.town_households[t]) << "</div>\n";
        for (size_t c = 0; c < nc; ++c) {
            auto sh = share_of(c, t);
            o << "<div class=\"bar\"><span class=\"l\">" << gnum(r.circles_min[c]) << T(" 分钟", " min") << "</span><span class=\"b\">";
            if (sh)
                o << "<i style=\"width:" << num(std::clamp(*sh, 0.0, 1.0) * 100, 1) << "%\"></i>";
            o << "</span><span class=\"v\">" << (sh ? pct(*sh) : "—") << "</span></div>\n";
        }
        std::vector<size_t> missed;
        for (size_t i : order)
            if (r.evals[i][t].status == Status::missed) missed.push_back(i);
        if (!inds.empty()) {
            if (missed.empty()) o << "<div class=\"ok\">" << T("全部有数据的指标均达标", "Every indicator with data is met") << "</div>\n";
            else {
                o << "<div>" << T("未达标指标 ", "Indicators missed: ") << missed.size() << "</div><ul>";
                for (size_t i : missed) {
                    const Evaluation& e = r.evals[i][t];
                    o << "<li>" << html_escape(inds[i].name(lang)) << (inds[i].binding ? T("（约束性）", " (binding)") : "");
                    const std::string& gap = T.zh ? e.gap_text_zh : e.gap_text;
                    if (!gap.empty()) o << T("：", ": ") << html_escape(gap);
                    o << "</li>";
                }
                o << "</ul>\n";
            }
        }
        o << "</div>\n";
    }
    o << "</div>\n</section>\n";

    // ---------------------------------------------------------------- siting
    if (site) {
        o << "<section id=\"siting\">\n<h2>" << html_escape(site->title.empty() ? std::string(T("建议新址", "Proposed sites")) : site->title) << "</h2>\n";
        if (!site->notes.empty()) o << "<p>" << html_escape(site->notes) << "</p>\n";
        if (!site->sites.empty()) {
            o << "<table id=\"sites-table\"><thead><tr><th>#</th><th>" << T("新址", "Site") << "</th><th>" << T("说明", "Detail")
              << "</th></tr></thead><tbody>\n";
            for (size_t i = 0; i < site->sites.size(); ++i)
                o << "<tr><td class=\"n\">" << i + 1 << "</td><td>" << html_escape(site->sites[i].label) << "</td><td>" << html_escape(site->sites[i].detail)
                  << "</td></tr>\n";
            o << "</tbody></table>\n";
        }
        if (site->marginal.size() >= 2) {
            // Line chart of the covered share against the number of sites.
            const int W = 900, H = 420, L = 90, R = 30, Tp = 30, B = 70;
            int kmin = site->marginal.front().first, kmax = site->marginal.front().first;
            double ymin = 1, ymax = 0;
            for (const auto& [k, v] : site->marginal) {
                kmin = std::min(kmin, k);
                kmax = std::max(kmax, k);
                ymin = std::min(ymin, v);
                ymax = std::max(ymax, v);
            }
            double y0 = std::floor(std::max(0.0, ymin) * 10) / 10, y1 = std::ceil(std::min(1.0, std::max(ymax, y0 + 0.01)) * 10) / 10;
            if (y1 <= y0) y1 = y0 + 0.1;
            auto X = [&](double k) { return L + std::lround((k - kmin) * (W - L - R) / std::max(1, kmax - kmin)); };
            auto Y = [&](double v) { return Tp + std::lround((y1 - v) * (H - Tp - B) / (y1 - y0)); };
            o << "<div class=\"figure\" style=\"max-width:920px\"><svg id=\"marginal-chart\" viewBox=\"0 0 " << W << " " << H << "\" role=\"img\" aria-label=\""
              << T("新增站点数与覆盖率", "Coverage against the number of new sites") << "\" font-size=\"16\">\n";
            o << "<rect width=\"" << W << "\" height=\"" << H << "\" fill=\"#fff\"/>\n";
            for (int i = 0; i <= 5; ++i) {
                double v = y0 + (y1 - y0) * i / 5;
                o << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << Y(v) << "\" y2=\"" << Y(v) << "\" stroke=\"#ddd\"/><text x=\"" << L - 8
                  << "\" y=\"" << Y(v) + 5 << "\" text-anchor=\"end\">" << pct(v, 0) << "</text>\n";
            }
            const int step = std::max(1, (kmax - kmin) / 10);
            for (int k = kmin; k <= kmax; k += step)
                o << "<text x=\"" << X(k) << "\" y=\"" << H - B + 22 << "\" text-anchor=\"middle\">" << k << "</text>\n";
            o << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << H - B << "\" y2=\"" << H - B << "\" stroke=\"#444\"/>"
              << "<line x1=\"" << L << "\" x2=\"" << L << "\" y1=\"" << Tp << "\" y2=\"" << H - B << "\" stroke=\"#444\"/>\n";
            o << "<text x=\"" << (L + W - R) / 2 << "\" y=\"" << H - 18 << "\" text-anchor=\"middle\">" << T("新增站点数", "New sites (k)") << "</text>\n";
            o << "<text transform=\"translate(22 " << (Tp + H - B) / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
              << T("覆盖住户占比", "Households covered") << "</text>\n";
            std::string d;
            for (const auto& [k, v] : site->marginal) d += (d.empty() ? "M" : "L") + std::to_string(X(k)) + " " + std::to_string(Y(v));
            o << "<path id=\"marginal-line\" d=\"" << d << "\" fill=\"none\" stroke=\"#08519c\" stroke-width=\"3\"/>\n";
            for (const auto& [k, v] : site->marginal)
                o << "<circle cx=\"" << X(k) << "\" cy=\"" << Y(v) << "\" r=\"4\" fill=\"#08519c\"><title>k = " << k << ": " << pct(v) << "</title></circle>\n";
            o << "</svg></div>\n";
        }
        o << "</section>\n";
    }

    // ---------------------------------------------------------------- footer
    o << "<footer>\n<p>"
      << T("服务圈按 GB 50180-2018 分级计算，不相互替代：高等级设施不计入低等级服务圈。覆盖按住户到设施的出行时间计算，地图上的镇街边界已为显示而简化。",
           "Circles follow GB 50180-2018 levels and are not inclusive: a higher-level facility does not count toward a lower-level circle. "
           "Coverage is counted from each household's travel time; town outlines on the map are simplified for display.")
      << "</p>\n<p>" << T("由 lifecircle ", "Made by lifecircle ") << LC_VERSION << T(" 生成；GIS 图层见 coverage.gpkg，表格见 compliance.csv。",
                                                                                   "; GIS layers in coverage.gpkg, tables in compliance.csv.")
      << "</p>\n</footer>\n</main>\n<script>" << kReportJs << kMapJs << "</script>\n</body>\n</html>\n";
    return o.str();
}

void write_report_html(const std::string& path, const Study& study, const TravelModel& travel, const AnalysisResult& result,
                       const std::string& lang, const SiteReport* site) {
    geo::write_text_atomic(path, report_html(study, travel, result, lang, site));
}

}  // namespace lc::cov
