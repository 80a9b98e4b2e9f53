#include "coverage/report/service_tables.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "coverage/report/tables.hpp"
#include "coverage/study/text.hpp"
#include "geo/output.hpp"

namespace lc::cov {

std::string access_field_name(const AnalysisResult& r) {
    if (r.access_score.empty()) return "";
    return std::string("access_") + to_string(r.access.method) + (r.access.method == AccessMethod::gravity ? "_2sfca_" : "_") +
           circle_label(r.access_catchment_min);
}

namespace {
// Ranks 1..n by value, best (largest) first; ties keep town order; no value: rank 0.
void rank_by(std::vector<ServiceTown>& towns, std::optional<double> ServiceTown::*value, int ServiceTown::*rank) {
    std::vector<size_t> order;
    for (size_t i = 0; i < towns.size(); ++i)
        if (towns[i].*value) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return *(towns[a].*value) > *(towns[b].*value); });
    for (size_t k = 0; k < order.size(); ++k) towns[order[k]].*rank = static_cast<int>(k + 1);
}
}  // namespace

ServiceView service_view(const Study& s, const AnalysisResult& r) {
    ServiceView v;
    v.has_capacity = r.has_capacity;
    v.has_access = !r.access_score.empty();
    v.access_field = access_field_name(r);
    const size_t nt = s.town_set->size();
    const size_t main = r.circles_min.empty() ? 0 : r.circles_min.size() - 1;
    for (size_t t = 0; t < nt; ++t) {
        ServiceTown row;
        row.town = t;
        row.households = r.town_households[t];
        if (row.households > 0 && !r.circles_min.empty()) row.reached_share = r.town_covered[main][t] / row.households;
        if (row.households > 0 && v.has_capacity) row.served_share = r.town_served[main][t] / row.households;
        if (v.has_access) row.access = r.town_access[t];
        v.towns.push_back(row);
    }
    if (v.has_capacity && s.facilities)
        for (uint32_t f : r.main_rows)
            if (s.fac_town[f].town >= 0) v.towns[s.fac_town[f].town].capacity += s.fac_capacity[f];
    rank_by(v.towns, &ServiceTown::reached_share, &ServiceTown::reach_rank);
    rank_by(v.towns, v.has_capacity ? &ServiceTown::served_share : &ServiceTown::access, &ServiceTown::adequacy_rank);
    if (v.has_capacity || v.has_access) {
        std::vector<size_t> movers;
        for (size_t i = 0; i < v.towns.size(); ++i)
            if (v.towns[i].reach_rank && v.towns[i].adequacy_rank && v.towns[i].reach_rank != v.towns[i].adequacy_rank) movers.push_back(i);
        auto diff = [&](size_t i) { return std::abs(v.towns[i].adequacy_rank - v.towns[i].reach_rank); };
        std::stable_sort(movers.begin(), movers.end(), [&](size_t a, size_t b) { return diff(a) > diff(b); });
        if (movers.size() > 5) movers.resize(5);
        v.rank_movers = movers;
    }
    return v;
}

std::string access_method_text(AccessMethod m, bool zh) {
    switch (m) {
        case AccessMethod::two_step: return zh ? "两步移动搜索法（2SFCA）" : "two-step floating catchment (2SFCA)";
        case AccessMethod::enhanced: return zh ? "高斯衰减两步移动搜索法（E2SFCA）" : "Gaussian two-step floating catchment (E2SFCA)";
        case AccessMethod::gravity: return zh ? "重力型两步移动搜索法" : "gravity two-step floating catchment";
        case AccessMethod::none: break;
    }
    return zh ? "无" : "none";
}

