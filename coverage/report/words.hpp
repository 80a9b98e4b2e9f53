#pragma once
// Words every reader-facing output shares (report.html, compliance.xlsx): one place for the
// zh/en pair of each, so the two never say different things.
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
    return T("其他", "other");
}

inline const char* status_text(Status s, const Tr& T) {
    switch (s) {
        case Status::met: return T("达标", "met");
        case Status::missed: return T("未达标", "missed");
        case Status::no_target: return T("当年无目标", "no target this year");
        default: return T("无数据", "no data");
    }
}

}  // namespace lc::cov
