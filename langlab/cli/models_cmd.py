"""``langlab models [NAME]``: every registered model and the settings it takes.

A setting goes in a suite file (``models: [{name: lstm, settings: {hidden: 64}}]``) or on the
``langlab train`` command line (``--hidden=64``); ``params`` instead sizes the model's width to a
parameter budget. Examples::

    $ langlab models                 # every model: settings, types or choices, defaults
    $ langlab models lstm --json     # one model, as JSON
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer


def describe(name: str) -> dict:
    """A model's name, one-line summary, width setting and settings, as plain data (JSON)."""
    import dataclasses

    from langlab.models import model_class, settings_of

    cls = model_class(name)  # an unknown name is an UnknownNameError with "did you mean"
    summary = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
    settings = [{**dataclasses.asdict(s), "choices": list(s.choices)} for s in settings_of(cls)]
    return {"name": name, "summary": summary, "width": cls.width_field, "settings": settings}


def _type_cell(s: dict) -> str:
    return " | ".join(s["choices"]) if s["choices"] else s["type"]


def _default_cell(s: dict) -> str:
    return "-" if s["name"] == "params" else str(s["default"])


def models(name: Annotated[Optional[str], typer.Argument(
               help="A model name: show only its settings.")] = None,
           as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List every registered model with its settings, their types (or choices) and defaults."""
    from langlab.models import list_models

    infos = [describe(n) for n in ([name] if name else list_models())]
    if as_json:
        print(json.dumps(infos[0] if name else infos, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    if name:
        info = infos[0]
        table = Table(title=f"{info['name']}: {info['summary']}")
        table.add_column("setting", no_wrap=True)
        table.add_column("type or choices")
        table.add_column("default")
        table.add_column("note")
        for s in info["settings"]:
            table.add_row(s["name"], _type_cell(s), _default_cell(s), s["note"])
    else:
        table = Table(title=f"{len(infos)} models",
                      caption="params: a parameter budget (64000, '64k', '1.5M') that sets the "
                              "model's width (its first setting) to within 10%. "
                              "langlab models NAME: one model.")
        table.add_column("model", no_wrap=True)
        table.add_column("setting", no_wrap=True)
        table.add_column("type or choices")
        table.add_column("default")
        for info in infos:
            for i, s in enumerate(info["settings"]):
                table.add_row(info["name"] if i == 0 else "", s["name"], _type_cell(s),
                              _default_cell(s), end_section=i == len(info["settings"]) - 1)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("models")(models)
