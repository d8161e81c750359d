"""Each measured phase runs in a child process, so its peak memory is its own."""
from __future__ import annotations

import json
import multiprocessing
import resource
import time
from collections.abc import Callable
from typing import Any

from benchmarks.goals import judge


def _child(queue, func, args):
    try:
        result = func(*args)
        result.setdefault("peak_rss_mb", round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
        queue.put(("ok", result))
    except BaseException as exc:  # report any failure to the parent instead of hanging it
        import traceback

        queue.put(("error", traceback.format_exc()))
        raise SystemExit(1) from exc


def in_child(func: Callable[..., dict], *args: Any) -> dict:
    """Run ``func(*args)`` in a forked process and return its result dict."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, func, args))
    process.start()
    status, payload = queue.get()
    process.join()
    if status != "ok":
        raise RuntimeError(payload)
    return payload


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def emit(metric: str, n: int, seconds: float, baseline: float | None = None, **extra) -> dict:
    """Print one figure as a JSON line, with its goal and whether it meets it."""
    row = {"metric": metric, "n": n, "seconds": round(seconds, 6)}
    if baseline is not None:
        row["baseline_seconds"] = round(baseline, 6)
        row["ratio"] = round(seconds / baseline, 2) if baseline else None
    row.update(extra)
    judge(row)
    print(json.dumps(row), flush=True)
    return row
