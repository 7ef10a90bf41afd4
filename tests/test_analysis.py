"""Kept weights, ``langlab eval`` on new lengths, ``langlab probe`` and attention maps.

One tiny suite is trained once per module (seconds); every test reads that run folder or a copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TINY = """\
name: tiny-analysis
languages: [dyck-1, parity]
models:
  - name: lstm
    settings: {hidden: 8}
  - name: transformer
    settings: {d_model: 8, heads: 2, layers: 2, ff: 16, positional: none}
task: {name: next-symbol}
split:
  train: {lo: 1, hi: 8, size: 48}
  validation: {lo: 1, hi: 8, size: 16}
  test: [{lo: 1, hi: 8, size: 16}, {lo: 9, hi: 12, size: 16}]
seeds: [0]
training: {epochs: 2, batch_size: 16, lr: 0.01}
"""


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "langlab", *args], capture_output=True,
                          text=True, env=env)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    from langlab.harness.execute import run_suite
    from langlab.harness.suite import load_suite

    base = tmp_path_factory.mktemp("analysis")
    (base / "suite.yaml").write_text(textwrap.dedent(TINY))
    out = base / "run"
    run_suite(load_suite(base / "suite.yaml"), out, workers=1, quiet=True)
    return out


@pytest.fixture
def fresh(run_dir, tmp_path) -> Path:
    """A copy of the trained run folder that a test may write into."""
    dst = tmp_path / "run"
    shutil.copytree(run_dir, dst, ignore=shutil.ignore_patterns("cache"))
    return dst


def rows_of(folder: Path) -> list[dict]:
    from langlab.harness.store import Store

    store = Store(folder / "results.sqlite", readonly=True)
    try:
        return store.rows()
    finally:
        store.close()


# ---------------------------------------------------------------- weights
def test_every_finished_run_keeps_its_weights_and_they_rebuild_the_model(run_dir):
    import torch

    from langlab.harness.weights import load_run
    from langlab.tasks import build_dataset
    from langlab.data import SplitSpec

    rows = rows_of(run_dir)
    assert rows and all((run_dir / "weights" / f"{r['key']}.pt").is_file() for r in rows)
    for row in rows:
        loaded = load_run(run_dir, row)
        ds = build_dataset(loaded.language, "next-symbol",
                           SplitSpec.model_validate(loaded.payload["split"]))
        metrics = loaded.task.evaluate(loaded.model, loaded.head, ds.splits["test-9-12"])
        # the rebuilt model scores exactly what the run stored
        assert metrics["accuracy"] == row["metrics"]["test-9-12"]["accuracy"]
        assert metrics["by_length"] == row["metrics"]["test-9-12"]["by_length"]
        control, _ = loaded.untrained()
        assert any(not torch.equal(a, b) for a, b in
                   zip(control.state_dict().values(), loaded.model.state_dict().values()))


def test_keeping_weights_changes_no_number(run_dir, tmp_path):
    """The same job run twice (once through the suite runner that writes the weights, once
    alone) stores the same numbers: packing weights draws nothing and alters nothing."""
    from langlab.harness.suite import expand, load_suite
    from langlab.harness.train import run_one

    suite = load_suite(run_dir / "suite.yaml")
    job = expand(suite)[0]
    stored = next(r for r in rows_of(run_dir) if r["key"] == job.key)
    again = run_one(job, str(tmp_path / "cache"), suite.selection)
    assert isinstance(again["weights"], bytes)
    assert again["metrics"]["test-9-12"] == stored["metrics"]["test-9-12"]
    assert (again["steps"], again["best_step"]) == (stored["steps"], stored["best_step"])


def test_a_run_folder_without_weights_is_a_one_line_error(fresh):
    shutil.rmtree(fresh / "weights")
    before = sorted(p.name for p in fresh.iterdir())
    for args in (("eval", str(fresh), "--test", "13-16"), ("probe", str(fresh))):
        res = run_cli(*args)
        assert res.returncode == 2, res.stderr
        assert "has no stored weights" in res.stderr and "Traceback" not in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in fresh.iterdir()) == before


def _snapshot(folder: Path) -> dict:
    """Every file's bytes, but the dataset cache and SQLite's -shm/-wal side files (which a
    reader may leave behind; the database itself is compared)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "cache" not in p.parts and not p.name.endswith(("-shm", "-wal"))}


