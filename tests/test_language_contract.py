"""The language contract: every registered language answers its five questions exactly.

One test per (language, check) over ``langlab.list_languages()``, ground truth from the
brute-force oracles of ``language_oracle.py`` (built on ``accepts`` alone):

- ``count(n)`` equals the members found among all strings of length ``n <= L`` (``L`` = 13 for
  binary alphabets, 4 for twelve tokens, 64 for unary ones);
- samples (lengths 0..21) are members of the asked length, ``None`` exactly when there are none;
  ``sample`` and ``sample_many`` pass a chi-square test of uniformity at the first length with
  5..200 members; the same seed gives the same samples;
- ``next_symbols(p)``, for every string ``p`` of length ``<= K`` (binary 7, twelve tokens 2) and
  every prefix of a few samples of lengths ~20, is *complete* (every ``t`` such that a known
  member starts with ``p + t`` is offered) and *sound* (every offered ``t`` has a member starting
  with ``p + t``, found and verified by ``accepts``); ``EOS`` is offered iff ``accepts(p)``;
- ``next_symbols_all(s)`` equals the per-prefix sets; random strings and one-token mutations of
  samples: ``accepts`` agrees with the enumeration and with the ``next_symbols`` walk.

Why the bound suffices. The brief's brute force ("``t`` is allowed iff some member of length
``<= |p| + 1 + B`` starts with ``p + t``") is split in two. Soundness needs no bound: a witness of
any length counts once ``accepts`` verifies it, so a long shortest completion (a^n b^n c^n after
a^10: 20 tokens) cannot cause a false failure, only an unfound witness could, and the search
(the language's own shortest completion for state languages, greedy walks closers-first, copies
and reversals of the prefix, breadth-first search) finds one for every shipped language.
Completeness is exact wherever some member of length ``<= L`` extends ``p + t`` (with
``|p| <= K`` that leaves ``B = L - K - 1`` extra tokens: 5 for binary alphabets, 1 for twelve
tokens), and along every prefix of the 38 samples (lengths 6..24) and their one-token mutations.
A token whose shortest completion is longer (after a^5 in a^n b^n c^n, deep in d-12, the copy
languages) is checked only where a sample passes through it: that is the limit of this suite.

``test_contract_catches_bugs`` plants one bug at a time in ``dyck-1`` and checks that the check
meant for it fails. Exceptions: ``language_oracle.SEARCH_EXEMPT`` (empty at present).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest

import langlab
from langlab import EOS
from langlab.errors import TokenError
from langlab.languages.base import LEVELS, Language
from language_oracle import (PREFIX_BUDGET, brute, check_prefix, chi2_sf, cumulative_limit,
                             samples)

NAMES = langlab.list_languages()
SAMPLE_LENGTHS = (0, 1, 2, 3, 5, 8, 13, 20, 21)


def load(name: str):
    return langlab.load_language(name)


# ---------------------------------------------------------------- definition
def check_alphabet_level_tags(lang):
    assert isinstance(lang.alphabet, tuple) and lang.alphabet
    for t in lang.alphabet:
        assert isinstance(t, str) and t and not any(c.isspace() for c in t), repr(t)
    assert len(set(lang.alphabet)) == len(lang.alphabet), "duplicate tokens"
    assert EOS not in lang.alphabet
    assert lang.level in LEVELS
    assert all(isinstance(t, str) and t for t in lang.tags)


def check_yaml_examples(lang):
    name = lang.name
    for s in lang.examples_accept:
        assert lang.accepts(s), f"{name}: example {s!r} should be accepted"
    for s in lang.examples_reject:
        assert not lang.accepts(s), f"{name}: example {s!r} should be rejected"


def check_token_outside_alphabet(lang):
    name = lang.name
    bad = next(t for t in ("§", "@@", "zz9", "<bad>") if t not in lang.alphabet)
    good = lang.alphabet[0]
    for call in (lang.accepts, lang.next_symbols, lang.next_symbols_all):
        with pytest.raises(TokenError) as err:
            call((good, bad))
        assert bad in str(err.value), f"{name}: {call.__name__} error does not name {bad!r}"


# ---------------------------------------------------------------- counting and sampling
def check_count_matches_enumeration(lang):
    name = lang.name
    limit, members = brute(lang)
    for n in range(limit + 1):
        c = lang.count(n)
        assert type(c) is int, f"{name}: count({n}) is {type(c).__name__}, not int"
        assert c == len(members[n]), f"{name}: count({n}) = {c}, brute force {len(members[n])}"
        assert lang.has_member_of_length(n) == (c > 0)
        assert lang.count_capped(n, 3) == min(c, 3)
    assert lang.count(-1) == 0


def check_samples_are_members(lang):
    name = lang.name
    rng = np.random.default_rng(7)
    for n in SAMPLE_LENGTHS:
        has = lang.has_member_of_length(n)
        draws = [lang.sample(n, rng) for _ in range(3)] + lang.sample_many(n, 3, rng)
        if not has:
            assert draws[0] is None and lang.sample_many(n, 2, rng) == [], f"{name}: n={n}"
            continue
        for s in draws:
            assert isinstance(s, tuple) and len(s) == n, f"{name}: sample({n}) = {s!r}"
            assert lang.accepts(s), f"{name}: sample({n}) = {lang.join(s)!r} is rejected"
            assert lang.accepts(lang.join(s)), f"{name}: join/tokenize round trip of {s!r}"


def check_distributions(lang):
    name = lang.name
    rng = np.random.default_rng(3)
    for dist in lang.distributions:
        for n in (0, 2, 4, 6):
            s = lang.sample_from(dist, n, rng)
            assert s is None or (len(s) == n and lang.accepts(s)), f"{name} {dist}: {s!r}"
    with pytest.raises(langlab.UnknownNameError):
        lang.sample_from("no-such-distribution", 2, rng)


def check_seeded_determinism(lang):
    n = next((n for n in (20, 21, 8, 9, 4, 3, 2, 1) if lang.has_member_of_length(n)), 0)

    def draw(seed):
        rng = np.random.default_rng(seed)
        return [lang.sample(n, rng) for _ in range(5)] + lang.sample_many(n, 5, rng)
    assert draw(11) == draw(11), f"{lang.name}: the same seed gave different samples"


def test_chi2_sf_against_closed_forms():
    for x in (0.1, 1.0, 3.0, 10.0, 40.0):  # k = 2 is the exponential distribution
        assert math.isclose(chi2_sf(x, 2), math.exp(-x / 2), rel_tol=1e-9)
    assert math.isclose(chi2_sf(3.841458820694124, 1), 0.05, rel_tol=1e-9)
    assert math.isclose(chi2_sf(124.34211340400407, 100), 0.05, rel_tol=1e-7)


def uniformity_length(lang) -> int | None:
    """The smallest n >= 1 with 5..200 members (else 2..400, else exactly 1), or None."""
    counts = [(n, lang.count(n)) for n in range(1, 30)]
    for lo, hi in ((5, 200), (2, 400), (1, 1)):
        n = next((n for n, c in counts if lo <= c <= hi), None)
        if n is not None:
            return n
    return None


def check_uniform_chi_square(lang, how):
    name = lang.name
    n = uniformity_length(lang)
    if n is None:
        pytest.skip("no length 1..29 has members")
    total = lang.count(n)
    draws = max(2000, 10 * total) if total > 1 else 20
    rng = np.random.default_rng(12345)
    if how == "sample":
        got = Counter(lang.sample(n, rng) for _ in range(draws))
    else:
        got = Counter(lang.sample_many(n, draws, rng))
    limit, enumerated = brute(lang)
    members = set(enumerated[n]) if n <= limit else set(lang.enumerate(n))
    assert len(members) == total
    assert set(got) <= members, f"{name}: samples outside the members of length {n}"
    if total == 1:  # a language with at most one member per length: nothing more to test
        return
    expected = draws / total
    stat = sum((got.get(m, 0) - expected) ** 2 / expected for m in members)
    p = chi2_sf(stat, total - 1)
    assert p > 1e-4, f"{name}: {how} at n={n} ({total} members) not uniform, p = {p:.2e}"


# ---------------------------------------------------------------- membership and next symbols
def check_random_strings(lang):
    """Random strings (and one-token mutations of samples): accepts agrees with enumeration and
    with next_symbols (a member is exactly a string every prefix of which offers its next token,
    ending where EOS is offered)."""
    name = lang.name
    limit, members = brute(lang)
    sets = {n: set(ms) for n, ms in members.items()}
    rng = np.random.default_rng(99)
    k = len(lang.alphabet)
    cands = [tuple(lang.alphabet[i] for i in rng.integers(0, k, size=n))
             for n in rng.integers(0, 30, size=120)]
    for s in samples(lang):
        for _ in range(3):
            m = list(s)
            m[int(rng.integers(len(m)))] = lang.alphabet[int(rng.integers(k))]
            cands.append(tuple(m))
    for s in cands:
        acc = lang.accepts(s)
        assert type(acc) is bool
        if len(s) <= limit:
            assert acc == (s in sets[len(s)]), f"{name}: accepts({lang.join(s)!r}) = {acc}"
        steps = lang.next_symbols_all(s)
        walk = all(s[i] in steps[i] for i in range(len(s))) and EOS in steps[-1]
        assert acc == walk, f"{name}: accepts({lang.join(s)!r}) = {acc}, next_symbols walk {walk}"


def check_next_symbols_all_prefixes(lang):
    k = len(lang.alphabet)
    depth = cumulative_limit(k, PREFIX_BUDGET, 40)
    for n in range(depth + 1):
        for p in itertools.product(lang.alphabet, repeat=n):
            check_prefix(lang, p)


def check_next_symbols_sample_prefixes(lang):
    for s in samples(lang)[:14:3]:  # lengths 24 .. 18
        for i in range(len(s) + 1):
            check_prefix(lang, s[:i])


def check_next_symbols_all_is_per_prefix(lang):
    name = lang.name
    rng = np.random.default_rng(5)
    k = len(lang.alphabet)
    strings = list(samples(lang)) + [
        tuple(lang.alphabet[i] for i in rng.integers(0, k, size=n)) for n in (0, 1, 3, 10, 25)]
    for s in strings:
        got = lang.next_symbols_all(s)
        want = [lang.next_symbols(s[:i]) for i in range(len(s) + 1)]
        assert got == want, f"{name}: next_symbols_all({lang.join(s)!r}) differs per prefix"
        assert lang.next_symbols_all(lang.join(s)) == want


# ---------------------------------------------------------------- the contract, per language
CHECKS = {
    "alphabet_level_tags": check_alphabet_level_tags,
    "yaml_examples": check_yaml_examples,
    "token_outside_alphabet": check_token_outside_alphabet,
    "count_matches_enumeration": check_count_matches_enumeration,
    "samples_are_members": check_samples_are_members,
    "distributions": check_distributions,
    "seeded_determinism": check_seeded_determinism,
    "uniform_sample": lambda lang: check_uniform_chi_square(lang, "sample"),
    "uniform_sample_many": lambda lang: check_uniform_chi_square(lang, "sample_many"),
    "random_strings": check_random_strings,
    "next_symbols_all_prefixes": check_next_symbols_all_prefixes,
    "next_symbols_sample_prefixes": check_next_symbols_sample_prefixes,
    "next_symbols_all_is_per_prefix": check_next_symbols_all_is_per_prefix,
}


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("name", NAMES)
def test_contract(name, check):
    lang = load(name)
    assert lang.name == name
    CHECKS[check](lang)


# ---------------------------------------------------------------- the contract can fail
class Mutant(Language):
    """A registered language with one method replaced by a buggy one (``bug(base, *args)``)."""

    def __init__(self, base, label: str, **bugs):
        self.base, self.bugs = base, bugs
        self.name, self.alphabet, self.level = f"{base.name}~{label}", base.alphabet, base.level
        self.tags = base.tags

    def _call(self, method, *args):
        bug = self.bugs.get(method)
        return bug(self.base, *args) if bug else getattr(self.base, method)(*args)

    def accepts(self, s):
        return self._call("accepts", self.tokenize(s))

    def count(self, n):
        return self._call("count", n)

    def sample(self, n, rng):
        return self._call("sample", n, rng)

    def next_symbols(self, p):
        return self._call("next_symbols", self.tokenize(p))


_L, _R = "(", ")"
MUTANTS = {  # label: (bugs, the check that must catch them)
    "count+1": ({"count": lambda b, n: b.count(n) + (n == 4)}, "count_matches_enumeration"),
    "lacks-close": ({"next_symbols": lambda b, p: b.next_symbols(p) - {_R} if p == (_L, _L, _R)
                     else b.next_symbols(p)}, "next_symbols_all_prefixes"),
    "extra-close": ({"next_symbols": lambda b, p: b.next_symbols(p) | {_R} if p == (_L, _R)
                     else b.next_symbols(p)}, "next_symbols_all_prefixes"),
    "eos": ({"next_symbols": lambda b, p: b.next_symbols(p) | {EOS} if p == (_L, _L)
             else b.next_symbols(p)}, "next_symbols_all_prefixes"),
    "deep-lacks": ({"next_symbols": lambda b, p: b.next_symbols(p) - {_L} if len(p) > 15
                    else b.next_symbols(p)}, "next_symbols_sample_prefixes"),
    "biased": ({"sample": lambda b, n, rng: next(s for s in iter(lambda: b.sample(n, rng), 0)
                                                 if s[:2] != (_L, _R) or rng.random() < 0.8)},
               "uniform_sample"),
    "unseeded": ({"sample": lambda b, n, rng: b.sample(n, np.random.default_rng())},
                 "seeded_determinism"),
    "short": ({"sample": lambda b, n, rng: b.sample(n + 2, rng)[:-2] if n == 20
               else b.sample(n, rng)},
              "samples_are_members"),
    "accepts-long": ({"accepts": lambda b, s: b.accepts(s) or len(s) == 21}, "random_strings"),
}


@pytest.mark.parametrize("label", list(MUTANTS))
def test_contract_catches_bugs(label):
    """Each planted bug in Dyck-1 is caught by the check meant for it (and the clean one passes)."""
    if "dyck-1" not in NAMES:
        pytest.skip("dyck-1 is not registered")
    bugs, check = MUTANTS[label]
    base = load("dyck-1")
    CHECKS[check](Mutant(base, "clean"))
    with pytest.raises(AssertionError):
        CHECKS[check](Mutant(base, label, **bugs))
