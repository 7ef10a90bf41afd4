"""Running a suite: resume, local process pool or Ray, progress, and the results store.

The parent expands the suite into jobs, skips those already in the store, builds each distinct
dataset once (into the on-disk cache, in parallel), then hands training runs to workers (cores ÷
workers torch threads each) and records every finished run in the store as it arrives.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from langlab.errors import LanglabError
from langlab.harness.store import Store
from langlab.harness.suite import Job, Suite, expand
from langlab.harness.weights import write as write_weights


@dataclass
class RunSummary:
    out_dir: Path
    total: int
    skipped: int
    done: int
    failed: int
    wall_s: float


def threads_per_worker(workers: int) -> int:
    """The cores this process may use, shared out: cores ÷ workers, at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores // max(workers, 1))


def _init_worker(threads: int = 1) -> None:
    os.environ["OMP_NUM_THREADS"] = str(threads)
    import torch

    torch.set_num_threads(threads)


def _prepare(language: str, task: dict, split: dict, cache_dir: str | None,
             grammars: tuple[str, ...]) -> str:
    """Build one dataset into the cache (a worker task); returns the language name. A dataset
    that cannot be built is left to its runs, which record the reason as failed runs."""
    _init_worker()
    from langlab import load_language
    from langlab.data import SplitSpec
    from langlab.tasks import build_dataset

    try:
        build_dataset(load_language(language, list(grammars)), task=task["name"],
                      spec=SplitSpec.model_validate(split), target_mode=task["target_mode"],
                      cache_dir=Path(cache_dir) if cache_dir else None, **task["options"])
    except LanglabError:
        pass
    return language


def _run(job: Job, cache_dir: str | None, rule: str, threads: int = 1) -> dict:
    _init_worker(threads)
    from langlab.harness.train import run_one

    return run_one(job, cache_dir, rule, threads)


def _local(calls: list[tuple[Callable, tuple]], workers: int) -> Iterator[object]:
    """Results of ``fn(*args)`` calls as they finish, from a spawn-based process pool."""
    if workers <= 1:
        for fn, args in calls:
            yield fn(*args)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    threads = threads_per_worker(workers)
    os.environ["OMP_NUM_THREADS"] = str(threads)  # inherited by the spawned workers
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                             initializer=_init_worker, initargs=(threads,)) as pool:
        futures = [pool.submit(fn, *args) for fn, args in calls]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            for fut in futures:
                fut.cancel()


def _wants_gpu(args: tuple) -> bool:
    return bool(args) and isinstance(args[0], Job) and args[0].training.get("device") == "cuda"


def _ray(calls: list[tuple[Callable, tuple]], workers: int, address: str | None,
         gpu_fraction: float = 1.0) -> Iterator[object]:
    try:
        import ray
    except ImportError:
        raise LanglabError("the Ray executor needs Ray: pip install 'langlab[ray]'") from None
    if not ray.is_initialized():
        kwargs = {"address": address} if address else {"num_cpus": max(workers, 1)}
        ray.init(include_dashboard=False, ignore_reinit_error=True, log_to_driver=False,
                 runtime_env={"env_vars": {"OMP_NUM_THREADS": "1"}}, **kwargs)
    # A run asking for CUDA asks Ray for a share of a GPU (gpu_fraction: 0.25 lets four runs
    # share one); every other call asks for one CPU.
    pending = [ray.remote(num_cpus=1, num_gpus=gpu_fraction if _wants_gpu(args) else 0)(fn)
               .remote(*args) for fn, args in calls]
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        yield ray.get(ready[0])


def execute(calls: list[tuple[Callable, tuple]], executor: str, workers: int,
            address: str | None = None, gpu_fraction: float = 1.0) -> Iterable[object]:
    if executor == "ray":
        return _ray(calls, workers, address, gpu_fraction)
    if executor != "local":
        raise LanglabError(f"unknown executor {executor!r}; choose 'local' or 'ray'")
    return _local(calls, workers)


