"""Shared by the benchmark scripts (run as ``python benchmarks/bench_*.py``)."""

from __future__ import annotations

import gc
import time


def timed(fn, *args):
    """Wall seconds of ``fn(*args)`` with the garbage collector paused (as timeit does), and
    its result."""
    gc.collect()
    gc.disable()
    try:
        t = time.perf_counter()
        out = fn(*args)
        return time.perf_counter() - t, out
    finally:
        gc.enable()
