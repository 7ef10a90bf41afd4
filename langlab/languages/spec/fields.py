"""Checking the top-level keys of a language file (schema 1), one small function per key.

Called by :func:`langlab.languages.spec.read_spec`; fills a :class:`~langlab.languages.spec.LanguageSpec` or
raises a positioned :class:`~langlab.errors.SpecError`. Definitions themselves (the regex, the
grammar, ...) are checked when compiled, in :mod:`langlab.languages.spec.build`.
"""

from __future__ import annotations

import re

import yaml

from langlab.languages.base import EOS, LEVELS, PAPER_TARGETS
from langlab.languages.syntax import did_you_mean
from langlab.languages.spec.model import GENERIC, KEYS, LanguageSpec, check_name, text_value, tokens_in
from langlab.yamlio import is_null, kind_of

_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")
_INT = re.compile(r"-?(0|[1-9][0-9]*)")  # "010" stays a string


def check_fields(spec: LanguageSpec) -> None:
    src, nodes = spec.src, spec.nodes
    for key, (knode, _) in nodes.items():
        if key not in KEYS:
            hint = did_you_mean(key, KEYS) or f" (known keys: {', '.join(KEYS)})"
            raise spec.error(f"unknown key {key!r}{hint}", knode)
    for key in ("schema", "name", "alphabet"):
        if key not in nodes:
            raise src.error(f"missing required key {key!r}" +
                            (" (write  schema: 1  at the top)" if key == "schema" else ""), 1, 1)
    _schema(spec)
    spec.name = check_name(src, spec.node("name"))
    spec.alphabet = _alphabet(spec)
    _definition(spec)
    if "level" in nodes:
        level = text_value(src, spec.node("level"), "level")
        if level not in LEVELS:
            raise spec.error(f"unknown level {level!r}{did_you_mean(level, LEVELS)} (levels: "
                             f"{', '.join(LEVELS)})", spec.node("level"))
        spec.level = level
    if "tags" in nodes:
        spec.tags = frozenset(text_value(src, n, "a tag") for n in _items(spec, "tags"))
    if "paper_targets" in nodes:
        node = spec.node("paper_targets")
        kind = text_value(src, node, "paper_targets")
        if kind not in PAPER_TARGETS:
            raise spec.error(f"paper_targets: unknown convention {kind!r}"
                             f"{did_you_mean(kind, PAPER_TARGETS)} (conventions: "
                             f"{', '.join(PAPER_TARGETS)})", node)
        spec.paper_targets = kind
    if "brackets" in nodes:
        _brackets(spec)
    for key in ("description", "reference"):
        if key in nodes:
            setattr(spec, key, text_value(src, spec.node(key), key).strip())
    if "examples" in nodes:
        _examples(spec)


def _items(spec: LanguageSpec, key: str, node: yaml.Node | None = None) -> list[yaml.Node]:
    node = spec.node(key) if node is None else node
    if not isinstance(node, yaml.SequenceNode):
        raise spec.error(f"{key} must be a list (e.g. [a, b]), not a {kind_of(node)}", node)
    return node.value


def _schema(spec: LanguageSpec) -> None:
    node = spec.node("schema")
    value = text_value(spec.src, node, "schema")
    if value.isdigit() and value != "1":
        raise spec.error(f"schema {value} is not supported; this langlab reads schema 1", node)
    if value != "1":
        raise spec.error(f"schema must be 1, not {value!r}", node)


def _alphabet(spec: LanguageSpec) -> tuple[str, ...]:
    items = _items(spec, "alphabet")
    if not items:
        raise spec.error("the alphabet is empty; list its tokens, e.g. [\"0\", \"1\"]",
                         spec.node("alphabet"))
    seen: dict[str, yaml.Node] = {}
    for n in items:
        if is_null(n) or (isinstance(n, yaml.ScalarNode) and n.value == ""):
            raise spec.error("an alphabet token cannot be empty", n)
        tok = text_value(spec.src, n, "an alphabet token")
        if any(c.isspace() for c in tok):
            raise spec.error(f"alphabet token {tok!r} contains whitespace; tokens are "
                             "separated by spaces when written out", n)
        if tok == EOS:
            raise spec.error(f"{EOS!r} is reserved for the end of a string", n)
        if tok in seen:
            raise spec.error(f"token {tok!r} appears twice in the alphabet (first on line "
                             f"{seen[tok].start_mark.line + 1})", n)
        seen[tok] = n
    return tuple(seen)


