"""The task registry: names, options, labels, and suites checked against it.

Every registered task passes the same contract (options declared with defaults that a suite
carries unchanged, a dataset built from those defaults, a head, a finite loss, the metrics it
declares); a toy task defined in this file is accepted by suites and builds its data without a
change anywhere else, which is what "a new task is one new file" means.
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
import yaml
from torch import nn

from langlab.data import DataRequest, LengthBin, SplitSpec, Vocab
from langlab.errors import LanglabError, SpecError, UnknownNameError
from langlab.harness.suite import Suite, expand, load_suite
from langlab.report.render import legend
from langlab.tasks import base, build_dataset, get_task, list_tasks, register, task_class
from langlab.tasks.base import Task

SPEC = SplitSpec(train=LengthBin(1, 8, 40), validation=LengthBin(1, 8, 10),
                 test=[LengthBin(9, 12, 12)])
SUITE = "name: t\nlanguages: [parity]\nmodels: [{name: lstm}]\n"


class Mean(nn.Module):
    """A causal encoder small enough to build in a test: embeddings, running mean."""

    output_dim = 4

    def __init__(self, vocab_size: int):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, self.output_dim, padding_idx=0)

    def forward(self, tokens, lengths):
        x = self.emb(tokens)                                                    # (B, T, D)
        steps = torch.arange(1, tokens.shape[1] + 1, dtype=x.dtype)            # (T,)
        return x.cumsum(1) / steps[None, :, None]                               # (B, T, D)


@pytest.fixture
def toy(monkeypatch):
    """A third task, registered for one test only (the registry is restored after it)."""
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))

    @register
    class EndsInOne(Task):
        """Predict, for members only, whether the string read so far ends in "1"."""

        name = "ends-in-one"
        description = "whether the prefix ends in 1 (a toy)"
        head_options = {"threshold": 0.5, "margin": 1.0}
        score_legend = "percent of test strings whose every ending is called right"
        score_axis = "endings right (%)"

        @classmethod
        def data_request(cls, options):
            return DataRequest(cls.name, next_sets=False)

    return EndsInOne


def write(tmp_path, text: str):
    p = tmp_path / "suite.yaml"
    p.write_text(text)
    return p


def test_list_tasks_and_did_you_mean():
    assert list_tasks() == ["next-symbol", "recognition", "transduction"]
    vocab = Vocab(("0", "1"))
    with pytest.raises(UnknownNameError, match="unknown task 'recogniton'; did you mean 'recognition'"):
        task_class("recogniton")
    with pytest.raises(UnknownNameError, match="did you mean 'next-symbol'"):
        get_task("next-symbols", vocab)
    with pytest.raises(UnknownNameError, match="did you mean 'next-symbol'"):
        build_dataset("parity", "next_symbol", SPEC)


@pytest.mark.parametrize("name", list_tasks())
def test_every_task_declares_options_and_labels(name):
    cls = task_class(name)
    assert cls.name == name and cls.description
    assert not set(cls.data_options) & set(cls.head_options)
    assert cls.defaults() == {**cls.data_options, **cls.head_options}
    assert cls.resolve({}) == cls.defaults()
    assert "accuracy" in cls.metrics and "n" in cls.metrics
    # the report's labels are the task's own, not a generic fallback
    assert cls.score_legend != Task.score_legend and cls.score_axis != Task.score_axis
    with pytest.raises(LanglabError, match=f"unknown option 'nope' for task {name}"):
        cls.resolve({"nope": 1})


@pytest.mark.parametrize("name", list_tasks())
def test_defaults_round_trip_through_a_suite(tmp_path, name):
    cls = task_class(name)
    options = cls.defaults()
    text = SUITE + f"task:\n  name: {name}\n  options: {options!r}\n".replace("'", '"')
    suite = load_suite(write(tmp_path, text))
    assert suite.task.name == name and suite.task.options == options
    assert cls.resolve(suite.task.options) == options
    (job,) = expand(suite)
    assert job.task["options"] == options
    # the saved suite reads back equal, and its options still resolve to the defaults
    saved = tmp_path / "saved.yaml"
    saved.write_text(yaml.safe_dump(suite.model_dump(mode="json"), sort_keys=False))
    assert load_suite(saved) == suite


@pytest.mark.parametrize("name", list_tasks())
def test_every_task_builds_data_trains_and_reports_its_metrics(name):
    torch.manual_seed(0)
    cls = task_class(name)
    # parity's inputs under the transduction task, which needs a function form
    lang = "che/parity-check" if name == "transduction" else "parity"
    ds = build_dataset(lang, name, SPEC, **cls.defaults())
    assert ds.task == name and ds.options == cls.data_request(cls.resolve({})).options
    task = get_task(name, ds.vocab, **cls.defaults())
    model = Mean(ds.vocab.size)
    head = task.make_head(model.output_dim)
    batch = next(ds.splits["train"].batches(16))
    loss = task.loss(head(model(batch.tokens, batch.lengths)), batch)
    assert loss.ndim == 0 and torch.isfinite(loss)
    loss.backward()
    m = task.evaluate(model, head, ds.splits["test-9-12"], batch_size=5)
    assert set(m) == set(cls.metrics) | {"by_length"}
    assert 0.0 <= m["accuracy"] <= 1.0 and m["n"] == 12.0


@pytest.mark.parametrize("task, where, message", [
    ("task: {name: parsing}\n", ":4:14: ",
     "suite: task.name: unknown task 'parsing' (tasks: next-symbol, recognition, transduction)"),
    ("task: {name: recogniton}\n", ":4:14: ", "did you mean 'recognition'?"),
    ("task:\n  name: recognition\n  options:\n    aux: lm\n    edit_fractoin: 0.2\n", ":8:5: ",
     "suite: task.options.edit_fractoin: unknown option 'edit_fractoin' for task recognition; "
     "did you mean 'edit_fraction'? (options: aux_targets, edit_fraction, negatives, "
     "edit_p, threshold, aux, aux_weight, lm_loss, next_loss)"),
    ("task: {name: next-symbol, options: {aux: lm}}\n", ":4:37: ",
     "unknown option 'aux' for task next-symbol (options: threshold, loss)"),
    ("task: {name: recognition, options: {aux: next-symbl}}\n", ":4:42: ",
     "suite: task.options.aux: task recognition: aux='next-symbl' is not one of none, "
     "next-symbol, lm; did you mean 'next-symbol'?"),
    ("task: {name: recognition, options: {edit_fraction: 2}}\n", ":4:52: ",
     "edit_fraction must be between 0 and 1, got 2"),
    ("task: {name: next-symbol, options: {threshold: high}}\n", ":4:48: ",
     "task next-symbol: option threshold must be float, got 'high'"),
])
def test_suite_task_errors_are_positioned(tmp_path, task, where, message):
    p = write(tmp_path, SUITE + task)
    with pytest.raises(SpecError) as info:
        load_suite(p)
    assert info.value.headline().startswith(f"{p}{where}"), info.value.headline()
    assert message in info.value.headline()


def test_a_suite_built_in_code_is_checked_too():
    with pytest.raises(Exception, match="unknown option 'auxx' for task recognition; did you mean 'aux'"):
        Suite(name="t", languages=["parity"], models=[{"name": "lstm"}],
              task={"name": "recognition", "options": {"auxx": "lm"}})


def test_a_new_task_is_one_new_class(tmp_path, toy):
    assert list_tasks() == ["ends-in-one", "next-symbol", "recognition", "transduction"]
    suite = load_suite(write(tmp_path, SUITE + "task: {name: ends-in-one, options: {margin: 2}}\n"))
    assert suite.task.options == {"margin": 2}
    with pytest.raises(SpecError, match="unknown option 'margn' for task ends-in-one; did you mean 'margin'"):
        load_suite(write(tmp_path, SUITE + "task: {name: ends-in-one, options: {margn: 2}}\n"))
    # its data come from the data layer as it is; its labels reach the report
    ds = build_dataset("parity", "ends-in-one", SPEC, margin=2.0)
    assert ds.task == "ends-in-one" and {ex.label for ex in ds.splits["train"].examples} == {1}
    assert all(ex.next is None for ex in ds.splits["train"].examples)
    report = SimpleNamespace(protocol={"task": "ends-in-one"}, entries={}, permuted_bins=[])
    assert toy.score_legend in legend(report)


def test_the_toy_task_is_gone_after_its_test():
    assert "ends-in-one" not in list_tasks()


def test_a_name_is_registered_once(monkeypatch):
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))
    with pytest.raises(RuntimeError, match="registered twice"):
        register(type("Again", (Task,), {"name": "recognition"}))


def test_registry_and_suites_do_not_import_torch():
    code = ("import sys; import langlab.tasks, langlab.harness.suite, langlab.report.render; "
            "langlab.tasks.task_class('recognition').resolve({'aux': 'lm'}); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
