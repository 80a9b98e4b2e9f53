#pragma once
// Writing the results of `site`: sites.gpkg, sites.csv, marginal_curve.csv,
// towns_before_after.csv and run.json.
#include <string>

#include "coverage/report/outputs.hpp"
#include "coverage/analysis/site_study.hpp"

namespace lc::cov {

struct SiteRunInfo {
    RunInfo run;
    SiteRequest request;
    std::string problem;
    double minutes = 15;
};

void write_site_outputs(const std::string& outdir, const Study& study, const TravelModel& travel, const SiteStudy& ss,
                        const SitingResult& result, const SiteRunInfo& info);

}  // namespace lc::cov
