"""Compiling a checked language file: the generic engines and the ``python:`` escape hatch.

Each definition's mistakes are reported at their place in the file: a regex or grammar error
at the offending character, a DFA error at the state or token, a python error at ``python:`` or
at the parameter. Levels are derived (regex/dfa: regular; cfg: context-free; pattern: from its
shape; python: the class's) and a level written in the file is checked against them.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import yaml

from langlab.errors import LanglabError, SpecError
from langlab.languages.base import LEVELS, Language
from langlab.languages.syntax import DefinitionError, did_you_mean
from langlab.languages.spec.model import LanguageSpec, at_offset, text_value
from langlab.yamlio import is_null, kind_of

_BOUND = {"regex": "regular", "dfa": "regular", "cfg": "context-free"}


def build_generic(spec: LanguageSpec, name: str) -> Language:
    kind, node = spec.kind, spec.node(spec.kind)
    try:
        lang = {"regex": _regex, "cfg": _cfg, "dfa": _dfa, "pattern": _pattern}[kind](spec, name)
    except DefinitionError as exc:
        raise at_offset(spec, _part_node(spec, exc.part) or node, exc, kind) from None
    except SpecError:
        raise
    except LanglabError as exc:
        raise spec.error(f"{kind}: {exc}", node) from None
    except Exception as exc:  # noqa: BLE001 - a bug in an engine must still not be a traceback
        raise spec.error(f"{kind}: internal error while compiling ({type(exc).__name__}: {exc});"
                         " please report it", node) from None
    bound = _BOUND.get(kind, lang.level)
    if spec.level is not None and LEVELS.index(spec.level) > LEVELS.index(bound):
        what = "this pattern's shape" if kind == "pattern" else f"a {kind}"
        raise spec.error(f"level: {what} defines a language that is at most {bound}, so the "
                         f"level cannot be {spec.level!r}", spec.node("level"))
    lang.level = spec.level or bound
    return lang


def _regex(spec: LanguageSpec, name: str) -> Language:
    from langlab.languages.regex import RegexLanguage

    return RegexLanguage(name, spec.alphabet, text_value(spec.src, spec.node("regex"), "regex"))


def _cfg(spec: LanguageSpec, name: str) -> Language:
    from langlab.languages.cfg import CFGLanguage

    return CFGLanguage(name, spec.alphabet, text_value(spec.src, spec.node("cfg"), "cfg"))


def _mapping(spec: LanguageSpec, key: str, allowed: tuple[str, ...],
             required: tuple[str, ...]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    node = spec.node(key)
    if not isinstance(node, yaml.MappingNode):
        raise spec.error(f"{key} must be a mapping with {', '.join(allowed)}, not a "
                         f"{kind_of(node)}", node)
    out = {k.value: (k, v) for k, v in node.value}
    for k, (knode, _) in out.items():
        if k not in allowed:
            hint = did_you_mean(k, allowed) or f" (keys: {', '.join(allowed)})"
            raise spec.error(f"{key}: unknown key {k!r}{hint}", knode)
    for k in required:
        if k not in out:
            raise spec.error(f"{key}: missing key {k!r}", spec.nodes[key][0])
    return out


def _dfa(spec: LanguageSpec, name: str) -> Language:
    from langlab.languages.automaton import DFALanguage

    d = _mapping(spec, "dfa", ("start", "accept", "transitions"), ("start", "transitions"))
    src = spec.src
    tnode = d["transitions"][1]
    if not isinstance(tnode, yaml.MappingNode):
        raise spec.error("dfa: transitions must map each state to {token: next state}", tnode)
    rows = [(k, v) for k, v in tnode.value]
    states = [text_value(src, k, "dfa: a state") for k, _ in rows]
    start = text_value(src, d["start"][1], "dfa: start")
    accept_nodes: list[yaml.Node] = []
    if "accept" in d and not is_null(d["accept"][1]):
        anode = d["accept"][1]
        accept_nodes = anode.value if isinstance(anode, yaml.SequenceNode) else [anode]
    accept = [text_value(src, n, "dfa: an accepting state") for n in accept_nodes]
    # A state is defined by a row of transitions, by being the start or by being accepting
    # (an accepting sink needs no row); a target defined nowhere else is a typo.
    known = set(states) | {start} | set(accept)
    delta: dict[str, dict[str, str]] = {}
    for (knode, row), q in zip(rows, states):
        delta[q] = {}
        if is_null(row):
            continue
        if not isinstance(row, yaml.MappingNode):
            raise spec.error(f"dfa: the transitions of state {q!r} must be a mapping "
                             "{token: next state}", row)
        for tnode_, target in row.value:
            tok = text_value(src, tnode_, "dfa: a token")
            if tok not in spec.alphabet:
                raise spec.error(f"dfa: token {tok!r} (state {q!r}) is not in the alphabet "
                                 f"({', '.join(spec.alphabet)}){did_you_mean(tok, spec.alphabet)}",
                                 tnode_)
            r = text_value(src, target, "dfa: a target state")
            if r not in known:
                raise spec.error(f"dfa: transition to undefined state {r!r}"
                                 f"{did_you_mean(r, sorted(known))} (a state is defined by its "
                                 "row under transitions, or as start or accepting)", target)
            delta[q][tok] = r
    targets = {r for row in delta.values() for r in row.values()}
    for n, q in zip(accept_nodes, accept):
        if q not in states and q != start and q not in targets:
            raise spec.error(f"dfa: accepting state {q!r} is not defined"
                             f"{did_you_mean(q, states)} (no row, and no transition reaches it)",
                             n)
    if start not in states and start not in accept:
        raise spec.error(f"dfa: start state {start!r} is not defined"
                         f"{did_you_mean(start, states)} (it has no row under transitions and "
                         "is not accepting)", d["start"][1])
    return DFALanguage(name, spec.alphabet, start, accept, delta)


def _pattern(spec: LanguageSpec, name: str) -> Language:
    from langlab.languages.pattern import pattern_language

    p = _mapping(spec, "pattern", ("blocks", "where"), ("blocks",))
    bnode = p["blocks"][1]
    if not isinstance(bnode, yaml.SequenceNode):
        raise spec.error(f"pattern: blocks must be a list, e.g. [\"a^n\", \"b^n\"], not a "
                         f"{kind_of(bnode)}", bnode)
    blocks = [text_value(spec.src, n, "pattern: a block") for n in bnode.value]
    where = text_value(spec.src, p["where"][1], "pattern: where") if "where" in p else ""
    return pattern_language(name, spec.alphabet, blocks, where)


def _part_node(spec: LanguageSpec, part: tuple | None) -> yaml.Node | None:
    """The node a pattern error refers to: ("blocks", i), ("blocks",) or ("where",)."""
    if not part or spec.kind != "pattern":
        return None
    nodes = {k.value: v for k, v in spec.node("pattern").value}
    node = nodes.get(part[0])
    if node is not None and len(part) > 1 and isinstance(node, yaml.SequenceNode):
        node = node.value[part[1]]
    return node


# ---------------------------------------------------------------------- python
def build_python(spec: LanguageSpec, name: str) -> Language:
    node = spec.node("python")
    module_name, _, cls_name = spec.python.partition(":")
    folder = str(Path(spec.path).resolve().parent)
    if folder not in sys.path:
        sys.path.append(folder)  # the file's folder is on the import path
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or module_name
        if module_name == missing or module_name.startswith(missing + "."):
            raise spec.error(f"python: no module named {module_name!r} (looked beside the file "
                             "and in the installed packages)", node) from None
        raise spec.error(f"python: importing {module_name} failed: no module named "
                         f"{missing!r}", node) from None
    except Exception as exc:  # noqa: BLE001 - user code: report, never a traceback
        raise spec.error(f"python: importing {module_name} failed: {type(exc).__name__}: {exc}",
                         node) from None
    cls = getattr(module, cls_name, None)
    if cls is None:
        known = [k for k, v in vars(module).items()
                 if isinstance(v, type) and issubclass(v, Language)]
        raise spec.error(f"python: module {module_name} has no class {cls_name!r}"
                         f"{did_you_mean(cls_name, known)}", node)
    if not (isinstance(cls, type) and issubclass(cls, Language)):
        raise spec.error(f"python: {spec.python} is not a Language subclass", node)
    _check_params(spec, cls)
    try:
        lang = cls(**spec.params)
    except LanglabError as exc:
        raise spec.error(f"python: {cls_name}: {exc}", _params_or(spec, node)) from None
    except Exception as exc:  # noqa: BLE001
        raise spec.error(f"python: {cls_name}({_show_params(spec)}) failed: "
                         f"{type(exc).__name__}: {exc}", _params_or(spec, node)) from None
    if set(lang.alphabet) != set(spec.alphabet):
        raise spec.error(f"alphabet: the file says [{', '.join(spec.alphabet)}] but "
                         f"{cls_name} uses [{', '.join(lang.alphabet)}]", spec.node("alphabet"))
    if spec.level is not None and spec.level != lang.level:
        raise spec.error(f"level: the file says {spec.level!r} but {cls_name} is "
                         f"{lang.level!r}", spec.node("level"))
    return lang


def _check_params(spec: LanguageSpec, cls: type) -> None:
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return
    params = sig.parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    names = [k for k, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    pnodes = {k.value: k for k, _ in spec.node("params").value} if "params" in spec.nodes \
        and isinstance(spec.node("params"), yaml.MappingNode) else {}
    for k in spec.params:
        if k not in names:
            raise spec.error(f"params: {cls.__name__} takes no parameter {k!r}"
                             f"{did_you_mean(k, names)} (it takes: {', '.join(names) or 'none'})",
                             pnodes.get(k))
    for k in names:
        if params[k].default is inspect.Parameter.empty and k not in spec.params:
            raise spec.error(f"python: {cls.__name__} needs the parameter {k!r}; add it under "
                             "params:", spec.node("python"))


def _params_or(spec: LanguageSpec, node: yaml.Node) -> yaml.Node:
    return spec.node("params") if "params" in spec.nodes else node


def _show_params(spec: LanguageSpec) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in spec.params.items())
