"""Loading language files: scalars, levels, the python escape hatch, discovery and listing."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from langlab.cli.validate_cmd import validate_file
from langlab.errors import SpecError, UnknownNameError
from langlab.languages.registry import SHIPPED, Registry, list_languages, load_language, \
    search_folders
from langlab.languages.spec import load_language_file, load_reference_language, read_language_name
from langlab.yamlio import Source, compose_mapping, scalar_offsets


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_scalars_stay_strings(tmp_path):
    p = _write(tmp_path, "s.yaml", """
        schema: 1
        name: scalars
        alphabet: [yes, no, 0, 010, ~, null, on]
        regex: "yes (no | 010)* ~? null on 0"
        examples:
          accept: ["yes no 010 ~ null on 0", "yes null on 0"]
          reject: ["no", ""]
    """)
    L = load_language_file(p)
    assert L.alphabet == ("yes", "no", "0", "010", "~", "null", "on")
    assert L.accepts("yes no no 010 null on 0") and (L.count(4), L.count(5)) == (1, 3)


def test_levels_are_derived_and_checked(tmp_path):
    cfg = _write(tmp_path, "c.yaml", 'schema: 1\nname: c\nalphabet: [a, b]\ncfg: \'s: "a" s "b" |\'\n')
    assert load_language_file(cfg).level == "context-free"
    pat = _write(tmp_path, "p.yaml", "schema: 1\nname: p\nalphabet: [a, b, c]\n"
                 "pattern: {blocks: [a^n, b^n, c^n]}\n")
    assert load_language_file(pat).level == "context-sensitive"
    lower = _write(tmp_path, "l.yaml", "schema: 1\nname: l\nalphabet: [a]\nlevel: regular\n"
                   "pattern: {blocks: [a^n, a^n]}\n")   # a^(2n): the user knows better
    assert load_language_file(lower).level == "regular"
    dfa = _write(tmp_path, "d.yaml", "schema: 1\nname: d\nalphabet: [a]\n"
                 "dfa: {start: q, accept: [q], transitions: {q: {a: q}}}\n")
    assert load_language_file(dfa).level == "regular"


def _module(tmp_path: Path, name: str) -> None:
    _write(tmp_path, f"{name}.py", """
        from langlab.languages.base import StateLanguage

        class Mod(StateLanguage):
            name, alphabet, level = "mod", ("a",), "regular"

            def __init__(self, n, label="x"):
                self.n, self.label = n, label

            def start(self): return 0
            def step(self, q, t): return (q + 1) % self.n
            def accepting(self, q): return q == 0
            def live(self, q): return True
            def completions(self, q, m): return int((q + m) % self.n == 0)
    """)


def test_python_escape_hatch_with_reference(tmp_path):
    _module(tmp_path, "mod_lang_a")
    p = _write(tmp_path, "m.yaml", """
        schema: 1
        name: mod3
        alphabet: [a]
        python: mod_lang_a:Mod
        params: {n: "3", label: "010"}
        regex: "(aaa)*"
        examples: {accept: ["", "aaa"], reject: ["a"]}
    """)
    L = load_language_file(p)
    assert type(L).__name__ == "Mod" and L.n == 3 and L.label == "010" and L.name == "mod3"
    assert L.definition == "python" and L.examples_accept == ("", "aaa")
    ref = load_reference_language(p)
    assert type(ref).__name__ == "RegexLanguage" and ref.definition == "regex"
    assert validate_file(p) == []
    wrong = _write(tmp_path, "w.yaml", p.read_text().replace('"(aaa)*"', '"(aa)*"')
                   .replace('accept: ["", "aaa"], reject: ["a"]', 'accept: [""]'))
    with pytest.raises(SpecError, match=r"w\.yaml:6:1: regex: the definition and the python "
                                        r"implementation disagree: 1 vs 0 members of length 2"):
        validate_file(wrong)


def test_validate_warns_on_empty_and_ambiguous(tmp_path):
    empty = _write(tmp_path, "e.yaml", 'schema: 1\nname: e\nalphabet: [a]\ncfg: \'s: "a" s\'\n')
    assert validate_file(empty) == ["the language has no member of any length up to 50"]
    amb = _write(tmp_path, "a.yaml", 'schema: 1\nname: a\nalphabet: [x, "+"]\n'
                 'cfg: \'e: e "+" e | "x"\'\n')
    (warning,) = validate_file(amb)
    assert warning.startswith("the grammar is ambiguous: 'x+x+x' has two derivations")


def test_discovery_namespaces_env_and_duplicates(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a, "sub/one.yaml", 'schema: 1\nname: one\nalphabet: [a]\nregex: "a*"\n')
    _write(b, "two.yaml", 'schema: 1\nname: "two"\nalphabet: [a]\nregex: "(a|"\n')  # broken
    _write(b, "_template.yaml", "not even a language")
    monkeypatch.setenv("LANGLAB_PATH", str(b))
    names = list_languages([a])
    assert {"parity", "sub/one", "two"} <= set(names) and "_template" not in names
    assert load_language("sub/one", [a]).count(3) == 1
    with pytest.raises(SpecError, match="two.yaml:4:9: regex: unclosed"):  # listed, not compiled
        load_language("two", [a])
    with pytest.raises(UnknownNameError, match="did you mean 'sub/one'"):
        load_language("sub/onr", [a])
    assert load_language(str(a / "sub/one.yaml")).name == "one"  # a path works as a name
    dup = tmp_path / "dup"
    _write(dup, "p.yaml", 'schema: 1\nname: parity\nalphabet: [a]\nregex: "a*"\n')
    with pytest.raises(SpecError, match=r"two languages are named 'parity': .*parity\.yaml and "
                                        r".*dup/p\.yaml"):
        list_languages([dup])
    with pytest.raises(SpecError, match="grammar folder not found"):
        search_folders([tmp_path / "nope"])


def test_listing_is_fast_and_lazy():
    t = time.perf_counter()
    names = Registry(search_folders()).names()   # a fresh registry: no cache
    assert time.perf_counter() - t < 1.0 and "parity" in names


def test_fast_name_reader_agrees_with_yaml():
    from langlab.languages.spec import read_spec

    for path in sorted(SHIPPED.rglob("*.yaml")):
        assert read_language_name(path) == read_spec(path).name


def test_every_shipped_file_validates():
    for path in sorted(SHIPPED.rglob("*.yaml")):
        validate_file(path)  # raises on an error; warnings are allowed


@pytest.mark.parametrize("yaml_text", [
    'k: "x\\u00e9(y\\tz"\n',          # double-quoted with escapes
    "k: 'it''s (x'\n",                # single-quoted with a doubled quote
    "k: plain (text\n",               # plain
    "k: |\n  s: \"(\" s\n     | \"x\"\n",  # literal block
    "k: >\n  ab\n  cd (\n",           # folded block
])
def test_scalar_offsets_point_at_the_typed_character(yaml_text):
    src = Source("t.yaml", yaml_text)
    node = compose_mapping(src).value[0][1]
    offsets = scalar_offsets(src, node)
    assert len(offsets) == len(node.value) + 1
    i = node.value.index("(")
    assert src.text[offsets[i]] == "("
    assert offsets == sorted(offsets)
