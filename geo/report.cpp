#include "geo/report.hpp"

#include <algorithm>

namespace lc::geo {

std::string Message::format() const {
    std::string out = file.empty() ? std::string("input") : file;
    if (!layer.empty()) out += " [" + layer + "]";
    if (fid >= 0 || !feature.empty()) {
        out += " feature";
        if (fid >= 0) {
            out += ' ';
            out += std::to_string(fid);
        }
        if (!feature.empty()) out += " (" + feature + ")";
    }
    if (!field.empty()) out += " field '" + field + "'";
    out += ": " + text;
    return out;
}

static Message make(Level l, std::string file, std::string layer, std::string code, std::string text) {
    Message m;
    m.level = l;
    m.file = std::move(file);
    m.layer = std::move(layer);
    m.code = std::move(code);
    m.text = std::move(text);
    return m;
}

void Report::info(std::string f, std::string l, std::string c, std::string t) {
    add(make(Level::info, std::move(f), std::move(l), std::move(c), std::move(t)));
}
void Report::warn(std::string f, std::string l, std::string c, std::string t) {
    add(make(Level::warning, std::move(f), std::move(l), std::move(c), std::move(t)));
}
void Report::error(std::string f, std::string l, std::string c, std::string t) {
    add(make(Level::error, std::move(f), std::move(l), std::move(c), std::move(t)));
}

size_t Report::count(Level l) const {
    return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [l](const Message& m) { return m.level == l; }));
}
size_t Report::count_code(const std::string& code) const {
    return static_cast<size_t>(
        std::count_if(items_.begin(), items_.end(), [&](const Message& m) { return m.code == code; }));
}
void Report::append(const Report& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }

}  // namespace lc::geo