# ---------------------------------------------------------------- eval
def test_eval_adds_new_bins_as_report_columns_and_keeps_what_was_stored(fresh, tmp_path):
    from langlab.report import make_report

    before = {r["key"]: r for r in rows_of(fresh)}
    res = run_cli("eval", str(fresh), "--test", "13-16:8", "--test", "17-20", "--language", "dyck-1")
    assert res.returncode == 0, res.stderr
    assert "test-13-16" in res.stdout and "test-17-20" in res.stdout
    after = rows_of(fresh)
    for r in after:
        old = before[r["key"]]
        assert r["metrics"] == old["metrics"] and r["data"] == old["data"]
        if r["language"] == "dyck-1":
            assert sorted(r["eval_metrics"]) == ["test-13-16", "test-17-20"]
            assert r["eval_data"]["test-13-16"]["n"] == 8
            assert r["eval_data"]["test-17-20"]["n"] == 16  # the run's last test bin's size
        else:
            assert r["eval_metrics"] is None
    # a second eval adds a bin and keeps the first ones
    assert run_cli("eval", str(fresh), "--test", "21-24:4", "--language", "dyck-1").returncode == 0
    assert all(sorted(r["eval_metrics"]) == ["test-13-16", "test-17-20", "test-21-24"]
               for r in rows_of(fresh) if r["language"] == "dyck-1")
    out = make_report(fresh, tmp_path / "report", plots=False)
    table = (out / "table.md").read_text()
    assert "lstm 13-16" in table and "transformer 21-24" in table


@pytest.mark.parametrize("args, message", [
    (("--test", "5-12"), "bin 5-12 overlaps the training lengths 1-8"),
    (("--test", "9-12"), "bin 9-12 is already one of the run's test bins"),
    (("--test", "13-x"), "bad length bin '13-x:16'"),
    ((), "name at least one bin"),
    (("--test", "13-16", "--language", "dyck-2"), "unknown language of"),
])
def test_eval_bad_input_is_one_line_and_writes_nothing(fresh, args, message):
    before = _snapshot(fresh)
    res = run_cli("eval", str(fresh), *args)
    assert res.returncode == 2 and message in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert _snapshot(fresh) == before


# ---------------------------------------------------------------- probe
def test_probe_stores_every_score_beside_its_random_init_control(fresh):
    from langlab.harness.store import Store

    res = run_cli("probe", str(fresh), "--language", "dyck-1", "--strings", "40")
    assert res.returncode == 0, res.stderr
    store = Store(fresh / "results.sqlite", readonly=True)
    probes = store.probe_rows()
    store.close()
    keys = {(r["run_key"], r["target"], r["layer"], r["rep"], r["split"]) for r in probes}
    trained = {k for k in keys if any(r["control"] == 0 for r in probes
                                      if (r["run_key"], r["target"], r["layer"], r["rep"], r["split"]) == k)}
    control = {(r["run_key"], r["target"], r["layer"], r["rep"], r["split"]) for r in probes
               if r["control"] == 1}
    assert trained == control and trained
    assert {r["target"] for r in probes} == {"depth", "depth-ratio", "top"}
    assert {r["split"] for r in probes} == {"train", "validation", "test-1-8", "test-9-12"}
    assert {(r["layer"], r["rep"]) for r in probes} == {(1, "hidden"), (1, "cell"), (2, "hidden")}
    assert all(r["metric"] == ("accuracy" if r["target"] == "top" else "r2") for r in probes)
    assert all("unit_corr" in r["extra"] for r in probes if r["target"] != "top")
    # the Transformer's attention maps are kept for the report
    import json

    maps = json.loads((fresh / "probes" / "attention.json").read_text())
    assert [m["column"] for m in maps] == ["transformer"]
    layer0 = maps[0]["maps"][0]["layers"][0]
    assert len(maps[0]["maps"][0]["layers"]) == 2 and len(layer0) == 2  # layers, heads


