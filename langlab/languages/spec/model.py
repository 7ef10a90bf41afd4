"""A checked language file before compiling (:class:`LanguageSpec`) and the small checkers that
both the key checks (:mod:`.fields`) and the compilers (:mod:`.build`) use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from langlab.errors import SpecError
from langlab.languages.syntax import DefinitionError, check_tokens, split_tokens
from langlab.yamlio import Source, is_null, kind_of, scalar_offsets

KEYS = ("schema", "name", "description", "alphabet", "level", "tags", "paper_targets", "regex",
        "dfa", "cfg", "pattern", "python", "params", "examples", "reference", "brackets")
GENERIC = ("regex", "dfa", "cfg", "pattern")
# Names are the field's own (the 2020 paper's "{0,1,2}*02*", "aa*bb*cc*dd*ee*"): any characters
# but whitespace, "/" (the namespace separator) and quotes.
NAME = re.compile(r"[^\s/\"'#][^\s/\"']*")


@dataclass
class LanguageSpec:
    """A checked language file, not yet compiled. ``nodes[key]`` = (key node, value node)."""

    src: Source
    nodes: dict[str, tuple[yaml.Node, yaml.Node]]
    name: str = ""
    alphabet: tuple[str, ...] = ()
    level: str | None = None
    tags: frozenset[str] = frozenset()
    paper_targets: str = "exact"
    brackets: tuple[tuple[str, str], ...] = ()
    description: str = ""
    reference: str = ""
    kind: str | None = None        # the generic definition, if any
    python: str | None = None      # "module:Class", if any
    params: dict[str, Any] = field(default_factory=dict)
    examples: list[tuple[bool, str, yaml.Node]] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return Path(self.src.path)

    def node(self, key: str) -> yaml.Node:
        return self.nodes[key][1]

    def error(self, message: str, where: yaml.Node | int | None) -> SpecError:
        return self.src.error_at(message, where)


# ---------------------------------------------------------------------- small checkers
def text_value(src: Source, node: yaml.Node, what: str) -> str:
    """A scalar's text; lists, mappings and empty values are errors."""
    if not isinstance(node, yaml.ScalarNode) or is_null(node):
        raise src.error_at(f"{what} must be text, not a {kind_of(node)}", node)
    return node.value


def check_name(src: Source, node: yaml.Node) -> str:
    name = text_value(src, node, "name")
    if "/" in name:
        raise src.error_at("name: write the name without a folder; a file in a sub-folder of "
                           "grammars/ gets the folder as a namespace", node)
    if not NAME.fullmatch(name):
        raise src.error_at(f"name {name!r}: a name has no spaces, quotes or '/'", node)
    return name


def tokens_in(spec: LanguageSpec, node: yaml.ScalarNode, what: str) -> tuple[str, ...]:
    """The tokens of a string written in the language's notation, checked against the alphabet."""
    try:
        return check_tokens(split_tokens(node.value, spec.alphabet), spec.alphabet)
    except DefinitionError as exc:
        raise at_offset(spec, node, exc, what) from None


def at_offset(spec: LanguageSpec, node: yaml.Node, exc: DefinitionError, key: str) -> SpecError:
    """A definition error placed at its character inside ``node`` (a scalar)."""
    message = f"{key}: {exc.message}" if key else exc.message
    if exc.offset is None or not isinstance(node, yaml.ScalarNode):
        return spec.error(message, node)
    offsets = scalar_offsets(spec.src, node)
    return spec.error(message, offsets[min(exc.offset, len(offsets) - 1)])
