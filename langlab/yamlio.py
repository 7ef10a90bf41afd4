"""One strict YAML reader for every file langlab reads (language files, suites), keeping each
node's position so that errors name ``FILE:LINE:COL`` with the source line and a caret.

Two levels:

- :func:`read_source` turns bytes into a :class:`Source` (UTF-8 only, no control characters);
  :func:`compose_mapping` parses it into PyYAML's node tree — never into Python objects, so every
  scalar stays a string (``yes``, ``0``, ``010`` are symbols, not booleans or numbers) — and
  rejects what YAML would accept silently: duplicate keys, tabs in indentation, several
  documents. :func:`scalar_offsets` maps a character of a scalar's *value* back to its index in
  the file (plain, quoted with escapes, block scalars), so a regex or grammar error can point at
  the offending character. Language files are read at this level.
- :func:`read_yaml` converts that tree into plain Python values (typed by YAML's usual rules,
  except that ``010`` and other token-like text stay strings) and remembers each value's
  position; :func:`pydantic_error` maps a pydantic error location back to it. Suites use this.

>>> src = Source("x.yaml", 'regex: "(0|1"\\n')
>>> node = compose_mapping(src)
>>> value = node.value[0][1]
>>> src.position(scalar_offsets(src, value)[4])     # the '1' inside the quotes
(1, 13)
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
>>> _ = p.write_text("a: 1\\nb: [x, 010]\\n")
>>> doc = read_yaml(p)
>>> doc.data, doc.position(("b", 1))
({'a': 1, 'b': ['x', '010']}, (2, 8))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from langlab.errors import SpecError, did_you_mean

# The pure-Python loader: its messages are the same on every install (libyaml's differ).
_Loader = yaml.SafeLoader
# Characters YAML 1.1 allows in a stream (its "printable" set); anything else is reported first.
_BAD_CHAR = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
            "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
            "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


class Source:
    """The text of one file, with line/column arithmetic for error messages."""

    def __init__(self, path: str | Path, text: str):
        self.path, self.text = path, text
        self.lines = text.split("\n")
        self._starts = [0]
        for line in self.lines[:-1]:
            self._starts.append(self._starts[-1] + len(line) + 1)

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of character ``index``."""
        lo, hi = 0, len(self._starts) - 1
        while lo < hi:  # the last line start <= index
            mid = (lo + hi + 1) // 2
            if self._starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, index - self._starts[lo] + 1

    def index(self, line: int, column: int) -> int:
        """Character index of a 0-based (line, column), as YAML marks give them."""
        line = min(line, len(self._starts) - 1)
        return self._starts[line] + column

    def error(self, message: str, line: int | None = None, column: int | None = None) -> SpecError:
        """A SpecError at a 1-based position, with the source line for the caret."""
        src_line = self.lines[line - 1] if line is not None and 0 < line <= len(self.lines) else None
        return SpecError(message, self.path, line, column, src_line)

    def error_at(self, message: str, where: yaml.Node | int | None) -> SpecError:
        """A SpecError at a node's start or at a character index (None: the file as a whole)."""
        if where is None:
            return SpecError(message, self.path)
        if isinstance(where, yaml.Node):
            where = self.index(where.start_mark.line, where.start_mark.column)
        return self.error(message, *self.position(where))


def read_source(path: str | Path) -> Source:
    """Read a file as strict UTF-8 text without control characters."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read the file: {exc.strerror or exc}", path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        src = Source(path, data.decode("utf-8", "replace"))
        raise src.error(f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it "
                        "as UTF-8", line, col) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    src = Source(path, text)
    bad = _BAD_CHAR.search(text)
    if bad:
        raise src.error_at(f"control character U+{ord(bad.group()):04X} is not allowed in a "
                           "YAML file", bad.start())
    return src


def compose_mapping(src: Source, what: str = "language") -> yaml.MappingNode:
    """Parse ``src`` into a node tree whose root is a mapping; errors carry positions.
    ``what`` names the kind of file in messages ("language", "suite")."""
    for n, line in enumerate(src.lines, 1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            raise src.error("tab character in the indentation; YAML indents with spaces",
                            n, line.index("\t") + 1)
    try:
        root = yaml.compose(src.text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(src, exc, what) from None
    except yaml.YAMLError as exc:  # no position (should not happen after the checks above)
        raise src.error_at(f"YAML: {exc}".splitlines()[0], None) from None
    if root is None:
        needs = {"language": "schema, name, alphabet and one definition",
                 "suite": "name, languages and models"}.get(what, "its keys")
        raise src.error(f"the file is empty; a {what} file is a mapping with at least {needs}",
                        1, 1)
    if not isinstance(root, yaml.MappingNode):
        first = "schema:, name:" if what == "language" else "name:"
        raise src.error_at(f"a {what} file must be a mapping of keys ({first}, ...), "
                           f"not a {kind_of(root)}", root)
    _check_keys(src, root)
    return root


def _yaml_error(src: Source, exc: yaml.MarkedYAMLError, what: str) -> SpecError:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "quoted scalar" in context and "end of stream" in problem and exc.context_mark:
        mark = exc.context_mark
        message = "unterminated quoted string (no closing quote before the end of the file)"
    elif "flow" in context and "<stream end>" in problem and exc.context_mark:
        mark = exc.context_mark
        bracket = "[" if "sequence" in context else "{"
        message = f"unclosed {bracket!r} (no matching {']' if bracket == '[' else '}'!r} before " \
                  "the end of the file)"
    elif "another document" in problem:
        message = f"a {what} file holds one YAML document; remove the '---' separator"
    elif "alias" in problem:
        message = "undefined alias (an '*name' without a matching '&name' anchor)"
    else:
        message = f"YAML syntax: {problem}" + (f" ({context}" if context else "")
        if context and exc.context_mark and exc.problem_mark \
                and exc.context_mark.line != exc.problem_mark.line:
            message += f" that starts on line {exc.context_mark.line + 1}; a missing quote?"
        message += ")" if context else ""
    if mark is None:
        return src.error_at(message, None)
    return src.error(message, mark.line + 1, mark.column + 1)


def _check_keys(src: Source, node: yaml.Node) -> None:
    """Reject duplicate and non-scalar keys anywhere in the tree."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_keys(src, item)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise src.error_at("a key must be a plain name, not a " + kind_of(key), key)
            if key.value in seen:
                first = seen[key.value].start_mark.line + 1
                raise src.error_at(f"duplicate key {key.value!r} (first given on line {first})",
                                   key)
            seen[key.value] = key
            _check_keys(src, value)


