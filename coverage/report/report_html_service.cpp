#include "coverage/report/report_html_service.hpp"

#include <algorithm>
#include <cmath>

#include "coverage/report/service_tables.hpp"
#include "coverage/report/styles.hpp"
#include "coverage/report/tables.hpp"
#include "coverage/study/text.hpp"

namespace lc::cov {
namespace {

std::string pct(std::optional<double> share) { return share ? fixed(100 * *share, 1) + "%" : std::string("—"); }
std::string data_v(std::optional<double> v) { return v ? fixed(*v, 9) : std::string(); }

// Words for the accessibility score: places (or facilities) per 1,000 households.
const char* access_unit(const AnalysisResult& r, const Tr& T) {
    return r.access_supply_is_count ? T("每千户可达设施数", "facilities per 1,000 households")
                                    : T("每千户可达服务名额", "places per 1,000 households");
}
std::string method_text(const AnalysisResult& r, const Tr& T) {
    std::string text = access_method_text(r.access.method, T.zh);
    if (r.access.method == AccessMethod::gravity) text += T("，衰减指数 ", ", decay exponent ") + fixed(r.access.beta, 2);
    return text + T("，服务半径 ", ", catchment ") + fixed(r.access_catchment_min, 0) + T(" 分钟", " min");
}

// Towns coloured by accessibility in five classes of equal town counts (quintiles of the town
// values), the class breaks in the legend: who has more places within reach per household.
void access_map(std::ostream& o, const ServiceView& v, const AnalysisResult& r, const Tr& T,
                const std::function<std::string(size_t)>& town_label, const TownShapes& shapes) {
    std::vector<double> values;
    for (const ServiceTown& t : v.towns)
        if (t.access) values.push_back(*t.access);
    if (values.empty()) return;
    std::sort(values.begin(), values.end());
    std::vector<double> upper;  // class k holds values <= upper[k]
    const size_t n = values.size(), classes = kShareColours.size();
    for (size_t k = 1; k <= classes; ++k) upper.push_back(values[(k * n + classes - 1) / classes - 1]);  // ceil(k n / 5) - 1
    upper.back() = values.back();
    auto class_of = [&](double x) {
        for (size_t k = 0; k < upper.size(); ++k)
            if (x <= upper[k]) return k;
        return upper.size() - 1;
    };
    const long lw = 330;
    o << "<h3>" << T("地图：各镇街可达性", "Map: accessibility by town") << "</h3>\n<div class=\"figure\">\n<svg id=\"access-map\" viewBox=\"0 0 "
      << shapes.width + lw << " " << std::max<long>(shapes.height, 420) << "\" role=\"img\" aria-label=\"" << T("镇街可达性地图", "Map of accessibility by town")
      << "\" font-family=\"inherit\">\n<g>\n";
    for (const ServiceTown& t : v.towns) {
        const char* fill = t.access ? kShareColours[class_of(*t.access)] : kNoDataColour;
        o << "<path class=\"access-town\" data-t=\"" << t.town << "\" fill=\"" << fill << "\" stroke=\"#fff\" stroke-width=\"2\" fill-rule=\"evenodd\" d=\""
          << shapes.path[t.town] << "\"><title>" << markup_escape(town_label(t.town)) << ": "
          << (t.access ? fixed(access_per_1000(*t.access), 2) + " " + access_unit(r, T) : std::string(T("无住户", "no households"))) << "</title></path>\n";
    }
    o << "</g>\n";
    const long x = shapes.width + 10;
    long y = 40;
    o << "<text x=\"" << x << "\" y=\"" << y << "\" font-size=\"26\" font-weight=\"bold\">" << T("可达性", "Accessibility") << "</text>\n";
    y += 30;
    o << "<text x=\"" << x << "\" y=\"" << y << "\" font-size=\"20\">" << T("（", "(") << access_unit(r, T) << T("）", ")") << "</text>\n";
    double lower = values.front();
    for (size_t k = 0; k < upper.size(); ++k) {
        y += 40;
        o << "<rect x=\"" << x << "\" y=\"" << y - 22 << "\" width=\"40\" height=\"28\" fill=\"" << kShareColours[k] << "\" stroke=\"#888\"/><text x=\""
          << x + 52 << "\" y=\"" << y << "\" font-size=\"22\">" << fixed(access_per_1000(lower), 2) << " – " << fixed(access_per_1000(upper[k]), 2) << "</text>\n";
        lower = upper[k];
    }
    o << "</svg>\n<p class=\"small\">" << T("分级：按镇街数五等分（五分位数）。", "Classes: quintiles of the towns' values (equal numbers of towns).")
      << "</p>\n</div>\n";
}

}  // namespace

void html_service_section(std::ostream& o, const Study& s, const AnalysisResult& r, const Tr& T,
                          const std::function<std::string(size_t)>& town_label, const TownShapes& shapes) {
    const ServiceView v = service_view(s, r);
    const std::string main_min = r.circles_min.empty() ? "" : circle_label(r.circles_min.back());
    const size_t main = r.circles_min.empty() ? 0 : r.circles_min.size() - 1;
    double hh = 0, reached = 0, served = 0;
    for (size_t t = 0; t < r.town_households.size(); ++t) {
        hh += r.town_households[t];
        if (!r.circles_min.empty()) reached += r.town_covered[main][t];
        if (v.has_capacity) served += r.town_served[main][t];
    }
    if (v.has_capacity || v.has_access) {
        o << "<section id=\"service\">\n<h2>" << T("可达、获服务与可达性", "Reach, service and accessibility") << "</h2>\n<p>";
        if (v.has_capacity)
            o << T("主要设施共有 ", "The main facilities hold ") << with_commas(r.capacity_total) << T(" 个服务名额。", " places. ")
              << main_min << T(" 分钟内可达的住户 ", " minutes on foot reach ") << with_commas(reached) << T(" 户（", " households (")
              << pct(hh > 0 ? std::optional<double>(reached / hh) : std::nullopt) << T("），按容量就近分配后获服务的住户 ", "); with each facility serving at most its capacity, nearest first, ")
              << with_commas(served) << T(" 户（", " households are served (") << pct(hh > 0 ? std::optional<double>(served / hh) : std::nullopt) << T("）。", ").");
        if (v.has_access)
            o << T(" 可达性：", " Accessibility: ") << method_text(r, T) << T("，单位为", ", in ") << access_unit(r, T)
              << T("；全市平均 ", "; city mean ") << (r.city_access ? fixed(access_per_1000(*r.city_access), 2) : std::string("—")) << T("。", ".");
        o << "</p>\n<div class=\"scroll\">\n<table class=\"sortable\" id=\"service-table\">\n<thead><tr><th class=\"tn\" data-type=\"text\">"
          << T("镇街", "Town") << "</th><th data-type=\"num\">" << T("住户", "Households") << "</th>";
        if (v.has_capacity) o << "<th data-type=\"num\">" << T("服务名额", "Places") << "</th>";
        o << "<th data-type=\"num\">" << main_min << T(" 分钟可达", "-min within reach") << "</th>";
        if (v.has_capacity) o << "<th data-type=\"num\">" << main_min << T(" 分钟获服务", "-min served") << "</th>";
        if (v.has_access) o << "<th data-type=\"num\">" << T("可达性（", "Accessibility (") << access_unit(r, T) << T("）", ")") << "</th>";
        o << "<th data-type=\"num\">" << T("可达排名", "Rank by reach") << "</th><th data-type=\"num\">"
          << (v.has_capacity ? T("获服务排名", "Rank by service") : T("可达性排名", "Rank by accessibility")) << "</th></tr></thead>\n<tbody>\n";
        for (const ServiceTown& t : v.towns) {
            o << "<tr><td>" << markup_escape(town_label(t.town)) << "</td><td class=\"n\" data-v=\"" << fixed(t.households, 2) << "\">"
              << with_commas(t.households) << "</td>";
            if (v.has_capacity) o << "<td class=\"n\" data-v=\"" << fixed(t.capacity, 2) << "\">" << with_commas(t.capacity) << "</td>";
            o << "<td class=\"n\" data-v=\"" << data_v(t.reached_share) << "\">" << pct(t.reached_share) << "</td>";
            if (v.has_capacity) o << "<td class=\"n\" data-v=\"" << data_v(t.served_share) << "\">" << pct(t.served_share) << "</td>";
            if (v.has_access)
                o << "<td class=\"n\" data-v=\"" << data_v(t.access) << "\">" << (t.access ? fixed(access_per_1000(*t.access), 2) : std::string("—")) << "</td>";
            o << "<td class=\"n\">" << (t.reach_rank ? std::to_string(t.reach_rank) : "—") << "</td><td class=\"n\">"
              << (t.adequacy_rank ? std::to_string(t.adequacy_rank) : "—") << "</td></tr>\n";
        }
        o << "</tbody>\n</table>\n</div>\n";
        if (v.has_access && shapes.path.size() == v.towns.size()) access_map(o, v, r, T, town_label, shapes);
        if (!v.rank_movers.empty()) {
            o << "<p>" << T("可达与", "Towns whose rank by reach and by ") << (v.has_capacity ? T("获服务", "service") : T("可达性", "accessibility"))
              << T("排名相差最大的镇街（可达不等于够用）：", " differ most (within reach is not the same as enough):") << "</p>\n<ul id=\"rank-movers\">\n";
            for (size_t i : v.rank_movers) {
                const ServiceTown& t = v.towns[i];
                o << "<li>" << markup_escape(town_label(t.town)) << T("：可达第 ", ": reach rank ") << t.reach_rank
                  << (v.has_capacity ? T("，获服务第 ", ", service rank ") : T("，可达性第 ", ", accessibility rank ")) << t.adequacy_rank << T(" 名", "") << "</li>\n";
            }
            o << "</ul>\n";
        }
        o << "</section>\n";
    }

    // ---- equity across towns ----
    if (r.equity.empty()) return;
    o << "<section id=\"equity\">\n<h2>" << T("均等化：镇街之间的差距", "Equity: how evenly towns are served") << "</h2>\n<p>"
      << T("基尼系数与泰尔指数按住户加权（每户取所在镇街的值，总体公式，不作小样本修正）：0 表示各镇街完全相同，越大差距越大。“最差十分之一”是处境最差的 10% 住户所在镇街的平均值。",
           "Gini and Theil indices weighted by households (each household takes its town's value; population formulas, no small-sample correction): 0 means every town is the same, larger means more unequal. \"Worst tenth\" is the mean over the 10% of households in the worst-off towns.")
      << "</p>\n<div class=\"scroll\">\n<table id=\"equity-table\">\n<thead><tr><th>" << T("指标", "Measure") << "</th><th>" << T("全市平均", "City mean")
      << "</th><th>" << T("最差十分之一", "Worst tenth") << "</th><th>" << T("基尼系数", "Gini") << "</th><th>" << T("泰尔指数", "Theil") << "</th></tr></thead>\n<tbody>\n";
    auto shown = [&](const AnalysisResult::EquityRow& e, std::optional<double> x) {
        if (!x) return std::string(T("无数据", "no data"));
        return e.measure == "coverage" || e.measure == "served" ? pct(x) : fixed(access_per_1000(*x), 2);
    };
    for (const auto& e : r.equity)
        o << "<tr><td>" << markup_escape(equity_measure_text(e, T.zh)) << "</td><td class=\"n\">" << shown(e, e.q.mean) << "</td><td class=\"n\">"
          << shown(e, e.q.worst_tenth_mean) << "</td><td class=\"n\">" << (e.q.gini ? fixed(*e.q.gini, 3) : std::string(T("无数据", "no data")))
          << "</td><td class=\"n\">" << (e.q.theil ? fixed(*e.q.theil, 3) : std::string(T("无数据", "no data"))) << "</td></tr>\n";
    o << "</tbody>\n</table>\n</div>\n";
    // Lorenz curves of the main circle's measures: households (x) against what they get (y).
    const char* colours[] = {"#2b8cbe", "#e6550d", "#31a354"};
    std::vector<const AnalysisResult::EquityRow*> curves;
    for (const auto& e : r.equity)
        if (e.circle_min == r.circles_min.back() && e.q.lorenz.size() > 1 && curves.size() < 3) curves.push_back(&e);
    if (!curves.empty()) {
        const int S = 260, L = 40, B = 30;
        o << "<svg id=\"lorenz\" viewBox=\"0 0 " << S + L + 230 << " " << S + B + 20 << "\" width=\"100%\" style=\"max-width:560px\" role=\"img\" aria-label=\""
          << T("洛伦兹曲线", "Lorenz curves") << "\" font-size=\"12\">\n";
        o << "<rect x=\"" << L << "\" y=\"10\" width=\"" << S << "\" height=\"" << S << "\" fill=\"none\" stroke=\"#999\"/>\n";
        o << "<line x1=\"" << L << "\" y1=\"" << S + 10 << "\" x2=\"" << L + S << "\" y2=\"10\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n";
        for (size_t k = 0; k < curves.size(); ++k) {
            std::string pts;
            for (const auto& [x, y] : curves[k]->q.lorenz)
                pts += fixed(L + x * S, 1) + "," + fixed(10 + (1 - y) * S, 1) + " ";
            o << "<polyline fill=\"none\" stroke=\"" << colours[k] << "\" stroke-width=\"2\" points=\"" << pts << "\"/>\n";
            o << "<rect x=\"" << L + S + 15 << "\" y=\"" << 20 + 22 * k << "\" width=\"14\" height=\"4\" fill=\"" << colours[k] << "\"/><text x=\""
              << L + S + 35 << "\" y=\"" << 26 + 22 * k << "\">" << markup_escape(equity_measure_text(*curves[k], T.zh)) << "</text>\n";
        }
        o << "<text x=\"" << L + S / 2 << "\" y=\"" << S + B + 10 << "\" text-anchor=\"middle\">" << T("住户累计占比（由差到好）", "Cumulative share of households (worst-off first)")
          << "</text>\n<text x=\"12\" y=\"" << 10 + S / 2 << "\" transform=\"rotate(-90 12 " << 10 + S / 2 << ")\" text-anchor=\"middle\">"
          << T("累计占比", "Cumulative share") << "</text>\n</svg>\n";
    }
    // Who lives where the plan is missed.
    const std::vector<Indicator>& inds = indicators_of(r);
    bool any = false;
    for (size_t k = 0; k < inds.size(); ++k)
        if (r.missed_weight_share[k] && *r.missed_weight_share[k] > 0) any = true;
    if (any) {
        o << "<p>" << T("住在未达标镇街的住户占比：", "Share of households living in towns that miss each target:") << "</p>\n<ul id=\"missed-share\">\n";
        for (size_t k : binding_first(inds))
            if (r.missed_weight_share[k] && *r.missed_weight_share[k] > 0)
                o << "<li>" << markup_escape(inds[k].name(T.zh ? "zh" : "en")) << T("：", ": ") << pct(r.missed_weight_share[k]) << "</li>\n";
        o << "</ul>\n";
    }
    o << "</section>\n";
}

}  // namespace lc::cov
