"""Gather a run folder into a :class:`Report`: the cells, the language classes, the published
numbers beside them and the protocol for the header. Rendering lives in ``render``/``plots``.

Only the runs of the folder's own suite count (the keys of ``expand(suite)``): a store that
also holds runs of another suite (``langlab run --resume``) reports this suite alone.

>>> language_class("context-free", {"dyck", "counter"}), language_class("regular", {"star-free"})
('counter', 'regular star-free')
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from langlab.errors import LanglabError
from langlab.harness.results import GENERALIZES, BinStats, Cell, is_permuted, summarize
from langlab.reference import TASK, Published, published
from langlab.tasks import task_class

# Table order of the language classes; "regular" holds regular languages tagged neither
# star-free nor non-star-free, "other" any level we do not know.
CLASSES = ("counter", "regular star-free", "regular non-star-free", "regular", "context-free",
           "context-sensitive", "other")


def language_class(level: str, tags: frozenset[str] | set[str]) -> str:
    """The table's class of a language, from its ``level`` and ``tags`` (the one definition).

    Counter languages (Dyck-1, a^n b^n c^n, Shuffle-k, ...) form their own class whatever their
    level, as in the 2020 paper; regular languages split by their star-free tag.

    >>> language_class("context-sensitive", {"counter"}), language_class("regular", {"non-star-free"})
    ('counter', 'regular non-star-free')
    >>> language_class("regular", set()), language_class("context-sensitive", {"flare"})
    ('regular', 'context-sensitive')
    """
    if "counter" in tags:
        return "counter"
    if level == "regular":
        if "non-star-free" in tags:
            return "regular non-star-free"
        if "star-free" in tags:
            return "regular star-free"
        return "regular"
    return level if level in CLASSES else "other"


def generalizes(accuracy: float) -> bool:
    """The one threshold: accuracy (a fraction) at or above ``GENERALIZES`` (0.9)."""
    return accuracy >= GENERALIZES


@dataclass
class Entry:
    """One language x model column: our cell, the run counts and the published result."""

    language: str
    column: str
    model: str  # registry name
    cell: Cell | None  # None: no run of this pair is stored yet
    expected: int  # runs the suite asks for (grid points x seeds)
    stored: int  # runs in the store (done or failed)
    reference: Published | None = None
    stale: int = 0  # stored runs written by code with another fingerprint

    @property
    def status(self) -> str:
        """``ok``, ``partial`` (some runs failed or pending), ``failed``, ``pending`` or
        ``skipped`` (a task of a list of tasks that this language cannot take)."""
        if self.expected == 0 and self.stored == 0:
            return "skipped"
        if self.cell is None or (not self.cell.seeds and not self.cell.failed):
            return "pending"
        if not self.cell.seeds:
            return "failed"
        return "ok" if self.stored == self.expected and not self.cell.failed else "partial"

    def reason(self, split: str, isolated: list, bins: list[str] = ()) -> tuple[str, str] | None:
        """Why this cell disagrees with its published number at ``split``: the first isolating
        run of it whose result there agrees with the published number, as (reason, its label
        and result); ``("unexplained", "")`` when none does; None when the cell agrees.

        An isolating run with test bins of its own (it changes the split) is read by position,
        its k-th test bin for the table's k-th (``bins``), as published numbers attach to a
        paper's bins by position."""
        if not self.disagrees(split):
            return None
        ref = self.reference.values[split]
        k = list(bins).index(split) if split in bins else None   # the table's k-th bin
        for iso, cell in isolated:
            at, stats = split, cell.bins.get(split) if cell else None
            own = own_test_bins(cell, bins)
            if stats is None and k is not None and k < len(own):
                at = own[k]
                stats = cell.bins[at]
            if stats is not None and generalizes(stats.max) == generalizes(ref):
                where = "" if at == split else f" at {at.removeprefix('test-')}"
                return iso.reason, f"{iso.label} gives {100 * stats.max:.1f}{where}"
        return "unexplained", ""

    def disagrees(self, split: str) -> bool | None:
        """Whether ours (max over seeds) and the published number fall on different sides of
        the threshold; None when either is missing."""
        ours = self.cell.bins.get(split) if self.cell else None
        ref = self.reference.values.get(split) if self.reference else None
        if ours is None or ref is None:
            return None
        return generalizes(ours.max) != generalizes(ref)