def kind_of(node: yaml.Node) -> str:
    """A node's kind in a user's words."""
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "empty value" if is_null(node) else "text value"


def is_null(node: yaml.Node) -> bool:
    """An empty plain value (``key:`` with nothing after it); ``~`` and ``null`` stay strings."""
    return isinstance(node, yaml.ScalarNode) and node.style is None and node.value == ""


def scalar_offsets(src: Source, node: yaml.ScalarNode) -> list[int]:
    """File index of each character of ``node.value``, plus one index for its end.

    Walks the file text and the value side by side: quotes and block indicators are skipped,
    indentation and folded line breaks are matched loosely, and double-quoted escapes are
    decoded, so a message can point at the exact character the user typed.
    """
    text, value, style = src.text, node.value, node.style
    i = src.index(node.start_mark.line, node.start_mark.column)
    end = src.index(node.end_mark.line, node.end_mark.column)
    if style in ('"', "'"):
        i += 1
    elif style in ("|", ">"):
        nl = text.find("\n", i)
        i = end if nl < 0 else nl + 1
    out = []
    for c in value:
        while i < end:
            ch = text[i]
            if style == '"' and ch == "\\":
                decoded, width = _escape(text, i)
                i += width
                if decoded == c:
                    out.append(i - width)
                    break
                continue
            if ch == c or (c == " " and ch == "\n"):
                out.append(i)
                i += 1
                break
            i += 1
        else:
            out.append(out[-1] if out else src.index(node.start_mark.line, node.start_mark.column))
    out.append(min(i, max(end - (style in ('"', "'")), 0)))
    return out


def _escape(text: str, i: int) -> tuple[str, int]:
    """The character an escape at ``text[i] == '\\'`` stands for, and its width."""
    c = text[i + 1] if i + 1 < len(text) else ""
    width = {"x": 2, "u": 4, "U": 8}.get(c)
    if width:
        try:
            return chr(int(text[i + 2:i + 2 + width], 16)), 2 + width
        except ValueError:
            return "", 2
    if c == "\n":
        return "", 2
    return _ESCAPES.get(c, ""), 2


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

    The strict reading of :mod:`langlab.yamlio` applies: non-UTF-8 bytes, control characters,
    tabs in indentation, duplicate keys, several documents and YAML syntax errors are each a
    :class:`SpecError` at its position.
    """
    src = read_source(path)
    node = compose_mapping(src, what)
    doc = YamlDoc(Path(path), None, src.lines)
    doc.data = _convert(node, (), doc, typed)
    return doc


def _fields_at(model: Any, loc: tuple) -> list[str]:
    """Field names of the pydantic model reached from ``model`` by following ``loc``."""
    import typing

    keyed = False   # the previous field is a mapping: this part is one of its keys
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        field_info = getattr(model, "model_fields", {}).get(part)
        if field_info is None:
            return []
        ann = field_info.annotation
        candidates = [ann, *typing.get_args(ann)]
        for a in list(candidates):
            candidates += list(typing.get_args(a))
        keyed = any(typing.get_origin(c) is dict for c in candidates)
        model = next((c for c in candidates if hasattr(c, "model_fields")), None)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def pydantic_error(doc: YamlDoc, exc: Any, model: Any = None, what: str = "") -> SpecError:
    """The first error of a pydantic ``ValidationError`` as a positioned :class:`SpecError`;
    an unknown key gets "did you mean" from the fields of ``model`` at that place."""
    err = exc.errors()[0]
    loc = tuple(p for p in err.get("loc", ()) if not (isinstance(p, str) and "[" in p))
    kind = err.get("type", "")
    if kind == "extra_forbidden" and loc:
        key = loc[-1]
        known = _fields_at(model, loc[:-1]) if model is not None else []
        msg = f"unknown key {key!r}{did_you_mean(str(key), known)}"
        line, col = doc.positions.get(loc + ("__key__",), doc.position(loc))
        src = doc.lines[line - 1] if 0 < line <= len(doc.lines) else None
        return SpecError((what + ": " if what else "") + msg, doc.path, line, col, src)
    where = ".".join(str(p) for p in loc)
    msg = err.get("msg", "invalid value")
    text = f"{where}: {msg}" if where else msg
    return doc.error((what + ": " if what else "") + text, loc)
