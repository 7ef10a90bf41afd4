"""``langlab eval``: the stored models of a run folder, scored on new length bins.

The new bins are drawn by the same exact, leakage-free machinery as the run's own (the run's
split spec with its test bins replaced by the new ones, so the training and validation strings
are the run's), and a bin may not share a length with the training or validation lengths, so
no test string can be a training string. Each run's scores go into its row's ``eval_metrics``
(the numbers the run itself stored are never touched), all in one transaction once every
run has been scored: bad input or a failure part way writes nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from langlab.data.spec import LengthBin
from langlab.errors import LanglabError


NEGATIVES = ("permuted",)


def parse_bins(texts: list[str], default_size: int, negatives: str | None = None
               ) -> list[LengthBin]:
    """``LO-HI`` or ``LO-HI:SIZE`` (size defaults to the run's last test bin's), each with
    ``negatives`` (None: the task's own)."""
    if not texts:
        raise LanglabError("name at least one bin to evaluate: --test LO-HI[:SIZE]")
    if negatives is not None and negatives not in NEGATIVES:
        raise LanglabError(f"--negatives {negatives!r}: expected one of {', '.join(NEGATIVES)}")
    out = []
    for text in texts:
        b = LengthBin.parse(text if ":" in text else f"{text}:{default_size}")
        out.append(b if negatives is None else b.model_copy(update={"negatives": negatives}))
    names = [b.name for b in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise LanglabError(f"--test repeats a bin: {', '.join(dup)}")
    return out


def check_bins(bins: list[LengthBin], split) -> None:
    """A new bin shares no length with training or validation, and is not a bin the run
    already has (its numbers are stored)."""
    own = {b.name for b in split.test}
    for b in bins:
        for name, fit in (("training", split.train), ("validation", split.validation)):
            if b.lo <= fit.hi and fit.lo <= b.hi:
                raise LanglabError(f"bin {b} overlaps the {name} lengths {fit}; a new test bin "
                                   f"must lie outside them (e.g. {fit.hi + 1}-{2 * fit.hi})")
        if b.name in own:
            raise LanglabError(f"bin {b} is already one of the run's test bins")


def eval_run(run_dir: str | Path, tests: list[str], language: str | None = None,
             cache_dir: str | Path | None = None, negatives: str | None = None
             ) -> list[dict[str, Any]]:
    """Score every finished run of ``run_dir`` (or of one ``language``) on the new bins; store
    the results; return one summary row per run and bin. ``negatives="permuted"``: the bins'
    negatives are members with transposed symbols (recognition runs only)."""
    import torch

    from langlab.data import SplitSpec
    from langlab.harness.store import Store
    from langlab.harness.suite import expand, load_suite
    from langlab.harness.weights import NoWeightsError, done_rows, has_weights, load_run

    run_dir = Path(run_dir)
    rows = done_rows(run_dir, language)
    suite = load_suite(run_dir / "suite.yaml")
    bins = parse_bins(list(tests), suite.split.test[-1].size, negatives)
    # each run's own split (a language's own, or an isolating run's), its test bins replaced
    jobs = {j.key: j for j in expand(suite)}
    specs: dict[str, Any] = {}
    for row in rows:
        split = SplitSpec.model_validate(jobs[row["key"]].split)
        if split.files is not None:
            raise LanglabError(f"{row['language']}: its splits come from files "
                               f"({split.files.path}); langlab eval draws new bins for drawn "
                               f"splits only")
        check_bins(bins, split)
        specs[row["key"]] = SplitSpec.model_validate(
            {**split.model_dump(mode="json"), "test": [b.model_dump() for b in bins]})
    missing = [r for r in rows if not has_weights(run_dir, r["key"])]
    if missing:
        r = missing[0]
        raise NoWeightsError(f"{run_dir}: {len(missing)} of {len(rows)} runs have no weights "
                             f"(first: {r['language']} × {r['column']} seed {r['seed']}); "
                             f"rerun the suite into a new folder to keep them")
    cache = cache_dir or os.environ.get("LANGLAB_CACHE") or run_dir / "cache"
    batch_size = suite.training.eval_batch_size
    datasets: dict[str, Any] = {}
    updates: dict[str, tuple[dict, dict]] = {}
    summary = []
    torch.set_num_threads(1)
    for row in rows:
        loaded = load_run(run_dir, row)
        spec = specs[row["key"]]
        at = json.dumps([row["language"], spec.describe(), loaded.payload["task"]],
                        sort_keys=True, default=str)
        if at not in datasets:
            datasets[at] = loaded.dataset(spec, cache)
        ds = datasets[at]
        metrics, data = {}, {}
        for b in bins:
            split = ds.splits[b.name]
            metrics[b.name] = loaded.task.evaluate(loaded.model, loaded.head, split,
                                                   batch_size=batch_size)
            data[b.name] = {"n": len(split), "n_distinct": split.n_distinct, "notes": split.notes}
            summary.append({"language": row["language"], "column": row["column"],
                            "seed": row["seed"], "split": b.name,
                            "accuracy": metrics[b.name]["accuracy"], "n": len(split)})
        updates[row["key"]] = (metrics, data)
    store = Store(run_dir / "results.sqlite")
    try:
        store.add_evaluations(updates)
    finally:
        store.close()
    return summary