@dataclass
class Report:
    name: str
    description: str
    protocol: dict  # the header: task, splits, seeds, selection, training, models
    run_info: dict  # run.json: machine, versions, wall time
    versions: list[str]  # langlab versions that wrote the stored rows
    languages: list[str]  # suite order
    classes: dict[str, str]  # language -> class
    columns: list[tuple[str, str]]  # (column, registry model), suite order
    bins: list[str]  # test split names, suite order
    entries: dict[tuple[str, str], Entry]
    data_notes: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # done, failed, pending, total
    # runs whose fingerprint is not the running code's: (language, column, seed, fingerprint)
    stale: list[tuple[str, str, int, str | None]] = field(default_factory=list)
    # ``langlab probe`` results of the suite's runs (with language, column, seed) and the
    # Transformer attention maps it kept; empty when the folder was never probed
    probes: list[dict] = field(default_factory=list)
    attention: list[dict] = field(default_factory=list)
    # Per-language splits (the paper's own bins): the table's bins are then ordinal, "test-bin1"
    # = each language's first test bin, and this maps language -> bin -> its lengths ("2-50").
    bin_ranges: dict[str, dict[str, str]] = field(default_factory=dict)
    # Isolating runs (suite ``isolate``): (language, column) -> [(Isolation, Cell | None)]
    isolated: dict[tuple[str, str], list] = field(default_factory=dict)
    # The same cells under another protocol (suite ``compare``): its name, (language, column)
    # -> {bin: max over seeds}, and its selection rule
    compare: dict = field(default_factory=dict)
    # One training run scored under each selection rule from its history (``history: all``):
    # (language, column) -> {rule: {bin: BinStats over seeds}}
    rescored: dict[tuple[str, str], dict] = field(default_factory=dict)
    # FLaRe's two readings over all test strings (READINGS): (language, column) -> {reading:
    # BinStats over the cell's runs, every trial and seed}; empty unless the histories tell both
    readings: dict[tuple[str, str], dict] = field(default_factory=dict)
    # One language, several formulations (a list of tasks; empty for one task): the column ->
    # task map, the (language, task, why) left out, and each transduction cell's per-token
    # accuracy per bin (the formulations table, langlab.report.formulations)
    formulations: dict = field(default_factory=dict)
    # CHE's score (per-token accuracy averaged over the test lengths) of every transduction
    # cell at its selected grid point: (language, column) -> BinStats over seeds (the CHE
    # section, langlab.report.che)
    che: dict = field(default_factory=dict)
    # the same for the isolating runs: (language, column) -> [(Isolation, BinStats)]
    che_isolated: dict = field(default_factory=dict)
    # Test bins of permuted negatives (``negatives: permuted``, e.g. from ``langlab eval
    # --negatives permuted``), not columns of the main table, and per cell over the selected
    # grid point's seeds, pooled over those bins: {"members": accepted, "rejected": permuted
    # negatives rejected}, each BinStats
    permuted_bins: list[str] = field(default_factory=list)
    permuted: dict[tuple[str, str], dict[str, BinStats]] = field(default_factory=dict)

    def groups(self) -> list[tuple[str, list[str]]]:
        """(class, languages) in table order, languages in suite order; empty classes left out."""
        return [(c, [lang for lang in self.languages if self.classes[lang] == c])
                for c in CLASSES if c in self.classes.values()]


