"""Line simplification for map outlines (pure): Douglas–Peucker on each ring, then rounding.

A 市(州) outline in the source has thousands of vertices (广元: 5,300 on its main ring); at the scale of
a province map a tolerance of ~0.01° (about 1 km) keeps the shape and drops >95 % of them. Rings that
would collapse below a triangle are kept as their simplified minimum so no region disappears.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Point = tuple[float, float]
FloatArray = NDArray[np.float64]


def _distances_sq(xy: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Squared distances of the points `xy` (n × 2) from the segment a–b."""
    d = b - a
    length_sq = float(d @ d)
    if length_sq == 0.0:
        diff = xy - a
    else:
        t = np.clip(((xy - a) @ d) / length_sq, 0.0, 1.0)
        diff = xy - (a + t[:, None] * d)
    out: FloatArray = np.einsum("ij,ij->i", diff, diff)
    return out


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """The points of a polyline kept by Douglas–Peucker with `tolerance` (same unit as the points).

    Iterative (a ring of 5,000 points would overflow a recursive version's stack); the distances of
    a span are computed at once with numpy (the pure-Python loop took ~3 s for a province)."""
    if len(points) < 3:
        return list(points)
    xy = np.asarray(points, dtype=np.float64)
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol_sq = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        dist = _distances_sq(xy[first + 1 : last], xy[first], xy[last])
        index = int(np.argmax(dist))
        if dist[index] > tol_sq:
            index += first + 1
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [points[int(i)] for i in np.flatnonzero(keep)]


def simplify_ring(ring: Sequence[Sequence[float]], tolerance: float, digits: int = 4) -> list[list[float]]:
    """A closed ring simplified and rounded to `digits` decimals, still closed, at least 4 positions
    (a triangle plus the closing point) when the input had that many."""
    points: list[Point] = [(float(x), float(y)) for x, y, *_ in ring]
    if len(points) < 4:
        return [[round(x, digits), round(y, digits)] for x, y in points]
    # Split a closed ring at its farthest point from the start, so both halves are open polylines.
    start = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - start[0]) ** 2 + (points[i][1] - start[1]) ** 2)
    half_a = douglas_peucker(points[: far + 1], tolerance)
    half_b = douglas_peucker(points[far:], tolerance)
    kept = half_a + half_b[1:]
    if len(kept) < 4:
        step = max(1, (len(points) - 1) // 3)
        kept = [points[0], points[step], points[min(2 * step, len(points) - 2)], points[-1]]
    out = [[round(x, digits), round(y, digits)] for x, y in kept]
    if out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def simplify_geometry(geometry: dict[str, Any], tolerance: float, min_area: float = 0.0) -> dict[str, Any]:
    """A GeoJSON Polygon/MultiPolygon simplified ring by ring. Polygons whose outer ring covers less
    than `min_area` (square degrees) are dropped (specks of an exclave), unless that would drop all."""
    kind = geometry["type"]
    polygons = geometry["coordinates"] if kind == "MultiPolygon" else [geometry["coordinates"]]
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"cannot simplify a {kind} (expected Polygon or MultiPolygon)")
    kept = [p for p in polygons if abs(ring_area(p[0])) >= min_area] or polygons
    simplified = [[simplify_ring(ring, tolerance) for ring in polygon] for polygon in kept]
    return {"type": "MultiPolygon", "coordinates": simplified}


def ring_area(ring: Sequence[Sequence[float]]) -> float:
    """Signed area of a ring by the shoelace formula, in squared coordinate units."""
    total = 0.0
    for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False):
        total += x1 * y2 - x2 * y1
    return total / 2.0


def count_positions(geometry: dict[str, Any]) -> int:
    """Number of positions in a Polygon/MultiPolygon (to report how much simplification removed)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return sum(len(ring) for polygon in polygons for ring in polygon)
