"""Language files (schema 1): reading, validating and compiling them into languages.

A language file is one YAML mapping (reference: ``grammars/README.md``)::

    schema: 1
    name: tomita-3
    alphabet: ["0", "1"]
    regex: "..."          # or dfa:, cfg:, pattern:, and/or python: module:Class (+ params:)
    examples: {accept: ["", "0110"], reject: ["1"]}

Every check points at the offending place, ``FILE:LINE:COL: what is wrong`` plus the source line
and a caret, raised as :class:`~langlab.errors.SpecError` — the one exception type of this
module. A file may carry ``python:`` *and* one generic definition: the class is the (fast)
implementation that gets loaded, the generic definition its reference specification
(:func:`load_reference_language`; ``langlab validate`` and the agreement tests compare them).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "ends.yaml"
>>> _ = p.write_text('schema: 1\\nname: ends-in-1\\nalphabet: ["0", "1"]\\nregex: "(0|1)*1"\\n')
>>> L = load_language_file(p)
>>> L.name, L.level, [L.count(n) for n in range(4)]
('ends-in-1', 'regular', [0, 1, 2, 4])
"""

from __future__ import annotations

import re
from pathlib import Path

from langlab.errors import LanglabError
from langlab.languages.base import Language
from langlab.languages.spec.build import build_generic, build_python
from langlab.languages.spec.fields import check_fields
from langlab.languages.spec.model import GENERIC, KEYS, LanguageSpec, check_name
from langlab.languages.syntax import split_tokens
from langlab.yamlio import compose_mapping, read_source

_FAST_NAME = re.compile(r"""^name:[ ]*(["']?)([^\s/"'#][^\s/"']*)\1[ ]*(?:\#.*)?$""",
                        re.M)


# ---------------------------------------------------------------------- public functions
def read_language_name(path: str | Path) -> str:
    """The ``name:`` of a language file, read cheaply (for listing without compiling)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    found = _FAST_NAME.findall(text)
    if len(found) == 1 and "\t" not in text:
        quote, name = found[0]
        # Unquoted, a leading YAML indicator ([ { & * ! ...) or a trailing ':' means something
        # else to YAML, and a backslash is an escape in double quotes: let YAML read those.
        if "\\" not in name and (quote or (name[0] not in "[]{}&*!|>%@`,?:-"
                                           and not name.endswith(":"))):
            return name
    src = read_source(path)
    root = compose_mapping(src)
    nodes = {k.value: (k, v) for k, v in root.value}
    if "name" not in nodes:
        raise src.error("missing required key 'name'", 1, 1)
    return check_name(src, nodes["name"][1])


def read_spec(path: str | Path) -> LanguageSpec:
    """Parse and check a language file (everything but compiling the definition)."""
    src = read_source(path)
    root = compose_mapping(src)
    spec = LanguageSpec(src, {k.value: (k, v) for k, v in root.value})
    check_fields(spec)
    return spec


def load_language_file(path: str | Path, name: str | None = None) -> Language:
    """Load the language a file defines (its ``python:`` class when it has one).

    ``name`` overrides the file's name (the registry passes ``folder/name`` for sub-folders).
    """
    return build_language(read_spec(path), name=name)


def load_reference_language(path: str | Path, name: str | None = None) -> Language:
    """Load a file's generic definition (regex, dfa, cfg or pattern), even when it also names a
    ``python:`` implementation — the reference the implementation is checked against."""
    spec = read_spec(path)
    if spec.kind is None:
        raise spec.error("the file has no generic definition (regex, dfa, cfg or pattern) to "
                         "serve as a reference", spec.nodes["python"][0])
    return build_language(spec, name=name, reference=True)


def build_language(spec: LanguageSpec, name: str | None = None,
                   reference: bool = False) -> Language:
    """Compile a checked spec; ``reference=True`` compiles the generic definition."""
    full = name or spec.name
    if spec.python is not None and not reference:
        lang = build_python(spec, full)
    else:
        lang = build_generic(spec, full)
    lang.name = full
    lang.tags = spec.tags
    lang.paper_targets = spec.paper_targets
    if spec.brackets:
        lang.brackets = spec.brackets
    lang.description = spec.description or lang.description
    lang.reference = spec.reference or getattr(lang, "reference", "")
    lang.examples_accept = tuple(text for ok, text, _ in spec.examples if ok)
    lang.examples_reject = tuple(text for ok, text, _ in spec.examples if not ok)
    lang.source_path = spec.path
    lang.definition = "python" if spec.python is not None and not reference else spec.kind
    check_examples(spec, lang)
    return lang


def check_examples(spec: LanguageSpec, lang: Language) -> None:
    """Every ``examples:`` entry must be accepted / rejected as listed."""
    for ok, text, node in spec.examples:
        toks = tuple(t for t, _ in split_tokens(text, spec.alphabet))
        try:
            got = lang.accepts(toks)
        except LanglabError as exc:
            raise spec.error(f"examples: checking {text!r} failed: {exc}", node) from None
        except Exception as exc:  # noqa: BLE001 - a user's python class; no traceback
            raise spec.error(f"examples: checking {text!r} failed: {type(exc).__name__}: "
                             f"{exc}", node) from None
        if got != ok:
            listed, does = ("accept", "rejects") if ok else ("reject", "accepts")
            raise spec.error(f"examples: {_show(text)} is listed under {listed}, but the "
                             f"language {does} it", node)


def _show(text: str) -> str:
    return repr(text) if text else "the empty string"


__all__ = ["LanguageSpec", "read_language_name", "read_spec", "load_language_file",
           "load_reference_language", "build_language", "check_examples", "KEYS", "GENERIC"]