def _protocol(suite) -> dict:
    from langlab.harness.suite import suite_tasks

    split = suite.split
    tasks = suite_tasks(suite)
    many = {"tasks": [{"name": t.name, "target_mode": t.target_mode, "options": dict(t.options)}
                      for t in tasks]} if len(tasks) > 1 else {}
    return {
        **many, "task": ", ".join(t.name for t in tasks), "target_mode": tasks[0].target_mode,
        "task_options": dict(tasks[0].options) if len(tasks) == 1 else {},
        "distribution": split.distribution, "split_seed": split.seed,
        "splits": [{"name": name, "lengths": str(b), "size": b.size}
                   for name, b in split.bins().items()],
        "seeds": list(suite.seeds), "selection": suite.selection,
        "training": suite.training.describe(),
        "models": [{"column": m.column, "model": m.name, "settings": m.settings,
                    **({"training": dict(m.training)} if m.training else {})}
                   for m in suite.models],
        **({"train_lengths": split.train_lengths} if split.train_lengths != "spread" else {}),
        **({"search": suite.search.model_dump(mode="json", exclude_none=True)}
           if suite.search else {}),
        **({"language_training": own} if (own := {
            e.name: dict(e.training) for e in suite.languages
            if not isinstance(e, str) and e.training}) else {}),
    }


def _data_notes(rows: list[dict], sizes: dict[str, int], every_note: bool = False
                ) -> list[dict]:
    """Splits holding fewer distinct strings than requested (a language with few members at the
    lengths asked for), one note per language x split x distinct dataset; with ``every_note``
    (splits from files), every split that carries a note."""
    notes = {}
    for r in rows:
        for split, d in sorted((r.get("data") or {}).items()):
            requested = sizes.get(split)
            n_distinct = d.get("n_distinct")
            if every_note and d.get("notes"):
                requested = d.get("n")
            elif requested is None or n_distinct is None or n_distinct >= requested:
                continue
            note = {"language": r["language"], "split": split, "requested": requested,
                    "n": d.get("n"), "n_distinct": n_distinct, "notes": d.get("notes") or ""}
            notes[json.dumps(note, sort_keys=True, default=str)] = note
    return [notes[k] for k in sorted(notes)]


