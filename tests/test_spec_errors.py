"""Every bad language file in ``tests/bad_languages/`` fails with exactly its expected message.

The table ``expected.txt`` pairs each file with the first line of its error,
``FILE:LINE:COL: message``. Loading through the API raises :class:`SpecError` (one exception
type); ``langlab validate`` prints the same line, the source line and a caret, exits non-zero and
never shows a traceback.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from langlab.cli.validate_cmd import run_validate
from langlab.errors import LanglabError, SpecError
from langlab.languages.spec import load_language_file, read_language_name

BAD = Path(__file__).resolve().parent / "bad_languages"


def _table() -> dict[str, str]:
    rows = {}
    for line in (BAD / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows[line.split(":", 1)[0]] = line
    return rows


TABLE = _table()


def test_table_and_folder_match():
    files = {p.name for p in BAD.glob("*.yaml")}
    assert files == set(TABLE), "every bad file needs a row in expected.txt, and vice versa"
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(TABLE))
def test_bad_file_gives_its_message(name: str):
    with pytest.raises(SpecError) as info:
        load_language_file(BAD / name)
    e = info.value
    assert f"{Path(e.path).name}:{e.line}:{e.column}: {e.message}" == TABLE[name]
    text = str(e)
    assert text.splitlines()[0] == e.headline() and e.headline().startswith(str(BAD / name))
    if e.source_line is not None:  # the source line and a caret under the column
        _, src, caret = text.splitlines()
        assert caret.rstrip().endswith("^") and len(caret.rstrip()) == 4 + e.column


def test_validate_cli_reports_each_file_without_traceback():
    out, err = io.StringIO(), io.StringIO()
    status = run_validate(sorted(BAD.glob("*.yaml")), out=out, err=err)
    assert status == 1
    printed = err.getvalue()
    assert "Traceback" not in printed and "internal error" not in printed
    for name, row in TABLE.items():
        assert str(BAD / name) + row[len(name):] in printed
    assert f"{len(TABLE)} files: 0 ok, {len(TABLE)} with errors" in out.getvalue()


def test_validate_command_exit_status(tmp_path: Path):
    from typer.testing import CliRunner

    from langlab.cli import app

    good = tmp_path / "good.yaml"
    good.write_text('schema: 1\nname: g\nalphabet: [a]\nregex: "a*"\n')
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(good)])
    assert ok.exit_code == 0 and "1 ok" in ok.output
    bad = runner.invoke(app, ["validate", str(good), str(BAD / "regex_unclosed.yaml")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1


def test_listing_names_of_broken_files_is_loud(tmp_path: Path):
    """A file whose name cannot be read is an error when listing, never skipped."""
    (tmp_path / "x.yaml").write_bytes(b"schema: 1\nname: [oops\n")
    with pytest.raises(SpecError, match=r"x\.yaml:2:7: unclosed '\['"):
        read_language_name(tmp_path / "x.yaml")


def test_errors_are_langlab_errors():
    assert issubclass(SpecError, LanglabError)
