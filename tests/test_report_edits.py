"""The report's "Accuracy by edit distance" (issue 15, part 6): a tiny recognition suite with
FLaRe's negatives, trained for real, and the same suite with langlab's negatives, which must
show no such table and no ``by_edits`` in ``results.json``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import torch

from langlab.harness.execute import run_suite
from langlab.harness.results import EDIT_COLUMNS, MEMBERS, edit_column
from langlab.harness.store import Store
from langlab.harness.suite import load_suite
from langlab.report import make_report

torch.set_num_threads(1)

TINY = """\
name: tiny-edits
languages: [parity, dyck-1]
models:
  - name: lstm
    settings: {hidden: 8}
task: {name: recognition, options: {negatives: NEGATIVES}}
split:
  train: {lo: 0, hi: 8, size: 64}
  validation: {lo: 0, hi: 8, size: 16}
  validation_long: {lo: 0, hi: 12, size: 16}
  test: [{lo: 0, hi: 8, size: 24}, {lo: 9, hi: 14, size: 40}]
seeds: [0, 1]
training: {epochs: 2, batch_size: 16, lr: 0.01, patience: null, history: all}
selection: validation-long
"""


def _run(tmp_path, negatives: str):
    path = tmp_path / f"{negatives}.yaml"
    path.write_text(TINY.replace("NEGATIVES", negatives))
    out = tmp_path / negatives
    summary = run_suite(load_suite(path), out, workers=1, quiet=True)
    assert (summary.done, summary.failed) == (4, 0)
    report = make_report(out, out=out / "report", plots=False)
    store = Store(out / "results.sqlite", readonly=True)
    try:
        rows = store.rows()
    finally:
        store.close()
    return report, rows


@pytest.fixture(scope="module")
def flare_run(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("edits"), "flare")


def _per_seed(rows: list[dict], language: str) -> dict[str, list[float]]:
    """Each seed's accuracy per edit column and on the members, its counts summed over the
    test bins."""
    out: dict[str, list[float]] = {}
    for r in sorted((r for r in rows if r["language"] == language), key=lambda r: r["seed"]):
        tally: dict[str, list[int]] = {}
        for split, m in r["metrics"].items():
            if split.startswith("test-"):
                for k, (right, total) in m["by_edits"].items():
                    t = tally.setdefault(edit_column(k), [0, 0])
                    t[0] += right
                    t[1] += total
                n_pos = round(m["n"]) - sum(total for _, total in m["by_edits"].values())
                t = tally.setdefault(MEMBERS, [0, 0])
                t[0] += round(m["positive_accuracy"] * n_pos)
                t[1] += n_pos
                assert t[0] <= t[1]
        for col, (right, total) in tally.items():
            out.setdefault(col, []).append(right / total)
    return out


def test_edit_table_holds_max_over_seeds_of_summed_counts(flare_run):
    report, rows = flare_run
    doc = json.loads((report / "results.json").read_text())
    md = (report / "table.md").read_text()
    assert "## Accuracy by edit distance" in md
    section = md.split("## Accuracy by edit distance")[1].split("\n## ")[0]
    assert "| language | lstm members | lstm 1 | lstm 2 | lstm 3+ | lstm uniform |" in section
    for cell in doc["cells"]:
        want = _per_seed(rows, cell["language"])
        got = cell["by_edits"]
        assert set(got) == set(want) <= {MEMBERS, *EDIT_COLUMNS}     # results.json sorts keys
        assert "1" in got and "uniform" in got        # Geometric(0.5) and half uniform
        for col, values in want.items():
            assert got[col]["max"] == max(values) and got[col]["n"] == len(values)
            assert got[col]["mean"] == pytest.approx(sum(values) / len(values))
        line = next(x for x in section.splitlines() if x.startswith(f"| `{cell['language']}`"))
        assert f"**{100 * got[MEMBERS]['max']:.1f}**" in line.split("|")[2]
        assert f"**{100 * got['1']['max']:.1f}**" in line.split("|")[3]


def test_edit_counts_cover_every_negative_of_the_test_bins(flare_run):
    _, rows = flare_run
    for r in rows:
        for split, m in r["metrics"].items():
            if split.startswith("test-"):
                n_neg = sum(total for _, total in m["by_edits"].values())
                lo, hi = (int(x) for x in split.split("-")[1:3])
                assert n_neg == {(0, 8): 12, (9, 14): 20}[(lo, hi)]   # half of each bin
                right = sum(r for r, _ in m["by_edits"].values())
                members = round(m["positive_accuracy"] * (m["n"] - n_neg))
                assert (right + members) / m["n"] == pytest.approx(m["accuracy"])


def test_no_edit_table_without_edit_counts(tmp_path):
    report, rows = _run(tmp_path, "langlab")
    assert all("by_edits" not in m for r in rows for m in r["metrics"].values())
    assert "Accuracy by edit distance" not in (report / "table.md").read_text()
    doc = json.loads((report / "results.json").read_text())
    assert all("by_edits" not in c for c in doc["cells"])


def test_permuted_bins_from_eval_get_their_own_section(flare_run, tmp_path):
    """``langlab eval --negatives permuted`` on kept models: its bins are scored on their own
    (members accepted, permuted negatives rejected), never pooled into the main table, the
    per-length curves or the edit-distance table."""
    report, _ = flare_run
    run = tmp_path / "run"
    shutil.copytree(report.parent, run, ignore=shutil.ignore_patterns("report", "cache"))

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "langlab", *args], capture_output=True,
                              text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})

    res = cli("eval", str(run), "--language", "parity", "--test", "15-18:20",
              "--negatives", "permuted")   # parity reads only the counts: none exist
    assert res.returncode == 2 and "reads only the counts" in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert cli("eval", str(run), "--test", "15-18", "--negatives", "shuffled").returncode == 2
    res = cli("eval", str(run), "--language", "dyck-1", "--test", "15-18:20", "--test", "19-22:20",
              "--negatives", "permuted")
    assert res.returncode == 0, res.stderr
    assert "test-15-18-permuted" in res.stdout

    after = make_report(run, out=tmp_path / "rep", plots=False)
    md, before_md = (after / "table.md").read_text(), (report / "table.md").read_text()
    doc = json.loads((after / "results.json").read_text())
    assert doc["bins"] == json.loads((report / "results.json").read_text())["bins"]
    edits = md.split("## Accuracy by edit distance")[1].split("\n## ")[0]
    assert edits == before_md.split("## Accuracy by edit distance")[1].split("\n## ")[0]
    section = md.split("## Against permuted negatives")[1].split("\n## ")[0]
    assert "| language | lstm 15-18 | lstm 19-22 | lstm members | lstm rejected |" in section
    assert "`dyck-1`" in section and "`parity`" not in section
    assert doc["permuted"]["bins"] == ["test-15-18-permuted", "test-19-22-permuted"]
    (cell,) = doc["permuted"]["cells"]
    assert cell["language"] == "dyck-1"
    stored = Store(run / "results.sqlite", readonly=True)
    try:
        evals = sorted((r for r in stored.rows() if r["language"] == "dyck-1"),
                       key=lambda r: r["seed"])
    finally:
        stored.close()
    rejected = []
    for r in evals:
        ms = [r["eval_metrics"][b] for b in doc["permuted"]["bins"]]
        right = sum(t[0] for m in ms for t in m["by_edits"].values())
        total = sum(t[1] for m in ms for t in m["by_edits"].values())
        assert total == 20   # half of each bin
        rejected.append(right / total)
    assert cell["rejected"]["max"] == max(rejected) and cell["rejected"]["n"] == 2
    main = md.split("## Accuracy by edit distance")[0]
    heads = [x for x in main.splitlines() if x.startswith("| language |")]
    assert heads and not any("permuted" in x for x in heads)   # no column of the main table


@pytest.mark.parametrize("main, permuted, marked", [
    (0.95, 0.50, True),    # reaches 90% only on the task's negatives: marked, not generalizing
    (0.95, 0.92, False),   # holds on permuted negatives too
    (0.80, 0.50, False),   # below 90% anyway: nothing to take back
    (0.95, None, False),   # never scored on permuted negatives
])
def test_a_cell_that_holds_only_on_the_tasks_negatives_is_marked(main, permuted, marked):
    from langlab.harness.results import BinStats, Cell
    from langlab.report.build import Entry
    from langlab.report.render import EASY, cell_view

    bins = {"test-41-80": BinStats.of([main, main - 0.1])}
    if permuted is not None:
        bins["test-41-80-permuted"] = BinStats.of([permuted, permuted - 0.1])
    entry = Entry("l", "rnn", "rnn", Cell("l", "rnn", "c", bins=bins, seeds=2), 2, 2)
    view = cell_view(entry, "test-41-80", 2)
    assert view["max"] == f"{100 * main:.1f}"
    assert view["ok"] == (main >= 0.9 and not marked)
    assert any(n.startswith(EASY) for n in view["notes"]) == marked
    if marked:
        assert f"{EASY} permuted {100 * permuted:.1f}" in view["notes"]
