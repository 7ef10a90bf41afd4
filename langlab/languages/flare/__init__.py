"""The 18 FLaRe languages of Butoi et al. (ICLR 2025), one module per kind of machine that
recognizes them; each is registered by a YAML file under ``grammars/flare/``.

- :mod:`.regular`: seven DFAs (even pairs, parity, cycle navigation, ...);
- :mod:`.stack`: majority, stack manipulation and other one-counter or stack languages;
- :mod:`.copy`: marked and unmarked reversal, marked copy, odds first, bucket sort, ...;
- :mod:`.arith`: binary addition and compute sqrt; :mod:`.mult`: binary multiplication.

This package's ``__init__`` holds only what its modules share, so that importing one of them
imports no other.
"""

FLARE_REF = ("Butoi, Khalighinejad, Svete, Valvoda, Cotterell & DuSell, \"Training Neural "
             "Networks as Recognizers of Formal Languages\", ICLR 2025 (FLaRe)")
