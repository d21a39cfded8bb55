"""Monitoring analytics over the Parquet lake (no Django): roll-ups, emission amounts, data quality.

- `rollup`: the one roll-up implementation, written in Ibis, run on DuckDB (default) or PySpark.
- `store`: the roll-up files under `$ECER_DATA_DIR/rollups/` and the incremental runner.
- `quality`: rules over the hourly roll-ups (gaps, stuck values) that are easier in plain Python.
See docs/monitoring-analytics.md for the rules and units.
"""
