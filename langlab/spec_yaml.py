"""Reading a YAML file strictly, keeping every node's position for error messages.

:func:`read_source` turns bytes into a :class:`Source` (UTF-8 only, no control characters);
:func:`compose_mapping` parses it into PyYAML's node tree — never into Python objects, so every
scalar stays a string (``yes``, ``0``, ``010`` are symbols, not booleans or numbers) — and
rejects what YAML would accept silently: duplicate keys, tabs in indentation, several documents.
Every problem is a :class:`~langlab.errors.SpecError` at ``FILE:LINE:COL``.

:func:`scalar_offsets` maps a character of a scalar's *value* back to its index in the file,
for plain, quoted (with escapes) and block (``|``, ``>``) scalars alike, so a regex or grammar
error can point at the offending character.

>>> src = Source("x.yaml", 'regex: "(0|1"\\n')
>>> node = compose_mapping(src)
>>> value = node.value[0][1]
>>> src.position(scalar_offsets(src, value)[4])     # the '1' inside the quotes
(1, 13)
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from langlab.errors import SpecError

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
