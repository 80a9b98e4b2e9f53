#pragma once
// Small text helpers shared by every writer (CSV, GeoPackage field names, HTML/QML).
#include <set>
#include <string>

namespace lc::cov {

// Starts every CSV lifecircle writes: Excel on Chinese Windows reads a CSV without it as GBK and
// turns UTF-8 town names into mojibake; GDAL, Python (utf-8-sig), R and LibreOffice skip it.
inline constexpr const char* kUtf8Bom = "\xEF\xBB\xBF";

// Fixed decimals; "" for NaN/inf so tables never show "nan".
std::string fixed(double v, int decimals);
// Quotes a CSV cell when it holds a comma, quote or newline.
std::string csv_escape(const std::string& s);
// Escapes & < > " ' for HTML and XML (text and attribute values).
std::string markup_escape(const std::string& s);
// Field-name suffix of a circle: 15 -> "15", 7.5 -> "7_5".
std::string circle_label(double minutes);

// The name of `names` closest to `word` (Levenshtein distance) when near enough to be a typo,
// else "": for "did you mean speed_kmh?" on misspelt keys.
std::string closest_name(const std::string& word, const std::set<std::string>& names);
// "; did you mean PREFIX<closest>SUFFIX?" for an error message, or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::set<std::string>& names, const std::string& prefix = "",
                         const std::string& suffix = "");

}  // namespace lc::cov
