"""The 2020 paper's grammar: the exact length-conditioned sampler draws from the distribution
the paper's rejection sampler draws from, and reaches lengths rejection cannot."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
import pytest

from langlab.languages.paper_grammar import PaperGrammar

DYCK2 = PaperGrammar((("(", ")"), ("[", "]")))


def test_length_distribution_matches_the_process():
    M, n = 10, 20_000
    rng = np.random.default_rng(0)
    seen = Counter(len(DYCK2.generate(M, rng)) for _ in range(n))
    L = DYCK2.length_distribution(M)
    assert L.sum() == pytest.approx(1.0, abs=1e-12) and (L[1::2] == 0).all()
    for length in range(0, M + 1, 2):
        sd = (L[length] * (1 - L[length]) / n) ** 0.5
        assert abs(seen[length] / n - L[length]) < 5 * sd + 1e-9, length


@pytest.mark.parametrize("n,max_size", [(6, None), (8, None), (6, 10)])
def test_conditioned_sampler_matches_rejection(n, max_size):
    rng = np.random.default_rng(1)
    exact = Counter("".join(DYCK2.sample_length(n, rng, max_size)) for _ in range(4000))
    rejected = Counter("".join(DYCK2.sample_length_rejection(n, rng, max_size))
                       for _ in range(4000))
    assert all(len(s) == n for s in exact)
    assert _upper_p(exact, rejected) > 1e-3


def _upper_p(a: Counter, b: Counter) -> float:
    import math

    keys = sorted(set(a) | set(b))
    na, nb = sum(a.values()), sum(b.values())
    stat = sum((a[k] * nb - b[k] * na) ** 2 / ((a[k] + b[k]) * na * nb) for k in keys)
    df = max(len(keys) - 1, 1)
    z = ((stat / df) ** (1 / 3) - (1 - 2 / (9 * df))) / math.sqrt(2 / (9 * df))
    return 0.5 * math.erfc(z / math.sqrt(2))


def test_chi_square_helper_rejects_different_distributions():
    assert _upper_p(Counter(a=500, b=500), Counter(a=700, b=300)) < 1e-6
    assert _upper_p(Counter(a=500, b=500), Counter(a=510, b=490)) > 0.05


def test_impossible_lengths_and_determinism():
    rng = np.random.default_rng
    assert DYCK2.sample_length(7, rng(0)) is None and DYCK2.sample_length(-2, rng(0)) is None
    assert DYCK2.sample_length(12, rng(0), max_size=10) is None
    assert DYCK2.sample_length(40, rng(5)) == DYCK2.sample_length(40, rng(5))


def test_long_strings_in_seconds_and_well_nested():
    from langlab import load_language

    dyck1 = load_language("dyck-1")
    sample = dyck1.distributions["paper"]
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    strings = [sample(300, rng) for _ in range(20)]
    assert time.perf_counter() - t < 10
    assert all(len(s) == 300 and dyck1.accepts(s) for s in strings)
    assert len(set(strings)) > 1


def test_warm_started_tables_are_the_least_fixed_point():
    """The solver starts each state from the one above; iterating from zero (which converges
    to the least fixed point, the process's probabilities) gives the same tables."""
    from langlab.languages.paper_grammar import length_tables

    p, q, M = 0.5, 0.25, 40
    above = np.zeros(M + 1)
    above[0] = 1.0
    child, from_zero = above, []
    for c in range(M - 2, -1, -2):
        wrap = np.zeros(M + 1)
        wrap[2:] = p * child[:M - 1]
        L = np.zeros(M + 1)
        for _ in range(1_500):
            conv = np.convolve(L, L)
            L = wrap + q * conv[:M + 1]
            L[0] = (1 - p - q) + p * child[M - 1:].sum() + q * (conv[0] + conv[M + 1:].sum())
        from_zero.insert(0, L)
        child = L
    tables = length_tables(p, q, M)
    for c, expected in enumerate(from_zero):
        live = expected > 0
        assert np.allclose(tables[c][live], expected[live], rtol=1e-10, atol=0), c
        assert tables[c].sum() == pytest.approx(1.0, abs=1e-12)