def _write_run_info(out: Path, wall_s: float, workers: int, executor: str) -> None:
    """``run.json``: the machine and the accumulated wall time (over resumed sessions)."""
    import json
    import platform

    from langlab import __version__

    path = out / "run.json"
    info = json.loads(path.read_text()) if path.is_file() else {"sessions": []}
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:  # pragma: no cover
        torch_version = None
    info["sessions"].append({"wall_s": round(wall_s, 1), "workers": workers, "executor": executor,
                             "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
    info.update(langlab_version=__version__, python=platform.python_version(), torch=torch_version,
                machine=f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
                wall_s=round(sum(s["wall_s"] for s in info["sessions"]), 1))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info, indent=2))
    tmp.replace(path)


def run_suite(suite: Suite, out_dir: str | Path, *, workers: int | None = None,
              executor: str = "local", address: str | None = None, quiet: bool = False,
              grammars: tuple[str, ...] = (), cache_dir: str | Path | None = None,
              on_row: Callable[[dict], None] | None = None,
              gpu_fraction: float = 1.0, threads: int | None = None) -> RunSummary:
    """Run every unfinished job of ``suite`` into ``out_dir``; finished runs are skipped.

    Each local worker trains with ``threads`` torch threads, by default cores ÷ workers (all
    cores for one worker). Pass fewer when other jobs share the cores: on 2 cores busy with
    another suite's 2 workers, one worker with 2 threads trained a Majority RNN run (6,800 steps)
    in 758 s, and the same run's other seeds took 46-49 s at 1 thread. A Ray task takes one
    CPU, and ``gpu_fraction`` of a GPU when its device is ``cuda``."""
    if threads is not None and threads < 1:
        raise LanglabError(f"threads must be at least 1, not {threads}")
    from langlab.harness.progress import Progress

    t0 = time.monotonic()
    out = Path(out_dir)
    (out / "logs").mkdir(parents=True, exist_ok=True)
    resolved = suite.model_dump(mode="json")
    (out / "suite.yaml").write_text(yaml.safe_dump(resolved, sort_keys=False))
    jobs = expand(suite, grammars)
    store = Store(out / "results.sqlite")
    finished = store.finished_keys()
    pending = [j for j in jobs if j.key not in finished]
    workers = workers or os.cpu_count() or 1
    # datasets are cached in the run folder unless LANGLAB_CACHE names a cache shared by suites
    cache = str(cache_dir or os.environ.get("LANGLAB_CACHE") or out / "cache")
    progress = Progress(total=len(jobs), already=len(jobs) - len(pending), quiet=quiet)
    done = failed = 0
    try:
        datasets = {(j.language, repr(j.task), repr(j.split)): j for j in pending}
        if len(datasets) > 1 and workers > 1:  # build each dataset once, in parallel
            progress.message(f"building {len(datasets)} datasets")
            calls = [(_prepare, (j.language, j.task, j.split, cache, j.grammars))
                     for j in datasets.values()]
            for _ in execute(calls, executor, workers, address):
                pass
        threads = 1 if executor == "ray" else (threads or threads_per_worker(workers))
        calls = [(_run, (j, cache, j.selection, threads)) for j in pending]
        for row in execute(calls, executor, workers, address, gpu_fraction):
            (out / "logs" / f"{row['key']}.log").write_text(row.pop("log", ""))
            weights = row.pop("weights", None)
            if weights is not None:  # written before the row: a recorded run has its weights
                write_weights(out, row["key"], weights)
            store.record(row)
            if row["status"] == "done":
                done += 1
            else:
                failed += 1
            progress.advance(row)
            if on_row:
                on_row(row)
    finally:
        progress.close()
        store.close()
        _write_run_info(out, time.monotonic() - t0, workers, executor)
    return RunSummary(out, len(jobs), len(jobs) - len(pending), done, failed,
                      time.monotonic() - t0)