def gather(run_dir: str | Path, grammars: tuple[str, ...] = ()) -> Report:
    """Read ``suite.yaml``, ``results.sqlite`` and ``run.json`` of a run folder into a Report."""
    from langlab.harness.fingerprint import fingerprint
    from langlab.harness.store import Store
    from langlab.harness.suite import (column_label, expand, load_suite, skipped_tasks,
                                       suite_tasks)
    from langlab.languages.registry import load_language
    from langlab.languages.transduce import function_form

    run_dir = Path(run_dir)
    for needed in ("suite.yaml", "results.sqlite"):
        if not (run_dir / needed).is_file():
            raise LanglabError(f"{run_dir} is not a run folder (no {needed}); "
                               "make one with: langlab run SUITE --out DIR")
    suite = load_suite(run_dir / "suite.yaml")
    all_jobs = expand(suite, tuple(grammars))
    jobs = [j for j in all_jobs if not j.variant]
    variants = {j.key: j for j in all_jobs if j.variant}
    keys = {j.key for j in jobs}
    try:
        store = Store(run_dir / "results.sqlite", readonly=True)
        try:
            every = store.rows()
            rows = [r for r in every if r["key"] in keys]
            iso_rows = [r for r in every if r["key"] in variants]
            probes = store.probe_rows()
        finally:
            store.close()
    except sqlite3.DatabaseError as exc:
        raise LanglabError(f"{run_dir / 'results.sqlite'}: not a readable results store ({exc})"
                           ) from None
    run_json = run_dir / "run.json"
    run_info = json.loads(run_json.read_text()) if run_json.is_file() else {}

    for r in rows:  # bins added by ``langlab eval`` are columns like the suite's own
        if r.get("eval_metrics") and r.get("metrics"):
            r["metrics"] = {**r["metrics"], **r["eval_metrics"]}
            r["data"] = {**(r.get("data") or {}), **(r.get("eval_data") or {})}
    own = [b.name for b in suite.split.test]
    added = sorted({b for r in rows for b in (r.get("eval_metrics") or {})} - set(own),
                   key=lambda name: tuple(int(x) for x in name.split("-")[1:3]))
    # per-language splits: the k-th test bin of each language is the table's column k
    ordinal = any(not isinstance(e, str) and e.split for e in suite.languages)
    bin_ranges: dict[str, dict[str, str]] = {}
    if ordinal:
        for r in rows + iso_rows:
            ranges = ordinal_bins(r)
            if r["key"] in keys and ranges:   # a failed run has no bins
                bin_ranges.setdefault(r["language"], ranges)
        n = max((len(v) for v in bin_ranges.values()), default=0)
        own, added = [f"test-bin{k}" for k in range(1, n + 1)], []
    permuted = [b for b in own + added if is_permuted(b)]   # their own section, not columns
    own, added = ([b for b in group if not is_permuted(b)] for group in (own, added))
    cells = summarize(rows, suite.selection)
    languages = list(dict.fromkeys(j.language for j in jobs))
    tasks = [t.name for t in suite_tasks(suite)]
    column_task = {column_label(m.column, t, len(tasks) > 1): t for t in tasks for m in suite.models}
    columns = list(dict.fromkeys((column_label(m.column, t, len(tasks) > 1), m.name)
                                 for t in tasks for m in suite.models))
    expected: dict[tuple[str, str], int] = {}
    for j in jobs:
        expected[(j.language, j.column)] = expected.get((j.language, j.column), 0) + 1
    stored: dict[tuple[str, str], int] = {}
    for r in rows:
        stored[(r["language"], r["column"])] = stored.get((r["language"], r["column"]), 0) + 1

    stale = sorted((r["language"], r["column"], r["seed"], r.get("fingerprint")) for r in rows
                   if r.get("fingerprint") != fingerprint(r["model"]))
    stale_in: dict[tuple[str, str], int] = {}
    for lang, col, _, _ in stale:
        stale_in[(lang, col)] = stale_in.get((lang, col), 0) + 1
    classes, entries = {}, {}
    # A transduction suite files each task under its function's class (CHE's: reverse string is
    # context-free though every string is an input), not under its input language's.
    by_function = [t.name for t in suite_tasks(suite)] == ["transduction"]
    for lang in languages:
        language = load_language(lang, list(grammars))
        level = function_form(language).level if by_function else language.level
        classes[lang] = language_class(level, language.tags)
        for col, model in columns:
            # the published numbers are next-symbol results
            ref = published(lang, model, language.tags) if column_task[col] == TASK else None
            if ref is not None and ordinal:
                ref = as_ordinal(ref)
            entries[(lang, col)] = Entry(lang, col, model, cells.get((lang, col)),
                                         expected.get((lang, col), 0), stored.get((lang, col), 0),
                                         ref, stale_in.get((lang, col), 0))
    isolated, che_isolated = _isolated_cells(suite, variants, iso_rows, column_task)
    compare = _compare(suite, grammars) if suite.compare else {}
    done = sum(r["status"] == "done" for r in rows)
    formulations = {}
    if len(tasks) > 1:
        formulations = {"tasks": tasks, "column_task": column_task,
                        "skipped": skipped_tasks(suite, tuple(grammars)),
                        "side": side_scores(rows, cells, column_task)}
    return Report(
        name=suite.name, description=suite.description.strip(), protocol=_protocol(suite),
        run_info=run_info, versions=sorted({r["version"] for r in rows if r.get("version")}),
        languages=languages, classes=classes, columns=columns,
        bins=own + added, entries=entries,
        permuted_bins=permuted, permuted=_permuted(rows, cells, permuted),
        data_notes=_data_notes(rows, {n: b.size for n, b in suite.split.bins().items()},
                               every_note=ordinal),
        counts={"total": len(jobs), "done": done, "failed": len(rows) - done,
                "pending": len(jobs) - len(rows)},
        stale=stale, probes=_probes(rows, probes), attention=_attention(run_dir, rows),
        bin_ranges=bin_ranges, isolated=isolated, compare=compare,
        rescored=_rescored(rows, cells), readings=_readings(rows, cells),
        formulations=formulations,
        che=che_scores(rows, cells, column_task), che_isolated=che_isolated)


