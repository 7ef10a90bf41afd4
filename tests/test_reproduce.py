"""The reproduction guard: committed results reproduce with the code that ships them.

``tests/test_committed_reports.py`` checks that a report's tables follow from its stored rows.
This file checks that the rows follow from the code: for every committed report it reruns a
few cheap runs from the report's own ``suite.yaml`` and compares every number the run stores
(every split's metrics and per-length counts exactly, the validation loss to a relative 1e-5, and
the step counts exactly). A change that alters what a run computes fails here, naming the report, the run
and what to regenerate.

The runs are chosen deterministically, within a budget of stored seconds per report: the
cheapest finished run of each table column (model family) by stored wall time, then a sample in
the order of a hash of the key. Every row must also say which code wrote it (its code hash): a
row without one cannot be traced to a commit, which is how a store written before a
numbers-changing edit once went unnoticed (reports/bhattamishra2020, 231 of 261 runs).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parent.parent / "reports"
# every committed run folder: a report, or an analysis inside one (reports/*/probes/)
COMMITTED = sorted(p.parent for p in REPORTS.glob("**/suite.yaml")
                   if (p.parent / "results.sqlite").is_file())
BUDGET_S = 30.0  # stored wall seconds of reruns per report


def stored_rows(folder: Path, **where) -> list[dict]:
    """The rows of a committed store (``where``: ``Store.rows`` filters), read-only."""
    from langlab.harness.store import Store

    store = Store(folder / "results.sqlite", readonly=True)
    try:
        return store.rows(**where)
    finally:
        store.close()


def cheap_runs(folder: Path, budget_s: float = BUDGET_S) -> list[dict]:
    """The rows to rerun, within ``budget_s`` stored wall seconds (the first one always counts):
    the cheapest done row of each column, cheapest columns first; then, while the budget lasts,
    rows in the order of a hash of their key, so that the guard also reaches runs that do not
    stop early (the cheapest runs are often those, and they can agree where others do not)."""
    import hashlib

    rows = stored_rows(folder, status="done")
    best: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: (r["wall_s"], r["key"])):
        best.setdefault(r["column"], r)
    chosen, spent = [], 0.0
    for r in sorted(best.values(), key=lambda r: (r["wall_s"], r["key"])):
        if chosen and spent + r["wall_s"] > budget_s:
            break
        chosen.append(r)
        spent += r["wall_s"]
    taken = {r["key"] for r in chosen}
    for r in sorted(rows, key=lambda r: hashlib.sha256(r["key"].encode()).hexdigest()):
        if r["key"] not in taken and spent + r["wall_s"] <= budget_s:
            chosen.append(r)
            spent += r["wall_s"]
    return chosen


# A mean loss is a float32 sum whose last bits depend on memory alignment inside the
# process (SIMD reductions), so the same weights can give a loss that differs in the 8th digit
# between a suite worker and this test. Losses are compared to this relative tolerance; every
# count and accuracy exactly.
LOSS_RTOL = 1e-5


def differences(committed: dict, rerun: dict, prefix: str = "") -> list[str]:
    """Every leaf where two nested dicts differ, as ``path: committed != rerun``."""
    out = []
    for k in sorted(set(committed) | set(rerun), key=str):
        a, b = committed.get(k, "<missing>"), rerun.get(k, "<missing>")
        if isinstance(a, dict) and isinstance(b, dict):
            out += differences(a, b, f"{prefix}{k}.")
        elif k == "loss" and isinstance(a, float) and isinstance(b, float):
            if abs(a - b) > LOSS_RTOL * max(abs(a), abs(b)):
                out.append(f"{prefix}{k}: committed {a!r} != rerun {b!r}")
        elif a != b:
            out.append(f"{prefix}{k}: committed {a!r} != rerun {b!r}")
    return out


def _jobs(folder: Path) -> dict:
    from langlab.harness.suite import expand, load_suite

    suite = load_suite(folder / "suite.yaml")
    return suite, {j.key: j for j in expand(suite)}


@pytest.mark.slow
@pytest.mark.parametrize("folder", COMMITTED, ids=lambda p: str(p.relative_to(REPORTS)))
def test_committed_runs_reproduce(folder, tmp_path):
    import json

    from langlab.harness.train import run_one

    where = folder.relative_to(REPORTS)
    suite, jobs = _jobs(folder)
    rows = cheap_runs(folder)
    assert rows, f"reports/{where}: no finished run to rerun"
    regenerate = (f"if the change is intended, bump NUMBERS_VERSION in "
                  f"langlab/harness/fingerprint.py and regenerate reports/{where}: "
                  f"langlab run reports/{where}/suite.yaml --out NEW_DIR, then "
                  f"langlab report NEW_DIR, and commit NEW_DIR's results.sqlite, run.json and "
                  f"report files into reports/{where}/")
    problems, skipped = [], []
    for row in rows:
        what = f"{row['language']} × {row['column']} seed {row['seed']} (key {row['key']})"
        job = jobs.get(row["key"])
        if job is None:
            problems.append(f"{what}: the suite no longer expands to this run's key (the job "
                            "description changed, so `langlab run` would not find it)")
            continue
        files = (job.split.get("files") or {}).get("path")
        if files and not Path(files).is_dir():  # a peer's data, absent on this machine
            skipped.append(files)
            continue
        # the same torch threads as the stored run: a float sum depends on how it is split
        new = run_one(job, str(tmp_path / "cache"), job.selection, threads=row.get("threads") or 1)
        assert new["status"] == "done", f"{what}: rerun failed: {new.get('error')}"
        # JSON round trip: the store keeps floats as JSON, so compare what would be stored
        new_metrics = json.loads(json.dumps(new["metrics"], sort_keys=True))
        diff = differences(row["metrics"], new_metrics)
        diff += [f"{k}: committed {row[k]} != rerun {new[k]}" for k in ("steps", "best_step")
                 if row[k] != new[k]]
        if diff:
            problems.append(f"{what}: " + "; ".join(diff[:4])
                            + (f"; and {len(diff) - 4} more" if len(diff) > 4 else ""))
    assert not problems, (f"reports/{where} does not reproduce with this code:\n  "
                          + "\n  ".join(problems) + f"\n{regenerate}")
    if skipped and len(skipped) == len(rows):
        pytest.skip(f"reports/{where}: its data files are not here ({skipped[0]})")


@pytest.mark.parametrize("folder", COMMITTED, ids=lambda p: str(p.relative_to(REPORTS)))
def test_committed_rows_carry_the_running_fingerprint(folder):
    from langlab.harness.fingerprint import fingerprint

    where = folder.relative_to(REPORTS)
    rows = stored_rows(folder)
    other = sorted({(r["model"], r.get("fingerprint")) for r in rows
                    if r.get("fingerprint") != fingerprint(r["model"])}, key=str)
    assert not other, (f"reports/{where}: rows of (model, fingerprint) {other}, the code is "
                       f"{fingerprint()} (+ MODEL_NUMBERS); regenerate the report "
                       "(see test_committed_runs_reproduce)")


def test_differences_names_every_changed_leaf():
    a = {"test-1-50": {"accuracy": 1.0, "by_length": {"3": 0.5}}, "validation": {"loss": 0.1}}
    b = {"test-1-50": {"accuracy": 1.0, "by_length": {"3": 0.75}}, "validation": {"loss": 0.2}}
    assert differences(a, b) == ["test-1-50.by_length.3: committed 0.5 != rerun 0.75",
                                 "validation.loss: committed 0.1 != rerun 0.2"]
    assert differences(a, a) == []
    near = {"validation": {"loss": 0.1 * (1 + LOSS_RTOL / 2)}}
    assert differences({"validation": {"loss": 0.1}}, near) == []


def test_cheap_runs_pick_one_per_column_then_a_sample_within_budget(tmp_path):
    from langlab.harness.store import Store

    st = Store(tmp_path / "results.sqlite")
    runs = [("rnn", 5.0), ("rnn", 1.0), ("lstm", 2.0), ("tf", 40.0), ("lstm", 9.0), ("rnn", 3.0)]
    for i, (col, wall) in enumerate(runs):
        st.record({"key": f"k{i}", "language": "parity", "model": col, "column": col,
                   "config_id": "c", "seed": i, "status": "done", "wall_s": wall,
                   "metrics": {}})
    st.close()
    picked = cheap_runs(tmp_path, budget_s=10.0)
    # the cheapest of each column first (tf's 40 s does not fit), then the rest in the order of
    # sha256(key) -- k3 (40 s), k5 (3 s), k4 (9 s), k0 (5 s) -- each taken if it still fits:
    # 1 + 2 spent, k5 brings it to 6, and neither k4 nor k0 fits in the 4 s left
    assert [(r["column"], r["wall_s"]) for r in picked] == [("rnn", 1.0), ("lstm", 2.0), ("rnn", 3.0)]
    assert [r["column"] for r in cheap_runs(tmp_path, budget_s=0.5)] == ["rnn"]
    assert len(cheap_runs(tmp_path, budget_s=1000.0)) == len(runs)


@pytest.mark.parametrize("folder", COMMITTED, ids=lambda p: str(p.relative_to(REPORTS)))
def test_committed_rows_record_their_code(folder):
    where = folder.relative_to(REPORTS)
    rows = stored_rows(folder)
    untraced = [r for r in rows if not r.get("code_hash")]
    assert not untraced, (f"reports/{where}: {len(untraced)} of {len(rows)} rows record no code "
                          f"hash (e.g. {untraced[0]['language']} × {untraced[0]['column']} seed "
                          f"{untraced[0]['seed']}), so no one can tell which code wrote them; "
                          "rerun the suite and regenerate the report")
