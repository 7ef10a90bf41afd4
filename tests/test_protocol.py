"""Paper protocols in a suite: per-language splits (from files), the selection rules
``validation-long`` and ``test-max``, the paper's stopping rule, the per-checkpoint history,
isolating runs and the protocol comparison of the report."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from langlab.errors import SpecError
from langlab.harness.execute import run_suite
from langlab.harness.results import rescore
from langlab.harness.store import Store
from langlab.data.spec import SplitSpec
from langlab.harness.suite import expand, load_suite

BASE = """\
name: proto
languages:
{languages}
models:
  - name: lstm
    settings: {{hidden: 8}}
task: {{name: next-symbol, target_mode: paper}}
split:
  train: {{lo: 1, hi: 8, size: 40}}
  validation: {{lo: 1, hi: 8, size: 12}}
  test: [{{lo: 1, hi: 8, size: 12}}, {{lo: 9, hi: 12, size: 12}}]
seeds: [0]
training: {{epochs: 3, batch_size: 8, lr: 0.01, patience: null}}
selection: {selection}
{extra}"""


def write_paper_folder(folder: Path, train: list[str], bins: list[list[str]]) -> Path:
    """A folder in the 2020 paper's format: train_src.txt, val_src_bin*.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train_src.txt").write_text("\n".join(train))
    for k, strings in enumerate(bins):
        (folder / f"val_src_bin{k}.txt").write_text("\n".join(strings))
    return folder


def suite_file(tmp_path: Path, languages: str, selection: str = "validation-accuracy",
               extra: str = "") -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(BASE.format(languages=textwrap.indent(languages, "  "),
                                selection=selection, extra=extra))
    return path


@pytest.fixture
def dyck_folder(tmp_path):
    import itertools

    import langlab

    lang = langlab.load_language("dyck-1")
    members = [s for n in range(2, 15, 2) for s in
               ("".join(t) for t in itertools.product("()", repeat=n)) if lang.accepts(s)]
    short = [s for s in members if len(s) <= 8]
    long = [s for n in (10, 12, 14) for s in [m for m in members if len(m) == n][:7]]
    return write_paper_folder(tmp_path / "Dyck-1", short * 2, [short[:10], long])


def test_a_language_entry_carries_its_own_split(tmp_path, dyck_folder):
    path = suite_file(tmp_path, f"- parity\n- {{name: dyck-1, split: {{files: "
                                f"{{format: bhattamishra2020, path: {dyck_folder}}}}}}}\n")
    suite = load_suite(path)
    jobs = {j.language: j for j in expand(suite)}
    assert "files" not in jobs["parity"].split      # the suite's split, as before
    assert jobs["dyck-1"].split["files"]["path"] == str(dyck_folder)
    assert jobs["parity"].split["test"] == jobs["dyck-1"].split["test"]  # the rest inherited


def test_a_plain_suite_keeps_its_job_keys(tmp_path):
    """Fields added for protocols (split.files, validation_long, stop_accuracy, history) leave
    the key of a suite that does not use them unchanged: the job description holds none."""
    job = expand(load_suite(suite_file(tmp_path, "- parity\n")))[0]
    d = job.describe()
    assert set(d) == {"language", "model", "column", "settings", "training", "task", "split",
                      "seed"}
    assert not {"stop_accuracy", "history", "device"} & set(d["training"])
    assert not {"files", "validation_long"} & set(d["split"])


def test_a_bad_language_split_is_a_positioned_error(tmp_path):
    path = suite_file(tmp_path, "- {name: parity, split: {tset: []}}\n")
    with pytest.raises(SpecError, match=r"suite.yaml:3:.*parity: split.tset"):
        load_suite(path)


