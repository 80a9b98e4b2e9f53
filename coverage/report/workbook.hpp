#pragma once
// compliance.xlsx: the tables the office works with, as a spreadsheet: one sheet per table,
// headers and values in the report's language, numbers stored as numbers, the header row frozen.
#include <gdal_priv.h>

#include <string>

#include "coverage/analysis/analysis.hpp"

namespace lc::cov {

void write_workbook(const std::string& outdir, const Study& study, const AnalysisResult& result);

// A workbook is written in two steps: GDAL's XLSX driver writes a raw copy (create_workbook,
// then one layer per sheet), and finish_workbook closes it and writes `path` from it with the
// header row of every sheet frozen, which GDAL cannot do itself. Both throw naming `path`;
// `ok` = false (a sheet failed) discards the raw copy and throws.
GDALDataset* create_workbook(const std::string& raw, const std::string& path);
void finish_workbook(GDALDataset* ds, const std::string& raw, const std::string& path, bool ok = true);

}  // namespace lc::cov
