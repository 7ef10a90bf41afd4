"""What counter and copy patterns share (:class:`PatternBase`)."""

from __future__ import annotations

from collections.abc import Sequence

from langlab.languages.base import EOS, Language
from langlab.languages.pattern.syntax import Pattern, shape_level


class PatternBase(Language):
    """What counter and copy patterns share: construction, level, membership via prefixes."""

    def __init__(self, name: str, alphabet: tuple[str, ...], p: Pattern, *,
                 tags: Sequence[str] = (), description: str = ""):
        self.name, self.alphabet, self.pattern = name, alphabet, p
        self.tags, self.description = frozenset(tags), description
        self.level = shape_level(p)

    def accepts(self, s) -> bool:
        toks = self.tokenize(s)
        return EOS in self.next_symbols_all(toks)[-1]

    def next_symbols(self, prefix) -> frozenset[str]:
        return self.next_symbols_all(prefix)[-1]
