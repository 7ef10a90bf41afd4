"""``langlab report`` on a tiny fake run folder (rows written with ``Store.record``, no training):
every file is produced, the numbers equal the store's, published numbers sit in the right cells,
the HTML page is self-contained and regenerating gives byte-identical files."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest
import yaml

from langlab.errors import LanglabError
from langlab.harness.fingerprint import fingerprint
from langlab.harness.store import Store
from langlab.harness.suite import Suite, expand
from langlab.reference import languages as reference_languages
from langlab.reference import load_reference, published
from langlab.report import CLASSES, FILES, language_class, make_report
from langlab.report.plots import slug

SHARED_CSV = Path(__file__).resolve().parent.parent.parent / "shared/reference/capability_reference.csv"
LANGS = ["parity", "dyck-1", "tomita-4"]
SUITE = {
    "name": "tiny", "description": "A fake run for the report tests.",
    "languages": LANGS,
    "models": [{"name": "rnn"}, {"name": "lstm"},
               {"name": "transformer", "settings": {"d_model": [16, 32]}},  # two grid points
               {"name": "ssm", "label": "mamba-like"}],
    "split": {"train": {"lo": 1, "hi": 10, "size": 50}, "validation": {"lo": 1, "hi": 10, "size": 20},
              "test": [{"lo": 1, "hi": 50, "size": 30}, {"lo": 51, "hi": 100, "size": 30}]},
    "seeds": [0, 1, 2],
}
RUN_JSON = {"langlab_version": "0.1.0", "python": "3.11.2", "torch": "2.13.0",
            "machine": "Linux x86_64, 2 cores", "wall_s": 3725.0,
            "sessions": [{"wall_s": 3000.0}, {"wall_s": 725.0}]}


def _accuracy(job, split: str) -> float:
    """A made-up but fixed accuracy per job and split (multiples of 1/8, exact in binary)."""
    h = sum(map(ord, f"{job.language}|{job.column}|{job.config_id}|{job.seed}|{split}"))
    return (h % 9) / 8


def _fake_run(folder: Path, task: str = "next-symbol") -> list[dict]:
    suite = Suite.model_validate({**SUITE, "task": {"name": task}})
    folder.mkdir(parents=True)
    (folder / "suite.yaml").write_text(yaml.safe_dump(suite.model_dump(mode="json"), sort_keys=False))
    (folder / "run.json").write_text(json.dumps(RUN_JSON))
    store = Store(folder / "results.sqlite")
    for job in expand(suite):
        row = {"key": job.key, "language": job.language, "model": job.model, "column": job.column,
               "config_id": job.config_id, "seed": job.seed, "settings": job.settings,
               "training": job.training, "finished_at": 1.0, "fingerprint": fingerprint()}
        if (job.language, job.column) == ("tomita-4", "rnn"):
            continue  # pending: never ran
        if (job.language, job.column) == ("dyck-1", "rnn") or (
                job.language, job.column, job.seed) == ("tomita-4", "lstm", 2):
            store.record({**row, "status": "failed", "error": "Diverged: non-finite loss"})
            continue
        metrics = {s: {"accuracy": _accuracy(job, s)}
                   for s in ("validation", "test-1-50", "test-51-100")}
        metrics["validation"]["loss"] = 0.5
        if (job.language, job.column) == ("parity", "transformer"):  # set up (dis)agreements
            metrics["test-1-50"]["accuracy"] = 0.5  # published 68.7: both below 90%
            metrics["test-51-100"]["accuracy"] = 1.0  # published 0.0: disagree
        data = {"train": {"n": 50, "n_distinct": 20 if job.language == "dyck-1" else 50,
                          "notes": "few members"}}
        store.record({**row, "status": "done", "metrics": metrics, "data": data})
    store.record({"key": "not-this-suite", "language": "parity", "model": "rnn", "column": "rnn",
                  "config_id": "x", "seed": 0, "status": "done",
                  "metrics": {"validation": {"accuracy": 1.0}, "test-1-50": {"accuracy": 0.123}}})
    rows = store.rows()
    store.close()
    return rows


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "run"
    rows = _fake_run(folder)
    out = make_report(folder)
    return folder, out, rows


def _expected_cells(rows: list[dict]) -> dict:
    """Independent selection: per (language, column), the config with the best mean validation
    accuracy over its done seeds; then max/mean/sd over those seeds per split."""
    groups: dict = {}
    for r in rows:
        if r["status"] == "done" and r["key"] != "not-this-suite":
            groups.setdefault((r["language"], r["column"]), {}).setdefault(r["config_id"], []).append(r)
    out = {}
    for key, configs in groups.items():
        best = max(configs, key=lambda c: (sum(r["metrics"]["validation"]["accuracy"]
                                               for r in configs[c]) / len(configs[c]), -len(c), c))
        chosen = configs[best]
        for split in chosen[0]["metrics"]:
            accs = [r["metrics"][split]["accuracy"] for r in chosen]
            mean = sum(accs) / len(accs)
            sd = math.sqrt(sum((a - mean) ** 2 for a in accs) / (len(accs) - 1)) if len(accs) > 1 else 0.0
            out[(*key, split)] = (max(accs), mean, sd, len(accs))
    return out


def test_every_file_is_written(run):
    folder, out, _ = run
    assert out == folder / "report"
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    for base in ["heatmap", *(f"length-{slug(lang)}" for lang in LANGS)]:
        for ext in ("png", "svg"):
            assert (out / "plots" / f"{base}.{ext}").stat().st_size > 0
    assert (out / "plots" / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_csv_numbers_equal_the_store(run):
    _, out, rows = run
    expected = _expected_cells(rows)
    table = list(csv.DictReader((out / "table.csv").open()))
    assert len(table) == len(LANGS) * 4 * 3  # languages x columns x (validation + 2 test bins)
    seen = 0
    for t in table:
        key = (t["language"], t["column"], t["split"])
        if key not in expected:
            assert t["max"] == "" and t["status"] in ("pending", "failed"), t
            continue
        mx, mean, sd, n = expected[key]
        assert float(t["max"]) == mx and int(t["seeds"]) == n
        assert math.isclose(float(t["mean"]), mean, abs_tol=1e-12)
        assert math.isclose(float(t["sd"]), sd, abs_tol=1e-12)
        seen += 1
    assert seen == len(expected)
    assert all(t["max"] != "0.123" for t in table)  # a row of another suite is left out


def test_markdown_shows_max_and_mean_sd(run):
    _, out, rows = run
    md = (out / "table.md").read_text()
    mx, mean, sd, _ = _expected_cells(rows)[("dyck-1", "lstm", "test-51-100")]
    row = next(line for line in md.splitlines() if line.startswith("| `dyck-1`"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # columns: language, rnn x2, lstm x2, transformer x2, mamba-like x2
    assert cells[4].startswith(f"**{100 * mx:.1f}** <sub>{100 * mean:.1f} ± {100 * sd:.1f}</sub>")
    assert cells[1] == "failed" and cells[2] == "failed"  # every dyck-1 rnn run failed
    tomita = next(line for line in md.splitlines() if line.startswith("| `tomita-4`"))
    assert tomita.split("|")[2].strip() == "not run"
    assert "n=2" in tomita.split("|")[4] and "1 failed" in tomita.split("|")[4]
    assert "Diverged: non-finite loss" in md
    # classes: dyck-1 (counter) before tomita-4 (star-free) before parity (non-star-free)
    assert md.index("## counter") < md.index("`dyck-1`") < md.index("## regular star-free") \
        < md.index("`tomita-4`") < md.index("## regular non-star-free") < md.index("`parity`")


def test_rows_of_other_code_are_marked_stale(tmp_path):
    folder = tmp_path / "run"
    rows = _fake_run(folder)
    assert "Stale runs" not in (make_report(folder, out=tmp_path / "fresh") / "table.md").read_text()
    old = next(r for r in rows if r["language"] == "parity" and r["column"] == "lstm"
               and r["status"] == "done" and r["key"] != "not-this-suite")
    store = Store(folder / "results.sqlite")
    store.record({**old, "fingerprint": "n0.d0"})
    store.close()
    out = make_report(folder, out=tmp_path / "stale")
    md = (out / "table.md").read_text()
    assert "; ‡ 1 stale (written by code with another fingerprint" in md
    assert f"- `parity` × lstm, seed {old['seed']}: fingerprint n0.d0" in md
    parity = next(line for line in md.splitlines() if line.startswith("| `parity`"))
    assert parity.count("‡ 1 stale") == 2  # both bins of the lstm column, no other cell
    doc = json.loads((out / "results.json").read_text())
    assert doc["stale"] == [{"language": "parity", "column": "lstm", "seed": old["seed"],
                             "fingerprint": "n0.d0"}]


def test_header_states_protocol_machine_and_wall_time(run):
    _, out, _ = run
    md = (out / "table.md").read_text()
    for text in ("next-symbol (target mode exact)", "train 1-10 ×50", "validation 1-10 ×20",
                 "test 51-100 ×30", "**seeds**: 0, 1, 2", "validation-accuracy",
                 "Linux x86_64, 2 cores", "1 h 02 min over 2 session(s)", "**langlab**: 0.1.0",
                 "transformer = transformer (d_model=[16, 32])"):
        assert text in md, text
    html = (out / "index.html").read_text()
    assert "Linux x86_64, 2 cores" in html and "1 h 02 min" in html


def test_published_numbers_sit_in_the_right_cells(run):
    _, out, _ = run
    doc = json.loads((out / "results.json").read_text())
    cells = {(c["language"], c["column"]): c for c in doc["cells"]}
    tr = cells[("parity", "transformer")]["published"]
    assert tr["model"] == "transformer" and tr["values"] == {"test-1-50": 0.687, "test-51-100": 0.0}
    assert cells[("parity", "transformer")]["disagree"] == {"test-1-50": False, "test-51-100": True}
    mamba = cells[("parity", "mamba-like")]["published"]  # ssm -> best Mamba layer variant
    assert mamba["variant"] == "3-layer (best of 3)"
    assert mamba["values"] == {"test-1-50": 0.9115, "test-51-100": 0.167}
    lstm = cells[("dyck-1", "lstm")]["published"]
    assert lstm["claim"] and lstm["values"] == {"test-1-50": 1.0, "test-51-100": 1.0,
                                                "test-101-150": 1.0}  # the paper's bins
    assert cells[("tomita-4", "transformer")]["published"]["values"]["test-51-100"] == 0.924
    assert all(cells[(lang, "rnn")]["published"] is None for lang in LANGS)
    md = (out / "table.md").read_text()
    parity = next(line for line in md.splitlines() if line.startswith("| `parity`"))
    t1, t2 = [c.strip() for c in parity.strip("|").split("|")][5:7]
    assert t1.endswith("<sub>pub. 68.7</sub>") and t2.endswith("<sub>pub. 0.0</sub> ⚠")
    assert "<sub>claim 100.0</sub>" in md
    rows = list(csv.DictReader((out / "table.csv").open()))
    flags = {(r["language"], r["column"], r["split"]): r["disagree"] for r in rows}
    assert flags[("parity", "transformer", "test-51-100")] == "true"
    assert flags[("parity", "rnn", "test-51-100")] == ""


def test_published_numbers_only_beside_the_same_task(tmp_path):
    _fake_run(tmp_path / "rec", task="recognition")
    out = make_report(tmp_path / "rec", plots=False)
    doc = json.loads((out / "results.json").read_text())
    assert doc["cells"] and all(c["published"] is None for c in doc["cells"])
    md = (out / "table.md").read_text()
    assert "classified correctly" in md and "pub." not in md and "claim 100" not in md


def test_html_is_self_contained(run):
    _, out, _ = run
    html = (out / "index.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "<script" not in html and "<link" not in html and "@import" not in html
    srcs = re.findall(r'src="([^"]*)"', html)
    assert len(srcs) == 1 + len(LANGS) and all(s.startswith("data:image/svg+xml;base64,") for s in srcs)


def test_regenerating_is_byte_identical(run, tmp_path):
    folder, out, _ = run
    first = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    again = make_report(folder, tmp_path / "again")
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert first.keys() == second.keys() and len(first) == len(FILES) + 2 * (1 + len(LANGS))
    assert [k for k in first if first[k] != second[k]] == []


def test_data_notes_list_splits_with_few_distinct_strings(run):
    _, out, _ = run
    doc = json.loads((out / "results.json").read_text())
    assert doc["data_notes"] == [{"language": "dyck-1", "split": "train", "requested": 50,
                                  "n": 50, "n_distinct": 20, "notes": "few members"}]


def test_cli_writes_into_the_given_folder(run, tmp_path):
    from typer.testing import CliRunner

    from langlab.cli import app

    folder, _, _ = run
    result = CliRunner().invoke(app, ["report", str(folder), "--out", str(tmp_path / "r"), "--no-plots"])
    assert result.exit_code == 0, result.output
    assert all((tmp_path / "r" / name).is_file() for name in FILES)
    assert not (tmp_path / "r" / "plots").exists()


def test_not_a_run_folder_is_a_clear_error(tmp_path):
    with pytest.raises(LanglabError, match="is not a run folder"):
        make_report(tmp_path)
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump({"name": "x", "languages": ["parity"],
                                                         "models": [{"name": "rnn"}]}))
    (tmp_path / "results.sqlite").write_text("not a database " * 100)
    with pytest.raises(LanglabError, match="not a readable results store"):
        make_report(tmp_path)


@pytest.mark.parametrize("level, tags, expected", [
    ("context-free", {"dyck", "counter"}, "counter"),
    ("context-sensitive", {"counter"}, "counter"),
    ("regular", {"star-free", "bhattamishra2020"}, "regular star-free"),
    ("regular", {"non-star-free"}, "regular non-star-free"),
    ("regular", set(), "regular"),
    ("context-free", {"dyck"}, "context-free"),
    ("context-sensitive", {"flare"}, "context-sensitive"),
    ("recursively-enumerable", set(), "other"),
])
def test_language_class(level, tags, expected):
    assert language_class(level, tags) == expected and expected in CLASSES


def test_reference_classes_agree_with_language_tags():
    """The csv's class of each of the 27 languages is what their level and tags give."""
    import langlab

    for name in reference_languages():
        lang = langlab.load_language(name)
        ref_class = next(p.language_class for p in load_reference() if p.language == name)
        assert language_class(lang.level, lang.tags).replace(" ", "-") == ref_class, name
        assert published(name, "lstm", lang.tags).claim


def test_packaged_reference_is_the_shared_one():
    if not SHARED_CSV.is_file():
        pytest.skip("../shared/reference is not present")
    assert (Path(__import__("langlab.reference").reference.__file__).parent
            / "capability_reference.csv").read_bytes() == SHARED_CSV.read_bytes()
    assert len(reference_languages()) == 27 and len(load_reference()) == 108

