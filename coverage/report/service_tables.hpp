#pragma once
// Reach, service and accessibility side by side (service.csv), and how evenly they are shared
// across towns (equity.csv). One table of rows built once, read by every writer that shows it
// (the CSVs, report.md and report.html).
#include <optional>
#include <string>
#include <vector>

#include "coverage/analysis/analysis.hpp"

namespace lc::cov {

struct ServiceTown {
    size_t town;
    double households = 0, capacity = 0;
    std::optional<double> reached_share, served_share, access;  // main (largest) circle
    int reach_rank = 0, adequacy_rank = 0;                       // 1 = best; 0 = no data
};

struct ServiceView {
    bool has_capacity = false, has_access = false;
    std::string access_field;  // "access_2sfca_15"
    std::vector<ServiceTown> towns;  // town order
    // Towns whose rank by reach and by adequacy (served share, else accessibility) differ most.
    std::vector<size_t> rank_movers;  // indices into towns, largest |difference| first, at most 5
};

// The access field name of a result: access_<method>_<catchment>, "" without accessibility.
std::string access_field_name(const AnalysisResult& r);
ServiceView service_view(const Study& s, const AnalysisResult& r);

// Display of an accessibility score: per 1,000 units of weight (places per 1,000 households).
inline double access_per_1000(double score) { return score * 1000; }

// Reader-facing method name: "两步移动搜索法（2SFCA）" / "two-step floating catchment (2SFCA)".
std::string access_method_text(AccessMethod m, bool zh);

// service.csv (when a capacity or an access method is set) and equity.csv (always).
void write_service_tables(const std::string& outdir, const Study& s, const AnalysisResult& r);

// Reader-facing name of an equity row's measure ("15 分钟服务圈覆盖率" / "15-min coverage").
std::string equity_measure_text(const AnalysisResult::EquityRow& e, bool zh);

}  // namespace lc::cov
