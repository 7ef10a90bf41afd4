"""The 15 tasks of Delétang et al. (ICLR 2023, "Neural Networks and the Chomsky Hierarchy",
CHE; github.com/google-deepmind/neural_networks_chomsky_hierarchy) as languages of *inputs*
with a function form (:mod:`langlab.languages.transduce`): each language's members are the
task's inputs ``x``, and ``function_form()`` gives ``x -> f(x)``.

Facts and conventions follow the paper and its code (tokens renamed for reading; each class
says where ours differs). One thing differs for all: CHE samples its inputs its own way (e.g.
a random split point for expressions); here an input of length ``n`` is drawn uniformly from
all inputs of that length, like every other langlab language, so the splits are exact and
leakage-free.

- :mod:`.regular`: even pairs, modular arithmetic (simple), parity check, cycle navigation;
- :mod:`.dcf`: stack manipulation, reverse string, modular arithmetic (brackets), solve
  equation;
- :mod:`.cs`: duplicate string, missing duplicate, odds first, binary addition, binary
  multiplication, compute sqrt, bucket sort.
"""

CHE_REF = ("Delétang, Ruoss, Grau-Moya, Genewein, Wenliang, Catt, Cundy, Hutter, Legg, Veness & "
           "Ortega, \"Neural Networks and the Chomsky Hierarchy\", ICLR 2023 (CHE)")
