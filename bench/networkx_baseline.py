#!/usr/bin/python3
"""Coverage share within N minutes with networkx: the baseline bench/run.sh times lifecircle against.

    /usr/bin/python3 bench/networkx_baseline.py PROJECT.toml [--minutes 15] [--compare COVERAGE.gpkg]

Debian packages only (python3-networkx, python3-gdal, python3-numpy); run it with /usr/bin/python3
so that a Python of another origin on PATH does not shadow them.

It reads the layers the project names and answers the question `lifecircle analyze` answers for
its largest circle, with the same definitions (bench/README.md lists what still differs):

* graph: every distinct vertex of the road lines is a node and every piece between two
  consecutive vertices an edge. lifecircle makes nodes only of shared vertices and line ends
  (connectivity = "any_vertex") and keeps the others as shape points of a link; a node of
  degree 2 does not change any shortest-path cost, so the costs are the same.
* edge weight: geodesic (WGS84) length / walking speed of [travel] speed_kmh, the length by
  the mid-latitude radii of curvature formula lifecircle uses for pieces up to 100 m.
* snapping: every home and facility to the nearest point of the nearest segment, measured in
  the project's metric CRS ([output] metric_crs), preferring components of at least
  [network] min_component_nodes nodes (default 50; the largest always counts) within
  snap_far_m (default 1600 m), else a small component within snap_far_m, else off the
  network (never covered). The walk from the door to the street costs its straight length at
  the same speed.
* facilities: the existing ones (status empty or "existing") of [travel] main_types.
* search: one multi-source Dijkstra (networkx, from a virtual source joined to both ends of
  every facility's segment with the cost of the walk there), cut off at N minutes; a home on a
  facility's own segment may also walk straight along it.
* share: covered households / all households of the demand layer (lifecircle's printed share
  counts only homes inside a town; --compare reads its per-home result instead).

Prints stage times and a line "RESULT share=... covered=... households=... homes=... reached=..."
and, with --compare, "COMPARE lifecircle_share=... differing_homes=..." from the demand layer of
lifecircle's coverage.gpkg (column covered_<N>), matched by the demand id.
"""
import time

T0 = time.perf_counter()  # before the imports: loading networkx, numpy and GDAL is part of the cost

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tomllib  # noqa: E402

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from osgeo import ogr, osr  # noqa: E402

ogr.UseExceptions()
osr.UseExceptions()


def stage(name, t):
    print(f"  {name}: {time.perf_counter() - t:.2f} s", flush=True)
    return time.perf_counter()


def srs_of(epsg_or_srs):
    s = osr.SpatialReference()
    if isinstance(epsg_or_srs, int):
        s.ImportFromEPSG(epsg_or_srs)
    else:
        s = epsg_or_srs.Clone()
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)  # x = lon/easting, as lifecircle
    return s


def transform(xy, src, dst):
    """(n, 2) array from src to dst; unchanged when both are the same CRS."""
    if src.IsSame(dst):
        return xy.copy()
    ct = osr.CoordinateTransformation(src, dst)
    out = np.empty_like(xy)
    step = 1 << 18  # TransformPoints returns a list of tuples: keep those lists small
    for b in range(0, len(xy), step):
        out[b:b + step] = np.asarray(ct.TransformPoints(xy[b:b + step]))[:, :2]
    return out


def read_layer(path, layer_name, fields):
    """Geometries as WKB blobs plus the named fields, through OGR's Arrow stream (one C call per
    batch, not one Python object per feature), and the layer's CRS."""
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer_name) if layer_name else ds.GetLayer(0)
    srs = lyr.GetSpatialRef()
    keep = set(fields)
    lyr.SetIgnoredFields([lyr.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(lyr.GetLayerDefn().GetFieldCount())
                          if lyr.GetLayerDefn().GetFieldDefn(i).GetName() not in keep])
    geom_col = lyr.GetGeometryColumn() or "wkb_geometry"
    blobs, cols = [], {f: [] for f in fields}
    for batch in lyr.GetArrowStreamAsNumPy(options=["USE_MASKED_ARRAYS=NO"]):
        blobs.append(batch[geom_col])
        for f in fields:
            cols[f].append(batch[f])
    blobs = np.concatenate(blobs) if blobs else np.array([], dtype=object)
    cols = {f: np.concatenate(v) for f, v in cols.items()}
    return blobs, cols, srs_of(srs), ds


