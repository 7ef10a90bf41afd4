"""Languages: the interface (``base``), the engines (``automaton``, ...) and the families.

Families live one module per family (``counter``, ``dyck``, ``regular``, ``context_sensitive``,
``flare``); each registered language is a YAML file under ``grammars/``.
"""
