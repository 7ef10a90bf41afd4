"""Mutated language files give a clean SpecError or a working language — never anything else.

Hypothesis starts from valid files of every kind and mutates their bytes (deletions, YAML-
significant insertions, swapped and duplicated lines, stray bytes). Loading must either raise
:class:`SpecError` whose first line is ``FILE...: message`` (no internal error), or return a
language whose basic questions answer without raising anything but a LanglabError.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langlab.errors import LanglabError, SpecError
from langlab.languages.spec import load_language_file

SEEDS = [
    b'schema: 1\nname: p\nalphabet: ["0", "1"]\nlevel: regular\nregex: "(0|1)*1{1,2}"\n'
    b'examples:\n  accept: ["1", "011"]\n  reject: [""]\n',
    b'schema: 1\nname: d\nalphabet: ["0", "1"]\ndfa:\n  start: e\n  accept: [e]\n'
    b'  transitions:\n    e: {"0": e, "1": o}\n    o: {"0": o, "1": e}\n',
    b'schema: 1\nname: c\nalphabet: ["(", ")", "[", "]"]\ncfg: |\n  s: "(" s ")" s\n'
    b'   | "[" s "]" s\n   |\ntags: [dyck]\n',
    b'schema: 1\nname: k\nalphabet: [a, b, c]\npattern:\n  blocks: ["a^n", "b^m", "c^(n+m)"]\n'
    b'  where: "n >= 1, m != n"\nreference: "x"\n',
    b'schema: 1\nname: w\nalphabet: [a, b, "#"]\npattern:\n  blocks: [w, "#", w^R]\n'
    b'  where: "w in {a, b}+"\ndescription: copy\n',
    b'schema: 1\nname: m\nalphabet: [if, then, x]\nregex: |\n  (if x then x)*\n'
    b'examples: {accept: ["if x then x"]}\n',
]
FRAGMENTS = [b":", b"- ", b'"', b"'", b"[", b"]", b"{", b"}", b"|", b"*", b"&a", b"*a", b"!!",
             b"#", b"\t", b"\n", b"  ", b",", b"^", b"(", b")", b"~ 3", b"\xff", b"\x00", b"%",
             b"---\n", b"n", b"2", b"0", b"/", b"\\", b"\xc3\xa9", b"->", b"?", b"+", b"{2,9}",
             b"python: os:path\n", b"cfg: x\n", b"name: p\n"]


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "swap", "dup", "byte"]))
        i = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "delete" and data:
            del data[i:i + draw(st.integers(1, 6))]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(FRAGMENTS))
        elif op == "byte":
            data[i:i] = bytes([draw(st.integers(0, 255))])
        else:
            lines = bytes(data).split(b"\n")
            j, k = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            if op == "swap":
                lines[j], lines[k] = lines[k], lines[j]
            else:
                lines.insert(k, lines[j])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_files_fail_cleanly_or_work(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lang.yaml"
        path.write_bytes(data)
        try:
            lang = load_language_file(path)
        except SpecError as exc:
            first = str(exc).splitlines()[0]
            assert first.startswith(str(path)) and "internal error" not in first
            return
        for n in range(5):
            try:
                lang.count(n)
                s = lang.sample(n, __import__("numpy").random.default_rng(n))
                if s is not None:
                    assert lang.accepts(s)
                    lang.next_symbols_all(s)
            except LanglabError:
                pass


DEFINITION_CHARS = {
    "regex": list("ab|*+?(){},.12 \\\"") + ["a", "b", "(a|b)"],
    "cfg": list('ab|*+?()[]~.:" \n') + ["s: ", "t: ", '"a"', '"b"', " s ", " t ", "..2", "->"],
    "pattern": list("ab^()n m+,<=!2w#R ") + ["a^n", "b^m", "w in {a,b}*", "n >= 1"],
}


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(DEFINITION_CHARS)).flatmap(
    lambda kind: st.tuples(st.just(kind), st.lists(st.sampled_from(DEFINITION_CHARS[kind]),
                                                   max_size=14).map("".join))))
def test_random_definitions_are_errors_or_exact(case):
    """Any definition text either fails with a DefinitionError or counts what it accepts."""
    import itertools

    from langlab.languages.cfg import CFGLanguage
    from langlab.languages.pattern import pattern_language
    from langlab.languages.regex import RegexLanguage
    from langlab.languages.syntax import DefinitionError

    kind, text = case
    alphabet = ("a", "b", "#")
    try:
        if kind == "regex":
            lang = RegexLanguage("r", alphabet, text)
        elif kind == "cfg":
            lang = CFGLanguage("c", alphabet, text)
        else:
            blocks, _, where = text.partition(",")
            lang = pattern_language("p", alphabet, blocks.split(), where)
    except DefinitionError:
        return
    for n in range(5):
        brute = [w for w in itertools.product(alphabet, repeat=n) if lang.accepts(w)]
        assert lang.count(n) == len(brute)
        for w in brute:
            assert all(w[i] in lang.next_symbols(w[:i]) for i in range(n))


ITEMS = ['"a"', '"b"', '"#"', "s", "t", '("a" | s)*', "[t]", '"a"+', "s?", '"b" ~ 0..2', '""']


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(st.lists(st.sampled_from(ITEMS), max_size=3), min_size=1, max_size=3),
                min_size=2, max_size=2))
def test_random_grammars_count_distinct_members(rules):
    """Well-formed random grammars (often ambiguous or cyclic): exact distinct counts."""
    import itertools

    from langlab.languages.cfg import CFGLanguage

    text = "\n".join(f"{name}: " + " | ".join(" ".join(alt) for alt in alts)
                     for name, alts in zip("st", rules))
    lang = CFGLanguage("c", ("a", "b", "#"), text)
    for n in range(5):
        brute = [w for w in itertools.product(lang.alphabet, repeat=n) if lang.accepts(w)]
        assert lang.count(n) == len(brute), (text, lang.ambiguity)
        assert list(lang.enumerate(n)) == brute
        for w in brute:
            assert all(w[i] in lang.next_symbols(w[:i]) for i in range(n))
