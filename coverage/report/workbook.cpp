#include "coverage/report/workbook.hpp"
#include "coverage/report/words.hpp"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "coverage/report/tables.hpp"
#include "coverage/study/text.hpp"
#include "geo/layer.hpp"
#include "geo/output.hpp"

namespace lc::cov {
namespace {



void set_number(OGRFeature* f, int i, std::optional<double> v, int decimals) {
    if (v && std::isfinite(*v)) f->SetField(i, round_to(*v, decimals));
    else f->SetFieldNull(i);  // an empty cell, never nan
}

// GDAL's XLSX writer has no frozen panes: copy the package, adding to every sheet a view that
// freezes the first row (the header stays in sight while scrolling 33 towns x 12 indicators).
void freeze_header_rows(const std::string& from, const std::string& to) {
    char** entries = VSIReadDirRecursive(("/vsizip/" + from).c_str());
    if (!entries) throw std::runtime_error("cannot read back " + from);
    void* zip = CPLCreateZip(to.c_str(), nullptr);
    if (!zip) {
        CSLDestroy(entries);
        throw std::runtime_error("cannot write " + to);
    }
    bool ok = true;
    for (char** e = entries; *e && ok; ++e) {
        const std::string name = *e;
        if (name.empty() || name.back() == '/') continue;
        GByte* data = nullptr;
        vsi_l_offset size = 0;
        if (!VSIIngestFile(nullptr, ("/vsizip/" + from + "/" + name).c_str(), &data, &size, 64 << 20)) {
            ok = false;
            break;
        }
        std::string content(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
        VSIFree(data);
        if (name.rfind("xl/worksheets/sheet", 0) == 0) {
            const auto at = content.find("<cols>") != std::string::npos ? content.find("<cols>") : content.find("<sheetData");
            if (at != std::string::npos)
                content.insert(at, "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" "
                                   "activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>\n");
        }
        ok = CPLCreateFileInZip(zip, name.c_str(), nullptr) == CE_None &&
             CPLWriteFileInZip(zip, content.data(), static_cast<int>(content.size())) == CE_None && CPLCloseFileInZip(zip) == CE_None;
    }
    CSLDestroy(entries);
    if (CPLCloseZip(zip) != CE_None || !ok) throw std::runtime_error("writing " + to + " failed");
}

}  // namespace

GDALDataset* create_workbook(const std::string& raw, const std::string& path) {
    geo::init_gdal();
    CPLErrorReset();  // finish_workbook judges by the errors raised while the sheets are written
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("XLSX");
    if (!drv) throw std::runtime_error("GDAL's XLSX driver is not available");
    GDALDataset* ds = drv->Create(raw.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (!ds) throw std::runtime_error("cannot create " + path + ": " + CPLGetLastErrorMsg());
    return ds;
}

void finish_workbook(GDALDataset* ds, const std::string& raw, const std::string& path, bool ok) {
    GDALClose(ds);
    std::error_code ec;
    if (!ok || CPLGetLastErrorType() >= CE_Failure) {
        const std::string why = CPLGetLastErrorMsg();
        std::filesystem::remove(raw, ec);
        throw std::runtime_error("writing " + path + " failed: " + why);
    }
    freeze_header_rows(raw, path);
    std::filesystem::remove(raw, ec);
}

void write_workbook(const std::string& outdir, const Study& s, const AnalysisResult& r) {
    const Tr T{s.project.lang == "zh"};
    const std::string raw = outdir + "/.compliance.raw.xlsx", path = outdir + "/compliance.xlsx";
    GDALDataset* ds = create_workbook(raw, path);
    auto add = [](OGRLayer* l, const char* name, OGRFieldType type) {
        OGRFieldDefn fd(name, type);
        if (l->CreateField(&fd) != OGRERR_NONE) throw std::runtime_error(std::string("cannot add column ") + name);
    };
    const size_t nt = s.town_set->size();
    // Sheet 1: every town (and the city) against every indicator of the year.
    if (r.targets) {
        OGRLayer* l = ds->CreateLayer(T("指标达标", "compliance"), nullptr, wkbNone, nullptr);
        const char* cols[] = {T("镇街代码", "town code"), T("镇街", "town"), T("指标", "indicator"), T("约束性", "binding"),
                              T("年份", "year"), T("现值", "value"), T("目标值", "target"), T("比较", "comparator"),
                              T("状态", "status"), T("差距", "gap"), T("差距说明", "gap in words")};
        const OGRFieldType types[] = {OFTString, OFTString, OFTString, OFTString, OFTInteger, OFTReal, OFTReal, OFTString, OFTString, OFTReal, OFTString};
        for (size_t c = 0; c < std::size(cols); ++c) add(l, cols[c], types[c]);
        const auto& inds = r.targets->indicators;
        for (size_t i : binding_first(inds)) {
            const Indicator& ind = inds[i];
            const int dec = decimals_for(ind);
            auto row = [&](const std::string& code, const std::string& town, const Evaluation& e, const std::string& gap_text) {
                OGRFeature* f = OGRFeature::CreateFeature(l->GetLayerDefn());
                f->SetField(0, code.c_str());
                f->SetField(1, town.c_str());
                f->SetField(2, ind.name(s.project.lang).c_str());
                f->SetField(3, ind.binding ? T("约束性", "binding") : T("预期性", "expected"));
                f->SetField(4, r.year);
                set_number(f, 5, e.value, dec);
                set_number(f, 6, e.target, dec);
                f->SetField(7, e.comparator.c_str());
                f->SetField(8, status_text(e.status, T));
                set_number(f, 9, e.status == Status::missed ? std::optional<double>(e.gap) : std::optional<double>(0.0), 2);
                f->SetField(10, gap_text.c_str());
                const OGRErr err = l->CreateFeature(f);
                OGRFeature::DestroyFeature(f);
                if (err != OGRERR_NONE) throw std::runtime_error("writing " + path + " failed");
            };
            for (size_t t = 0; t < nt; ++t) {
                const Evaluation& e = r.evals[i][t];
                row(s.town_set->id(t), s.town_set->name(t), e, T.zh ? e.gap_text_zh : e.gap_text);
            }
            const CityRollup& c = r.city[i];
            row(T("全市", "CITY"), T("全市", "whole city"), c.pooled, T.zh ? c.pooled.gap_text_zh : c.pooled.gap_text);
        }
    }
    // Sheet 2: households and coverage per town and circle.
    {
        OGRLayer* l = ds->CreateLayer(T("镇街覆盖", "coverage"), nullptr, wkbNone, nullptr);
        add(l, T("镇街代码", "town code"), OFTString);
        add(l, T("镇街", "town"), OFTString);
        add(l, T("住户", "households"), OFTReal);
        for (double c : r.circles_min) {
            const std::string m = circle_label(c);
            add(l, (T.zh ? m + "分钟内住户" : "households within " + m + " min").c_str(), OFTReal);
            add(l, (T.zh ? m + "分钟覆盖率" : "share within " + m + " min").c_str(), OFTReal);
        }
        for (size_t t = 0; t < nt; ++t) {
            OGRFeature* f = OGRFeature::CreateFeature(l->GetLayerDefn());
            f->SetField(0, s.town_set->id(t).c_str());
            f->SetField(1, s.town_set->name(t).c_str());
            set_number(f, 2, r.town_households[t], 0);
            for (size_t c = 0; c < r.circles_min.size(); ++c) {
                set_number(f, 3 + 2 * int(c), r.town_covered[c][t], 0);
                set_number(f, 4 + 2 * int(c),
                           r.town_households[t] > 0 ? std::optional<double>(r.town_covered[c][t] / r.town_households[t]) : std::nullopt, 4);
            }
            const OGRErr err = l->CreateFeature(f);
            OGRFeature::DestroyFeature(f);
            if (err != OGRERR_NONE) throw std::runtime_error("writing " + path + " failed");
        }
    }
    CPLErrorReset();
    finish_workbook(ds, raw, path);
}

}  // namespace lc::cov
