"""From stored runs to the capability table: selection on validation, statistics over seeds.

For each language × model column, the grid point (model settings + training settings) with the
best mean validation score over its seeds is selected — never a test bin. For that grid point,
each split gets the maximum over seeds (what the papers report) and the mean ± standard
deviation (what they did not). :func:`headline` is the one definition of the headline score.

>>> rows = [{"language": "p", "column": "lstm", "config_id": "a", "seed": s, "status": "done",
...          "metrics": {"validation": {"accuracy": 1.0, "loss": 0.1},
...                      "test-51-100": {"accuracy": acc}}} for s, acc in [(0, .5), (1, 1.0)]]
>>> cell = summarize(rows)[("p", "lstm")]
>>> cell.bins["test-51-100"].max, round(cell.bins["test-51-100"].mean, 2), headline(cell)
(1.0, 0.75, 1.0)
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

GENERALIZES = 0.9  # accuracy at or above which a model "generalizes" on a bin
LOSS_RULES = ("validation-loss", "validation-long-loss")   # rules that pick the lowest loss
LONG_RULES = ("validation-long", "validation-long-loss")   # rules that score validation-long
# The selection rules that score a validation split (every rule but test-max)
VALIDATION_RULES = ("validation-accuracy", "validation-loss", *LONG_RULES)


def rule_split(rule: str) -> str:
    """The validation split a validation rule scores."""
    return "validation-long" if rule in LONG_RULES else "validation"


@dataclass
class BinStats:
    max: float
    mean: float
    sd: float
    n: int  # seeds

    @classmethod
    def of(cls, values: list[float]) -> "BinStats":
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        return cls(max(values), statistics.fmean(values), sd, len(values))


@dataclass
class Cell:
    language: str
    column: str
    config_id: str | None
    settings: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    bins: dict[str, BinStats] = field(default_factory=dict)
    # accuracy per string length over all test bins (seeds that scored every length)
    by_length: dict[int, BinStats] = field(default_factory=dict)
    # accuracy on the negatives by the edits that made them (FLaRe's negatives), over all test
    # bins: EDIT_COLUMNS -> stats over seeds; empty when the runs recorded no edit counts
    by_edits: dict[str, BinStats] = field(default_factory=dict)
    seeds: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _score(rows: list[dict], rule: str) -> float:
    """The mean over seeds of the score ``rule`` selects grid points by."""
    if rule == "test-max":  # selects on test: the mean over the test bins
        vals = [statistics.fmean(m["accuracy"] for s, m in r["metrics"].items()
                                 if s.startswith("test-")) for r in rows]
    else:
        split = rule_split(rule)
        vals = [r["metrics"][split]["loss" if rule in LOSS_RULES else "accuracy"] for r in rows]
    mean = statistics.fmean(vals)
    return -mean if rule in LOSS_RULES else mean


PERMUTED = "-permuted"   # the name suffix of a test split with permuted negatives


def is_permuted(split: str) -> bool:
    """A test split whose negatives are permuted members (``negatives: permuted``): scored on
    its own, never pooled with the splits of the task's negatives.

    >>> is_permuted("test-81-160-permuted"), is_permuted("test-81-160")
    (True, False)
    """
    return split.startswith("test-") and split.endswith(PERMUTED)


def _by_length(rows: list[dict]) -> dict[int, BinStats]:
    """Per-length accuracy over the test splits (those of permuted negatives left out), one
    value per seed, then stats over seeds."""
    values: dict[int, list[float]] = {}
    for r in rows:
        tally: dict[int, list[int]] = {}
        for split, m in r["metrics"].items():
            if split.startswith("test-") and not is_permuted(split):
                for n, (right, total) in (m.get("by_length") or {}).items():
                    t = tally.setdefault(int(n), [0, 0])
                    t[0] += right
                    t[1] += total
        for n, (right, total) in tally.items():
            values.setdefault(n, []).append(right / total)
    return {n: BinStats.of(v) for n, v in sorted(values.items()) if len(v) == len(rows)}


EDIT_COLUMNS = ("1", "2", "3+", "uniform")  # edits applied to a member; a uniform random string
MEMBERS = "members"  # beside them in a report: accuracy on the positives of the same bins


def edit_column(key: str) -> str:
    """The column of a ``by_edits`` key: ``"1"``, ``"2"``, ``"3+"`` (three edits or more) or
    ``"uniform"``.

    >>> [edit_column(k) for k in ("1", "2", "3", "7", "uniform")]
    ['1', '2', '3+', '3+', 'uniform']
    """
    return key if key in ("1", "2", "uniform") else "3+"


def _by_edits(rows: list[dict]) -> dict[str, BinStats]:
    """Accuracy on the negatives per edit column and on the members (``MEMBERS``), each seed's
    counts summed over its test splits (those of permuted negatives left out), then stats over
    the seeds with strings in that column; empty when no test split recorded edit counts."""
    values: dict[str, list[float]] = {}
    for r in rows:
        tally: dict[str, list[float]] = {}
        for split, m in r["metrics"].items():
            if not (split.startswith("test-") and m.get("by_edits")) or is_permuted(split):
                continue
            n_neg = 0
            for k, (right, total) in m["by_edits"].items():
                t = tally.setdefault(edit_column(k), [0, 0])
                t[0] += right
                t[1] += total
                n_neg += total
            n_pos = round(m["n"]) - n_neg
            if n_pos > 0 and m.get("positive_accuracy") is not None:
                t = tally.setdefault(MEMBERS, [0, 0])
                t[0] += round(m["positive_accuracy"] * n_pos)
                t[1] += n_pos
        for col, (right, total) in tally.items():
            if total:
                values.setdefault(col, []).append(right / total)
    return {c: BinStats.of(values[c]) for c in (MEMBERS, *EDIT_COLUMNS) if c in values}


def summarize(rows: list[dict], rule: str = "validation-accuracy") -> dict[tuple[str, str], Cell]:
    """Cells keyed by (language, column), from store rows (``Store.rows()``)."""
    groups: dict[tuple[str, str], dict[str, list[dict]]] = {}
    for r in rows:
        groups.setdefault((r["language"], r["column"]), {}).setdefault(r["config_id"], []).append(r)
    cells = {}
    for (lang, col), configs in sorted(groups.items()):
        done = {cid: [r for r in rs if r["status"] == "done"] for cid, rs in configs.items()}
        done = {cid: rs for cid, rs in done.items() if rs}
        all_rows = [r for rs in configs.values() for r in rs]
        failed = [r for r in all_rows if r["status"] != "done"]
        cell = Cell(lang, col, None, failed=len(failed),
                    errors=sorted({r.get("error") or "" for r in failed}))
        if done:
            best = max(done, key=lambda cid: (_score(done[cid], rule), -len(cid), cid))
            chosen = sorted(done[best], key=lambda r: r["seed"])
            cell.config_id, cell.seeds = best, len(chosen)
            cell.settings, cell.training = chosen[0].get("settings") or {}, chosen[0].get("training") or {}
            splits = [s for s in chosen[0]["metrics"] if s != "train"]
            for s in splits:
                cell.bins[s] = BinStats.of([r["metrics"][s]["accuracy"] for r in chosen])
            cell.by_length = _by_length(chosen)
            cell.by_edits = _by_edits(chosen)
        cells[(lang, col)] = cell
    return cells


def rescore(row: dict, rule: str) -> dict[str, float] | None:
    """Test-bin accuracies of one stored run under another selection ``rule``, from its history
    (which must have scored the rule's split at each checkpoint, and every test bin at the
    checkpoint it picks: ``training.history: all`` scores them everywhere, ``rules`` at every
    checkpoint some validation rule keeps); None when the history cannot tell. ``test-max`` takes each
    bin's best checkpoint; the other rules take the test bins at the checkpoint the rule picks
    (the first of equals).

    >>> h = [{"step": 1, "validation": {"accuracy": 1.0, "loss": .2}, "test-9-9": {"accuracy": .3}},
    ...      {"step": 2, "validation": {"accuracy": 1.0, "loss": .1}, "test-9-9": {"accuracy": .9}}]
    >>> rescore({"history": h}, "validation-accuracy"), rescore({"history": h}, "test-max")
    ({'test-9-9': 0.9}, {'test-9-9': 0.9})
    """
    history = row.get("history") or []
    if not history:
        return None
    tests = sorted({k for h in history for k in h if k.startswith("test-")})
    if not tests:
        return None
    if rule == "test-max":
        if any(t not in h for h in history for t in tests):
            return None
        return {t: max(h[t]["accuracy"] for h in history) for t in tests}
    pick = picked(history, rule)
    if pick is None or any(t not in pick for t in tests):   # history: rules scores tests at
        return None                                         # kept checkpoints only
    return {t: pick[t]["accuracy"] for t in tests}


def picked(history: list[dict], rule: str) -> dict | None:
    """The history entry (one checkpoint) that a validation ``rule`` keeps: the lowest loss of
    its split for the loss rules, the highest accuracy (then the lowest loss) for the others,
    the first of equals; None when a checkpoint did not score the rule's split."""
    split = rule_split(rule)
    if not history or any(split not in h for h in history):
        return None
    if rule in LOSS_RULES:
        return min(history, key=lambda h: (h[split]["loss"], h["step"]))
    return max(history, key=lambda h: (h[split]["accuracy"], -h[split]["loss"], -h["step"]))


def test_bins(cells: dict[tuple[str, str], Cell]) -> list[str]:
    """The test split names present, ordered by their lower length bound."""
    names = {b for c in cells.values() for b in c.bins if b.startswith("test-")}

    def lo(name: str) -> int:
        try:
            return int(name.split("-")[1])
        except (IndexError, ValueError):
            return 0
    return sorted(names, key=lambda n: (lo(n), n))


def headline(cell: Cell) -> float | None:
    """The headline score: the max-over-seeds accuracy on the longest test bin."""
    bins = test_bins({(cell.language, cell.column): cell})
    return cell.bins[bins[-1]].max if bins else None
