#include "coverage/report/report_html_map.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "coverage/study/text.hpp"

namespace lc::cov {

namespace {

std::string share_text(double part, double whole, const Tr& T) {
    if (!(whole > 0) || !std::isfinite(part / whole)) return status_text(Status::no_data, T);
    return value_text("share", part / whole);
}

std::string minutes_text(double m) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", m);
    return buf;
}

}  // namespace

void html_map_controls(std::ostream& o, const Tr& T, const std::vector<MapToggle>& toggles) {
    o << "<div class=\"map-tools\" id=\"map-tools\" hidden>\n<div class=\"map-zoom\">"
      << "<button type=\"button\" data-zoom=\"in\" title=\"" << T("放大", "Zoom in") << "\" aria-label=\"" << T("放大", "Zoom in") << "\">+</button>"
      << "<button type=\"button\" data-zoom=\"out\" title=\"" << T("缩小", "Zoom out") << "\" aria-label=\"" << T("缩小", "Zoom out") << "\">−</button>"
      << "<button type=\"button\" data-zoom=\"reset\">" << T("全图", "Full view") << "</button>"
      << "<span class=\"map-hint\">" << T("拖动平移，滚轮或双指缩放；指向或轻触镇街查看数据", "Drag to pan, wheel or pinch to zoom; point at or tap a town for its figures")
      << "</span></div>\n<fieldset class=\"map-layers\"><legend>" << T("图层", "Layers") << "</legend>";
    for (const MapToggle& t : toggles)
        o << "<label><input type=\"checkbox\" checked value=\"" << markup_escape(t.key) << "\"> " << markup_escape(t.label) << "</label>";
    o << "</fieldset>\n</div>\n";
}

void html_map_data(std::ostream& o, const Study& s, const AnalysisResult& r, const Tr& T,
                   const std::function<std::string(size_t)>& town_label, const std::vector<size_t>& order, size_t imain) {
    const size_t nt = s.town_set->size(), nc = r.circles_min.size();
    const bool served = r.has_capacity && imain < r.town_served.size();
    const bool has_inds = r.targets && !r.targets->indicators.empty();
    const std::string no_data = status_text(Status::no_data, T);

    // The row names once, each town's values in the same order.
    nlohmann::ordered_json fields = nlohmann::ordered_json::array();
    fields.push_back(T("住户", "Households"));
    for (size_t c = 0; c < nc; ++c) fields.push_back(minutes_text(r.circles_min[c]) + T(" 分钟覆盖率", "-min coverage"));
    if (served) fields.push_back(minutes_text(r.circles_min[imain]) + T(" 分钟获服务", "-min served"));
    if (has_inds) {
        fields.push_back(T("指标", "Indicators"));
        fields.push_back(T("未达标指标", "Indicators missed"));
    }
    nlohmann::ordered_json towns = nlohmann::ordered_json::array();
    for (size_t t = 0; t < nt; ++t) {
        const double hh = r.town_households[t];
        nlohmann::ordered_json row = nlohmann::ordered_json::array();
        row.push_back(town_label(t));
        row.push_back(std::isfinite(hh) ? with_commas(hh) : no_data);
        for (size_t c = 0; c < nc; ++c) row.push_back(share_text(r.town_covered[c][t], hh, T));
        if (served) row.push_back(share_text(r.town_served[imain][t], hh, T));
        if (has_inds) {
            // Status words with their counts ("达标 8 项，未达标 5 项" / "8 met, 5 missed").
            std::string counts;
            for (Status st : {Status::met, Status::missed, Status::no_target, Status::no_data}) {
                size_t n = 0;
                for (size_t i : order) n += r.evals[i][t].status == st;
                if (!n) continue;
                if (!counts.empty()) counts += T("，", ", ");
                counts += T.zh ? std::string(status_text(st, T)) + " " + std::to_string(n) + " 项" : std::to_string(n) + " " + status_text(st, T);
            }
            row.push_back(counts);
            // The first few missed indicators by name, binding ones first as in the table.
            constexpr size_t kNamed = 3;
            std::string missed;
            size_t n_missed = 0;
            for (size_t i : order) {
                if (r.evals[i][t].status != Status::missed) continue;
                if (n_missed++ < kNamed) missed += (missed.empty() ? "" : T("、", "; ")) + r.targets->indicators[i].name(T.zh ? "zh" : "en");
            }
            if (n_missed > kNamed)
                missed += T.zh ? "等 " + std::to_string(n_missed) + " 项" : " and " + std::to_string(n_missed - kNamed) + " more";
            row.push_back(n_missed ? missed : std::string(T("无", "none")));
        }
        towns.push_back(std::move(row));
    }
    nlohmann::ordered_json data;
    data["fields"] = std::move(fields);
    data["more"] = T("查看镇街详情", "Town details");
    data["towns"] = std::move(towns);
    // Invalid UTF-8 in a name becomes U+FFFD instead of throwing; '<' is escaped so no text can
    // close the script element.
    std::string json = data.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), safe;
    safe.reserve(json.size());
    for (char c : json) safe += c == '<' ? std::string("\\u003c") : std::string(1, c);
    o << "<script type=\"application/json\" id=\"map-data\">" << safe << "</script>\n";
}

}  // namespace lc::cov
