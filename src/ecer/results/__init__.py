"""Precomputed results (计算结果缓存): progress reports stored per data version so pages read them
instead of recomputing (see ecer.services.dashboard.cache)."""
