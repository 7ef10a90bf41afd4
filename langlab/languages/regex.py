"""Regular expressions over multi-character tokens, compiled to a minimal DFA.

Syntax (the ``regex:`` key of a language file):

- a token of the alphabet stands for itself. When every token is one character, each character
  is a token (``01*``); otherwise tokens are separated by spaces (``if then (else)?``);
- ``|`` alternation, ``*`` ``+`` ``?`` repetition, ``( )`` grouping, ``()`` or an empty
  alternative (``(a|)``) the empty string, ``{m}`` ``{m,}`` ``{m,n}`` counted repetition,
  ``.`` any token;
- a token that is also an operator character is written escaped (``\\(``) or quoted
  (``"("``); whitespace only separates.

The expression becomes a Thompson NFA, then a DFA by subset construction (bounded, so a
blow-up is a clear error rather than a hang), minimized with automata-lib (tokens mapped to
integers, so multi-character tokens are no problem), and finally a
:class:`~langlab.languages.automaton.DFALanguage` for exact counting and unranking.

>>> L = RegexLanguage("ends-in-11", ("0", "1"), "(0|1)*11")
>>> [L.count(n) for n in range(5)], L.n_states
([0, 0, 1, 2, 4], 3)
>>> RegexLanguage("kw", ("if", "then", "x"), "if x then x (x)*").accepts("if x then x x")
True
"""

from __future__ import annotations

from collections.abc import Sequence

from langlab.languages.automaton import DFALanguage
from langlab.languages.syntax import DefinitionError, did_you_mean, single_char

OPERATORS = set('|*+?(){}.\\"')
MAX_REPEAT = 1000   # largest m or n in {m,n}
MAX_NFA = 50_000    # NFA states (after expanding counted repetitions)
MAX_DFA = 20_000    # DFA states during subset construction


class RegexLanguage(DFALanguage):
    """The regular language of ``regex`` over ``alphabet`` (see the module docstring)."""

    def __init__(self, name: str, alphabet: Sequence[str], regex: str, **kw):
        self.regex = regex
        start, accept, delta = regex_to_dfa(regex, tuple(alphabet))
        super().__init__(name, alphabet, start, accept, delta, **kw)


def regex_to_dfa(regex: str, alphabet: tuple[str, ...]) -> tuple[int, set[int], dict]:
    """``(start, accepting states, transitions)`` of the minimal DFA of ``regex``."""
    ast = _Parser(regex, alphabet).parse()
    nfa = _NFA()
    start, final = nfa.build(ast, alphabet)
    q0, accept, trans = _minimize(*_determinize(nfa, start, final, alphabet), len(alphabet))
    return q0, accept, {q: {alphabet[k]: r for k, r in row.items()} for q, row in trans.items()}


class _Parser:
    """Recursive descent over the regex text; every error carries its character offset."""

    def __init__(self, text: str, alphabet: tuple[str, ...]):
        self.text, self.alphabet, self.i = text, alphabet, 0
        self.tokens, self.single = set(alphabet), single_char(alphabet)

    def error(self, message: str, at: int | None = None) -> DefinitionError:
        return DefinitionError(message, self.i if at is None else at)

    def peek(self) -> str:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1
        return self.text[self.i] if self.i < len(self.text) else ""

    def parse(self) -> tuple:
        node = self.alt()
        c = self.peek()
        if c == ")":
            raise self.error("unmatched closing parenthesis ')'")
        if c:  # pragma: no cover - alt() stops only at ')' or the end
            raise self.error(f"unexpected {c!r}")
        return node

    def alt(self) -> tuple:
        options = [self.concat()]
        while self.peek() == "|":
            self.i += 1
            options.append(self.concat())
        return options[0] if len(options) == 1 else ("alt", options)

    def concat(self) -> tuple:
        items = []
        while (c := self.peek()) and c not in "|)":
            items.append(self.repeat())
        return items[0] if len(items) == 1 else ("cat", items)

    def repeat(self) -> tuple:
        node = self.atom()
        while (c := self.peek()) and c in "*+?{":
            at = self.i
            self.i += 1
            if c == "{":
                lo, hi = self.bounds(at)
                node = ("rep", node, lo, hi)
            else:
                node = ({"*": "star", "+": "plus", "?": "opt"}[c], node)
        return node

    def bounds(self, at: int) -> tuple[int, int | None]:
        close = self.text.find("}", self.i)
        if close < 0:
            raise self.error("unclosed '{' (counted repetition {m,n})", at)
        body = self.text[self.i:close].replace(" ", "")
        lo_s, comma, hi_s = body.partition(",")
        if not lo_s.isdigit() or (hi_s and not hi_s.isdigit()):
            raise self.error(f"bad counted repetition {{{body}}}; write {{m}}, {{m,}} or {{m,n}}",
                             at)
        lo, hi = int(lo_s), (int(hi_s) if hi_s else None) if comma else int(lo_s)
        if max(lo, hi or 0) > MAX_REPEAT:
            raise self.error(f"counted repetition above {MAX_REPEAT}", at)
        if hi is not None and hi < lo:
            raise self.error(f"counted repetition {{{lo},{hi}}} has its bounds reversed", at)
        self.i = close + 1
        return lo, hi

    def atom(self) -> tuple:
        c, at = self.peek(), self.i
        if c in "*+?{":
            raise self.error(f"{c!r} has nothing to repeat")
        if c == "(":
            self.i += 1
            node = ("eps",) if self.peek() == ")" else self.alt()
            if self.peek() != ")":
                raise self.error("unclosed parenthesis '('", at)
            self.i += 1
            return node
        if c == ".":
            self.i += 1
            return ("any",)
        if c == "}":
            raise self.error("unmatched '}'")
        if c == "\\":
            if self.i + 1 >= len(self.text):
                raise self.error("'\\' at the end of the regex escapes nothing")
            self.i += 2
            return self.token(self.text[at + 1], at + 1)
        if c == '"':
            close = self.text.find('"', self.i + 1)
            if close < 0:
                raise self.error('unterminated quoted token (no closing ")')
            self.i = close + 1
            return self.token(self.text[at + 1:close], at + 1)
        if self.single:
            self.i += 1
            return self.token(c, at)
        j = at
        while j < len(self.text) and not self.text[j].isspace() and self.text[j] not in OPERATORS:
            j += 1
        self.i = j
        return self.token(self.text[at:j], at)

    def token(self, tok: str, at: int) -> tuple:
        if tok not in self.tokens:
            glued = not self.single and any(tok.startswith(t) for t in self.alphabet)
            hint = "; separate tokens with spaces" if glued else did_you_mean(tok, self.alphabet)
            raise self.error(f"{tok!r} is not a token of the alphabet "
                             f"({', '.join(self.alphabet)}){hint}", at)
        return ("tok", tok)