def test_a_language_entry_carries_its_own_training(tmp_path):
    path = suite_file(tmp_path, "- parity\n- {name: tomita-1, training: {epochs: 7, lr: [0.1, 0.2]}}\n")
    jobs = expand(load_suite(path))
    own = [j.training for j in jobs if j.language == "tomita-1"]
    assert sorted(t["lr"] for t in own) == [0.1, 0.2] and {t["epochs"] for t in own} == {7}
    assert all(t["batch_size"] == 8 for t in own)            # the rest inherited
    (plain,) = [j.training for j in jobs if j.language == "parity"]
    assert (plain["epochs"], plain["lr"]) == (3, 0.01)
    assert plain == expand(load_suite(suite_file(tmp_path, "- parity\n")))[0].training


def test_a_model_entry_carries_its_own_training_under_a_languages(tmp_path):
    path = suite_file(tmp_path, "- parity\n- {name: tomita-1, training: {epochs: 7}}\n")
    text = path.read_text().replace("    settings: {hidden: 8}\n",
                                    "    settings: {hidden: 8}\n  - name: rnn\n"
                                    "    training: {lr: [0.5, 0.25], epochs: 2}\n")
    path.write_text(text)
    got = sorted((j.language, j.model, j.training["lr"], j.training["epochs"])
                 for j in expand(load_suite(path)))
    assert got == [("parity", "lstm", 0.01, 3), ("parity", "rnn", 0.25, 2),
                   ("parity", "rnn", 0.5, 2), ("tomita-1", "lstm", 0.01, 7),
                   ("tomita-1", "rnn", 0.25, 7), ("tomita-1", "rnn", 0.5, 7)]
    path.write_text(text.replace("epochs: 2}", "epohcs: 2}"))
    with pytest.raises(SpecError, match=r"suite.yaml:\d+:\d+: suite: models.1.training.epohcs"):
        load_suite(path)


@pytest.mark.parametrize("training,where", [("{epoch: 7}", "training.epoch"),
                                            ("{epochs: 0}", "training.epochs")])
def test_a_bad_language_training_is_a_positioned_error(tmp_path, training, where):
    path = suite_file(tmp_path, f"- parity\n- name: tomita-1\n  training: {training}\n")
    with pytest.raises(SpecError, match=rf"suite.yaml:5:\d+: .*{where}"):
        load_suite(path)


def test_test_max_scores_every_bin_at_every_checkpoint_and_keeps_each_bins_best(tmp_path):
    path = suite_file(tmp_path, "- parity\n", selection="test-max")
    out = tmp_path / "run"
    summary = run_suite(load_suite(path), out, workers=1, quiet=True)
    assert summary.failed == 0
    [row] = Store(out / "results.sqlite", readonly=True).rows()
    tests = ["test-1-8", "test-9-12"]
    assert len(row["history"]) == 3                      # one checkpoint per epoch
    for h in row["history"]:
        assert set(tests) <= set(h) and "validation" not in h   # only what the rule needs
    for t in tests:
        assert row["metrics"][t]["accuracy"] == max(h[t]["accuracy"] for h in row["history"])
        assert "by_length" in row["metrics"][t]               # the bin's full metrics
        assert all("by_length" not in h[t] for h in row["history"])  # the history: numbers
        step = row["metrics"][t]["selected_step"]
        assert any(h["step"] == step for h in row["history"])
    assert rescore(row, "test-max") == {t: row["metrics"][t]["accuracy"] for t in tests}
    assert rescore(row, "validation-accuracy") is None    # the history cannot tell


def test_history_all_rescores_under_every_rule(tmp_path):
    path = suite_file(tmp_path, "- parity\n", extra="")
    text = path.read_text().replace("patience: null}", "patience: null, history: all}")
    text = text.replace("  test: [", "  validation_long: {lo: 9, hi: 10, size: 8}\n  test: [")
    path.write_text(text)
    out = tmp_path / "run"
    run_suite(load_suite(path), out, workers=1, quiet=True)
    [row] = Store(out / "results.sqlite", readonly=True).rows()
    assert all({"validation", "validation-long", "test-1-8", "test-9-12"} <= set(h)
               for h in row["history"])
    # the validation rule's rescoring is the checkpoint the run itself kept
    picked = rescore(row, "validation-accuracy")
    assert picked == {t: row["metrics"][t]["accuracy"] for t in picked}
    for rule in ("validation-loss", "validation-long", "validation-long-loss", "test-max"):
        scores = rescore(row, rule)
        assert scores is not None and set(scores) == {"test-1-8", "test-9-12"}
    best = rescore(row, "test-max")
    assert all(best[t] >= rescore(row, r)[t] for r in ("validation-accuracy", "validation-long")
               for t in best)
    # validation-long-loss: the test bins at the checkpoint of lowest validation-long loss
    low = min(row["history"], key=lambda h: (h["validation-long"]["loss"], h["step"]))
    assert rescore(row, "validation-long-loss") == {t: low[t]["accuracy"] for t in best}


