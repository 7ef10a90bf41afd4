"""What counter and copy patterns share (:class:`PatternBase`)."""

from __future__ import annotations

from langlab.languages.base import ScanLanguage
from langlab.languages.pattern.syntax import Pattern, shape_level


class PatternBase(ScanLanguage):
    """What counter and copy patterns share: construction, level, membership via prefixes."""

    def __init__(self, name: str, alphabet: tuple[str, ...], p: Pattern, *, description: str = ""):
        self.name, self.alphabet, self.pattern, self.description = name, alphabet, p, description
        self.level = shape_level(p)
