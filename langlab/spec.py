"""Language YAML files (schema 1): reading, validating and compiling them into languages.

MINIMAL FIRST VERSION: supports ``python:`` (+ ``params:``) and ``dfa:``. The YAML issue grows
it (regex, cfg, pattern, strict validation with positioned errors).

Scalars are read as strings (``yes``, ``0``, ``010`` stay symbols) by composing the YAML node
tree and converting it ourselves, which also keeps every node's position for error messages.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import yaml

from langlab.errors import SpecError
from langlab.languages.base import Language


def _to_python(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(n) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        return {_to_python(k): _to_python(v) for k, v in node.value}
    raise SpecError(f"unsupported YAML node {node.tag}")


def read_yaml(path: Path) -> tuple[dict, yaml.Node]:
    text = Path(path).read_text(encoding="utf-8")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is None or not isinstance(node, yaml.MappingNode):
        raise SpecError("a language file must be a YAML mapping", path, 1, 1)
    return _to_python(node), node


def read_language_name(path: Path) -> str:
    data, _ = read_yaml(path)
    if "name" not in data:
        raise SpecError("missing required key 'name'", path, 1, 1)
    return data["name"]


def load_language_file(path: Path, name: str | None = None) -> Language:
    path = Path(path)
    data, _ = read_yaml(path)
    full_name = name or data["name"]
    alphabet = tuple(data["alphabet"])
    tags = frozenset(data.get("tags", []))
    if "python" in data:
        lang = _load_python(path, data["python"], data.get("params", {}))
    elif "dfa" in data:
        from langlab.languages.automaton import DFALanguage

        d = data["dfa"]
        lang = DFALanguage(full_name, alphabet, d["start"], d["accept"], d["transitions"])
    else:
        raise SpecError("no definition (python, dfa)", path, 1, 1)
    lang.name = full_name
    if tuple(lang.alphabet) != alphabet:
        raise SpecError(f"alphabet {alphabet} differs from the implementation's {lang.alphabet}",
                        path, 1, 1)
    if "level" in data:
        lang.level = data["level"]
    lang.tags = frozenset(lang.tags) | tags
    lang.description = data.get("description", lang.description)
    lang.reference = data.get("reference", lang.reference)
    ex = data.get("examples", {})
    lang.examples_accept = tuple(ex.get("accept", ()))
    lang.examples_reject = tuple(ex.get("reject", ()))
    lang.source_path = path
    return lang


def _coerce(v: Any) -> Any:
    if isinstance(v, str) and v.lstrip("-").isdigit():
        return int(v)
    return v


def _load_python(path: Path, target: str, params: dict) -> Language:
    module_name, _, cls_name = target.partition(":")
    folder = str(path.parent.resolve())
    if folder not in sys.path:
        sys.path.append(folder)
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(**{k: _coerce(v) for k, v in params.items()})
