"""``langlab languages | show | sample | check``: look at, draw from and test registered languages.

Every command takes ``--grammars DIR`` (repeatable) to add folders of language YAML files to the
registry, beside the shipped ``grammars/`` and ``LANGLAB_PATH``.

``check`` reads the strings to test from its arguments, or one per line from stdin when none are
given, and prints one line per string: ``accept STRING`` or ``reject STRING``. A string with a
token outside the alphabet prints ``error STRING: <why>`` on that line instead (the other strings
are still checked) and the command then exits with status 1; otherwise it exits 0, whatever the
verdicts. A string that starts with ``-`` goes after ``--`` (``langlab check shuffle-2 -- -+``).
Examples::

    $ langlab check parity 0110 1
    accept 0110
    reject 1
    $ langlab sample dyck-2 --length 8 -n 2 --seed 0
    ([])[]()
    [(())]()
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from langlab.errors import LanglabError

GrammarsOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--grammars", help="Extra folder of language YAML files (repeatable).",
                 metavar="DIR"),
]
NameArg = Annotated[str, typer.Argument(help="A registered language name or a YAML file path.")]


def _load(name: str, grammars: list[Path] | None):
    from langlab.languages.registry import load_language

    return load_language(name, grammars=[str(g) for g in grammars or []])


def _describe(lang, counts_up_to: int = -1) -> dict:
    info = {
        "name": lang.name,
        "level": lang.level,
        "tags": sorted(lang.tags),
        "alphabet": list(lang.alphabet),
    }
    if counts_up_to >= 0:
        src = getattr(lang, "source_path", None)
        info.update({
            "description": lang.description,
            "reference": lang.reference,
            "source": str(src) if src is not None else None,
            "examples": {"accept": list(lang.examples_accept),
                         "reject": list(lang.examples_reject)},
            "counts": {str(n): lang.count(n) for n in range(counts_up_to + 1)},
            # what a bin can condition on: depth windows (brackets), windows of n (parameter)
            "brackets": [list(pair) for pair in lang.brackets],
            "parameter": None if lang.parameter is None else {
                "name": lang.parameter,
                "lengths": {str(n): lang.parameter_length(n) for n in range(1, 6)}},
        })
    return info


def languages(grammars: GrammarsOpt = None,
              as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List every registered language: name, level, tags, alphabet."""
    from langlab.languages.registry import list_languages

    names = list_languages(grammars=[str(g) for g in grammars or []])
    rows = [_describe(_load(n, grammars)) for n in names]
    if as_json:
        print(json.dumps(rows, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} languages")
    for col in ("name", "level", "tags", "alphabet"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["name"], r["level"], " ".join(r["tags"]), " ".join(r["alphabet"]))
    Console().print(table)


def show(name: NameArg, grammars: GrammarsOpt = None,
         up_to: Annotated[int, typer.Option("--counts-up-to", min=0, max=64,
                                            help="Print counts for n = 0..N.")] = 12,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show a language's definition, examples and the number of members of each length."""
    info = _describe(_load(name, grammars), up_to)
    if as_json:
        print(json.dumps(info, indent=1))
        return
    lines = [
        f"{info['name']}  ({info['level']})",
        f"  description: {info['description'] or '-'}",
        f"  tags:        {' '.join(info['tags']) or '-'}",
        f"  alphabet:    {' '.join(info['alphabet'])}",
        f"  reference:   {info['reference'] or '-'}",
        f"  source:      {info['source'] or '-'}",
        f"  accepts:     {', '.join(repr(s) for s in info['examples']['accept']) or '-'}",
        f"  rejects:     {', '.join(repr(s) for s in info['examples']['reject']) or '-'}",
    ]
    if info["brackets"]:   # a bin's depth window counts these
        lines.append(f"  brackets:    {' '.join(o + c for o, c in info['brackets'])}")
    if info["parameter"]:  # a bin's window of n is in this parameter
        p = info["parameter"]
        lines.append(f"  parameter:   {p['name']} (bins as n: {{lo, hi}}); lengths "
                     + ", ".join(f"{p['name']}={k}: {v}" for k, v in p["lengths"].items()))
    lines.append("  members of length n:")
    lines += [f"    n={n:>2}  {c}" for n, c in info["counts"].items()]
    print("\n".join(lines))


def sample(name: NameArg,
           length: Annotated[int, typer.Option("--length", "-l", min=0,
                                               help="Length in tokens.")],
           grammars: GrammarsOpt = None,
           k: Annotated[int, typer.Option("-n", min=1, help="How many strings.")] = 1,
           seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
           distribution: Annotated[str, typer.Option(
               "--distribution", help="'uniform' or a language's named alternative.")] = "uniform",
           ) -> None:
    """Draw members of one length (uniformly unless --distribution says otherwise)."""
    import numpy as np

    lang = _load(name, grammars)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(k):
        s = lang.sample_from(distribution, length, rng)
        if s is None:
            raise LanglabError(f"{lang.name} has no member of length {length}")
        out.append(lang.join(s))
    print("\n".join(out))


def check(name: NameArg,
          strings: Annotated[Optional[list[str]], typer.Argument(
              help="Strings to test (default: one per line from stdin).")] = None,
          grammars: GrammarsOpt = None) -> None:
    """Print "accept STRING" or "reject STRING" for each string (stdin when none are given)."""
    lang = _load(name, grammars)
    if not strings:
        strings = [line.rstrip("\r\n") for line in sys.stdin]
    failed = False
    for s in strings:
        try:
            verdict = "accept" if lang.accepts(s) else "reject"
        except LanglabError as exc:
            print(f"error {s}: {exc}")
            failed = True
            continue
        print(f"{verdict} {s}")
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("languages")(languages)
    app.command("show")(show)
    app.command("sample")(sample)
    app.command("check")(check)
