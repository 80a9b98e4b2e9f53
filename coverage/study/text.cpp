#include "coverage/study/text.hpp"

#include <algorithm>
#include <vector>

#include <cmath>
#include <cstdio>

namespace lc::cov {

std::string fixed(double v, int decimals) {
    if (!std::isfinite(v)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string csv_escape(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string markup_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size() + 16);
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string circle_label(double m) {
    char buf[32];
    if (std::fabs(m - std::round(m)) < 1e-9) {
        std::snprintf(buf, sizeof buf, "%d", static_cast<int>(std::lround(m)));
    } else {
        std::snprintf(buf, sizeof buf, "%.1f", m);
        for (char& c : buf)
            if (c == '.') c = '_';
    }
    return buf;
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}
}  // namespace

std::string did_you_mean(const std::string& word, const std::set<std::string>& names, const std::string& prefix,
                         const std::string& suffix) {
    const std::string hint = closest_name(word, names);
    return hint.empty() ? "" : "; did you mean " + prefix + hint + suffix + "?";
}

std::string closest_name(const std::string& word, const std::set<std::string>& names) {
    std::string best;
    size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;  // at most a third of the word wrong
    for (const auto& n : names)
        if (size_t d = edit_distance(word, n); d < best_d) best = n, best_d = d;
    return best;
}

}  // namespace lc::cov
