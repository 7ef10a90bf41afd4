"""``langlab models``, and the command modules of ``langlab.cli`` failing loudly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from langlab.cli import COMMAND_MODULES, add_commands, app
from langlab.models import build_model, list_models, model_class, settings_of

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, columns: int = 120):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_lists_every_model_with_its_config_defaults():
    infos = json.loads(cli("models", "--json"))
    assert [i["name"] for i in infos] == list_models()
    for info in infos:
        cls = model_class(info["name"])
        settings = {s["name"]: s for s in info["settings"]}
        assert list(settings)[-1] == "params" and list(settings)[0] == cls.width_field == info["width"]
        config = build_model(info["name"], vocab_size=4).config  # built with every default
        for key, s in settings.items():
            if key != "params":
                assert getattr(config, key) == s["default"], (info["name"], key)
        assert info["summary"] and "\n" not in info["summary"]


def test_types_and_choices():
    from langlab.models.transformer import POSITIONAL

    info = json.loads(cli("models", "transformer", "--json"))
    by_name = {s["name"]: s for s in info["settings"]}
    assert by_name["positional"]["choices"] == list(POSITIONAL)
    assert by_name["positional"]["default"] == "sinusoidal"
    assert (by_name["ff"]["type"], by_name["ff"]["default"]) == ("int or None", None)
    assert by_name["heads"]["type"] == "int" and by_name["dropout"]["type"] == "float"
    assert by_name["params"]["type"] == "int or str" and "d_model" in by_name["params"]["note"]
    assert json.loads(cli("models", "lstm", "--json"))["settings"][0] == {
        "name": "hidden", "type": "int", "default": 64, "choices": [],
        "note": "the width that params sets"}


@pytest.mark.parametrize("columns", [80, 120])
def test_table_shows_every_setting_whole(columns):
    out = cli("models", columns=columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in out.splitlines()
            if line.startswith("│")]
    assert {r[0] for r in rows if r[0]} == set(list_models())
    settings = {r[1] for r in rows if r[1]}
    assert settings == {s.name for n in list_models() for s in settings_of(model_class(n))}
    assert ["", "controller", "rnn | lstm", "rnn"] in rows  # choices stand in for the type
    assert ["", "negative_eigenvalues", "bool", "False"] in rows


def test_one_model():
    out = cli("models", "lstm", columns=80)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "lstm: LSTM" in out and "hidden" in out and "embedding" in out
    assert "d_model" not in out and "transformer" not in out


def test_unknown_model_is_a_one_line_error():
    r = subprocess.run([sys.executable, "-m", "langlab", "models", "lstmm"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == "error: unknown model 'lstmm'; did you mean 'lstm'?\n"


def test_train_help_points_to_a_command_that_exists():
    assert "langlab models" in cli("train", "--help")
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom langlab.cli import app\n"
            "r = CliRunner().invoke(app, ['models', '--help'])\nassert r.exit_code == 0, r.output\n"
            "assert '--json' in r.output\nassert 'torch' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)


def test_every_command_module_is_registered():
    files = {f"langlab.cli.{p.stem}" for p in (ROOT / "langlab" / "cli").glob("*_cmd.py")}
    assert set(COMMAND_MODULES) == files


def test_a_missing_command_module_is_an_error():
    with pytest.raises(ModuleNotFoundError, match="langlab.cli.no_such_cmd"):
        add_commands(typer.Typer(), ("langlab.cli.no_such_cmd",))


def test_a_broken_command_module_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "broken_cmd_for_test.py").write_text("import no_such_dependency_for_test\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_for_test"):
        add_commands(typer.Typer(), ("langlab.cli.languages_cmd", "broken_cmd_for_test"))
