#!/usr/bin/env python3
"""Build src/content/members/germany-outline.txt, Germany's outline for the map.

Source:   npm package `world-atlas`, version 2.0.2 (by Mike Bostock,
          https://github.com/topojson/world-atlas), file `countries-50m.json`
          (TopoJSON), object `countries`, feature id "276"
          (properties.name "Germany"; ISO 3166-1 numeric code).
Origin:   Natural Earth (https://www.naturalearthdata.com/) version 4.1.0,
          Admin 0 country boundaries, 1:50m medium scale.
Licence:  the package is ISC ("Copyright 2013-2019 Michael Bostock", see its
          LICENSE / package.json); Natural Earth data is in the public domain.
Attribution: "Germany outline from Natural Earth (public domain), via the npm
          package world-atlas 2.0.2 (ISC licence, (c) 2013-2019 Michael
          Bostock)."

The TopoJSON is decoded here: arcs are quantized and delta-encoded, decoded
with transform scale/translate; a negative arc index ~i means arc i reversed;
when stitching a ring, each arc after the first drops its first point (shared
with the previous arc's last point).

Projection (equirectangular, adjusted for Germany's latitude):
    x = (lon - LON_MIN) * cos(51.0 deg) * SCALE
    y = (LAT_MAX - lat) * SCALE,           SCALE = 100 units per degree
where LON_MIN, LAT_MIN, LON_MAX, LAT_MAX is the outline's bounding box,
rounded outwards to 0.01 degree.

Output (plain text, exactly 2 lines):
    LON_MIN LAT_MIN LON_MAX LAT_MAX WIDTH HEIGHT
    M x,y L x,y ... Z M x,y L x,y ... Z      (one M...Z per ring)
WIDTH/HEIGHT: the projected box in units, rounded up to integers.
Coordinates have 1 decimal; consecutive duplicate points (after rounding) are
dropped, as is a ring's closing point (Z closes it). If the path were larger
than MAX_PATH_BYTES it would be simplified (Douglas-Peucker, DP_TOLERANCE).

Run from anywhere:  tests/tools/make-germany-outline.py   (needs npm on PATH)
"""

import base64
import hashlib
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "world-atlas"
VERSION = "2.0.2"
# dist.integrity of world-atlas@2.0.2 on the npm registry.
INTEGRITY = (
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8Ikc"
    "PBoXnyTU5lFHcYa5ChG0LQ=="
)
MEMBER = "package/countries-50m.json"
FEATURE_ID = "276"
FEATURE_NAME = "Germany"

SCALE = 100.0  # units per degree of latitude
REF_LAT = 51.0  # degrees
MAX_PATH_BYTES = 40_000
DP_TOLERANCE = 0.3  # units

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(REPO, "src", "content", "members", "germany-outline.txt")


def fetch_topology(tmp):
    """npm pack PACKAGE@VERSION into tmp; return the parsed TopoJSON."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
        cwd=tmp, check=True, stdout=subprocess.DEVNULL,
    )
    tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
    if len(tgz) != 1:
        sys.exit(f"expected one tarball from npm pack, got {tgz}")
    path = os.path.join(tmp, tgz[0])
    with open(path, "rb") as f:
        digest = base64.b64encode(hashlib.sha512(f.read()).digest()).decode()
    if "sha512-" + digest != INTEGRITY:
        sys.exit(f"{path}: integrity mismatch (sha512-{digest})")
    with tarfile.open(path, "r:gz") as tar:
        return json.load(tar.extractfile(MEMBER))


def decode_arcs(topology):
    """All arcs as lists of (lon, lat), undoing quantization and delta coding."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def stitch_ring(arcs, indexes):
    ring = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def feature_rings(topology):
    arcs = decode_arcs(topology)
    found = [g for g in topology["objects"]["countries"]["geometries"]
             if g.get("id") == FEATURE_ID]
    if len(found) != 1 or found[0]["properties"].get("name") != FEATURE_NAME:
        sys.exit(f"feature {FEATURE_ID} ({FEATURE_NAME}) not found exactly once")
    geometry = found[0]
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        sys.exit(f"unexpected geometry type {geometry['type']}")
    return [stitch_ring(arcs, ring) for polygon in polygons for ring in polygon]


def dp_simplify(points, tol):
    """Douglas-Peucker on an open polyline; keeps both end points."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, best_d = None, tol
        for i in range(a + 1, b):
            px, py = points[i]
            if length == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / length
            if d > best_d:
                best, best_d = i, d
        if best is not None:
            keep[best] = True
            stack.append((a, best))
            stack.append((best, b))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring, tol):
    """Douglas-Peucker on a closed ring, split at its first and farthest point."""
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: math.hypot(ring[i][0] - x0, ring[i][1] - y0))
    first = dp_simplify(ring[: far + 1], tol)
    second = dp_simplify(ring[far:] + [ring[0]], tol)
    return first + second[1:-1]


def fmt(v):
    s = f"{v:.1f}"
    return "0.0" if s == "-0.0" else s


def build_path(rings, tol=None):
    parts = []
    for ring in rings:
        if tol is not None:
            ring = simplify_ring(ring, tol)
        pts = []
        for x, y in ring:
            p = f"{fmt(x)},{fmt(y)}"
            if not pts or pts[-1] != p:
                pts.append(p)
        while len(pts) > 1 and pts[-1] == pts[0]:
            pts.pop()
        if len(pts) < 3:
            continue
        parts.append("M " + pts[0] + "".join(" L " + p for p in pts[1:]) + " Z")
    return " ".join(parts)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        topology = fetch_topology(tmp)
    rings = feature_rings(topology)

    lons = [lon for ring in rings for lon, _ in ring]
    lats = [lat for ring in rings for _, lat in ring]
    # Bounding box in hundredths of a degree, rounded outwards.
    lon_min_c = math.floor(round(min(lons) * 100, 6))
    lat_min_c = math.floor(round(min(lats) * 100, 6))
    lon_max_c = math.ceil(round(max(lons) * 100, 6))
    lat_max_c = math.ceil(round(max(lats) * 100, 6))
    lon_min, lat_max = lon_min_c / 100, lat_max_c / 100

    kx = math.cos(math.radians(REF_LAT)) * SCALE
    width = math.ceil(round((lon_max_c - lon_min_c) / 100 * kx, 6))
    height = math.ceil(round((lat_max_c - lat_min_c) / 100 * SCALE, 6))

    projected = [[((lon - lon_min) * kx, (lat_max - lat) * SCALE) for lon, lat in ring]
                 for ring in rings]
    path = build_path(projected)
    if len(path.encode()) > MAX_PATH_BYTES:
        path = build_path(projected, DP_TOLERANCE)

    def deg(c):
        return f"{c / 100:.2f}"

    header = " ".join([deg(lon_min_c), deg(lat_min_c), deg(lon_max_c), deg(lat_max_c),
                       str(width), str(height)])
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as out:
        out.write(header + "\n" + path + "\n")
    print(f"{OUTPUT}: {len(rings)} rings, header '{header}', path {len(path)} bytes")


if __name__ == "__main__":
    main()