class _NFA:
    """Thompson construction: ``eps[q]`` and ``moves[q]`` list successor states."""

    def __init__(self):
        self.eps: list[list[int]] = []
        self.moves: list[list[tuple[str, int]]] = []

    def state(self) -> int:
        if len(self.eps) >= MAX_NFA:
            raise DefinitionError(f"the regex is too large (more than {MAX_NFA} NFA states)")
        self.eps.append([])
        self.moves.append([])
        return len(self.eps) - 1

    def build(self, node: tuple, alphabet: tuple[str, ...]) -> tuple[int, int]:
        """States (entry, exit) of a fragment recognizing ``node``."""
        kind = node[0]
        s, f = self.state(), self.state()
        if kind == "eps":
            self.eps[s].append(f)
        elif kind in ("tok", "any"):
            for t in (node[1],) if kind == "tok" else alphabet:
                self.moves[s].append((t, f))
        elif kind == "alt":
            for sub in node[1]:
                a, b = self.build(sub, alphabet)
                self.eps[s].append(a)
                self.eps[b].append(f)
        elif kind == "cat":
            cur = s
            for sub in node[1]:
                a, b = self.build(sub, alphabet)
                self.eps[cur].append(a)
                cur = b
            self.eps[cur].append(f)
        elif kind in ("star", "plus", "opt"):
            a, b = self.build(node[1], alphabet)
            self.eps[s].append(a)
            self.eps[b].append(f)
            if kind != "plus":
                self.eps[s].append(f)
            if kind != "opt":
                self.eps[b].append(a)
        else:  # rep: lo copies, then (hi - lo) optional copies or a star
            _, sub, lo, hi = node
            parts = [sub] * lo
            parts += [("star", sub)] if hi is None else [("opt", sub)] * (hi - lo)
            a, b = self.build(("cat", parts) if parts else ("eps",), alphabet)
            self.eps[s].append(a)
            self.eps[b].append(f)
        return s, f


def _determinize(nfa: _NFA, start: int, final: int, alphabet: tuple[str, ...]):
    def closure(states) -> frozenset[int]:
        seen, stack = set(states), list(states)
        while stack:
            for r in nfa.eps[stack.pop()]:
                if r not in seen:
                    seen.add(r)
                    stack.append(r)
        return frozenset(seen)

    first = closure([start])
    index, order, delta = {first: 0}, [first], []
    while len(delta) < len(order):
        cur = order[len(delta)]
        targets: dict[str, set[int]] = {}
        for q in cur:
            for t, r in nfa.moves[q]:
                targets.setdefault(t, set()).add(r)
        row = {}
        for k, t in enumerate(alphabet):
            if t in targets:
                nxt = closure(targets[t])
                if nxt not in index:
                    if len(order) >= MAX_DFA:
                        raise DefinitionError(f"the regex's automaton grows beyond {MAX_DFA} "
                                              "states; simplify it or use a dfa: definition")
                    index[nxt] = len(order)
                    order.append(nxt)
                row[k] = index[nxt]
        delta.append(row)
    accept = {i for i, S in enumerate(order) if final in S}
    return delta, accept


def _minimize(delta: list[dict[int, int]], accept: set[int], n_tokens: int):
    """Minimize with automata-lib; tokens are passed as their index (one-character strings)."""
    from automata.fa.dfa import DFA

    sym = [chr(0xE000 + k) for k in range(n_tokens)]  # private-use characters
    dfa = DFA(states=set(range(len(delta))), input_symbols=set(sym),
              transitions={q: {sym[k]: r for k, r in row.items()} for q, row in enumerate(delta)},
              initial_state=0, final_states=accept, allow_partial=True)
    if not accept:
        return 0, set(), {0: {}}
    small = dfa.minify(retain_names=False)
    back = {s: k for k, s in enumerate(sym)}
    trans = {q: {back[s]: r for s, r in row.items()} for q, row in small.transitions.items()}
    return small.initial_state, set(small.final_states), trans

