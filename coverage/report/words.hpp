#pragma once
// Words every reader-facing output shares (report.html, compliance.xlsx): one place for the
// zh/en pair of each, so the two never say different things.
#include <cmath>
#include <cstdio>
#include <string>

#include "coverage/analysis/indicators.hpp"

namespace lc::cov {

// T("达标", "met"): the text in the output's language.
struct Tr {
    bool zh;
    const char* operator()(const char* z, const char* e) const { return zh ? z : e; }
};

// An indicator kind as a reader calls it (the kinds of coverage/analysis/indicators.cpp).
inline const char* kind_text(const std::string& kind, const Tr& T) {
    if (kind == "coverage_share") return T("服务圈覆盖率", "share within the circle");
    if (kind == "area_per_100_households") return T("每百户面积", "area per 100 households");
    if (kind == "count_at_least") return T("设施数量", "number of facilities");
    if (kind == "per_10k_population") return T("每万人", "per 10,000 people");
    if (kind == "per_population") return T("按人口配置", "supply per population");
    if (kind == "attribute_ratio") return T("比例", "ratio");
    if (kind == "share_of_facilities") return T("设施配套比例", "share of facilities");
    if (kind == "town_value") return T("镇街统计值", "town statistic");
    if (kind == "city_total") return T("全市总量", "city-wide total");
    if (kind == "new_housing_compliance") return T("新建住宅配建达标率", "new housing meeting the rule");
    return T("其他", "other");
}

// The kind as a reader calls it, for an indicator: one judged as a share of its villages and
// communities (form = share_of_units_met) says so, whatever the per-unit measure.
inline const char* kind_text(const Indicator& ind, const Tr& T) {
    if (ind.share_of_units()) return T("村（社区）达标比例", "share of villages and communities meeting it");
    return kind_text(ind.kind, T);
}

inline const char* status_text(Status s, const Tr& T) {
    switch (s) {
        case Status::met: return T("达标", "met");
        case Status::missed: return T("未达标", "missed");
        case Status::no_target: return T("当年无目标", "no target this year");
        default: return T("无数据", "no data");
    }
}

// An indicator's unit as a reader writes it after a number ("" where the number says it all).
inline std::string unit_text(const std::string& unit, const Tr& T) {
    if (unit == "share") return "%";
    if (unit == "m2_per_100_households") return T("m²/百户", "m²/100 hh");
    if (unit == "count") return T("个", "count");
    if (unit == "per_10k") return T("每万人", "per 10,000");
    if (unit == "per_1000") return T("每千人", "per 1,000");
    if (unit == "per_100") return T("每百人", "per 100");
    return "";
}

// A value in its unit's usual form: shares in per cent with one decimal, whole counts without
// decimals, everything else with one decimal and thousands separators.
inline std::string value_text(const std::string& unit, double v) {
    if (unit == "share") {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
        return buf;
    }
    if (unit == "count") return with_commas(v, std::fabs(v - std::round(v)) < 1e-9 ? 0 : 1);
    return with_commas(v, 1);
}

}  // namespace lc::cov