def test_the_control_is_a_fresh_model_of_the_same_size(run_dir):
    from langlab.harness.weights import load_run

    for row in rows_of(run_dir):
        loaded = load_run(run_dir, row)
        model, head = loaded.untrained()
        assert model.num_parameters() == loaded.model.num_parameters()
        again, _ = loaded.untrained()
        assert all((a == b).all() for a, b in zip(model.parameters(), again.parameters()))


def test_a_linear_probe_recovers_linear_targets():
    import numpy as np

    from langlab.harness.probe import Probe

    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 6))
    y = (X @ np.arange(6.0))[:, None]
    assert Probe("numeric", X, y, 0).score(X, y)[1] > 0.999
    labels = (X[:, 0] > 0).astype(float)[:, None]
    assert Probe("categorical", X, labels, 0).score(X, labels)[1] > 0.98
    assert Probe("categorical", X, np.zeros((500, 1)), 0).score(X, labels)[1] < 0.6


@pytest.mark.parametrize("args, message", [
    (("--language", "parity", "--target", "depth"), "parity has no trace target 'depth'; it has: state"),
    (("--target", "height"), "unknown probe target 'height'"),
    (("--layer", "3"), "layer 3 does not exist"),
    (("--layer", "0"), "layer 0 does not exist"),
    (("--strings", "0"), "--strings must be at least 1"),
    (("--language", "anbn"), "unknown language of"),
])
def test_probe_bad_input_is_one_line_and_writes_nothing(fresh, args, message):
    before = _snapshot(fresh)
    res = run_cli("probe", str(fresh), *args)
    assert res.returncode == 2 and message in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert _snapshot(fresh) == before


def test_a_language_without_a_trace_cannot_be_probed():
    from langlab.harness.probe import check_targets
    from langlab.languages.base import NoTraceError
    from langlab.languages.registry import load_language

    with pytest.raises(NoTraceError, match="copy has no trace"):
        check_targets(load_language("copy"), None)


@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
def test_recurrent_layers_rebuilt_one_by_one_match_the_fused_model(name):
    import torch

    from langlab.harness.probe import representations
    from langlab.models import build_model

    torch.manual_seed(0)
    model = build_model(name, vocab_size=5, hidden=6, layers=2).eval()
    tokens = torch.tensor([[1, 2, 3, 4, 2], [1, 3, 2, 0, 0]])
    lengths = torch.tensor([5, 3])
    reps = representations(model, tokens, lengths)
    assert sorted(reps) == sorted([(1, "hidden"), (2, "hidden")]
                                  + ([(1, "cell"), (2, "cell")] if name == "lstm" else []))
    out = model(tokens, lengths)
    assert torch.allclose(reps[(2, "hidden")][0], out[0], atol=1e-5)
    assert torch.allclose(reps[(2, "hidden")][1, :3], out[1, :3], atol=1e-5)