def wkb_coords(blobs, expect_type):
    """Coordinates of 2D WKB points (type 1) or line strings (type 2), vectorised: the blobs are
    joined into one byte array and the coordinate bytes cut out with a mask."""
    if blobs.dtype.kind == "V":  # blobs of one size (points) come as a fixed-width array
        lens = np.full(len(blobs), blobs.dtype.itemsize, dtype=np.int64)
        buf = np.frombuffer(blobs.tobytes(), dtype=np.uint8)
    else:
        lens = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
        buf = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    if len(blobs) and (buf[starts] != 1).any():
        sys.exit("big-endian WKB is not handled")
    types = buf[starts[:, None] + np.arange(1, 5)].copy().view("<u4").ravel()
    if (types != expect_type).any():
        sys.exit(f"geometries other than 2D WKB type {expect_type} are not handled (found {sorted(set(types.tolist()))})")
    head = 5 if expect_type == 1 else 9  # a line string has its vertex count before the vertices
    count = (lens - head) // 16
    mark = np.zeros(len(buf) + 1, dtype=np.int8)
    np.add.at(mark, starts + head, 1)
    np.add.at(mark, starts + lens, -1)
    mask = np.cumsum(mark[:-1]).astype(bool)
    xy = buf[mask].copy().view("<f8").reshape(-1, 2)
    return xy, count


def geodesic_m(lonlat_a, lonlat_b):
    """lifecircle's segment_geodesic_m without its fallback: WGS84 meridional and prime-vertical
    radii at the mid-latitude (within a micrometre of geod_inverse for the pieces here)."""
    a_, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    rad = np.pi / 180
    dlon = lonlat_b[:, 0] - lonlat_a[:, 0]
    dlon = np.where(dlon > 180, dlon - 360, np.where(dlon < -180, dlon + 360, dlon))
    phi = 0.5 * (lonlat_a[:, 1] + lonlat_b[:, 1]) * rad
    w2 = 1 - e2 * np.sin(phi) ** 2
    n = a_ / np.sqrt(w2)
    m = a_ * (1 - e2) / (w2 * np.sqrt(w2))
    return np.hypot(m * (lonlat_b[:, 1] - lonlat_a[:, 1]) * rad, n * np.cos(phi) * dlon * rad)


