"""One language, three formulations: a suite's ``task:`` as a list of tasks (issue 14, item 5).

Expansion (a job per language x task x model point x seed, keys distinct per task, suites of one
task unchanged), positioned errors for task options a list of tasks cannot take, and a tiny run
whose report sets recognition, next-symbol and transduction side by side.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from langlab.errors import SpecError
from langlab.harness.suite import expand, load_suite, skipped_tasks

SUITES = Path(__file__).resolve().parent.parent / "suites"

THREE = """\
name: three
languages: [flare/marked-reversal, parity]
models:
  - name: lstm
    settings: {hidden: 8}
task:
  - {name: recognition}
  - {name: next-symbol}
  - {name: transduction}
split:
  train: {lo: 1, hi: 8, size: 48}
  validation: {lo: 1, hi: 8, size: 16}
  test: [{lo: 9, hi: 12, size: 16}]
seeds: [0]
training: {epochs: 2, max_steps: 12, batch_size: 16, lr: 0.01}
"""


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_a_list_of_tasks_expands_per_task_with_distinct_keys(tmp_path):
    suite = load_suite(write(tmp_path, THREE), check_models=True)
    jobs = expand(suite)
    got = [(j.language, j.column, j.task["name"]) for j in jobs]
    assert got == [
        ("flare/marked-reversal", "lstm · recognition", "recognition"),
        ("flare/marked-reversal", "lstm · next-symbol", "next-symbol"),
        ("flare/marked-reversal", "lstm · transduction", "transduction"),
        ("parity", "lstm · recognition", "recognition"),
        ("parity", "lstm · next-symbol", "next-symbol"),
    ]   # parity has no function form: its transduction is left out, and said so
    assert len({j.key for j in jobs}) == len(jobs)
    assert len({j.config_id for j in jobs}) == len(jobs)
    [(lang, task, why)] = skipped_tasks(suite)
    assert (lang, task) == ("parity", "transduction") and "no function form" in why


def test_suites_of_one_task_keep_their_keys(tmp_path):
    # a key written by the code before lists of tasks (suites/quick.yaml, its first job)
    first = expand(load_suite(SUITES / "quick.yaml"))[0]
    assert (first.key, first.column) == ("ee31acb1a5553121", "rnn")
    tasks = "  - {name: recognition}\n  - {name: next-symbol}\n  - {name: transduction}\n"
    one = THREE.replace(tasks, "  {name: next-symbol}\n")
    listed = THREE.replace(tasks, "  - {name: next-symbol}\n")   # a list of one task
    a = expand(load_suite(write(tmp_path, one, "one.yaml")))
    b = expand(load_suite(write(tmp_path, listed, "listed.yaml")))
    assert [j.key for j in a] == [j.key for j in b]
    assert {j.column for j in a} == {"lstm"} and skipped_tasks(load_suite(tmp_path / "one.yaml")) == []


def test_an_override_indexes_the_list_of_tasks(tmp_path):
    suite = load_suite(write(tmp_path, THREE), ["--task.1.options.threshold=0.25"])
    assert suite.task[1].options == {"threshold": 0.25} and suite.task[0].options == {}
    with pytest.raises(SpecError, match="'options' is not an index of the 3 items"):
        load_suite(write(tmp_path, THREE), ["--task.options.threshold=0.25"])


BASE = "name: t\nlanguages: [parity]\nmodels: [{name: lstm}]\n"


@pytest.mark.parametrize("text, where, message", [
    (BASE + "task:\n  - {name: recognition}\n  - {name: next-symbol, options: {edit_fraction: 0.3}}\n",
     ":6:35: ", "suite: task.1.options.edit_fraction: unknown option 'edit_fraction' for task "
                "next-symbol (options: threshold, loss)"),
    (BASE + "task:\n  - {name: recognition, options: {edit_fraction: 7}}\n  - {name: next-symbol}\n",
     ":5:50: ", "suite: task.0.options.edit_fraction: task recognition: edit_fraction must be "
                "between 0 and 1, got 7"),
    (BASE + "task:\n  - {name: recognition}\n  - {name: recognition, options: {aux: lm}}\n",
     ":6:12: ", "suite: task.1.name: task recognition is listed twice (task.0 and task.1)"),
    ("name: t\nlanguages:\n  - parity\n  - {name: dyck-1, task_options: {edit_fraction: 0.3}}\n"
     "models: [{name: lstm}]\ntask: [{name: recognition}, {name: next-symbol}]\n",
     ":4:35: ", "suite: languages.1.task_options.edit_fraction: dyck-1: unknown option "
                "'edit_fraction' for task next-symbol (options: threshold, loss) (the suite lists "
                "2 tasks: a language's task_options apply to each"),
    (BASE + "task: [{name: recognition}, {name: next-symbol}]\nsearch:\n  trials: 2\n  space:\n"
            "    task.options.edit_fraction: {uniform: [0.1, 0.9]}\n",
     ":8:5: ", "suite: search.space.task.options.edit_fraction: unknown option 'edit_fraction' "
               "for task next-symbol"),
    (BASE + "task: [{name: recognition}, {name: transducton}]\n",
     ":4:36: ", "suite: task.1.name: unknown task 'transducton'; did you mean 'transduction'?"),
    (BASE + "task: []\n", ":4:7: ", "suite: task: List should have at least 1 item"),
    (BASE + "task: [{name: transduction}]\n",   # transduction alone: an error, not a skip
     ":2:13: ", "suite: languages[0]: task transduction: language parity has no function form"),
])
def test_incompatible_task_options_are_positioned_errors_before_training(tmp_path, text, where,
                                                                          message):
    p = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_suite(p, check_models=True)
    assert info.value.headline().startswith(f"{p}{where}"), info.value.headline()
    assert message in info.value.headline()


def test_the_report_sets_the_three_formulations_side_by_side(tmp_path):
    from langlab.harness.execute import run_suite
    from langlab.report import make_report

    suite = load_suite(write(tmp_path, THREE), check_models=True)
    summary = run_suite(suite, tmp_path / "run", workers=1, quiet=True)
    assert (summary.done, summary.failed) == (5, 0)
    out = make_report(tmp_path / "run", out=tmp_path / "report", plots=False)
    md = (out / "table.md").read_text()
    assert ("| language | model | recognition (accuracy) 9-12 | next-symbol (string accuracy) "
            "9-12 | transduction (sequence / per-token accuracy) 9-12 |") in md
    rows = {line.split(" | ")[0]: line for line in md.splitlines()
            if line.startswith("| `") and " | lstm | " in line}
    assert rows["| `parity`"].endswith("| skipped |")
    assert " / " in rows["| `flare/marked-reversal`"].split(" | ")[-1]   # seq / per-token
    assert "- `parity` × transduction: language parity has no function form" in md
    assert "| `parity` |" in md and "skipped" in md.split("## One language")[0]   # main table
    doc = json.loads((out / "results.json").read_text())
    f = doc["formulations"]
    assert [t["task"] for t in f["tasks"]] == ["recognition", "next-symbol", "transduction"]
    assert f["skipped"][0]["language"] == "parity"
    mr = next(r for r in f["rows"] if r["language"] == "flare/marked-reversal")
    cell = mr["scores"]["transduction"]["test-9-12"]
    assert 0 <= cell["max"] <= 1 and 0 <= cell["token_accuracy"] <= 1
    assert doc["protocol"]["task"] == "recognition, next-symbol, transduction"
    html = (out / "index.html").read_text()
    assert "One language, several formulations" in html
