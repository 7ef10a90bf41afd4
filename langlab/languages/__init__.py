"""Languages: one interface, a few engines, the families, and the loader of language files.

- :mod:`.base`: the interface (:class:`~.base.Language`, :class:`~.base.StateLanguage`,
  :class:`~.base.ScanLanguage`), ``EOS``.
- :mod:`.registry`: names → YAML files under ``grammars/``; :func:`~.registry.load_language`.
- :mod:`.spec`: reading, checking and compiling a language file (``fields``, ``build``, ``model``).
- Generic engines a file can name: :mod:`.regex` (regex → minimal DFA), :mod:`.automaton`
  (DFA path counts), :mod:`.cfg` (grammars), :mod:`.pattern` (counter and copy patterns);
  :mod:`.syntax` holds what their parsers share.
- Families written in Python (``python: module:Class``): :mod:`.counter` (aⁿbⁿ…, Shuffle,
  Boolean), :mod:`.dyck` (Dyck-k, D_n, reset Dyck), :mod:`.context_sensitive` (copy, aⁿ², …) and
  :mod:`.flare` (the 18 FLaRe languages).
"""
