"""The ``langlab`` command line.

Each area owns one module that adds its commands with ``register(app)``: ``languages_cmd``
(languages, show, sample, check), ``validate_cmd`` (validate), ``data_cmd`` (data),
``models_cmd`` (models), ``run_cmd`` (run, train, status), ``report_cmd`` (report),
``analysis_cmd`` (eval, probe). Commands import heavy libraries
(torch, ray) inside their bodies so that ``langlab --help`` stays fast.

Every :class:`~langlab.errors.LanglabError` is printed as its one-line message (plus source line
and caret) with exit status 2 — never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer

from langlab.errors import LanglabError

app = typer.Typer(
    name="langlab",
    help="langlab: exact formal languages, length-generalization datasets, neural recognizers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMAND_MODULES = tuple(f"langlab.cli.{m}" for m in (
    "languages_cmd", "validate_cmd", "data_cmd", "models_cmd", "run_cmd", "report_cmd",
    "analysis_cmd"))


def add_commands(app: typer.Typer, modules: tuple[str, ...] = COMMAND_MODULES) -> None:
    """Import each command module and let it add its commands. A module that is missing or
    fails to import raises: a command never disappears from ``langlab --help`` silently."""
    for name in modules:
        importlib.import_module(name).register(app)


add_commands(app)


def main() -> None:
    try:
        app()
    except LanglabError as exc:
        print(f"error: {exc}" if getattr(exc, "path", None) is None else str(exc), file=sys.stderr)
        sys.exit(2)
