"""The gateway's own ack-latency histogram (logged every 30 s and at the stop)."""

from __future__ import annotations

from ecer.gateway.server import LatencyHistogram


def test_percentiles_are_bucket_upper_edges_and_merge_adds_up() -> None:
    h = LatencyHistogram()
    for ms in [1.0] * 98 + [40.0, 900.0]:
        h.add(ms / 1000)
    assert h.count == 100 and h.max_ms == 900.0
    assert 1.0 <= h.percentile_ms(0.5) <= 1.26
    assert 40.0 <= h.percentile_ms(0.99) <= 50.4  # the 99th of 100 is the 40 ms one
    assert h.percentile_ms(1.0) == 900.0
    other = LatencyHistogram()
    other.add(200.0)  # beyond the last edge (100 s): the open bucket reports the maximum
    h.merge(other)
    assert h.count == 101 and h.percentile_ms(1.0) == 200_000.0
    text = h.summary()
    assert text.startswith("n=101 p50=") and ">100000:1" in text
