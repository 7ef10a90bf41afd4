"""Helpers for the bad-language table test: a tiny Language class and a non-class."""

from __future__ import annotations

from langlab.languages.base import StateLanguage


class Ones(StateLanguage):
    """a^k for k a multiple of n (n >= 1)."""

    name, alphabet, level = "ones", ("a",), "regular"

    def __init__(self, n: int = 1):
        if n < 1:
            raise ValueError("n must be at least 1")
        self.n = n

    def start(self):
        return 0

    def step(self, q, t):
        return (q + 1) % self.n

    def accepting(self, q):
        return q == 0

    def live(self, q):
        return True

    def completions(self, q, m):
        return int((q + m) % self.n == 0)


def not_a_language():
    return None
