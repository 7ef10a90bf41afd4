"""YAML with positions: read a file into plain Python values and remember where each value sat.

Used by suite files (and available to any other YAML the project reads) so that a validation error
names ``FILE:LINE:COL`` and shows the source line with a caret. pydantic's error locations
(``("training", "lr")``) are mapped back to the node they came from.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
>>> _ = p.write_text("a: 1\\nb: [x, 010]\\n")
>>> doc = read_yaml(p)
>>> doc.data, doc.position(("b", 1))
({'a': 1, 'b': ['x', '010']}, (2, 8))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from langlab.errors import SpecError

# Plain scalars are typed with YAML's usual rules, except that a number written with a leading
# zero ("010") or any other token-like text stays a string.
_TYPED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
          "tag:yaml.org,2002:null"}


@dataclass
class YamlDoc:
    path: Path
    data: Any
    lines: list[str]
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: tuple) -> tuple[int, int]:
        """(line, column), 1-based, of the value at ``loc``, or of its nearest ancestor."""
        loc = tuple(loc)
        while loc not in self.positions and loc:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))

    def error(self, message: str, loc: tuple = ()) -> SpecError:
        line, col = self.position(loc)
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        return SpecError(message, self.path, line, col, src)


def _convert(node: yaml.Node, loc: tuple, doc: YamlDoc, typed: bool) -> Any:
    doc.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        if typed and node.style is None and node.tag in _TYPED and not _leading_zero(node.value):
            return yaml.SafeLoader("").construct_object(node)
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(n, loc + (i,), doc, typed) for i, n in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for knode, vnode in node.value:
            key = knode.value  # a scalar: compose_mapping rejects other keys and duplicates
            out[key] = _convert(vnode, loc + (key,), doc, typed)
            doc.positions.setdefault(loc + (key, "__key__"), (knode.start_mark.line + 1,
                                                             knode.start_mark.column + 1))
        return out
    raise doc.error(f"unsupported YAML node {node.tag}", loc)


def _leading_zero(text: str) -> bool:
    t = text.lstrip("+-")
    return len(t) > 1 and t[0] == "0" and t[1].isdigit()


def read_yaml(path: str | Path, typed: bool = True, what: str = "suite") -> YamlDoc:
    """Read ``path``; plain scalars are typed (int, float, bool, null) when ``typed``.

    The strict reading of :mod:`langlab.spec_yaml` applies: non-UTF-8 bytes, control characters,
    tabs in indentation, duplicate keys, several documents and YAML syntax errors are each a
    :class:`SpecError` at its position.
    """
    from langlab.spec_yaml import compose_mapping, read_source

    src = read_source(path)
    node = compose_mapping(src, what)
    doc = YamlDoc(Path(path), None, src.lines)
    doc.data = _convert(node, (), doc, typed)
    return doc


def _fields_at(model: Any, loc: tuple) -> list[str]:
    """Field names of the pydantic model reached from ``model`` by following ``loc``."""
    import typing

    for part in loc:
        if isinstance(part, int):
            continue
        field_info = getattr(model, "model_fields", {}).get(part)
        if field_info is None:
            return []
        ann = field_info.annotation
        candidates = [ann, *typing.get_args(ann)]
        for a in list(candidates):
            candidates += list(typing.get_args(a))
        model = next((c for c in candidates if hasattr(c, "model_fields")), None)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def pydantic_error(doc: YamlDoc, exc: Any, model: Any = None, what: str = "") -> SpecError:
    """The first error of a pydantic ``ValidationError`` as a positioned :class:`SpecError`;
    an unknown key gets "did you mean" from the fields of ``model`` at that place."""
    import difflib

    err = exc.errors()[0]
    loc = tuple(p for p in err.get("loc", ()) if not (isinstance(p, str) and "[" in p))
    kind = err.get("type", "")
    if kind == "extra_forbidden" and loc:
        key = loc[-1]
        known = _fields_at(model, loc[:-1]) if model is not None else []
        msg = f"unknown key {key!r}"
        close = difflib.get_close_matches(str(key), known, n=1) if known else []
        if close:
            msg += f"; did you mean {close[0]!r}?"
        line, col = doc.positions.get(loc + ("__key__",), doc.position(loc))
        src = doc.lines[line - 1] if 0 < line <= len(doc.lines) else None
        return SpecError((what + ": " if what else "") + msg, doc.path, line, col, src)
    where = ".".join(str(p) for p in loc)
    msg = err.get("msg", "invalid value")
    text = f"{where}: {msg}" if where else msg
    return doc.error((what + ": " if what else "") + text, loc)
