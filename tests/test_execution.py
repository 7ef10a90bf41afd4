"""Execution settings: the training device, torch threads per worker, GPU requests on Ray.

They say how a run is executed, not what it computes, so they are not part of a run's key: a
suite written before they existed keeps the keys of its stored runs.
"""

from __future__ import annotations

import pytest

from langlab.harness.suite import EXECUTION_ONLY, Suite, expand


def _suite(**training):
    return Suite.model_validate({"name": "t", "languages": ["parity"],
                                 "models": [{"name": "rnn", "settings": {"hidden": 8}}],
                                 "training": {"epochs": 1, **training}})


def test_device_is_not_part_of_the_key():
    keys = {d: [j.key for j in expand(_suite(device=d))] for d in ("auto", "cpu", "cuda")}
    assert keys["auto"] == keys["cpu"] == keys["cuda"]
    assert "device" in EXECUTION_ONLY
    job = expand(_suite(device="cuda"))[0]
    assert job.training["device"] == "cuda" and "device" not in job.describe()["training"]
    assert [j.key for j in expand(_suite(epochs=2))] != keys["auto"]  # other settings still count


def test_unknown_device_is_a_positioned_error(tmp_path):
    from langlab.errors import SpecError
    from langlab.harness.suite import load_suite

    p = tmp_path / "s.yaml"
    p.write_text("name: t\nlanguages: [parity]\nmodels: [{name: rnn}]\ntraining:\n  device: tpu\n")
    with pytest.raises(SpecError) as err:
        load_suite(p)
    assert str(err.value).startswith(f"{p}:5:")
    assert "auto" in str(err.value) and "cuda" in str(err.value)


def test_resolve_device(monkeypatch):
    import torch

    from langlab.harness.train import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu" and resolve_device("cpu") == "cpu"
    with pytest.raises(RuntimeError, match="no CUDA device"):
        resolve_device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda" and resolve_device("cpu") == "cpu"


def test_cuda_run_without_a_gpu_fails_with_its_reason(monkeypatch, tmp_path):
    import torch

    from langlab.harness.train import run_one

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    job = expand(_suite(device="cuda"))[0]
    row = run_one(job, str(tmp_path), "validation-accuracy")
    assert row["status"] == "failed" and "no CUDA device" in row["error"]


def test_cpu_run_records_device_and_threads(tmp_path):
    from langlab.harness.train import run_one

    job = expand(Suite.model_validate({
        "name": "t", "languages": ["parity"], "models": [{"name": "rnn", "settings": {"hidden": 8}}],
        "split": {"train": {"lo": 1, "hi": 6, "size": 40}, "validation": {"lo": 1, "hi": 6, "size": 10},
                  "test": [{"lo": 7, "hi": 9, "size": 10}]},
        "training": {"epochs": 1, "device": "cpu"}}))[0]
    row = run_one(job, str(tmp_path), "validation-accuracy", threads=2)
    assert row["status"] == "done", row.get("error")
    assert row["device"] == "cpu" and row["threads"] == 2


def test_threads_per_worker_shares_the_cores(monkeypatch):
    import os

    from langlab.harness import execute

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    assert [execute.threads_per_worker(w) for w in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]


@pytest.mark.parametrize("threads, expected", [(None, 3), (1, 1)])
def test_run_threads_default_to_the_cores_and_can_be_set(tmp_path, monkeypatch, threads, expected):
    """`langlab run --threads N` (run_suite's ``threads``) overrides cores ÷ workers, and each
    row records the threads it trained with."""
    import os

    from typer.testing import CliRunner

    from langlab.cli import app
    from langlab.harness.store import Store

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(3)), raising=False)
    suite = tmp_path / "s.yaml"
    suite.write_text(
        "name: t\nlanguages: [parity]\nmodels: [{name: rnn, settings: {hidden: 8}}]\n"
        "split: {train: {lo: 1, hi: 6, size: 40}, validation: {lo: 1, hi: 6, size: 10},"
        " test: [{lo: 7, hi: 9, size: 10}]}\ntraining: {epochs: 1}\n")
    args = ["run", str(suite), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]
    result = CliRunner().invoke(app, args + ([] if threads is None else ["--threads", str(threads)]))
    assert result.exit_code == 0, result.output
    [row] = Store(tmp_path / "out" / "results.sqlite", readonly=True).rows()
    assert row["status"] == "done" and row["threads"] == expected


def test_run_rejects_zero_threads(tmp_path):
    from typer.testing import CliRunner

    from langlab.cli import app

    result = CliRunner().invoke(app, ["run", "suites/quick.yaml", "--threads", "0",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "--threads" in result.output and "Traceback" not in result.output


def test_ray_asks_for_a_gpu_share_only_for_cuda_runs():
    from langlab.harness.execute import _wants_gpu

    cuda, cpu, auto = (expand(_suite(device=d))[0] for d in ("cuda", "cpu", "auto"))
    assert _wants_gpu((cuda, None, "r", 1))
    assert not _wants_gpu((cpu, None, "r", 1)) and not _wants_gpu((auto, None, "r", 1))
    assert not _wants_gpu(("parity", {}, {}, None, ()))  # a dataset-building call


def test_a_folder_of_an_older_suite_is_the_same_suite(tmp_path):
    """A run folder whose suite.yaml predates a setting (here: device) is still this suite."""
    import yaml

    from langlab.cli.run_cmd import _check_same_suite

    s = _suite()
    old = s.model_dump(mode="json")
    del old["training"]["device"]
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(old))
    _check_same_suite(tmp_path, s, resume=False)  # no error
    from langlab.errors import LanglabError

    with pytest.raises(LanglabError, match="different suite"):
        _check_same_suite(tmp_path, _suite(epochs=3), resume=False)
