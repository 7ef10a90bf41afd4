"""``langlab validate PATH...``: check language files the way loading them would, and more.

For each file (folders are searched for ``*.yaml``): parse it, check the schema, compile the
definition, check every example; compile the reference definition too when the file also names
a ``python:`` implementation, and compare the two on counts up to length 10. Warn when the
language has no member of any length up to 50, and when a grammar is ambiguous (or could not be
shown unambiguous). Errors print as ``FILE:LINE:COL: message`` with the line and a caret; the
exit status is 1 when any file has an error. Never a traceback.

>>> from langlab.cli.validate_cmd import validate_file   # the same checks, from Python
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from langlab.errors import LanglabError, SpecError

AGREE_UP_TO = 10
EMPTY_UP_TO = 50


def validate_file(path: str | Path, name: str | None = None) -> list[str]:
    """Check one language file; returns warnings, raises SpecError on an error."""
    from langlab.languages.spec import build_language, read_spec

    spec = read_spec(path)
    lang = build_language(spec, name=name)
    generic = lang
    if spec.python is not None and spec.kind is not None:
        generic = build_language(spec, name=name, reference=True)
        _agree(spec, lang, generic)
    warnings = []
    if not any(lang.has_member_of_length(n) for n in range(EMPTY_UP_TO + 1)):
        warnings.append(f"the language has no member of any length up to {EMPTY_UP_TO}")
    amb = getattr(generic, "ambiguity", None)
    if amb is not None and amb.status != "unambiguous":
        what = "is ambiguous" if amb.status == "ambiguous" else "may be ambiguous"
        more = ("; counts and samples enumerate distinct strings, which only works at small "
                "lengths" if amb.status == "ambiguous" else "")
        warnings.append(f"the grammar {what}: {amb.reason}{more}")
    return warnings


def _agree(spec, lang, ref) -> None:
    knode = spec.nodes[spec.kind][0]
    for n in range(AGREE_UP_TO + 1):
        a, b = lang.count(n), ref.count(n)
        if a != b:
            raise spec.error(f"{spec.kind}: the definition and the python implementation "
                             f"disagree: {b} vs {a} members of length {n}", knode)


def expand(paths: list[Path]) -> list[tuple[Path, str | None]]:
    """Files to check, each with its registry name when found inside a folder."""
    out: list[tuple[Path, str | None]] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(list(p.rglob("*.yaml")) + list(p.rglob("*.yml"))):
                rel = f.relative_to(p).parent
                out.append((f, None if str(rel) == "." else rel.as_posix()))
        else:
            out.append((p, None))
    return out


def run_validate(paths: list[Path], quiet: bool = False, out=None, err=None) -> int:
    """Validate files and folders; print the results; return the exit status."""
    from langlab.languages.spec import read_spec

    out, err = out or sys.stdout, err or sys.stderr
    bad = n_warn = 0
    names: dict[str, Path] = {}
    files = expand(paths)
    for p in paths:
        if not p.exists():
            print(f"{p}: no such file or folder", file=err)
            bad += 1
    for path, folder in files:
        try:
            warnings = validate_file(path)
            spec = read_spec(path)
            full = f"{folder}/{spec.name}" if folder else spec.name
            if not path.name.startswith("_") and full in names:
                raise SpecError(f"two languages are named {full!r}: {names[full]} and {path}",
                                path)
            names.setdefault(full, path)
        except LanglabError as exc:
            print(str(exc), file=err)
            bad += 1
            continue
        except Exception as exc:  # noqa: BLE001 - never a traceback, even for our own bugs
            print(f"{path}: internal error: {type(exc).__name__}: {exc} (please report it)",
                  file=err)
            bad += 1
            continue
        for w in warnings:
            print(f"{path}: warning: {w}", file=err)
        n_warn += len(warnings)
        if not quiet:
            kind = spec.kind if spec.python is None else f"python{' + ' + spec.kind if spec.kind else ''}"
            print(f"ok  {path}  ({full}, {kind})", file=out)
    total = len(files) + sum(not p.exists() for p in paths)
    print(f"{total} file{'s' * (total != 1)}: {total - bad} ok, {bad} with errors, "
          f"{n_warn} warning{'s' * (n_warn != 1)}", file=out)
    return 1 if bad else 0


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(paths: list[Path] = typer.Argument(..., help="language files or folders"),
                 quiet: bool = typer.Option(False, "--quiet", "-q",
                                            help="print only errors, warnings and the summary")):
        """Check language YAML files: schema, definition, examples; warn on empty or ambiguous."""
        raise typer.Exit(run_validate(paths, quiet=quiet))
