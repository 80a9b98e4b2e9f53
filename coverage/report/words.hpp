#pragma once
// Words every reader-facing output shares (report.html, compliance.xlsx): one place for the
// zh/en pair of each, so the two never say different things.
#include "coverage/analysis/indicators.hpp"

namespace lc::cov {

// T("达标", "met"): the text in the output's language.
struct Tr {
    bool zh;
    const char* operator()(const char* z, const char* e) const { return zh ? z : e; }
};

inline const char* status_text(Status s, const Tr& T) {
    switch (s) {
        case Status::met: return T("达标", "met");
        case Status::missed: return T("未达标", "missed");
        case Status::no_target: return T("当年无目标", "no target this year");
        default: return T("无数据", "no data");
    }
}

}  // namespace lc::cov