def selected_rows(rows: list[dict], cells: dict) -> dict[tuple[str, str], list[dict]]:
    """(language, column) -> the done rows of each cell's selected grid point (its seeds)."""
    by_point: dict[tuple[str, str, str], list[dict]] = {}
    for r in rows:
        if r["status"] == "done":
            by_point.setdefault((r["language"], r["column"], r["config_id"]), []).append(r)
    return {(lang, col): by_point.get((lang, col, cell.config_id), [])
            for (lang, col), cell in cells.items()}


def side_scores(rows: list[dict], cells: dict, column_task: dict[str, str]) -> dict:
    """(language, column) -> {bin: stats over seeds} of the second metric of each column's task
    (``Task.side_metric``: transduction's per-token accuracy), at the selected grid point.

    >>> rows = [{"language": "p", "column": "lstm · transduction", "config_id": "a",
    ...          "status": "done",
    ...          "metrics": {"test-1-8": {"accuracy": 0.5, "token_accuracy": 0.75}}}]
    >>> cells = {("p", "lstm · transduction"): Cell("p", "lstm · transduction", "a",
    ...                                             bins={"test-1-8": BinStats.of([0.5])})}
    >>> side_scores(rows, cells, {"lstm · transduction": "transduction"})
    {('p', 'lstm · transduction'): {'test-1-8': BinStats(max=0.75, mean=0.75, sd=0.0, n=1)}}
    """
    out = {}
    selected = selected_rows(rows, cells)
    for (lang, col), cell in cells.items():
        side = task_class(column_task[col]).side_metric if col in column_task else None
        if side is None or cell.config_id is None:
            continue
        chosen = selected[(lang, col)]
        stats = {}
        for b in cell.bins:
            values = [r["metrics"][b][side[0]] for r in chosen
                      if side[0] in (r["metrics"].get(b) or {})]
            if b.startswith("test-") and values:
                stats[b] = BinStats.of(values)
        out[(lang, col)] = stats
    return out


def che_scores(rows: list[dict], cells: dict, column_task: dict[str, str]) -> dict:
    """(language, column) -> BinStats over seeds of CHE's score over all of a run's test
    lengths: the mean over lengths of per-token accuracy, each length weighing the same, so a
    run's bins combine weighted by how many lengths each holds. Transduction columns only.

    >>> rows = [{"language": "p", "column": "c", "config_id": "a", "status": "done",
    ...          "metrics": {"test-5-6": {"che_score": 0.5, "by_length": {"5": [0, 1], "6": [1, 1]}},
    ...                      "test-7-7": {"che_score": 1.0, "by_length": {"7": [1, 1]}},
    ...                      "validation": {"che_score": 0.0, "by_length": {"1": [0, 1]}}}}]
    >>> cells = {("p", "c"): Cell("p", "c", "a")}
    >>> che_scores(rows, cells, {"c": "transduction"})[("p", "c")].max
    0.6666666666666666
    """
    out = {}
    selected = selected_rows(rows, cells)
    for (lang, col), cell in cells.items():
        if column_task.get(col) != "transduction" or cell.config_id is None:
            continue
        values = []
        for r in selected[(lang, col)]:
            parts = [(m["che_score"], len(m.get("by_length") or {}))
                     for b, m in r["metrics"].items() if b.startswith("test-") and "che_score" in m]
            weight = sum(n for _, n in parts)
            if weight:
                values.append(sum(score * n for score, n in parts) / weight)
        if values:
            out[(lang, col)] = BinStats.of(values)
    return out


RESCORE_RULES = ("validation-accuracy", "validation-loss", "validation-long",
                 "validation-long-loss", "test-max")


def _rescored(rows: list[dict], cells: dict) -> dict:
    """Each cell's selected grid point scored under every rule its runs' histories can tell:
    the same training runs, only the checkpoint (and for test-max the bin) chosen differently."""
    from langlab.harness.results import rescore

    out = {}
    for (lang, col), chosen in selected_rows(rows, cells).items():
        by_rule = {}
        for rule in RESCORE_RULES:
            scores = [rescore(r, rule) for r in chosen]
            if not chosen or any(x is None for x in scores):
                continue
            by_rule[rule] = {b: BinStats.of([x[b] for x in scores]) for b in scores[0]}
        if len(by_rule) > 1:
            out[(lang, col)] = by_rule
    return out


