"""langlab: a formal-language capability testbed.

>>> import langlab
>>> lang = langlab.load_language("parity")
>>> lang.accepts("0110"), lang.count(3)
(True, 4)
"""

from __future__ import annotations

from langlab.errors import LanglabError, SpecError, TokenError, UnknownNameError
from langlab.languages.base import EOS, Language, StateLanguage
from langlab.languages.registry import list_languages, load_language

__version__ = "0.1.0"


def list_models() -> list[str]:
    """Every registered model name (imports torch)."""
    from langlab.models import list_models as _list

    return _list()


def build_model(name: str, vocab_size: int, **settings):
    """Build a registered sequence encoder, e.g. ``build_model("transformer", vocab_size=5, positional="rope")``."""
    from langlab.models import build_model as _build

    return _build(name, vocab_size=vocab_size, **settings)


__all__ = [
    "EOS", "Language", "StateLanguage", "LanglabError", "SpecError", "TokenError",
    "UnknownNameError", "list_languages", "load_language", "list_models", "build_model",
    "__version__",
]
