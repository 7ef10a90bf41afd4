"""Context-free grammars as languages.

- :mod:`.syntax`: the supported subset of lark's grammar syntax, parsed into a :class:`Grammar`;
- :mod:`.earley`: an incremental Earley chart (membership, next-token sets);
- :mod:`.count`: derivation counting and unranking (exact counts, uniform samples);
- :mod:`.language`: :class:`CFGLanguage`, which ties them together and decides ambiguity.
"""

from langlab.languages.cfg.language import CFGLanguage

__all__ = ["CFGLanguage"]