class SegmentGrid:
    """Nearest segment to many points at once: segments are filed in every cell of a square grid
    their bounding box touches; a point looks at the (2r+1)^2 cells around its own. A segment
    found at distance <= r * cell is the nearest (every point of the network that close lies in
    those cells); points not settled that way are tried again with r doubled, up to max_m."""

    def __init__(self, a, b, cell):
        self.a, self.b, self.cell = a, b, cell
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        self.origin = lo.min(axis=0)
        c0 = np.floor((lo - self.origin) / cell).astype(np.int64)
        c1 = np.floor((hi - self.origin) / cell).astype(np.int64)
        self.nx = int(c1[:, 0].max()) + 1 if len(a) else 1
        self.ny = int(c1[:, 1].max()) + 1 if len(a) else 1
        span = (c1 - c0 + 1)
        per = span[:, 0] * span[:, 1]
        seg = np.repeat(np.arange(len(a)), per)
        k = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
        cx = c0[seg, 0] + k % span[seg, 0]
        cy = c0[seg, 1] + k // span[seg, 0]
        cellid = cy * self.nx + cx
        order = np.argsort(cellid, kind="stable")
        self.items = seg[order]
        self.first = np.searchsorted(cellid[order], np.arange(self.nx * self.ny + 1))

    def nearest(self, p, max_m):
        """Index of the nearest segment (-1 beyond max_m), its distance and parameter t."""
        n = len(p)
        best = np.full(n, -1, dtype=np.int64)
        dist = np.full(n, np.inf)
        tpar = np.zeros(n)
        if n == 0 or len(self.a) == 0:
            return best, dist, tpar
        pc = np.floor((p - self.origin) / self.cell).astype(np.int64)
        todo = np.arange(n)
        r = 1
        while len(todo):
            off = np.arange(-r, r + 1)
            ox, oy = np.meshgrid(off, off)
            ox, oy = ox.ravel(), oy.ravel()
            for chunk in np.array_split(todo, max(1, len(todo) * len(ox) // 500_000 + 1)):
                cx = pc[chunk, 0][:, None] + ox
                cy = pc[chunk, 1][:, None] + oy
                inside = (cx >= 0) & (cy >= 0) & (cx < self.nx) & (cy < self.ny)
                cid = np.where(inside, cy * self.nx + cx, 0)
                cnt = np.where(inside, self.first[cid + 1] - self.first[cid], 0)
                tot = cnt.sum()
                if tot:
                    owner = np.repeat(np.repeat(np.arange(len(chunk)), len(ox)), cnt.ravel())
                    startc = np.repeat(self.first[cid].ravel(), cnt.ravel())
                    within = np.arange(tot) - np.repeat(np.cumsum(cnt.ravel()) - cnt.ravel(), cnt.ravel())
                    s = self.items[startc + within]
                    q = p[chunk[owner]]
                    a, d = self.a[s], self.b[s] - self.a[s]
                    l2 = (d * d).sum(axis=1)
                    t = np.clip(np.where(l2 > 0, ((q - a) * d).sum(axis=1) / np.where(l2 > 0, l2, 1), 0), 0, 1)
                    e = a + t[:, None] * d - q
                    d2 = (e * e).sum(axis=1)
                    # per point the smallest distance; ties to the lowest segment (as lifecircle)
                    o = np.lexsort((s, d2, owner))
                    firsts = o[np.r_[True, owner[o][1:] != owner[o][:-1]]]
                    idx = chunk[owner[firsts]]
                    better = d2[firsts] < dist[idx] ** 2
                    idx, firsts = idx[better], firsts[better]
                    best[idx], dist[idx], tpar[idx] = s[firsts], np.sqrt(d2[firsts]), t[firsts]
            settled = dist[todo] <= r * self.cell
            todo = todo[~settled]
            if r * self.cell >= max_m:
                break
            r *= 2
        far = dist > max_m
        best[far], dist[far], tpar[far] = -1, np.inf, 0
        return best, dist, tpar


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("project")
    ap.add_argument("--minutes", type=float, default=None, help="circle (default: the project's largest)")
    ap.add_argument("--compare", help="lifecircle's coverage.gpkg of the same project and circle")
    args = ap.parse_args()
    with open(args.project, "rb") as f:
        proj = tomllib.load(f)
    base = os.path.dirname(os.path.abspath(args.project))
    here = lambda p: p if os.path.isabs(p) else os.path.join(base, p)
    net, trav, fac, dem = proj["network"], proj["travel"], proj["facilities"], proj["demand"]
    minutes = args.minutes if args.minutes is not None else max(trav.get("circles_min", [15]))
    mps = trav.get("speed_kmh", 4.0) / 3.6
    snap_far = max(net.get("snap_far_m", 1600.0), net.get("snap_m", 300.0))
    min_comp = int(net.get("min_component_nodes", 50))
    metric = proj.get("output", {}).get("metric_crs")
    if not metric or not metric.upper().startswith("EPSG:"):
        sys.exit("the project needs [output] metric_crs = \"EPSG:n\" (the CRS lifecircle measures snapping distances in)")
    metric_srs, wgs84 = srs_of(int(metric.split(":")[1])), srs_of(4326)
    if net.get("profile", "walk") != "walk" or net.get("format", "lines") != "lines":
        sys.exit("only a walk profile on a line layer is handled")
    print(f"networkx baseline: {args.project}, {minutes:g} min at {mps * 3.6:g} km/h (networkx {nx.__version__})", flush=True)

    # --- roads: vertices, segments, nodes ----------------------------------------------------
    t = time.perf_counter()
    blobs, _, road_srs, _ = read_layer(here(net["path"]), net.get("layer"), [])
    xy, count = wkb_coords(blobs, 2)
    del blobs
    t = stage(f"read roads ({len(count):,} lines, {len(xy):,} vertices)", t)
    # Nodes are distinct exact coordinates (vertices shared bit for bit join lines).
    key = np.ascontiguousarray(xy).view(np.dtype((np.void, 16))).ravel()
    uniq, node = np.unique(key, return_inverse=True)
    uniq_xy = uniq.view("<f8").reshape(-1, 2)
    node_m = transform(uniq_xy, road_srs, metric_srs)
    node_ll = transform(uniq_xy, road_srs, wgs84)
    line_of = np.repeat(np.arange(len(count)), count)
    k = np.nonzero(line_of[1:] == line_of[:-1])[0]  # vertex k -> k+1 is a segment
    su, sv = node[k], node[k + 1]
    keep = su != sv  # repeated vertices are no segment
    su, sv = su[keep], sv[keep]
    seg_len = geodesic_m(node_ll[su], node_ll[sv])
    t = stage(f"nodes and lengths ({len(uniq):,} nodes, {len(su):,} segments)", t)
    del xy, key, uniq, uniq_xy, node, line_of, k, keep

    G = nx.Graph()
    G.add_nodes_from(range(len(node_m)))
    # Parallel pieces (a line drawn over another) keep the shorter time, as a search would.
    w = seg_len / mps
    lo, hi = np.minimum(su, sv), np.maximum(su, sv)
    o = np.lexsort((w, hi, lo))
    first = o[np.r_[True, (lo[o][1:] != lo[o][:-1]) | (hi[o][1:] != hi[o][:-1])]]
    G.add_weighted_edges_from(zip(lo[first].tolist(), hi[first].tolist(), w[first].tolist()))
    comp_size = np.zeros(len(node_m), dtype=np.int64)
    comps = sorted(nx.connected_components(G), key=len, reverse=True)
    for c in comps:
        comp_size[list(c)] = len(c)
    main_node = comp_size >= min_comp
    main_node[list(comps[0])] = True
    del comps
    t = stage(f"networkx graph ({G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges) and components", t)

    # --- points and snapping -------------------------------------------------------------------
    def points(section, fields):
        blobs, cols, srs, _ = read_layer(here(section["path"]), section.get("layer"), fields)
        pxy, _ = wkb_coords(blobs, 1)
        return transform(pxy, srs, metric_srs), cols

    type_f, status_f = fac.get("type", "type"), fac.get("status")
    fxy, fcols = points(fac, [type_f] + ([status_f] if status_f else []))
    ftype = fcols[type_f].astype(str)
    active = np.isin(ftype, trav.get("main_types", list(set(ftype))))
    if status_f:
        st = fcols[status_f].astype(str)
        active &= (st == "") | (st == "existing") | (st == "None")
    id_f, wt_f = dem.get("id"), dem["weight"]
    dxy, dcols = points(dem, [wt_f] + ([id_f] if id_f else []))
    hh = dcols[wt_f].astype(float)
    t = stage(f"read points ({active.sum():,} of {len(fxy):,} facilities, {len(dxy):,} homes)", t)

    a_m, b_m = node_m[su], node_m[sv]
    seg_main = main_node[su]
    cell = max(float(np.mean(np.hypot(*(b_m - a_m).T))), 1.0)
    main_ids, small_ids = np.nonzero(seg_main)[0], np.nonzero(~seg_main)[0]
    grid_main = SegmentGrid(a_m[main_ids], b_m[main_ids], cell)
    grid_small = SegmentGrid(a_m[small_ids], b_m[small_ids], cell) if len(small_ids) else None

    def snap(p):
        s, d, tt = grid_main.nearest(p, snap_far)
        s = np.where(s >= 0, main_ids[np.maximum(s, 0)], -1)
        miss = np.nonzero(s < 0)[0]
        if len(miss) and grid_small is not None:
            s2, d2, t2 = grid_small.nearest(p[miss], snap_far)
            s[miss] = np.where(s2 >= 0, small_ids[np.maximum(s2, 0)], -1)
            d[miss], tt[miss] = d2, t2
        return s, d, tt

    fs, fd, ft = snap(fxy[active])
    ds, dd, dt = snap(dxy)
    t = stage(f"snap ({(ds < 0).sum():,} homes and {(fs < 0).sum():,} facilities off the network)", t)

    # --- one multi-source Dijkstra -------------------------------------------------------------
    cutoff = minutes * 60 + 1e-9  # lifecircle's inclusive cutoff
    S = len(node_m)  # the virtual source
    on = fs >= 0
    fs, fd, ft = fs[on], fd[on], ft[on]
    acc = fd / mps
    to_u = acc + ft * seg_len[fs] / mps
    to_v = acc + (1 - ft) * seg_len[fs] / mps
    start = {}
    for nd_, c in zip(np.r_[su[fs], sv[fs]].tolist(), np.r_[to_u, to_v].tolist()):
        if c < start.get(nd_, np.inf):
            start[nd_] = c
    G.add_weighted_edges_from((S, nd_, c) for nd_, c in start.items())
    dist = nx.single_source_dijkstra_path_length(G, S, cutoff=cutoff, weight="weight")
    G.remove_node(S)
    t = stage(f"multi-source Dijkstra ({len(fs):,} facilities, {len(dist) - 1:,} nodes within {minutes:g} min)", t)

    dn = np.full(len(node_m), np.inf)
    reached = np.fromiter(dist.keys(), dtype=np.int64, count=len(dist))
    dn_vals = np.fromiter(dist.values(), dtype=float, count=len(dist))
    ok = reached < S
    dn[reached[ok]] = dn_vals[ok]
    on_net = ds >= 0
    dsg = np.maximum(ds, 0)
    along = dt * seg_len[dsg]
    cost = dd / mps + np.minimum(dn[su[dsg]] + along / mps, dn[sv[dsg]] + (seg_len[dsg] - along) / mps)
    # A home on a facility's own segment can walk straight along it.
    by_seg = {}
    for s_, a_, c_ in zip(fs.tolist(), (ft * seg_len[fs]).tolist(), acc.tolist()):
        by_seg.setdefault(s_, []).append((a_, c_))
    for i in np.nonzero(on_net & np.isin(ds, fs))[0].tolist():
        for a_, c_ in by_seg[ds[i]]:
            cost[i] = min(cost[i], c_ + abs(along[i] - a_) / mps + dd[i] / mps)
    covered = on_net & (cost <= cutoff)
    share = hh[covered].sum() / hh.sum() if hh.sum() > 0 else 0.0
    stage("coverage", t)
    print(f"  total: {time.perf_counter() - T0:.2f} s")
    print(f"RESULT share={share:.6f} covered={hh[covered].sum():.0f} households={hh.sum():.0f} homes={len(hh)} "
          f"reached={int(covered.sum())}", flush=True)

    if args.compare:
        col = f"covered_{minutes:g}"
        blobs, cols, _, ds_ = read_layer(args.compare, "demand", [col, wt_f] + ([id_f] if id_f else []))
        lc_cov = cols[col].astype(int) == 1
        lc_hh = cols[wt_f].astype(float)
        if id_f:  # match rows by id, whatever order the output has
            pos = {v: i for i, v in enumerate(dcols[id_f].astype(str).tolist())}
            ix = np.array([pos[v] for v in cols[id_f].astype(str).tolist()])
        else:
            ix = np.arange(len(lc_cov))
        lc_share = lc_hh[lc_cov].sum() / lc_hh.sum() if lc_hh.sum() > 0 else 0.0
        diff = int((lc_cov != covered[ix]).sum())
        print(f"COMPARE lifecircle_share={lc_share:.6f} differing_homes={diff} of {len(lc_cov)}")


if __name__ == "__main__":
    main()
