"""``Language.trace``: the latent state along a string, checked against brute force.

Every registered language with a trace is checked on every string over its alphabet up to a
small length (members, live prefixes and dead ones): a value is None exactly after a prefix no
member extends, and each target equals a brute-force definition that uses only the string
itself (counts of symbols, repeated deletion of matched brackets) or ``accepts``.
"""

from __future__ import annotations

import itertools

import pytest

from langlab.languages.base import TRACE_KINDS, NoTraceError
from langlab.languages.registry import list_languages, load_language

NAMES = list_languages()
TRACED = [n for n in NAMES if load_language(n).trace_targets]
UNTRACED = [n for n in NAMES if not load_language(n).trace_targets]


def strings(lang, max_total: int = 1500):
    """Every string over the alphabet, shortest first, up to about ``max_total`` of them."""
    k = len(lang.alphabet)
    n = 0
    total = 1
    while total * k <= max_total and n < 9:
        n += 1
        total *= k
    for m in range(n + 1):
        yield from itertools.product(lang.alphabet, repeat=m)


def reduce_brackets(prefix, pairs):
    """The unmatched part of a bracket prefix by deleting adjacent matched pairs until none is
    left; None when a closing bracket can never be matched."""
    s = "".join(prefix)
    opens = {o for o, _ in pairs}
    while True:
        t = s
        for o, c in pairs:
            t = t.replace(o + c, "")
        if t == s:
            break
        s = t
    return s if all(ch in opens for ch in s) else None


def brute(lang, name: str, prefix: tuple) -> dict:
    """The brute-force value of every target after a live prefix."""
    kind = type(lang).__name__
    count = prefix.count
    if kind == "Dyck":
        rest = reduce_brackets(prefix, lang.pairs)
        opens = [o for o, _ in lang.pairs]
        return {"depth": len(rest), "top": opens.index(rest[-1]) if rest else -1}
    if kind == "ResetDyck1":
        after = prefix[prefix.index("1") + 1:] if "1" in prefix else prefix
        return {"depth": after.count("(") - after.count(")"), "phase": int("1" in prefix)}
    if kind == "Shuffle":
        return {"counter": tuple(count(o) - count(c) for o, c in lang.pairs)}
    if kind == "Blocks":
        letters = lang.alphabet
        return {"counter": tuple(count(letters[0]) - count(x) for x in letters[1:]),
                "block": max([letters.index(t) for t in prefix], default=0)}
    if kind == "Boolean":
        return {"counter": (1 + sum(lang._arity[t] - 1 for t in prefix),)}
    if kind == "AnBmCnm":
        return {"counter": (count("a") + count("b") - count("c"),),
                "block": max(["abc".index(t) for t in prefix], default=0)}
    if kind == "Majority":
        return {"counter": (count("1") - count("0"),)}
    return {}


@pytest.mark.parametrize("name", TRACED)
def test_trace_matches_brute_force(name):
    lang = load_language(name)
    assert set(lang.trace_targets) <= set(TRACE_KINDS)
    for s in strings(lang):
        trace = lang.trace(s)
        assert set(trace) == set(lang.trace_names()), name
        live = [bool(x) for x in lang.next_symbols_all(s)]
        for target, values in trace.items():
            assert len(values) == len(s) + 1, (name, s, target)
            assert [v is not None for v in values] == live, (name, s, target)
        for i in range(len(s) + 1):
            if not live[i]:
                continue
            for target, value in brute(lang, name, s[:i]).items():
                assert trace[target][i] == value, (name, s[:i], target)
            if "depth" in trace:
                assert trace["depth-ratio"][i] == (trace["depth"][i] / i if i else 0.0)


@pytest.mark.parametrize("name", [n for n in TRACED if "state" in load_language(n).trace_targets])
def test_dfa_state_is_a_right_congruence(name):
    """Equal states after two prefixes: every suffix (up to 3 tokens) is accepted after both
    or after neither, and the next state is a function of (state, token)."""
    lang = load_language(name)
    by_state, step = {}, {}
    for s in strings(lang, 400):
        states = lang.trace(s)["state"]
        if states[-1] is not None:
            by_state.setdefault(states[-1], []).append(s)
        for i, t in enumerate(s):
            if states[i] is not None:
                assert step.setdefault((states[i], t), states[i + 1]) == states[i + 1]
    suffixes = list(strings(lang, 30))
    for q, prefixes in by_state.items():
        p0 = prefixes[0]
        for p in prefixes[1:6]:
            for w in suffixes:
                assert lang.accepts(p0 + w) == lang.accepts(p + w), (name, q, p0, p, w)


def test_every_dfa_counter_and_dyck_language_has_a_trace():
    for name in NAMES:
        lang = load_language(name)
        if lang.level == "regular" or "counter" in lang.tags or "dyck" in lang.tags:
            assert lang.trace_targets, f"{name} ({lang.level}, {sorted(lang.tags)}) has no trace"


@pytest.mark.parametrize("name", UNTRACED)
def test_a_language_without_a_trace_says_so_in_one_line(name):
    lang = load_language(name)
    with pytest.raises(NoTraceError) as err:
        lang.trace(lang.alphabet[:1])
    assert "\n" not in str(err.value) and name in str(err.value)


def test_an_unknown_target_names_the_ones_there_are():
    lang = load_language("parity")
    with pytest.raises(NoTraceError, match="no trace target 'depth'; it has: state"):
        lang.trace_target("01", "depth")
    assert load_language("dyck-1").trace_target("(()", "depth-ratio")[-1] == pytest.approx(1 / 3)
