#pragma once
// compliance.xlsx: the tables the office works with, as a spreadsheet: one sheet per table,
// headers and values in the report's language, numbers stored as numbers, the header row frozen.
#include <string>

#include "coverage/analysis/analysis.hpp"

namespace lc::cov {

void write_workbook(const std::string& outdir, const Study& study, const AnalysisResult& result);

// Copies the workbook `from` (as GDAL's XLSX driver wrote it) to `to` with the first row of
// every sheet frozen, which GDAL cannot do itself.
void freeze_header_rows(const std::string& from, const std::string& to);

}  // namespace lc::cov