@pytest.mark.parametrize("selection", ["validation-accuracy", "validation-long-loss"])
def test_history_rules_rescores_every_validation_rule_as_history_all_does(tmp_path, selection):
    """history: rules trains the same run as history: all, scores the test bins only at the
    checkpoints some validation rule keeps, and rescores every rule but test-max the same."""
    rows = {}
    for history in ("all", "rules"):
        path = suite_file(tmp_path, "- parity\n", selection=selection)
        text = path.read_text().replace("epochs: 3,", "epochs: 6,").replace(
            "patience: null}", f"patience: null, history: {history}}}")
        text = text.replace("  test: [", "  validation_long: {lo: 9, hi: 10, size: 8}\n  test: [")
        path.write_text(text)
        run_suite(load_suite(path), tmp_path / history, workers=1, quiet=True)
        [rows[history]] = Store(tmp_path / history / "results.sqlite", readonly=True).rows()
    full, kept = rows["all"], rows["rules"]
    assert full["key"] != kept["key"]
    assert full["metrics"] == kept["metrics"] and full["steps"] == kept["steps"]
    tested = [h for h in kept["history"] if "test-1-8" in h]
    assert 1 <= len(tested) < len(kept["history"]) or len(kept["history"]) <= 4
    assert all({"validation", "validation-long"} <= set(h) for h in kept["history"])
    for rule in ("validation-accuracy", "validation-loss", "validation-long", "validation-long-loss"):
        assert rescore(kept, rule) == rescore(full, rule) is not None, rule
    assert rescore(kept, "test-max") is None   # it needs every checkpoint's tests
    from langlab.report import make_report

    for history, says in (("all", "`test-max` selects on test"),
                          ("rules", "`test-max` needs every checkpoint's test scores")):
        make_report(tmp_path / history, out=tmp_path / f"report-{history}", plots=False)
        md = (tmp_path / f"report-{history}" / "table.md").read_text()
        section = md[md.index("## One training run, every selection rule"):]
        assert f"`training.history: {history}" in section and says in section, history
        assert ("| test-max (selects on test) |" in section) == (history == "all"), history


def test_the_two_readings_read_every_run_at_its_rules_checkpoint(tmp_path):
    """FLaRe's readings: over every run of a cell (each trial and seed), the accuracy over all
    test strings (bins weighted by size); inductive bias = the mean at each run's checkpoint of
    lowest short-validation loss, expressivity = the max at its lowest validation-long loss."""
    from langlab.report import make_report
    from langlab.report.build import gather

    path = suite_file(tmp_path, "- parity\n", selection="validation-long-loss", extra=(
        "search:\n  trials: 2\n  draw: per-cell\n  space:\n"
        "    training.lr: {log_uniform: [1.0e-3, 3.0e-2]}\n"))
    text = path.read_text().replace("seeds: [0]", "seeds: [0, 1]").replace(
        "patience: null}", "patience: null, history: rules}")
    text = text.replace("  test: [", "  validation_long: {lo: 9, hi: 10, size: 8}\n  test: [")
    path.write_text(text)
    out = tmp_path / "run"
    run_suite(load_suite(path), out, workers=1, quiet=True)
    rows = Store(out / "results.sqlite", readonly=True).rows()
    assert len({r["config_id"] for r in rows}) == 2 and len(rows) == 4
    [(cell, got)] = gather(out).readings.items()
    for name, split in (("inductive bias", "validation"), ("expressivity", "validation-long")):
        picks = [min(r["history"], key=lambda h: (h[split]["loss"], h["step"])) for r in rows]
        weighted = [(p["test-1-8"]["accuracy"] * 12 + p["test-9-12"]["accuracy"] * 12) / 24
                    for p in picks]
        assert got[name].n == 4
        assert got[name].max == pytest.approx(max(weighted))
        assert got[name].mean == pytest.approx(sum(weighted) / len(weighted))
    make_report(out, out=out / "report", plots=False)
    md = (out / "report" / "table.md").read_text()
    assert "## Two readings" in md and "4 runs" in md
    assert "- **search**: 2 random trials (each language × model cell its own draws" in md
    assert "training.lr log-uniform [0.001, 0.03]" in md and "adam lr searched" in md
    doc = json.loads((out / "report" / "results.json").read_text())
    assert {r["reading"] for r in doc["readings"]} == {"inductive bias", "expressivity"}