std::string equity_measure_text(const AnalysisResult::EquityRow& e, bool zh) {
    const std::string m = circle_label(e.circle_min);
    if (e.measure == "coverage") return zh ? m + " 分钟服务圈覆盖率" : m + "-minute circle: share within reach";
    if (e.measure == "served") return zh ? m + " 分钟服务圈获服务比例（计容量）" : m + "-minute circle: share served (capacity)";
    return zh ? m + " 分钟可达性（两步移动搜索法）" : m + "-minute accessibility (floating catchment)";
}

void write_service_tables(const std::string& outdir, const Study& s, const AnalysisResult& r) {
    const ServiceView v = service_view(s, r);
    const std::vector<std::string> labels = circle_labels(r);
    auto opt = [](std::optional<double> x, int d) { return x ? fixed(*x, d) : std::string(); };
    if (v.has_capacity || v.has_access) {
        std::ostringstream csv;
        csv << "town_id,town_name,households";
        if (v.has_capacity) csv << ",capacity_places";
        for (const auto& l : labels) {
            csv << ",reached_share_" << l;
            if (v.has_capacity) csv << ",served_households_" << l << ",served_share_" << l;
        }
        if (v.has_access) csv << "," << v.access_field << ",access_per_1000";
        csv << ",rank_reach,rank_adequacy,rank_difference\n";
        auto row = [&](const std::string& id, const std::string& name, double hh, double cap, const std::vector<double>& covered,
                       const std::vector<double>& served, std::optional<double> access, const ServiceTown* t) {
            csv << csv_escape(id) << "," << csv_escape(name) << "," << fixed(hh, 2);
            if (v.has_capacity) csv << "," << fixed(cap, 2);
            for (size_t c = 0; c < labels.size(); ++c) {
                csv << "," << (hh > 0 ? fixed(covered[c] / hh, 6) : std::string());
                if (v.has_capacity) csv << "," << fixed(served[c], 2) << "," << (hh > 0 ? fixed(served[c] / hh, 6) : std::string());
            }
            if (v.has_access) csv << "," << opt(access, 9) << "," << opt(access ? std::optional<double>(access_per_1000(*access)) : std::nullopt, 4);
            if (t && t->reach_rank && t->adequacy_rank)
                csv << "," << t->reach_rank << "," << t->adequacy_rank << "," << (t->adequacy_rank - t->reach_rank) << "\n";
            else
                csv << ",,,\n";
        };
        std::vector<double> city_cov(labels.size(), 0), city_served(labels.size(), 0);
        double city_hh = 0, city_cap = 0;
        for (const ServiceTown& t : v.towns) {
            std::vector<double> cov, served;
            for (size_t c = 0; c < labels.size(); ++c) {
                cov.push_back(r.town_covered[c][t.town]);
                served.push_back(v.has_capacity ? r.town_served[c][t.town] : 0.0);
                city_cov[c] += cov.back(), city_served[c] += served.back();
            }
            city_hh += t.households, city_cap += t.capacity;
            row(s.town_set->id(t.town), s.town_set->name(t.town), t.households, t.capacity, cov, served, t.access, &t);
        }
        row("CITY", "全市", city_hh, city_cap, city_cov, city_served, r.city_access, nullptr);
        geo::write_text_atomic(outdir + "/service.csv", kUtf8Bom + csv.str());
    }
    std::ostringstream eq;
    eq << "measure,minutes,mean,gini,theil,worst_tenth_mean\n";
    for (const auto& e : r.equity) {
        const std::string name = e.measure == "coverage" || e.measure == "served" ? e.measure + "_share_" + circle_label(e.circle_min)
                                                                                  : access_field_name(r);
        const int d = e.measure == "coverage" || e.measure == "served" ? 6 : 9;
        eq << name << "," << fixed(e.circle_min, 2) << "," << opt(e.q.mean, d) << "," << opt(e.q.gini, 6) << "," << opt(e.q.theil, 6) << ","
           << opt(e.q.worst_tenth_mean, d) << "\n";
    }
    geo::write_text_atomic(outdir + "/equity.csv", kUtf8Bom + eq.str());
}

}  // namespace lc::cov
