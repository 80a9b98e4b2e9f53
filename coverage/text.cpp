#include "coverage/text.hpp"

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

}  // namespace lc::cov
