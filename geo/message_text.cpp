#include "geo/message_text.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <regex>

namespace lc::geo {

// Rows of one code are tried in order; the first whose English matches the whole text wins.
// Keep the English exactly as the code writes it (tests/test_message_text.cpp checks that every
// code the sources use has a row, and tests/cli/messages_lang.sh runs real messages through it).
const std::vector<MessageText>& message_texts() {
    static const std::vector<MessageText> rows = {
        // geo: reading layers
        {"not_a_number", "value '{}' is not a number", "值 '{1}' 不是数字"},
        {"not_a_number", "value is not a finite number", "值不是有限的数"},
        {"encoding_guessed", "no .cpg file and the text is not UTF-8: read as GB18030 (GBK); set encoding to override",
         "没有 .cpg 文件且文本不是 UTF-8：已按 GB18030（GBK）读取；可用 encoding 另行指定"},
        {"missing_field", "no such field; the layer has: {}", "没有这个字段；图层的字段有：{1}"},
        {"missing_field", "field named by [{}] {} does not exist; the layer has: {}", "[{1}] {2} 指定的字段不存在；图层的字段有：{3}"},
        {"missing_field", "no field for the {} found (tried {}); name it with [{}] {} = \"...\"",
         "找不到 {1} 字段（试过 {2}）；请用 [{3}] {4} = \"...\" 指定"},
        {"missing_field", "field named in [network] does not exist", "[network] 中指定的字段不存在"},
        {"duplicate_id", "id '{}' is also used by feature {}", "id '{1}' 也被要素 {2} 使用"},
        {"duplicate_id", "town id '{}' is used twice (also feature {})", "镇街 id '{1}' 重复使用（另见要素 {2}）"},
        {"duplicate_id", "unit id '{}' is used twice (also feature {})", "村（社区） id '{1}' 重复使用（另见要素 {2}）"},
        {"shapefile_not_a_number", "not a finite number; written as empty", "不是有限的数：写为空值"},
        {"shapefile_not_cp936", "characters {} do not exist in CP936 (GBK); written as '?' (coverage.gpkg has them)",
         "字符 {1} 不在 CP936（GBK）中：写为 '?'（coverage.gpkg 中保留原文）"},
        {"shapefile_text_cut", "{} bytes in {}, more than a DBF field holds ({}): cut to {} (coverage.gpkg has the whole text)",
         "按 {2} 编码为 {1} 字节，超过 DBF 字段上限（{3}）：截为 {4} 字节（coverage.gpkg 中保留全文）"},
        {"housing_no_households", "has no positive household count: not judged", "没有有效的户数（须大于 0）：不参与考核"},
        {"housing_no_year", "has no build year (1900-2200): not judged", "没有建成年份（1900—2200）：不参与考核"},
        {"no_housing_layer", "indicator {} judges new developments but the project has no [housing] layer: no data",
         "指标 {1} 考核新建住宅小区，但项目没有 [housing] 图层：无数据"},
        {"no_units_layer", "indicator {} is a share of villages and communities but the project has no [units] layer: no data",
         "指标 {1} 按村（社区）达标比例考核，但项目没有 [units] 图层：无数据"},
        {"unknown_town", "names town '{}', which the towns layer does not have", "所属镇街 '{1}' 不在镇街图层中"},
        {"unit_outside_towns", "lies in no town: the unit is left out of the unit tables", "不在任何镇街内：该村（社区）不列入村（社区）表"},
        {"unit_crosses_town_border", "belongs to town {} but {} of its area lies in town {}; {} households there count for that town, not for the unit",
         "属于镇街 {1}，但其 {2} 的面积位于镇街 {3}；该处 {4} 户计入该镇街，不计入本村（社区）"},
        {"empty_geometry", "geometry is empty or missing: feature skipped", "几何为空或缺失：已跳过该要素"},
        {"nan_coordinates", "coordinates are NaN or infinite: feature skipped", "坐标为 NaN 或无穷大：已跳过该要素"},
        {"wrong_geometry_type", "geometry is {}, expected {}: feature skipped", "几何类型为 {1}，应为 {2}：已跳过该要素"},
        {"wrong_geometry_type", "expected {} but the layer holds only other geometry types", "应为 {1}，但图层只有其他几何类型"},
        {"crs_transform_failed", "coordinates cannot be transformed to the metric CRS: feature skipped", "坐标无法转换到米制坐标系：已跳过该要素"},
        {"invalid_geometry", "no usable ring left: feature skipped", "没有可用的环：已跳过该要素"},
        {"invalid_geometry", "GEOS cannot build the geometry: {}: feature skipped", "GEOS 无法构建该几何（{1}）：已跳过该要素"},
        {"ring_repaired", "{} has only {} positions: removed (degenerate ring)", "{1} 只有 {2} 个点：已删除（退化环）"},
        {"ring_repaired", "{} was not closed (first position != last): closed it", "{1} 未闭合（首点与末点不同）：已闭合"},
        {"invalid_geometry_repaired", "invalid geometry ({}): repaired with GEOS MakeValid", "无效几何（{1}）：已用 GEOS MakeValid 修复"},
        {"polygon_as_point", "{} polygon features reduced to an interior point", "{1} 个面要素取其内部点"},
        {"empty_layer", "the layer has no features", "图层没有要素"},
        {"no_usable_features", "none of the {} features has a usable geometry", "{1} 个要素中没有一个具有可用的几何"},
        {"no_usable_features", "no feature has usable coordinates", "没有要素具有可用的坐标"},
        {"read_error", "reading stopped after {} features (truncated or corrupt file?): {}", "读取 {1} 个要素后中断（文件截断或损坏？）：{2}"},
        {"read_error", "reading stopped after {} features: {}", "读取 {1} 个要素后中断：{2}"},
        // geo: opening layers
        {"missing_path", "no path given for the {} layer", "未给出 {1} 图层的路径"},
        {"file_not_found", "file not found ({} layer)", "文件不存在（{1} 图层）"},
        {"empty_file", "the file is empty (0 bytes)", "文件为空（0 字节）"},
        {"unreadable", "cannot be read as a GIS vector dataset{}", "无法作为 GIS 矢量数据读取{1}"},
        {"unreadable", "cannot be re-read as GB18030: {}", "无法按 GB18030 重新读取：{1}"},
        {"no_layers", "the dataset has no vector layers", "数据集中没有矢量图层"},
        {"layer_not_found", "no layer of that name; layers are: {}", "没有这个名称的图层；图层有：{1}"},
        {"bad_filter", "attribute filter '{}' is not valid: {}", "属性过滤条件 '{1}' 无效：{2}"},
        {"bad_filter", "{} [{}]: {} '{}' is not a valid OGR SQL filter: {}", "{1} [{2}]：{3} '{4}' 不是有效的 OGR SQL 过滤条件：{5}"},
        {"bad_filter", "{} [{}]: {} '{}' failed: {}", "{1} [{2}]：{3} '{4}' 执行失败：{5}"},
        {"bad_crs", "unknown CRS '{}' (use EPSG:nnnn, WKT, a PROJ string, GCJ02 or BD09)",
         "未知的坐标系 '{1}'（请用 EPSG:nnnn、WKT、PROJ 字符串、GCJ02 或 BD09）"},
        {"bad_crs", "unknown CRS '{}'", "未知的坐标系 '{1}'"},
        {"bad_crs", "unknown EPSG code {}", "未知的 EPSG 代码 {1}"},
        {"no_crs", "the layer has no coordinate reference system; name it in the project file ([{}] crs = \"EPSG:4326\", or GCJ02 / BD09) or with --set {}.crs=...",
         "图层没有坐标参考系；请在项目文件中指定（[{1}] crs = \"EPSG:4326\"，或 GCJ02 / BD09），或用 --set {2}.crs=..."},
        {"degrees_in_projected_crs",
         "coordinates (x {} .. {}, y {} .. {}) look like degrees of longitude/latitude, but the layer's CRS ({}) is projected, in metres; if they are lon/lat, set [{}] crs = \"EPSG:4326\"",
         "坐标（x {1} .. {2}，y {3} .. {4}）看起来是经纬度，但图层的坐标系（{5}）是以米为单位的投影坐标系；如果是经纬度，请设置 [{6}] crs = \"EPSG:4326\""},
        // network: road lines and the graph
        {"lines_not_reprojected", "{} feature(s) with coordinates that cannot be transformed to EPSG:{} left out in whole or part (fid {})",
         "{1} 个要素的坐标无法转换到 EPSG:{2}，已全部或部分剔除（fid {3}）"},
        {"no_usable_ways", "no line usable by the '{}' profile among {} features", "{2} 个要素中没有 '{1}' 出行方式可用的线"},
        {"no_usable_ways", "no road link left after building the graph", "构建路网后没有剩下任何路段"},
        {"cost_field_missing", "{} lines have no positive value in {} (features {}): their geodesic length and the profile speed are used",
         "{1} 条线在 {2} 中没有正值（要素 {3}）：改用其测地线长度和出行方式的速度"},
        {"ways_excluded", "{} of {} lines not usable by the '{}' profile (class, foot/access tags or geometry)",
         "{2} 条线中有 {1} 条不适用于 '{3}' 出行方式（道路等级、foot/access 标签或几何）"},
        {"lines_dropped", "{} degenerate lines and {} lines without a usable speed were left out", "已剔除 {1} 条退化的线和 {2} 条没有可用速度的线"},
        // coverage/study: the study's layers, statistics, snapping
        {"stats_duplicate_key", "row {}: {} = '{}' is used twice (first in row {})", "第 {1} 行：{2} = '{3}' 重复（首次出现在第 {4} 行）"},
        {"stats_unmatched", "row with {} = '{}' matches no town", "{1} = '{2}' 的行没有对应的镇街"},
        {"stats_not_a_number", "row {} column '{}': '{}' is not a number", "第 {1} 行 '{2}' 列：'{3}' 不是数字"},
        {"stats_negative", "row {} column '{}': negative value {}", "第 {1} 行 '{2}' 列：负值 {3}"},
        {"stats_missing", "no statistics row for town {}", "镇街 {1} 没有统计数据行"},
        {"weight_stat_missing", "town {} has households but no figure in column '{}' ([demand] weights.{}): its demand rows count 0 {}",
         "镇街 {1} 有住户但 '{2}' 列（[demand] weights.{3}）无数值：其需求点计为 0 {4}"},
        {"weight_stat_unplaced", "town {} has {} in column '{}' ([demand] weights.{}) but no households to spread them over: these {} are counted nowhere",
         "镇街 {1} 的 '{3}' 列（[demand] weights.{4}）为 {2}，但该镇街没有住户可以分摊：这些{5}不计入任何地方"},
        {"buildings_as_households",
         "households estimated from building footprints: area x levels (default {}) / {} m2 per dwelling; {} non-residential buildings excluded",
         "户数由建筑轮廓估算：面积 × 层数（默认 {1}）/ 每户 {2} 平方米；已排除 {3} 栋非住宅建筑"},
        {"missing_value", "no value: counted as 0 {}", "无值：按 0 {1} 计"},
        {"negative_weight", "negative value {}: counted as 0", "负值 {1}：按 0 计"},
        {"absurd_weight", "value {} is not a plausible weight for one demand row (more than 10 million)", "值 {1} 作为一个需求点的权重不可信（超过 1000 万）"},
        {"outside_towns", "lies in no town (more than {} m from every town): not counted in any town", "不在任何镇街内（距所有镇街超过 {1} 米）：不计入任何镇街"},
        {"assigned_nearest_town", "{} features lie in no town but within {} m of one: assigned to the nearest town",
         "{1} 个要素不在任何镇街内，但在某镇街 {2} 米以内：归入最近的镇街"},
        {"in_overlap", "{} features lie where towns overlap: assigned to the first of them in input order", "{1} 个要素位于镇街重叠处：归入输入顺序中的第一个镇街"},
        {"capacity_missing", "no capacity ({} is empty): counted as 0 places, it serves no one", "无容量（{1} 为空）：按 0 个名额计，不服务任何人"},
        {"capacity_negative", "{} {} is negative: counted as 0 places", "{1} {2} 为负：按 0 个名额计"},
        {"capacity_too_large", "{} {} places is more than 10,000,000: is the field right?", "{1} {2} 个名额超过 10,000,000：字段是否选对了？"},
        {"extent_apart",
         "the {} {} km from the towns (extent x {} .. {}, y {} .. {} in EPSG:{}; towns x {} .. {}, y {} .. {}): not the same place. Is the CRS right?",
         "{1}距镇街 {2} 公里（范围 x {3} .. {4}，y {5} .. {6}，EPSG:{7}；镇街 x {8} .. {9}，y {10} .. {11}）：不在同一地区。坐标系是否正确？"},
        {"no_type", "{} facilities have no type: they count for no indicator", "{1} 个设施没有类型：不计入任何指标"},
        {"snapped_far", "nearest walkable street is {} m away (beyond {} m): snapped there and flagged", "最近的可步行道路在 {1} 米外（超过 {2} 米）：已吸附到该道路并标记"},
        {"island", "only a small disconnected piece of network (< {} nodes) is within reach ({} m): flagged",
         "可达范围内只有一小段不连通的路网（少于 {1} 个节点，{2} 米）：已标记"},
        {"off_network", "no street within {} m: off the network, never covered", "{1} 米内没有道路：不在路网上，不会被覆盖"},
        // coverage/analysis: the analysis and the targets file against the data
        {"incomplete_project", "analyze needs a facilities layer ([facilities] path or --facilities)", "analyze 需要设施图层（[facilities] path 或 --facilities）"},
        {"incomplete_project", "analyze needs a demand layer ([demand] path or --demand)", "analyze 需要需求图层（[demand] path 或 --demand）"},
        {"targets_vs_data", "indicator {}: facilities have no field {} ({}){}; fields are {}", "指标 {1}：设施没有字段 {2}（{3}）{4}；字段有 {5}"},
        {"targets_vs_data", "indicator {}: no facility has type {}{}; the types in the data are {}", "指标 {1}：没有类型为 {2} 的设施{3}；数据中的类型有 {4}"},
        {"targets_vs_data", "indicator {}: the demand layer has no field {} (population_field){}; fields are {}",
         "指标 {1}：需求图层没有字段 {2}（population_field）{3}；字段有 {4}"},
        {"targets_vs_data", "indicator {}: {} names the statistics column {} but the project has no [stats] table",
         "指标 {1}：{2} 指定了统计表的列 {3}，但项目没有 [stats] 统计表"},
        {"targets_vs_data", "indicator {}: the statistics table has no column {} ({}){}; columns are {}", "指标 {1}：统计表没有列 {2}（{3}）{4}；列有 {5}"},
        {"unknown_weight", "indicator {}: weight '{}' is not a population group of [demand] weights (there are: {})",
         "指标 {1}：权重 '{2}' 不是 [demand] weights 中的人群（现有：{3}）"},
        {"needs_walking", "indicator {}: {} needs a walking or straight-line travel model (time = distance / speed); the network profile is {}",
         "指标 {1}：{2} 需要步行或直线出行模型（时间 = 距离 / 速度）；当前路网出行方式为 {3}"},
        // coverage/report
        {"service_areas_skipped",
         "{} main facilities: service-area polygons are not drawn in coverage.gpkg (more than 500; use --service-areas yes or 'lifecircle isochrones'). Coverage does not depend on them.",
         "{1} 个主要设施：coverage.gpkg 中未绘制服务区多边形（超过 500 个；可用 --service-areas yes 或 'lifecircle isochrones'）。覆盖率不依赖这些多边形。"},

        // Errors without a code (base::UserError): the frequent ones.
        {"user_error", "{}: project file not found", "{1}：项目文件不存在"},
        {"user_error", "{}: targets file not found ([targets] path or --targets)", "{1}：目标文件不存在（[targets] path 或 --targets）"},
        {"user_error", "{}: unknown section [{}]{}", "{1}：未知的节 [{2}]{3}"},
        {"user_error", "{}: indicator {} key '{}': {}", "{1}：指标 {2} 的键 '{3}'：{4}"},
        {"user_error", "{}: [{}] {}: {}", "{1}：[{2}] {3}：{4}"},
        {"user_error", "{}: [{}] {}", "{1}：[{2}] {3}"},
        {"user_error", "{}: no [[indicator]] entries", "{1}：没有 [[indicator]] 条目"},
        {"user_error", "{}: the town statistics table cannot be read", "{1}：无法读取镇街统计表"},
        {"user_error", "{}: field '{}' ([stats] key) not found", "{1}：找不到字段 '{2}'（[stats] key）"},
        {"user_error", "{}: rows with a different number of values than the header: {}", "{1}：有些行的值个数与表头不同：{2}"},
        {"user_error", "{}: {} (compare reads the compliance.json that 'lifecircle analyze' writes)",
         "{1}：{2}（compare 读取 'lifecircle analyze' 写出的 compliance.json）"},
        {"user_error", "{}: capacity field '{}' not found", "{1}：找不到容量字段 '{2}'"},
        {"user_error", "{}: floor-area field '{}' not found", "{1}：找不到建筑面积字段 '{2}'"},
        {"user_error", "{}:{}: no town with id '{}'", "{1}:{2}：没有 id 为 '{3}' 的镇街"},
        {"user_error", "{}:{}: share must be 0..1", "{1}:{2}：比例必须在 0..1 之间"},
        {"user_error", "[output] crs '{}': {}", "[output] crs '{1}'：{2}"},
        {"user_error", "[output] crs must be metric, WGS84, GCJ02, BD09 or EPSG:nnnn, got '{}'", "[output] crs 必须是 metric、WGS84、GCJ02、BD09 或 EPSG:nnnn，实际为 '{1}'"},
        {"user_error", "[network] profile must be walk or drive, got '{}'", "[network] profile 必须是 walk 或 drive，实际为 '{1}'"},
        {"user_error", "[network] connectivity must be endpoints, any_vertex or noding, got '{}'",
         "[network] connectivity 必须是 endpoints、any_vertex 或 noding，实际为 '{1}'"},
        {"user_error", "[travel] mode = network but no [network] path is given", "[travel] mode = network，但没有给出 [network] path"},
        {"user_error", "unknown CRS '{}' (use EPSG:nnnn, WKT, a PROJ string, GCJ02 or BD09)", "未知的坐标系 '{1}'（请用 EPSG:nnnn、WKT、PROJ 字符串、GCJ02 或 BD09）"},
        {"user_error", "unknown EPSG code {}", "未知的 EPSG 代码 {1}"},
        {"user_error", "metric CRS EPSG:{} is not a projected CRS in metres", "米制坐标系 EPSG:{1} 不是以米为单位的投影坐标系"},
        {"user_error", "{} exists and is not a folder: choose another --out", "{1} 已存在且不是文件夹：请换一个 --out"},
        {"user_error", "--out {} is the current folder or holds it: give the outputs a folder of their own",
         "--out {1} 是当前文件夹或包含当前文件夹：请为输出另建一个文件夹"},
        {"user_error", "--set expects section.key=value, got '{}'", "--set 的格式应为 section.key=value，实际为 '{1}'"},
        {"user_error", "no towns layer: give [towns] path in the project file or --towns", "没有镇街图层：请在项目文件中给出 [towns] path，或用 --towns"},
        {"user_error", "scenario must be 'existing' or a plan year such as 2025, got '{}'", "情景必须是 'existing' 或规划年份（如 2025），实际为 '{1}'"},
        {"user_error", "isochrones needs a facilities layer", "isochrones 需要设施图层"},
        {"user_error", "isochrones needs a road network ([network] path or --network)", "isochrones 需要路网（[network] path 或 --network）"},
        {"user_error", "no network given ([network] path or --network)", "没有给出路网（[network] path 或 --network）"},
        {"user_error", "site needs a demand layer", "site 需要需求图层"},
        {"user_error", "name the facility type with --facility-type (or [travel] main_types)", "请用 --facility-type（或 [travel] main_types）指定设施类型"},
        {"user_error", "--add K is required for {}", "{1} 需要 --add K"},
        {"user_error", "--per-town-min {} is more than --per-town-max {}", "--per-town-min {1} 大于 --per-town-max {2}"},
        {"user_error", "--town-targets applies to set cover (--target-share / --problem lscp)", "--town-targets 只用于集合覆盖（--target-share / --problem lscp）"},
        {"user_error", "compare needs at least two run folders (the --out folders of analyze runs)", "compare 至少需要两个运行结果文件夹（analyze 的 --out 文件夹）"},

        // coverage/report: OutputCrs::warning(), printed by analyze
        {"output_crs_shift",
         "the GIS layers are in {}, for Chinese web basemaps: overlaid with WGS 84 data (GPS, OpenStreetMap, most GIS layers) they are about "
         "300-700 m off; their CRS is named so, QGIS will not shift them for you",
         "GIS 图层采用 {1} 坐标，用于国内网络底图：与 WGS 84 数据（GPS、OpenStreetMap、多数 GIS 图层）叠加时约偏移 300–700 米；"
         "图层的坐标系已如此命名，QGIS 不会替您纠偏"},

        // Parts of texts (a value of a row above, e.g. the "what" of a project key).
        // The source CRS of a layer in validate's listing (geo::CrsSpec::describe()).
        {"phrase", "GCJ02 (Chinese web-map datum, converted to WGS84)", "GCJ02（国内网络地图坐标，已转换为 WGS84）"},
        {"phrase", "BD09 (Baidu datum, converted to WGS84)", "BD09（百度地图坐标，已转换为 WGS84）"},
        {"phrase", "unknown key", "未知的键"},
        {"phrase", "unknown key; did you mean {}?", "未知的键；是否想写 {1}？"},
        {"phrase", "; did you mean {}?", "；是否想写 {1}？"},
        {"phrase", "(no fields)", "（无字段）"},
        {"phrase", " (GDAL: {})", "（GDAL：{1}）"},
        {"phrase", "cannot be read", "无法读取"},
        {"phrase", "missing", "缺失"},
        {"phrase", "used twice", "重复使用"},
        {"phrase", "expected a number", "应为数字"},
        {"phrase", "expected a text value", "应为文本"},
        {"phrase", "expected a text value in quotes", "应为加引号的文本"},
        {"phrase", "expected true or false", "应为 true 或 false"},
        {"phrase", "expected a list of numbers, e.g. [5, 10, 15]; got {}", "应为数字列表，如 [5, 10, 15]；实际为 {1}"},
        {"phrase", "the text \"{}\"", "文本 \"{1}\""},
        {"phrase", "expected a list of text values, e.g. [\"day_care\"]", "应为文本列表，如 [\"day_care\"]"},
        {"phrase", "expected a section ([{}] with keys), not a value", "应为一个节（[{1}] 及其键），而不是一个值"},
        {"phrase", "unknown kind '{}'; kinds are {}", "未知的指标类型 '{1}'；可用类型有 {2}"},
        {"phrase", "must be positive", "必须为正数"},
        {"phrase", "must be positive metres", "必须为正的米数"},
        {"phrase", "must be a finite number", "必须是有限的数"},
        {"phrase", "must be finite numbers", "必须是有限的数"},
        {"phrase", "must be greater than 0", "必须大于 0"},
        {"phrase", "must not be negative", "不能为负"},
        {"phrase", "must be at least 1", "必须至少为 1"},
        {"phrase", "must be at most {}", "不能超过 {1}"},
        {"phrase", "must be at least snap_m ({} m)", "不能小于 snap_m（{1} 米）"},
        {"phrase", "must be 0 or more metres", "必须为 0 或更多米"},
        {"phrase", "must be a whole number of nodes, 0 or more", "必须是 0 或更大的整数节点数"},
        {"phrase", "must be a plan year (1900..2200)", "必须是规划年份（1900..2200）"},
        {"phrase", "must be more than 0 and at most 10,000 metres", "必须大于 0 且不超过 10,000 米"},
        {"phrase", "must be points, polygons or buildings", "必须是 points、polygons 或 buildings"},
        {"phrase", "must be 2sfca, e2sfca, gravity or none", "必须是 2sfca、e2sfca、gravity 或 none"},
        {"phrase", "must be network or straight", "必须是 network 或 straight"},
        {"phrase", "must be auto, yes or no", "必须是 auto、yes 或 no"},
        {"phrase", "must be sum or weighted_mean", "必须是 sum 或 weighted_mean"},
        {"phrase", "must be >=, >, <=, < or ==", "必须是 >=、>、<=、< 或 =="},
        {"phrase", "only for kind {}", "只用于 {1} 类指标"},
    };
    return rows;
}

namespace {

struct Compiled {
    const MessageText* row;
    std::regex en;
};

// The English of a row as a regular expression: literal text, each {} a (lazy) group.
std::regex compile(const std::string& en) {
    std::string re;
    for (size_t i = 0; i < en.size(); ++i) {
        if (en.compare(i, 2, "{}") == 0) {
            re += "([\\s\\S]*?)";
            ++i;
        } else {
            if (std::strchr("\\^$.|?*+()[]{}", en[i])) re += '\\';
            re += en[i];
        }
    }
    return std::regex(re, std::regex::ECMAScript | std::regex::optimize);
}

const std::vector<Compiled>& compiled() {
    static const std::vector<Compiled> all = [] {
        std::vector<Compiled> out;
        for (const auto& r : message_texts()) out.push_back({&r, compile(r.en)});
        return out;
    }();
    return all;
}

std::string translate(const std::string& code, const std::string& text, int depth);

// "{1}的{2}" with the values, each value itself translated where a phrase row matches it.
std::string fill(const char* zh, const std::smatch& m, int depth) {
    std::string out;
    for (const char* p = zh; *p; ++p) {
        if (*p == '{' && std::isdigit(static_cast<unsigned char>(p[1]))) {
            char* end = nullptr;
            const long n = std::strtol(p + 1, &end, 10);
            if (*end == '}' && n >= 1 && static_cast<size_t>(n) < m.size()) {
                out += translate("phrase", m[static_cast<size_t>(n)].str(), depth + 1);
                p = end;
                continue;
            }
        }
        out += *p;
    }
    return out;
}

std::string translate(const std::string& code, const std::string& text, int depth) {
    if (depth > 3 || text.empty()) return text;
    for (const auto& c : compiled()) {
        if (code != c.row->code) continue;
        std::smatch m;
        if (std::regex_match(text, m, c.en)) return fill(c.row->zh, m, depth);
    }
    return text;
}

}  // namespace

std::string message_text(const std::string& code, const std::string& english, const std::string& lang) {
    if (lang != "zh") return english;
    std::string zh = translate(code, english, 0);
    // Texts that are an error's what() (bad_crs, bad_filter) may be a user error's text.
    if (zh == english) zh = translate("user_error", english, 0);
    return zh;
}

std::string error_text(const std::string& english, const std::string& lang) {
    return lang == "zh" ? translate("user_error", english, 0) : english;
}

std::string format_message(const Message& m, const std::string& lang) {
    if (lang != "zh") return m.format();
    std::string out = m.file.empty() ? std::string("输入") : m.file;
    if (!m.layer.empty()) out += " [" + m.layer + "]";
    if (m.fid >= 0 || !m.feature.empty()) {
        out += " 要素";
        if (m.fid >= 0) out += " " + std::to_string(m.fid);
        if (!m.feature.empty()) out += "（" + m.feature + "）";
    }
    if (!m.field.empty()) out += (m.feature.empty() ? " 字段 '" : "字段 '") + m.field + "'";  // none after "）"
    return out + "：" + message_text(m.code, m.text, lang);
}

}  // namespace lc::geo