def test_the_papers_stopping_rule_stops_once_the_bins_average_reaches_it(tmp_path):
    # (aa)*-like trivial language: 'tomita-1' (1*) is learned in one epoch at this size
    path = suite_file(tmp_path, "- tomita-1\n", selection="test-max")
    text = path.read_text().replace("epochs: 3", "epochs: 30").replace(
        "patience: null}", "patience: null, stop_accuracy: 0.5}").replace("lr: 0.01", "lr: 0.05")
    path.write_text(text)
    out = tmp_path / "run"
    run_suite(load_suite(path), out, workers=1, quiet=True)
    [row] = Store(out / "results.sqlite", readonly=True).rows()
    last = row["history"][-1]
    mean = sum(last[t]["accuracy"] for t in ("test-1-8", "test-9-12")) / 2
    assert mean >= 0.5 and len(row["history"]) < 30
    assert all(sum(h[t]["accuracy"] for t in ("test-1-8", "test-9-12")) / 2 < 0.5
               for h in row["history"][:-1])


def test_isolating_runs_change_one_setting_and_get_their_own_keys(tmp_path):
    extra = textwrap.dedent("""\
        isolate:
          - reason: targets
            languages: [parity]
            set: {task.target_mode: exact}
          - reason: budget
            languages: [parity]
            models: [lstm]
            set: {training.epochs: 5, settings.hidden: 16}
        """)
    suite = load_suite(suite_file(tmp_path, "- parity\n- dyck-1\n", extra=extra))
    jobs = expand(suite)
    own = [j for j in jobs if not j.variant]
    iso = [j for j in jobs if j.variant]
    assert len(own) == 2 and len(iso) == 2
    assert len({j.key for j in jobs}) == 4
    base = next(j for j in own if j.language == "parity")
    targets, budget = iso
    assert targets.task["target_mode"] == "exact" and base.task["target_mode"] == "paper"
    assert {**targets.task, "target_mode": "paper"} == base.task
    assert targets.training == base.training and targets.settings == base.settings
    assert budget.training["epochs"] == 5 and budget.settings == {"hidden": 16}
    assert {**budget.training, "epochs": 3} == base.training


def test_a_bad_isolation_is_an_error(tmp_path):
    extra = "isolate:\n  - {reason: budget, languages: [parity], set: {training.epochs: 0}}\n"
    with pytest.raises(SpecError, match="isolate.*training.epochs"):
        expand(load_suite(suite_file(tmp_path, "- parity\n", extra=extra)))
    extra = "isolate:\n  - {reason: luck, languages: [parity], set: {training.epochs: 2}}\n"
    with pytest.raises(SpecError, match="reason"):
        load_suite(suite_file(tmp_path, "- parity\n", extra=extra))