# FLaRe's two readings (Butoi et al. 2025; rycolab/neural-network-recognizers,
# src/recognizers/analysis/print_main_table.py): over every run of a cell (all its trials and
# seeds), each run read at the checkpoint its rule keeps, the test accuracy over all test
# strings; "inductive bias" is the mean of the runs kept on the short validation loss,
# "expressivity" the max of those kept on the validation-long loss.
READINGS = (("inductive bias", "validation-loss", "mean"),
            ("expressivity", "validation-long-loss", "max"))


def all_tests(entry: dict) -> float | None:
    """The accuracy over every test string of one history entry: its bins weighted by size."""
    bins = [m for name, m in entry.items() if name.startswith("test-")]
    n = sum(m.get("n", 0) for m in bins)
    return sum(m["accuracy"] * m["n"] for m in bins) / n if bins and n else None


def _readings(rows: list[dict], cells: dict) -> dict:
    """(language, column) -> {reading: BinStats over the cell's runs (every trial and seed) of
    the all-test accuracy at the checkpoint the reading's rule keeps}. A cell is left out
    unless every run's history tells both (``training.history: rules`` or ``all``, with a
    validation-long split)."""
    from langlab.harness.results import picked

    runs: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r["status"] == "done" and (r["language"], r["column"]) in cells:
            runs.setdefault((r["language"], r["column"]), []).append(r)
    out = {}
    for cell, cell_runs in runs.items():
        readings = {}
        for name, rule, _ in READINGS:
            picks = [picked(r.get("history") or [], rule) for r in cell_runs]
            values = [all_tests(p) if p is not None else None for p in picks]
            if values and all(v is not None for v in values):
                readings[name] = BinStats.of(values)
        if len(readings) == len(READINGS):
            out[cell] = readings
    return out


def _permuted(rows: list[dict], cells: dict, bins: list[str]) -> dict:
    """(language, column) -> {"members", "rejected"}: each seed's share of members accepted
    and of permuted negatives rejected, pooled over the ``bins``, as BinStats over the seeds of
    the cell's selected grid point; cells without every bin scored are left out."""
    out = {}
    if not bins:
        return out
    for cell, cell_rows in selected_rows(rows, cells).items():
        rates: dict[str, list[float]] = {"members": [], "rejected": []}
        for r in cell_rows:
            got = [r["metrics"].get(b) for b in bins]
            if any(m is None or not m.get("by_edits") for m in got):
                break
            neg = [sum(t[i] for m in got for t in m["by_edits"].values()) for i in (0, 1)]
            pos_n = [round(m["n"]) - sum(t[1] for t in m["by_edits"].values()) for m in got]
            pos = sum(round(m["positive_accuracy"] * n) for m, n in zip(got, pos_n))
            rates["members"].append(pos / sum(pos_n))
            rates["rejected"].append(neg[0] / neg[1])
        else:
            if cell_rows:
                out[cell] = {k: BinStats.of(v) for k, v in rates.items()}
    return out


def own_test_bins(cell: Cell | None, bins: list[str]) -> list[str]:
    """The test bins of an isolating run's cell that the table has no column for (it changed
    the split), in the order of their lengths."""
    return sorted((b for b in (cell.bins if cell else ()) if b.startswith("test-")
                   and b not in bins), key=_bin_order)