@pytest.mark.parametrize("positional", ["none", "rope", "alibi"])
def test_attention_weights_are_causal_distributions_that_reproduce_the_block(positional):
    import torch

    from langlab.harness.attention import attention_weights
    from langlab.models import build_model
    from langlab.models.positional import alibi_bias

    torch.manual_seed(0)
    model = build_model("transformer", vocab_size=5, d_model=8, heads=2, layers=2, ff=16,
                        positional=positional).eval()
    tokens = torch.tensor([[1, 2, 3, 4, 2, 3]])
    weights = attention_weights(model, tokens, torch.tensor([6]))
    assert len(weights) == 2 and weights[0].shape == (1, 2, 6, 6)
    for w in weights:
        assert torch.allclose(w.sum(-1), torch.ones(1, 2, 6), atol=1e-5)
        assert float(w.triu(diagonal=1).abs().max()) == 0.0
    # weights @ values is what the first block's attention computes
    block, captured = model.blocks[0], {}
    hook = block.register_forward_pre_hook(lambda _m, a: captured.update(x=a[0]))
    model(tokens, torch.tensor([6]))
    hook.remove()
    h = block.norm1(captured["x"])
    v = block.qkv(h).view(1, 6, 3, 2, 4).permute(2, 0, 3, 1, 4)[2]  # (B, H, T, hd)
    y = (weights[0] @ v).transpose(1, 2).reshape(1, 6, 8)
    with torch.no_grad():
        expected = block.proj(y)
        got = block.attend(h, torch.arange(6)[None] if positional == "rope" else None,
                           alibi_bias(2, 6, h.device) if positional == "alibi" else None)
    assert torch.allclose(expected, got, atol=1e-5)


def test_a_probed_folder_reports_its_probes_and_attention_maps(fresh, tmp_path):
    import json

    from langlab.report import make_report

    assert run_cli("probe", str(fresh), "--language", "dyck-1", "--strings", "30",
                   "--target", "depth-ratio").returncode == 0
    out = make_report(fresh, tmp_path / "report")
    table = (out / "table.md").read_text()
    assert "## Probes" in table and "### `dyck-1`" in table and "depth-ratio" in table
    assert "| lstm | cell | 1 | depth-ratio | r2 |" in table
    doc = json.loads((out / "results.json").read_text())
    assert {(p["column"], p["control"]) for p in doc["probes"]} == {
        ("lstm", False), ("lstm", True), ("transformer", False), ("transformer", True)}
    assert (out / "plots" / "probes-dyck-1.svg").is_file()
    assert (out / "plots" / "attention-dyck-1-transformer.png").is_file()
    assert "<h2>Probes</h2>" in (out / "index.html").read_text()
    # regenerating is byte for byte
    again = make_report(fresh, tmp_path / "again")
    for name in ("table.md", "table.csv", "results.json"):
        assert (again / name).read_bytes() == (out / name).read_bytes()


def test_eval_draws_each_run_on_its_own_split(tmp_path):
    """A language's own split (and an isolating run's) is the one its new bins are drawn
    against: 7-8 lies outside parity's training lengths 1-6, inside the suite's 1-8."""
    from langlab.harness.execute import run_suite
    from langlab.harness.suite import load_suite

    suite = textwrap.dedent(TINY).replace(
        "languages: [dyck-1, parity]",
        "languages:\n  - {name: parity, split: {train: {lo: 1, hi: 6, size: 48}, "
        "validation: {lo: 1, hi: 6, size: 16}, test: [{lo: 1, hi: 6, size: 16}]}}\n  - dyck-1")
    suite = suite.replace("  - name: transformer\n    settings: {d_model: 8, heads: 2, layers: 2, "
                          "ff: 16, positional: none}\n", "")
    (tmp_path / "suite.yaml").write_text(suite)
    out = tmp_path / "run"
    run_suite(load_suite(tmp_path / "suite.yaml"), out, workers=1, quiet=True)
    res = run_cli("eval", str(out), "--test", "7-8:8", "--language", "parity")
    assert res.returncode == 0, res.stderr
    (row,) = [r for r in rows_of(out) if r["language"] == "parity"]
    assert row["eval_data"]["test-7-8"]["n"] == 8
    res = run_cli("eval", str(out), "--test", "7-8:8", "--language", "dyck-1")
    assert res.returncode == 2 and "overlaps the training lengths 1-8" in res.stderr
