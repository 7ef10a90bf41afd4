"""The regex engine against automata-lib's own regex parser and against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langlab.languages.regex import RegexLanguage
from langlab.languages.syntax import DefinitionError


def _regexes() -> st.SearchStrategy[str]:
    """Random regexes over a, b in the syntax both engines read."""
    leaf = st.sampled_from(["a", "b", "()"])

    def extend(inner):
        return st.one_of(
            st.tuples(inner, inner).map(lambda p: f"{p[0]}{p[1]}"),
            st.tuples(inner, inner).map(lambda p: f"({p[0]}|{p[1]})"),
            st.tuples(inner, st.sampled_from("*+?")).map(lambda p: f"({p[0]}){p[1]}"),
            # hi >= 1: automata-lib 9.2 reads x{0,0} as x (it should be the empty string)
            st.tuples(inner, st.integers(0, 2), st.integers(1, 2)).map(
                lambda p: f"({p[0]}){{{min(p[1], p[2])},{max(p[1], p[2])}}}"),
        )
    return st.recursive(leaf, extend, max_leaves=6)


@settings(max_examples=60, deadline=None)
@given(_regexes())
def test_same_language_as_automata_lib(regex: str):
    from automata.fa.dfa import DFA
    from automata.fa.nfa import NFA

    ours = RegexLanguage("r", ("a", "b"), regex)
    theirs = DFA.from_nfa(NFA.from_regex(regex, input_symbols={"a", "b"}))
    assert ours.n_states <= len(theirs.minify().states)  # ours is minimal (dead state trimmed)
    for n in range(7):
        members = [w for w in itertools.product("ab", repeat=n) if theirs.accepts_input("".join(w))]
        assert ours.count(n) == len(members)
        assert list(ours.enumerate(n)) == members  # unranking is a bijection, alphabet order


def test_multi_character_tokens_against_a_predicate():
    L = RegexLanguage("kw", ("if", "then", "else", "x"), "(if x then x (else x)?)+")

    def member(w):
        i = 0
        while i < len(w):
            if w[i:i + 4] != ("if", "x", "then", "x"):
                return False
            i += 4
            if w[i:i + 2] == ("else", "x"):
                i += 2
        return len(w) > 0

    for n in range(11):
        brute = [w for w in itertools.product(L.alphabet, repeat=n) if member(w)]
        assert L.count(n) == len(brute)
        assert {L.unrank(n, r) for r in range(L.count(n))} == set(brute)
    assert L.accepts("if x then x else x if x then x")
    assert L.next_symbols("if x then x") == frozenset({"if", "else", "<eos>"})


def test_operators_escapes_and_any():
    dyck = ("(", ")")
    assert RegexLanguage("q", dyck, r'(\( \))*').accepts("()()")
    assert RegexLanguage("q", dyck, '("(" ")")*').accepts("()()")
    L = RegexLanguage("any", ("0", "1", "2"), ".{2}|2+")
    assert [L.count(n) for n in range(4)] == [0, 1, 9, 1]
    assert RegexLanguage("e", ("0",), "(0|)0{2,}").count(5) == 1
    assert [RegexLanguage("z", ("0",), "0{0,0}").count(n) for n in range(2)] == [1, 0]


def test_exact_counts_at_length_500():
    L = RegexLanguage("ends-in-1", ("0", "1"), "(0|1)*1")
    assert L.count(500) == 2 ** 499
    rng = np.random.default_rng(0)
    assert all(s[-1] == "1" and len(s) == 500 for s in L.sample_many(500, 20, rng))


@pytest.mark.parametrize("regex, message, offset", [
    ("(0|1", "unclosed parenthesis '('", 0),
    ("0|1)", "unmatched closing parenthesis ')'", 3),
    ("0**|+", "'+' has nothing to repeat", 4),
    ("0{2", "unclosed '{' (counted repetition {m,n})", 1),
    ("0{a}", "bad counted repetition {a}; write {m}, {m,} or {m,n}", 1),
    ("0{5000}", "counted repetition above 1000", 1),
    ("01x", "'x' is not a token of the alphabet (0, 1)", 2),
    ('"0', 'unterminated quoted token (no closing ")', 0),
])
def test_errors_carry_their_offset(regex, message, offset):
    with pytest.raises(DefinitionError) as info:
        RegexLanguage("r", ("0", "1"), regex)
    assert (info.value.message, info.value.offset) == (message, offset)


def test_multi_character_token_typo_suggests():
    with pytest.raises(DefinitionError, match="'thn' is not a token.*did you mean 'then'"):
        RegexLanguage("r", ("if", "then"), "if thn")
    with pytest.raises(DefinitionError, match="separate tokens with spaces"):
        RegexLanguage("r", ("if", "then"), "ifthen")


def test_blowup_is_a_clean_error(monkeypatch):
    import langlab.languages.regex as rx

    monkeypatch.setattr(rx, "MAX_DFA", 100)
    with pytest.raises(DefinitionError, match="grows beyond 100 states"):
        RegexLanguage("r", ("0", "1"), "(0|1)*1(0|1){8}")