def _definition(spec: LanguageSpec) -> None:
    nodes = spec.nodes
    kinds = [k for k in GENERIC if k in nodes]
    if len(kinds) > 1:
        first, second = sorted(kinds, key=lambda k: nodes[k][0].start_mark.index)[:2]
        raise spec.error(f"two definitions, {first} (line {nodes[first][0].start_mark.line + 1})"
                         f" and {second}; a file has "
                         "exactly one of regex, dfa, cfg, pattern (plus, optionally, a python "
                         "implementation)", nodes[second][0])
    spec.kind = kinds[0] if kinds else None
    if "python" in nodes:
        target = text_value(spec.src, spec.node("python"), "python")
        if not _TARGET.fullmatch(target.strip()):
            raise spec.error(f"python: write module:Class (e.g. mypkg.mymodule:MyLanguage), "
                             f"not {target!r}", spec.node("python"))
        spec.python = target.strip()
    elif spec.kind is None:
        raise spec.src.error("no definition: add one of regex, dfa, cfg, pattern or python",
                             1, 1)
    if "params" in nodes:
        if spec.python is None:
            raise spec.error("params: only used with python: (they are the class's "
                             "constructor arguments)", nodes["params"][0])
        node = spec.node("params")
        if is_null(node):
            return
        if not isinstance(node, yaml.MappingNode):
            raise spec.error(f"params must be a mapping (name: value), not a {kind_of(node)}",
                             node)
        for k, v in node.value:
            if isinstance(v, yaml.SequenceNode):
                spec.params[k.value] = [_coerce(text_value(spec.src, x, f"params: {k.value}"))
                                        for x in v.value]
            else:
                spec.params[k.value] = _coerce(text_value(spec.src, v, f"params: {k.value}"))


def _brackets(spec: LanguageSpec) -> None:
    """``brackets: [[open, close], ...]``: the pairs that give a prefix its nesting depth."""
    pairs, used = [], set()
    for item in _items(spec, "brackets"):
        if not isinstance(item, yaml.SequenceNode) or len(item.value) != 2:
            raise spec.error("brackets: each entry is a pair [open, close], e.g. [a, b]", item)
        pair = tuple(text_value(spec.src, n, "a bracket") for n in item.value)
        for tok, n in zip(pair, item.value):
            if tok not in spec.alphabet:
                raise spec.error(f"brackets: {tok!r} is not in the alphabet "
                                 f"({', '.join(spec.alphabet)})", n)
            if tok in used:
                raise spec.error(f"brackets: {tok!r} is in two pairs", n)
            used.add(tok)
        pairs.append(pair)
    spec.brackets = tuple(pairs)


def _coerce(value: str) -> str | int:
    """Parameters arrive as strings; whole numbers become ints."""
    return int(value) if _INT.fullmatch(value) else value


def _examples(spec: LanguageSpec) -> None:
    node = spec.node("examples")
    if not isinstance(node, yaml.MappingNode):
        raise spec.error(f"examples must be a mapping with accept: and reject: lists, not a "
                         f"{kind_of(node)}", node)
    for k, v in node.value:
        if k.value not in ("accept", "reject"):
            hint = did_you_mean(k.value, ("accept", "reject")) or " (use accept: and reject:)"
            raise spec.error(f"examples: unknown key {k.value!r}{hint}", k)
        if is_null(v):
            continue
        for item in _items(spec, f"examples: {k.value}", v):
            if is_null(item):
                raise spec.error('examples: an empty entry; write "" for the empty string', item)
            text = text_value(spec.src, item, "an example")
            tokens_in(spec, item, "examples")
            spec.examples.append((k.value == "accept", text, item))