def test_report_of_per_language_bins_is_ordinal_and_compares_protocols(tmp_path, dyck_folder):
    """Per-language splits give ordinal bins (each language's k-th test bin), the published
    numbers attach by position, isolating runs are shown and back the reasons, and a compared
    protocol's cells stand beside ours."""
    from langlab.report import make_report

    extra = textwrap.dedent("""\
        isolate:
          - reason: split
            languages: [dyck-1]
            set: {split.files: null}
        """)
    langs = (f"- {{name: dyck-1, split: {{files: {{format: bhattamishra2020, "
             f"path: {dyck_folder}}}}}}}\n- parity\n")
    path = suite_file(tmp_path, langs, selection="test-max", extra=extra)
    out = tmp_path / "run"
    summary = run_suite(load_suite(path), out, workers=1, quiet=True)
    assert summary.failed == 0 and summary.done == 3
    report_dir = make_report(out, tmp_path / "rep", plots=False)
    doc = json.loads((report_dir / "results.json").read_text())
    assert doc["bins"] == ["test-bin1", "test-bin2"]
    assert doc["bin_ranges"]["dyck-1"] == {"test-bin1": "2-8", "test-bin2": "10-14"}
    assert doc["bin_ranges"]["parity"] == {"test-bin1": "1-8", "test-bin2": "9-12"}
    lstm = {c["language"]: c for c in doc["cells"]}
    assert set(lstm["dyck-1"]["published"]["values"]) >= {"test-bin1", "test-bin2"}
    [iso] = doc["isolated"]
    assert iso["language"] == "dyck-1" and iso["reason"] == "split"
    assert set(iso["bins"]) >= {"test-bin1", "test-bin2"}
    rows = doc["comparison"]
    assert {(r["language"], r["bin"]) for r in rows} >= {("dyck-1", "test-bin1"),
                                                          ("parity", "test-bin2")}
    for r in rows:   # a reason exactly where this protocol disagrees with the published number
        assert bool(r["reason"]) == (r["agrees"] is False)
    md = (report_dir / "table.md").read_text()
    assert "## Protocol comparison" in md and "## Isolating runs" in md
    assert "| `dyck-1` | 2-8 | 10-14 |" in md
    page = (report_dir / "index.html").read_text()
    for title in ("Bins (lengths", "Protocol comparison", "Isolating runs"):
        assert f"<h2>{title}" in page
    assert "<td>dyck-1</td><td>2-8</td><td>10-14</td>" in page


def test_markdown_sections_become_page_sections():
    from langlab.report.render import md_sections_html

    lines = ["## T", "", "Some `code` text.", "", "| a | b |", "|---|---:|", "| `x` | 1 |",
             "", "## U", "| c |", "|---|"]
    assert md_sections_html(lines) == [
        {"title": "T", "parts": [{"kind": "p", "text": "Some code text."},
                                 {"kind": "table", "rows": [["a", "b"], ["x", "1"]]}]},
        {"title": "U", "parts": [{"kind": "table", "rows": [["c"]]}]}]


def test_report_shows_one_run_under_every_rule(tmp_path):
    from langlab.report import make_report

    path = suite_file(tmp_path, "- parity\n")
    text = path.read_text().replace("patience: null}", "patience: null, history: all}")
    path.write_text(text.replace("  test: [", "  validation_long: {lo: 9, hi: 10, size: 8}\n"
                                              "  test: ["))
    out = tmp_path / "run"
    run_suite(load_suite(path), out, workers=1, quiet=True)
    doc = json.loads((make_report(out, tmp_path / "rep", plots=False) / "results.json")
                     .read_text())
    rules = {r["rule"]: r["bins"] for r in doc["rescored"]}
    assert set(rules) == {"validation-accuracy", "validation-loss", "validation-long",
                          "validation-long-loss", "test-max"}
    [cell] = doc["cells"]
    # the table's own rule is the stored run's own choice
    assert rules["validation-accuracy"]["test-9-12"]["max"] == cell["bins"]["test-9-12"]["max"]
    assert all(rules["test-max"][b]["max"] >= rules[r][b]["max"] for r in rules for b in rules[r])
    md = (tmp_path / "rep" / "table.md").read_text()
    assert "test-max (selects on test)" in md


