"""``langlab languages | show | sample | check`` (in process with CliRunner; errors and --help in
a subprocess, the way a user meets them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import langlab
from langlab.cli import app

ROOT = Path(__file__).resolve().parent.parent
ENDS_IN_A = """\
schema: 1
name: ends-in-a
description: "Strings over {a, b} ending in a."
alphabet: [a, b]
level: regular
tags: [test-only]
dfa:
  start: s
  accept: [t]
  transitions:
    s: {a: t, b: s}
    t: {a: t, b: s}
examples:
  accept: [a, ba]
  reject: ["", ab]
"""


def cli(*args: str, input: str | None = None):
    result = CliRunner().invoke(app, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def shell(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "langlab", *args], input=input, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def grammars(tmp_path: Path) -> Path:
    (tmp_path / "ends-in-a.yaml").write_text(ENDS_IN_A)
    return tmp_path


def test_languages_json_matches_registry():
    rows = json.loads(cli("languages", "--json").stdout)
    assert [r["name"] for r in rows] == langlab.list_languages()
    for r in rows:
        lang = langlab.load_language(r["name"])
        assert r["level"] == lang.level and r["alphabet"] == list(lang.alphabet)
        assert r["tags"] == sorted(lang.tags)


def test_languages_table_and_extra_grammars(grammars):
    out = cli("languages").stdout
    assert "parity" in out and "regular" in out and "ends-in-a" not in out
    out = cli("languages", "--grammars", str(grammars)).stdout
    assert "ends-in-a" in out and "test-only" in out


def test_show_counts_and_definition():
    lang = langlab.load_language("parity")
    out = cli("show", "parity").stdout
    assert lang.description in out and "non-star-free" in out and "parity.yaml" in out
    assert "'0110'" in out  # an example
    for n in range(13):
        assert f"n={n:>2}  {lang.count(n)}" in out
    info = json.loads(cli("show", "parity", "--json", "--counts-up-to", "5").stdout)
    assert info["counts"] == {str(n): lang.count(n) for n in range(6)}
    assert info["examples"]["accept"] == list(lang.examples_accept)
    assert info["brackets"] == [] and info["parameter"] is None


def test_show_says_what_a_bin_can_condition_on():
    out = cli("show", "anbncn").stdout
    assert "parameter:   n (bins as n: {lo, hi}); lengths n=1: 3, n=2: 6, n=3: 9" in out
    assert "brackets:" not in out
    assert "brackets:    ab" in cli("show", "d-2").stdout
    info = json.loads(cli("show", "a-square", "--json").stdout)
    assert info["parameter"] == {"name": "k", "lengths": {"1": 1, "2": 4, "3": 9, "4": 16,
                                                          "5": 25}}


def test_sample_lines_are_members_and_seeded():
    names = [n for n in ("dyck-2", "flare/stack-manipulation", "parity")
             if n in langlab.list_languages()]
    for name in names:
        lang = langlab.load_language(name)
        n = next(n for n in (12, 13, 14) if lang.has_member_of_length(n))
        out = cli("sample", name, "--length", str(n), "-n", "5", "--seed", "3").stdout
        lines = out.splitlines()
        assert len(lines) == 5
        for line in lines:
            toks = lang.tokenize(line)
            assert len(toks) == n and lang.accepts(toks) and line == lang.join(toks)
        assert cli("sample", name, "--length", str(n), "-n", "5", "--seed", "3").stdout == out
        # what sample prints, check reads back (stdin, one string per line)
        checked = cli("check", name, input=out).stdout.splitlines()
        assert checked == [f"accept {line}" for line in lines]


def test_check_arguments_stdin_and_bad_tokens(grammars):
    r = cli("check", "parity", "0110", "1", "")
    assert r.exit_code == 0 and r.stdout.splitlines() == ["accept 0110", "reject 1", "accept "]
    r = cli("check", "parity", input="11\n10\n")
    assert r.stdout.splitlines() == ["accept 11", "reject 10"]
    r = cli("check", "parity", "011", "0x1", "1")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines[0] == "accept 011" and lines[2] == "reject 1"
    assert lines[1].startswith("error 0x1: token 'x' is not in the alphabet of parity")
    r = cli("check", "ends-in-a", "ba", "ab", "--grammars", str(grammars))
    assert r.stdout.splitlines() == ["accept ba", "reject ab"]
    r = cli("check", str(grammars / "ends-in-a.yaml"), "a")  # a YAML path works as a name
    assert r.stdout.splitlines() == ["accept a"]


def test_errors_are_one_line_without_traceback():
    r = shell("show", "dyk-2")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        r.stderr.strip().splitlines()[0]] and "did you mean 'dyck-2'" in r.stderr
    r = shell("sample", "parity", "--length", "3", "--distribution", "nope")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "nope" in r.stderr
    r = shell("languages", "--grammars", "/no/such/folder")
    assert r.returncode == 2 and "grammar folder not found" in r.stderr
    if "dyck-1" in langlab.list_languages():
        r = shell("sample", "dyck-1", "--length", "3")
        assert r.returncode == 2 and r.stderr == "error: dyck-1 has no member of length 3\n"


def test_help_does_not_import_torch():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom langlab.cli import app\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0, r.output\n"
            "assert 'languages' in r.output and 'check' in r.output\n"
            "heavy = [m for m in ('torch', 'ray') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
    r = shell("--help")
    assert r.returncode == 0 and "sample" in r.stdout
