#include "coverage/report/network_layers.hpp"

#include <cmath>

#include "coverage/report/outputs.hpp"
#include "coverage/report/styles.hpp"
#include "geo/output.hpp"

namespace lc::cov {

void write_network_layers(const std::string& path, const Study& study, const RoadNetwork& network, const TravelModel& travel) {
    const net::Graph& g = network.graph;
    cov::OutputCrs crs(study.project.output.crs, study.metric_epsg);
    geo::VectorOutput out(path);
    OGRLayer* links = out.create_layer("links", wkbLineString, crs.epsg());
    OGRLayer* islands = out.create_layer("small_components", wkbLineString, crs.epsg());
    for (OGRLayer* l : {links, islands}) {
        geo::add_field(l, "link", OFTInteger);
        geo::add_field(l, "from_node", OFTInteger);
        geo::add_field(l, "to_node", OFTInteger);
        geo::add_field(l, "component", OFTInteger);
        geo::add_field(l, "component_nodes", OFTInteger);
        geo::add_field(l, "length_m", OFTReal);
        geo::add_field(l, "time_fw_s", OFTReal);
        geo::add_field(l, "time_bw_s", OFTReal);
        geo::add_field(l, "source_fid", OFTInteger64);
    }
    geo::start_transaction(links);  // a GeoPackage transaction covers both layers
    for (uint32_t k = 0; k < g.link_count(); ++k) {
        uint32_t comp = g.link_component(k);
        bool is_small = g.component_nodes[comp] < study.project.network.min_component_nodes;
        for (OGRLayer* l : {links, islands}) {
            if (l == islands && !is_small) continue;
            OGRFeature* f = OGRFeature::CreateFeature(l->GetLayerDefn());
            f->SetField("link", static_cast<int>(k));
            f->SetField("from_node", static_cast<int>(g.link_tail[k]));
            f->SetField("to_node", static_cast<int>(g.link_head[k]));
            f->SetField("component", static_cast<int>(comp));
            f->SetField("component_nodes", static_cast<int>(g.component_nodes[comp]));
            f->SetField("length_m", std::round(g.link_length_m[k] * 100) / 100);
            if (std::isfinite(g.link_time_fw_s[k])) f->SetField("time_fw_s", std::round(g.link_time_fw_s[k] * 100) / 100);
            if (std::isfinite(g.link_time_bw_s[k])) f->SetField("time_bw_s", std::round(g.link_time_bw_s[k] * 100) / 100);
            f->SetField("source_fid", static_cast<GIntBig>(g.link_source_fid[k]));
            std::vector<double> xy;
            for (uint32_t i = g.link_geom_first[k]; i < g.link_geom_first[k + 1]; ++i) xy.push_back(g.geom_xy[i].x), xy.push_back(g.geom_xy[i].y);
            geo::GeomPtr line(GEOSGeom_createLineString_r(geo::geos(), GEOSCoordSeq_copyFromBuffer_r(geo::geos(), xy.data(), xy.size() / 2, 0, 0)));
            write_feature(l, f, line.get(), crs);
            OGRFeature::DestroyFeature(f);
        }
    }
    geo::commit_transaction(links);

    OGRLayer* conn = out.create_layer("connectors", wkbLineString, crs.epsg());
    for (const char* n : {"role", "id", "status"}) geo::add_field(conn, n, OFTString);
    geo::add_field(conn, "dist_m", OFTReal);
    geo::add_field(conn, "link", OFTInteger);
    geo::start_transaction(conn);
    auto write_connectors = [&](const char* role, const geo::Layer* layer, const std::vector<net::Snap>& snaps, int id_field) {
        if (!layer) return;
        for (size_t i = 0; i < snaps.size(); ++i) {
            OGRFeature* f = OGRFeature::CreateFeature(conn->GetLayerDefn());
            f->SetField("role", role);
            std::string id = layer->text(i, id_field);
            f->SetField("id", id.empty() ? std::to_string(layer->fid[i]).c_str() : id.c_str());
            f->SetField("status", net::to_string(snaps[i].status));
            f->SetField("dist_m", std::round(snaps[i].dist_m * 100) / 100);
            geo::GeomPtr line;
            if (snaps[i].status != net::SnapStatus::off_network) {
                f->SetField("link", static_cast<int>(snaps[i].link));
                double xy[4] = {layer->point[i].x, layer->point[i].y, snaps[i].on_network.x, snaps[i].on_network.y};
                line.reset(GEOSGeom_createLineString_r(geo::geos(), GEOSCoordSeq_copyFromBuffer_r(geo::geos(), xy, 2, 0, 0)));
            }
            write_feature(conn, f, line.get(), crs);
            OGRFeature::DestroyFeature(f);
        }
    };
    write_connectors("facility", study.facilities.get(), travel.facility_snaps(), study.fac_id);
    write_connectors("demand", study.demand.get(), travel.demand_snaps(), study.dem_id);
    geo::commit_transaction(conn);
    write_gpkg_styles(out.dataset(), {}, study.project.lang);  // QGIS default styles: links, islands, connectors
    out.commit();
}

}  // namespace lc::cov
