"""Shipped files that carry ``python:`` *and* a generic definition: both must agree.

The python class is the implementation that gets registered; the regex/dfa/cfg/pattern in the
same file is its reference specification. For every such file discovered under ``grammars/``,
compare counts, membership (of samples drawn from both and of random strings) and next-symbol
sets along those strings, up to a length bound.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from langlab.languages.spec import build_language, read_spec

GRAMMARS = Path(__file__).resolve().parent.parent / "langlab" / "grammars"
BOTH = re.compile(r"^(regex|dfa|cfg|pattern):", re.M)


def _pairs() -> list[Path]:
    out = []
    for path in sorted(GRAMMARS.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^python:", text, re.M) and BOTH.search(text):
            out.append(path)
    return out


def _max_len(lang, cap: int = 12, budget: int = 20_000) -> int:
    """The largest n <= cap with at most ``budget`` strings of length n over the alphabet."""
    n = 0
    while n < cap and len(lang.alphabet) ** (n + 1) <= budget:
        n += 1
    return max(n, 6)


@pytest.mark.parametrize("path", _pairs(), ids=lambda p: p.relative_to(GRAMMARS).as_posix())
def test_python_and_reference_agree(path: Path):
    spec = read_spec(path)
    impl = build_language(spec)
    ref = build_language(spec, reference=True)
    assert set(impl.alphabet) == set(ref.alphabet)
    top = _max_len(ref)
    for n in range(top + 1):
        assert impl.count(n) == ref.count(n), f"{spec.name}: counts differ at length {n}"
    rng = np.random.default_rng(0)
    strings = []
    for n in [*range(top + 5), 24, 32]:
        for lang in (impl, ref):
            for _ in range(3):
                s = lang.sample(n, rng)
                if s is not None:
                    strings.append(tuple(s))
    alphabet = list(ref.alphabet)
    for _ in range(40):
        n = int(rng.integers(0, top + 5))
        strings.append(tuple(alphabet[i] for i in rng.integers(0, len(alphabet), n)))
    for s in strings:
        assert impl.accepts(s) == ref.accepts(s), f"{spec.name}: membership of {s} differs"
        assert impl.next_symbols_all(s) == ref.next_symbols_all(s), \
            f"{spec.name}: next-symbol sets along {s} differ"


def test_some_files_have_both():
    """Guard: the shipped grammars do pair python implementations with references."""
    pairs = {p.relative_to(GRAMMARS).as_posix() for p in _pairs()}
    assert len(pairs) >= 5
    assert {"marked-copy.yaml", "flare/marked-copy.yaml"} <= pairs  # one w # w class, two uses