def test_validation_long_loss_keeps_the_checkpoint_of_lowest_long_loss(tmp_path):
    """FLaRe's rule: selection and the kept weights follow the cross-entropy on the held-out
    validation-long bin; the rule enters the run's key, and the header names it."""
    from langlab.report import make_report

    path = suite_file(tmp_path, "- parity\n", selection="validation-long-loss")
    text = path.read_text().replace("patience: null}", "patience: null, history: all}")
    path.write_text(text.replace("  test: [", "  validation_long: {lo: 9, hi: 10, size: 8}\n"
                                              "  test: ["))
    suite = load_suite(path)
    plain = suite.model_copy(update={"selection": "validation-long"})
    assert expand(suite)[0].key != expand(plain)[0].key
    out = tmp_path / "run"
    run_suite(suite, out, workers=1, quiet=True)
    [row] = Store(out / "results.sqlite", readonly=True).rows()
    low = min(row["history"], key=lambda h: (h["validation-long"]["loss"], h["step"]))
    assert row["best_step"] == low["step"]
    kept = row["metrics"]["validation-long"]["loss"]
    assert kept == pytest.approx(low["validation-long"]["loss"], rel=1e-5)
    md = (make_report(out, tmp_path / "rep", plots=False) / "table.md").read_text()
    assert "lowest mean validation-long loss" in md and "held-out validation-long bin" in md


@pytest.mark.parametrize("rule", ["validation-long", "validation-long-loss"])
def test_a_long_rule_without_its_split_is_a_positioned_error_before_training(tmp_path, rule):
    languages = "- parity\n- name: tomita-1\n  split: {validation_long: {lo: 9, hi: 10, size: 8}}\n"
    path = suite_file(tmp_path, languages, selection=rule)
    line = path.read_text().splitlines().index(f"selection: {rule}") + 1
    with pytest.raises(SpecError, match=rf"suite.yaml:{line}:12: suite: selection: selection "
                                        rf"{rule} needs a validation-long split, and parity has none"):
        load_suite(path)
    # with the suite's own validation-long bin every language has one
    text = path.read_text().replace("  test: [", "  validation_long: {lo: 9, hi: 10, size: 8}\n  test: [")
    path.write_text(text)
    assert load_suite(path).selection == rule


def test_an_isolating_run_with_its_own_split_shows_its_own_bins(tmp_path):
    """The isolation that explains a D_n cell moves to the paper's bins and depths: its cells are
    scored on bins the table has no column for, shown under "own bins"."""
    from langlab.languages.depth import max_depth
    from langlab.report import make_report

    extra = textwrap.dedent("""\
        isolate:
          - reason: split
            languages: [d-2]
            set:
              split.train: {lo: 2, hi: 12, size: 40, depth: {lo: 1, hi: 2}}
              split.validation: {lo: 2, hi: 12, size: 10, depth: 2}
              split.test: [{lo: 14, hi: 20, size: 20, depth: 2}]
            note: the paper's D_n bins
        """)
    out = tmp_path / "run"
    summary = run_suite(load_suite(suite_file(tmp_path, "- d-2\n", extra=extra)), out,
                        workers=1, quiet=True)
    assert summary.failed == 0 and summary.done == 2
    md = (make_report(out, tmp_path / "rep", plots=False) / "table.md").read_text()
    [row] = [line for line in md.splitlines() if line.startswith("| `d-2` | lstm | split")]
    assert "14-20-depth-2: " in row and row.count("—") == 2   # the suite's two bins: none
    import langlab
    from langlab.data.splits import DataRequest, make_dataset

    iso = next(j for j in expand(load_suite(tmp_path / "suite.yaml")) if j.variant)
    spec = SplitSpec.model_validate(iso.split)
    test = make_dataset(langlab.load_language("d-2"), DataRequest("next-symbol"),
                        spec).splits["test-14-20-depth-2"]
    assert {max_depth(e.tokens, [("a", "b")]) for e in test.examples} == {2}