def ordinal_bins(row: dict) -> dict[str, str]:
    """Rename a stored row's test splits to ordinal ones (``test-bin1``, ... in split order),
    in place; returns ordinal name -> the lengths (``"2-50"``)."""
    metrics = row.get("metrics") or {}
    renamed = {name: m for name, m in metrics.items() if not name.startswith("test-")}
    ranges = {}
    for k, name in enumerate(sorted((n for n in metrics if n.startswith("test-")),
                                    key=_bin_order), start=1):
        ranges[f"test-bin{k}"] = name.removeprefix("test-")
        renamed[f"test-bin{k}"] = metrics[name]
    if row.get("metrics"):
        row["metrics"] = renamed
    new_name = {f"test-{r}": k for k, r in ranges.items()}
    if row.get("history"):
        row["history"] = [{new_name.get(k, k): v for k, v in h.items()} for h in row["history"]]
    return ranges


def _bin_order(name: str) -> tuple:
    """``test-LO-HI`` (possibly with a ``'`` suffix) by its lengths."""
    parts = name.removeprefix("test-").rstrip("'").split("-")
    try:
        return (int(parts[0]), int(parts[1]), name)
    except (IndexError, ValueError):
        return (0, 0, name)


def as_ordinal(ref: Published) -> Published:
    """A published result keyed by ordinal bins: the csv's bin1/bin2/bin3 are each language's
    first, second and third test bins of the paper's data."""
    from dataclasses import replace

    from langlab.reference import BINS

    order = list(BINS.values())
    values = {f"test-bin{order.index(k) + 1}": v for k, v in ref.values.items() if k in order}
    return replace(ref, values=values)


def _isolated_cells(suite, variants: dict, iso_rows: list[dict], column_task: dict
                    ) -> tuple[dict, dict]:
    """For the suite's isolating runs, each under the cell it explains (also when the isolation
    changes the language): (language, column) -> [(Isolation, Cell or None)], and for
    transduction columns (language, column) -> [(Isolation, CHE's score, see
    :func:`che_scores`)]."""
    cells_out: dict[tuple[str, str], list] = {}
    che_out: dict[tuple[str, str], list] = {}
    for i, iso in enumerate(suite.isolate):
        pairs: dict[tuple[str, str, str], list[str]] = {}   # (language, home, column) -> keys
        for j in variants.values():
            if j.origin[0] == i:
                pairs.setdefault((j.language, j.origin[1], j.column), []).append(j.key)
        for (lang, home, col), ks in pairs.items():
            rows = [r for r in iso_rows if r["key"] in ks]   # already ordinal when ordinal
            cells = summarize(rows, variants[ks[0]].selection) if rows else {}
            cells_out.setdefault((home, col), []).append((iso, cells.get((lang, col))))
            che = che_scores(rows, cells, column_task).get((lang, col))
            if che is not None:
                che_out.setdefault((home, col), []).append((iso, che))
    return cells_out, che_out


def _compare(suite, grammars) -> dict:
    """The cells of the run folder ``suite.compare`` names (another protocol of the same
    languages): max over seeds per ordinal bin, from its ``results.json``."""
    path = Path(suite.compare) / "results.json"
    if not path.is_file():
        raise LanglabError(f"suite compare: {path} not found (a report folder of the other "
                           f"protocol: langlab report DIR --out DIR)")
    data = json.loads(path.read_text())
    cells = {}
    for c in data.get("cells", []):
        tests = [b for b in data.get("bins", []) if b in (c.get("bins") or {})]
        cells[(c["language"], c["column"])] = {
            f"test-bin{k}": c["bins"][b]["max"] for k, b in enumerate(tests, start=1)}
    return {"name": data.get("name", str(suite.compare)), "path": str(suite.compare),
            "selection": (data.get("protocol") or {}).get("selection", ""), "cells": cells}


def _probes(rows: list[dict], probes: list[dict]) -> list[dict]:
    runs = {r["key"]: r for r in rows}
    return [{**p, "language": runs[p["run_key"]]["language"],
             "column": runs[p["run_key"]]["column"], "seed": runs[p["run_key"]]["seed"]}
            for p in probes if p["run_key"] in runs]


def _attention(run_dir: Path, rows: list[dict]) -> list[dict]:
    from langlab.harness.attention import read_attention

    keys = {r["key"] for r in rows}
    return [a for a in read_attention(run_dir) if a["run_key"] in keys]
