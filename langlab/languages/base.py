"""The :class:`Language` interface and the exact machinery most languages share.

A language is a set of token sequences over a finite alphabet. Every language answers five
questions exactly: ``accepts``, ``count`` (distinct members of a length), ``sample`` (uniform
over those members), ``next_symbols`` (which tokens keep a prefix alive, plus :data:`EOS` when
the prefix is itself a member) and, for speed, ``next_symbols_all`` (the sets after every prefix
of one string, in one incremental pass).

Most languages are written as a :class:`StateLanguage`: a deterministic recognizer whose states
know how many completions of each length they have. From ``start``/``step``/``accepting``/
``live``/``completions`` it derives every question above, and samples by *unranking*: draw an
integer uniformly below ``count(n)`` and walk to the string of that rank, which makes sampling
exactly uniform (no floating-point probabilities), even when counts have hundreds of digits.

>>> from langlab.languages.base import StateLanguage
>>> class EvenAs(StateLanguage):
...     name, alphabet, level = "even-as", ("a",), "regular"
...     def start(self): return 0
...     def step(self, q, t): return 1 - q
...     def accepting(self, q): return q == 0
...     def live(self, q): return True
...     def completions(self, q, m): return int((q + m) % 2 == 0)
>>> L = EvenAs()
>>> L.count(4), L.accepts("aa"), sorted(L.next_symbols("aa"))
(1, True, ['<eos>', 'a'])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import numpy as np

from langlab.errors import LanglabError, TokenError

EOS = "<eos>"
LEVELS = ("regular", "context-free", "context-sensitive")
# What the 2020 paper's code scored per language (langlab.data.targets explains each).
PAPER_TARGETS = ("exact", "no-eos", "membership")

Tokens = tuple[str, ...]

# What each trace target holds (``Language.trace``): a class among a few (a linear classifier
# probes it) or a number or vector of numbers (a linear regression probes it).
TRACE_KINDS = {"state": "categorical", "top": "categorical", "block": "categorical",
               "phase": "categorical", "counter": "numeric", "depth": "numeric",
               "depth-ratio": "numeric"}


class NoTraceError(LanglabError):
    """A language without the trace (latent state) that was asked for."""


def randbelow(rng: np.random.Generator, bound: int) -> int:
    """An exactly uniform integer in ``[0, bound)`` for an arbitrarily large Python int.

    Rejection sampling on whole bytes drawn from ``rng``, so the result is deterministic given the
    generator's state and carries no floating-point bias.
    """
    if bound <= 0:
        raise ValueError("bound must be positive")
    if bound == 1:
        return 0
    bits = (bound - 1).bit_length()
    words = (bits + 63) // 64
    shift = words * 64 - bits
    raw = rng.bit_generator.random_raw  # 64-bit words; ~3x cheaper than rng.bytes
    while True:
        r = int.from_bytes(raw(words).tobytes(), "little") >> shift
        if r < bound:
            return r


class Language:
    """A formal language over a finite alphabet of string tokens.

    Subclasses set ``name``, ``alphabet`` and ``level`` (class attributes or in ``__init__``) and
    implement ``accepts``, ``count``, ``sample`` and ``next_symbols``. ``tags`` is a set of
    free-form labels ("counter", "star-free", "dyck", "bhattamishra2020", "flare", ...) and
    ``paper_targets`` one of :data:`PAPER_TARGETS`; both come from the language's file.
    ``distributions`` names alternative (non-uniform) samplers, e.g. the 2020 paper's
    probabilistic grammar: ``{"paper": callable(n, rng) -> tuple | None}`` (see ``sample_from``).
    """

    name: str = ""
    alphabet: Tokens = ()
    level: str = "regular"
    tags: frozenset[str] = frozenset()
    paper_targets: str = "exact"
    description: str = ""
    reference: str = ""
    # Bracket pairs (open, close) that give a prefix its nesting depth (opening minus closing):
    # Dyck-k's pairs, or a language file's ``brackets:``. Empty: the language has no depth.
    brackets: tuple[tuple[str, str], ...] = ()
    # The name of the language's one parameter (n in aⁿbⁿ), when every member's length is
    # ``parameter_length(n)`` for its n, strictly increasing in n: then a bin may give its window
    # in n (``LengthBin`` with ``n: {lo, hi}``). None: no such parameter.
    parameter: str | None = None
    # Accepted and rejected examples, written as strings (checked by the contract tests).
    examples_accept: ClassVar[Sequence[str]] = ()
    examples_reject: ClassVar[Sequence[str]] = ()

    # ------------------------------------------------------------------ the interface
    def accepts(self, s: Sequence[str] | str) -> bool:
        raise NotImplementedError

    def count(self, n: int) -> int:
        """The exact number of distinct members of length ``n`` (in tokens)."""
        raise NotImplementedError

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        """A member of length ``n`` drawn uniformly, or None when there is none."""
        raise NotImplementedError

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        """Tokens t such that prefix + t extends to a member; plus EOS iff prefix is a member."""
        raise NotImplementedError

    def parameter_length(self, n: int) -> int:
        """The length of the members whose parameter is ``n`` (see ``parameter``)."""
        raise LanglabError(f"{self.name} has no parameter: give its bins in lengths (lo, hi)")

    # ------------------------------------------------------------------ the latent state
    # The targets ``trace`` gives, a subset of TRACE_KINDS; () for a language with none.
    trace_targets: ClassVar[tuple[str, ...]] = ()

    def trace(self, s: Sequence[str] | str) -> dict[str, list]:
        """For every prefix ``s[:i]`` (i = 0..n), the latent quantity a recognizer tracks:
        ``{target: [value after s[:0], ..., value after s]}``, one entry per ``trace_targets``
        (plus ``depth-ratio`` = depth / i wherever there is a ``depth``). A value is None after
        a prefix that no member extends. Numeric targets are ints (``depth``) or tuples of
        ints (``counter``); categorical ones are small ints (``state``, ``top`` with -1 for
        an empty stack, ``block``, ``phase``). A language without one raises
        :class:`NoTraceError`.

        >>> from langlab.languages.dyck import Dyck
        >>> t = Dyck(k=2).trace("([])")
        >>> t["depth"], t["top"]
        ([0, 1, 2, 1, 0], [-1, 0, 1, 0, -1])
        """
        if not self.trace_targets:
            raise NoTraceError(f"{self.name} has no trace: no finite-state, counter or stack "
                               "state describes its recognizer (languages with one: regular "
                               "(DFA state), counter, Dyck and Boolean languages)")
        out = self._trace(self.tokenize(s))
        if "depth" in out:
            out["depth-ratio"] = [None if d is None else (d / i if i else 0.0)
                                  for i, d in enumerate(out["depth"])]
        return out

    def trace_target(self, s: Sequence[str] | str, target: str) -> list:
        """One target of :meth:`trace`; a target the language lacks is a one-line error."""
        names = self.trace_names()
        if target not in names:
            if not names:
                self.trace(s)  # raises the no-trace error
            raise NoTraceError(f"{self.name} has no trace target {target!r}; it has: "
                               f"{', '.join(names)}")
        return self.trace(s)[target]

    def trace_names(self) -> tuple[str, ...]:
        """Every target :meth:`trace` returns (``depth-ratio`` included where there is a depth)."""
        names = tuple(self.trace_targets)
        return names + ("depth-ratio",) if "depth" in names else names

    def _trace(self, toks: Tokens) -> dict[str, list]:
        raise NotImplementedError

    @staticmethod
    def _pad_dead(values: list, n: int) -> list:
        """``values`` (one per live prefix) padded with None up to n + 1 entries."""
        return values + [None] * (n + 1 - len(values))

    # ------------------------------------------------------------------ derived, overridable
    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        """``[next_symbols(s[:i]) for i in range(len(s) + 1)]``; subclasses make it O(n)."""
        toks = self.tokenize(s)
        return [self.next_symbols(toks[:i]) for i in range(len(toks) + 1)]

    def sample_many(self, n: int, k: int, rng: np.random.Generator) -> list[Tokens]:
        """``k`` independent uniform samples of length ``n`` (empty list if there are none)."""
        out = []
        for _ in range(k):
            s = self.sample(n, rng)
            if s is None:
                return []
            out.append(s)
        return out

    @property
    def distributions(self) -> dict[str, Any]:
        """Named alternative samplers ``f(n, rng) -> tokens | None``; "uniform" is always there."""
        return {"uniform": self.sample}

    def sample_from(self, distribution: str, n: int, rng: np.random.Generator) -> Tokens | None:
        from langlab.errors import UnknownNameError

        dists = self.distributions
        if distribution not in dists:
            raise UnknownNameError(f"distribution of {self.name}", distribution, sorted(dists))
        return dists[distribution](n, rng)

    def has_member_of_length(self, n: int) -> bool:
        """Whether some member has length ``n``; override when ``count`` is expensive."""
        return self.count_capped(n, 1) > 0

    def count_capped(self, n: int, cap: int) -> int:
        """``min(count(n), cap)``; override when the exact count is expensive at large n
        (e.g. arithmetic languages), so dataset building can ask "at least k members?" cheaply."""
        return min(self.count(n), cap)

    def enumerate(self, n: int) -> Iterator[Tokens]:
        """Every member of length ``n`` in lexicographic alphabet order, guided by next_symbols.

        Exponential in general: for tests and ``langlab show`` at small n.
        """
        def rec(prefix: Tokens) -> Iterator[Tokens]:
            nxt = self.next_symbols(prefix)
            if len(prefix) == n:
                if EOS in nxt:
                    yield prefix
                return
            for t in self.alphabet:
                if t in nxt:
                    yield from rec(prefix + (t,))
        yield from rec(())

    # ------------------------------------------------------------------ tokens
    def tokenize(self, s: Sequence[str] | str) -> Tokens:
        """Turn a string or token sequence into a checked token tuple.

        A plain ``str`` is split into characters when every token of the alphabet is one
        character, otherwise on whitespace. A token outside the alphabet raises
        :class:`TokenError` naming the token and the alphabet.
        """
        if isinstance(s, str):
            if all(len(t) == 1 for t in self.alphabet):
                toks = tuple(s)
            else:
                toks = tuple(s.split())
        else:
            toks = tuple(s)
        alpha = self._alphabet_set()
        for t in toks:
            if t not in alpha:
                raise TokenError(
                    f"token {t!r} is not in the alphabet of {self.name}: "
                    f"{' '.join(self.alphabet)}")
        return toks

    def _alphabet_set(self) -> frozenset[str]:
        cached = self.__dict__.get("_alpha_set")
        if cached is None:
            cached = frozenset(self.alphabet)
            self.__dict__["_alpha_set"] = cached
        return cached

    def join(self, toks: Sequence[str]) -> str:
        """Render tokens as a string: concatenated when all are one character, else spaced."""
        if all(len(t) == 1 for t in self.alphabet):
            return "".join(toks)
        return " ".join(toks)

    def __repr__(self) -> str:
        return f"<Language {self.name} ({self.level}) over {' '.join(self.alphabet)}>"


class ScanLanguage(Language):
    """A language whose ``next_symbols_all`` is its one incremental pass over a string.

    Its last set answers ``next_symbols``, and EOS in it ``accepts`` (override ``accepts`` where
    a direct test is cheaper). Subclasses implement ``next_symbols_all``, ``count``, ``sample``.
    """

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        raise NotImplementedError  # not Language's default, which asks next_symbols

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        return self.next_symbols_all(prefix)[-1]

    def accepts(self, s: Sequence[str] | str) -> bool:
        return EOS in self.next_symbols_all(s)[-1]


class StateLanguage(Language):
    """A language given by a deterministic recognizer with counted completions.

    Subclasses implement:

    - ``start()``: the initial state (hashable);
    - ``step(state, token)``: the next state, or ``None`` when no member has this prefix;
    - ``accepting(state)``: whether the prefix read so far is a member;
    - ``live(state)``: whether some (possibly empty) suffix leads to a member;
    - ``completions(state, m)``: the number of suffixes of length exactly ``m`` leading to a
      member (a Python int). Memoize it when it is not closed-form.

    ``step`` is only ever called with tokens of the alphabet.
    """

    def start(self) -> Any:
        raise NotImplementedError

    def step(self, state: Any, token: str) -> Any:
        raise NotImplementedError

    def accepting(self, state: Any) -> bool:
        raise NotImplementedError

    def live(self, state: Any) -> bool:
        raise NotImplementedError

    def completions(self, state: Any, m: int) -> int:
        raise NotImplementedError

    # -------------------------------------------------------------- derived
    def run(self, toks: Sequence[str]) -> Any:
        q = self.start()
        for t in toks:
            q = self.step(q, t)
            if q is None:
                return None
        return q

    def accepts(self, s: Sequence[str] | str) -> bool:
        q = self.run(self.tokenize(s))
        return q is not None and self.accepting(q)

    def count(self, n: int) -> int:
        if n < 0:
            return 0
        return self.completions(self.start(), n)

    def _set_at(self, q: Any) -> frozenset[str]:
        nxt = [t for t in self.alphabet if (r := self.step(q, t)) is not None and self.live(r)]
        if self.accepting(q):
            nxt.append(EOS)
        return frozenset(nxt)

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        q = self.run(self.tokenize(prefix))
        if q is None or not self.live(q):
            return frozenset()
        return self._set_at(q)

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        out: list[frozenset[str]] = []
        q = self.start()
        for i, t in enumerate(toks):
            if q is None or not self.live(q):
                return out + [frozenset()] * (len(toks) + 1 - i)
            out.append(self._set_at(q))
            q = self.step(q, t)
        out.append(frozenset() if q is None or not self.live(q) else self._set_at(q))
        return out

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        total = self.count(n)
        if total == 0:
            return None
        return self.unrank(n, randbelow(rng, total))

    def unrank(self, n: int, r: int) -> Tokens:
        """The member of length ``n`` with rank ``r`` (0-based, alphabet order at each step)."""
        q = self.start()
        out = []
        for rem in range(n, 0, -1):
            for t in self.alphabet:
                q2 = self.step(q, t)
                if q2 is None:
                    continue
                c = self.completions(q2, rem - 1)
                if r < c:
                    out.append(t)
                    q = q2
                    break
                r -= c
            else:  # pragma: no cover - would mean completions() is inconsistent
                raise AssertionError(f"{self.name}: completions are inconsistent at rank walk")
        return tuple(out)

    def enumerate(self, n: int) -> Iterator[Tokens]:
        for r in range(self.count(n)):
            yield self.unrank(n, r)
