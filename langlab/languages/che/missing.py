"""CHE's missing duplicate (Delétang et al. 2023): ``w w`` with one position replaced by
``_``, then ``#`` when the length is odd (CHE's padding token); output the missing symbol.

Unlike ``flare/missing-duplicate-string`` (only a ``1`` is masked, a recognition language) any
position may be masked. ``(w, masked position)`` is recoverable from the string, so
``count(n) = 2^h * 2h`` with ``h = n // 2``. Length 1 has no inputs (CHE's length-1 batch is a
constant placeholder).

>>> L = MissingDuplicate()
>>> L.function_form()("01100_10"), L.function_form()("101_01#"), L.count(4)
(('1',), ('1',), 16)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from langlab.languages.base import EOS, Language, Tokens
from langlab.languages.che import CHE_REF
from langlab.languages.che.regular import BITS
from langlab.languages.transduce import FunctionForm


class MissingDuplicate(Language):
    """``w w`` with one symbol masked as ``_`` (and ``#`` at odd lengths); output it."""

    name, alphabet, level = "che/missing-duplicate", ("0", "1", "_", "#"), "context-sensitive"
    reference = CHE_REF

    def count(self, n: int) -> int:
        h = n // 2
        return 2 ** h * 2 * h if n >= 2 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 2:
            return None
        h = n // 2
        w = [BITS[int(b)] for b in rng.integers(0, 2, size=h)]
        s = w + w
        s[int(rng.integers(2 * h))] = "_"
        return tuple(s + ["#"] * (n % 2))

    def _consistent(self, p: Sequence[str], n: int) -> bool:
        """Whether ``p`` is a prefix of some input of length ``n``."""
        h = n // 2
        if n < 2 or len(p) > n or p.count("_") > 1:
            return False
        for j, t in enumerate(p):
            if (t == "#") != (j == 2 * h):
                return False
            if j >= h and j < 2 * h and "_" not in (t, p[j - h]) and t != p[j - h]:
                return False
        return "_" in p or len(p) < 2 * h   # room left for the one mask

    def _viable(self, p: Sequence[str]) -> bool:
        if "#" not in p and p.count("_") <= 1:   # fits inside the first copy of a long input
            return True
        return any(self._consistent(p, n) for n in range(max(2, len(p)), 2 * len(p) + 2))

    def accepts(self, s: Sequence[str] | str) -> bool:
        toks = self.tokenize(s)
        return self._consistent(toks, len(toks)) and "_" in toks

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        p = self.tokenize(prefix)
        if not self._viable(p):
            return frozenset()
        out = {t for t in self.alphabet if self._viable(p + (t,))}
        if self.accepts(p):
            out.add(EOS)
        return frozenset(out)

    def function_form(self) -> FunctionForm:
        return FunctionForm("missing-duplicate", self, BITS, _missing, "context-sensitive")


def _missing(x: Tokens) -> Tokens:
    h = len(x) // 2
    i = x.index("_")
    return (x[i + h] if i < h else x[i - h],)
