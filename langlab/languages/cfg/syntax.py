"""Reading context-free grammars written in (a subset of) lark's grammar syntax.

Supported, as in lark::

    start: s                      // the start symbol is `start` if defined, else the first rule
    s: "(" s ")" s                // a string literal is written in the language's notation:
     | "[" s "]" s                //   "ab" is the tokens a b when every token is one character,
     |                            //   "if then" is two tokens otherwise; "" is the empty string
    ?pair: item ("," item)*       // ( ) grouping, [ ] or ? optional, * + repetition,
    items: item ~ 2..4            // ~ n and ~ n..m counted repetition
    ITEM: "a" | "b"               // UPPERCASE definitions are allowed and behave like rules

Accepted and ignored, since they do not change the language: the ``?``/``!`` rule modifiers,
priorities (``rule.2:``) and aliases (``-> name``). Rejected with a message: ``%import``,
``%ignore`` and other directives, regular-expression terminals ``/.../``, case-insensitive
strings ``"..."i``, templates ``rule{x}``.

:func:`parse_grammar` returns a :class:`Grammar`: nonterminals are integers, tokens strings,
and the EBNF operators are desugared into fresh nonterminals with unambiguous rules
(``x*`` → ``N: | x N``), so the grammar's derivations are those of the text.

>>> g = parse_grammar('s: "(" s ")" s |', ("(", ")"))
>>> g.names, g.prods
(['s'], [[('(', 0, ')', 0), ()]])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langlab.languages.syntax import (DefinitionError, check_tokens, did_you_mean,
                                      split_tokens)

MAX_REPEAT = 100
_LEX = re.compile(r"""
    (?P<ws>[ \t\r]+) | (?P<comment>//[^\n]*) | (?P<nl>\n) |
    (?P<name>[A-Za-z_][A-Za-z0-9_]*) | (?P<number>[0-9]+) |
    (?P<op>->|\.\.|[:|()\[\]?*+~.!%{}/,])
""", re.VERBOSE)
_ESC = {"n": "\n", "t": "\t", "\\": "\\", '"': '"'}


@dataclass
class Grammar:
    """``prods[A]`` lists the right-hand sides of nonterminal ``A``: tuples of tokens (str) and
    nonterminals (int). ``names[A]`` is the user's name (or ``rule/2*`` for a generated one)."""

    names: list[str] = field(default_factory=list)
    prods: list[list[tuple]] = field(default_factory=list)
    start: int = 0

    def new(self, name: str) -> int:
        self.names.append(name)
        self.prods.append([])
        return len(self.names) - 1


def parse_grammar(text: str, alphabet: tuple[str, ...]) -> Grammar:
    """Parse ``text``; every mistake is a :class:`DefinitionError` at its character."""
    return _Parser(text, tuple(alphabet)).parse()


class _Parser:
    def __init__(self, text: str, alphabet: tuple[str, ...]):
        self.text, self.alphabet = text, alphabet
        self.toks = self.lex()
        self.k = 0
        self.g = Grammar()
        self.nts: dict[str, int] = {}          # every name seen -> its nonterminal
        self.defined: dict[str, int] = {}      # defined names -> offset of the definition
        self.refs: list[tuple[str, int]] = []
        self.fresh = 0

    # ------------------------------------------------------------------ lexing
    def lex(self) -> list[tuple[str, str, int]]:
        toks, i, text = [], 0, self.text
        while i < len(text):
            c = text[i]
            if c == '"':
                value, i2 = self.string(i)
                toks.append(("str", value, i))
                i = i2
                continue
            m = _LEX.match(text, i)
            if not m:
                hint = "; strings are written in double quotes" if c == "'" else ""
                raise DefinitionError(f"unexpected character {c!r}{hint}", i)
            kind, value = m.lastgroup, m.group()
            if kind == "op" and value == "/":
                raise DefinitionError("regular-expression terminals /.../ are not supported; "
                                      'list the tokens instead: "a" | "b"', i)
            if kind == "op" and value == "%":
                word = re.match(r"%\w*", text[i:]).group()
                raise DefinitionError(f"{word!r} directives are not supported; the grammar "
                                      "defines every symbol itself, over the alphabet's tokens", i)
            if kind not in ("ws", "comment"):
                toks.append((kind, value, i))
            i = m.end()
        toks.append(("nl", "\n", len(text)))
        toks.append(("end", "", len(text)))
        return toks

    def string(self, i: int) -> tuple[tuple[str, list[int]], int]:
        """A string literal at ``text[i] == '"'``: (content, offsets of its characters)."""
        text, j, chars, offs = self.text, i + 1, [], []
        while j < len(text) and text[j] not in '"\n':
            if text[j] == "\\" and j + 1 < len(text) and text[j + 1] in _ESC:
                chars.append(_ESC[text[j + 1]])
                offs.append(j)
                j += 2
            else:
                chars.append(text[j])
                offs.append(j)
                j += 1
        if j >= len(text) or text[j] != '"':
            raise DefinitionError("unterminated string (no closing \" on this line)", i)
        if j + 1 < len(text) and text[j + 1] == "i":
            raise DefinitionError('case-insensitive strings "..."i are not supported', j + 1)
        return ("".join(chars), offs), j + 1

    # ------------------------------------------------------------------ parsing
    def peek(self, skip_nl: bool = False) -> tuple[str, str, int]:
        k = self.k
        while skip_nl and self.toks[k][0] == "nl":
            k += 1
        return self.toks[k]

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.k]
        self.k += 1
        return tok

    def expect(self, value: str, what: str, at: int | None = None) -> None:
        kind, v, off = self.peek()
        if v != value or kind != "op":
            if at is not None and kind in ("nl", "end"):
                raise DefinitionError(f"unclosed {self.text[at]!r} (expected {what})", at)
            shown = {"nl": "the end of the line", "end": "the end of the grammar",
                     "str": "a string"}.get(kind, repr(v))
            raise DefinitionError(f"expected {what}, found {shown}", off)
        self.take()

    def parse(self) -> Grammar:
        while self.peek(skip_nl=True)[0] != "end":
            while self.peek()[0] == "nl":
                self.take()
            self.definition()
        if not self.defined:
            raise DefinitionError("the grammar defines no rule (write rules as  name: ...)", 0)
        for name, off in self.refs:
            if name not in self.defined:
                raise DefinitionError(f"undefined symbol {name!r}"
                                      f"{did_you_mean(name, list(self.defined))}", off)
        first = min(self.defined, key=self.defined.__getitem__)
        self.g.start = self.nts["start" if "start" in self.defined else first]
        return self.g

    def definition(self) -> None:
        kind, value, off = self.take()
        if kind == "op" and value in "?!":
            kind, value, off = self.take()
        if kind != "name":
            shown = repr(value) if kind != "str" else "a string"
            raise DefinitionError(f"expected a rule name at the start of a definition, found "
                                  f"{shown}", off)
        if value in self.defined:
            line = self.text.count("\n", 0, self.defined[value]) + 1
            raise DefinitionError(f"rule {value!r} is defined twice (first on line {line} of "
                                  "the grammar)", off)
        nt = self.nonterminal(value)
        self.defined[value] = off
        if self.peek()[1] == "{":
            raise DefinitionError("templates (rule{x}) are not supported", self.peek()[2])
        if self.peek()[1] == ".":  # priority: accepted and ignored
            self.take()
            if self.take()[0] != "number":
                raise DefinitionError("expected a priority number after '.'", off)
        self.expect(":", f"':' after the rule name {value!r}")
        alts = self.expansions(value, in_group=False)
        self.g.prods[nt] = alts or [()]
        kind, v, off2 = self.peek()
        if kind not in ("nl", "end"):
            raise DefinitionError(f"unexpected {v!r}", off2)

    def nonterminal(self, name: str) -> int:
        if name not in self.nts:
            self.nts[name] = self.g.new(name)
        return self.nts[name]

    def expansions(self, rule: str, in_group: bool) -> list[tuple]:
        alts = [self.expansion(rule, in_group)]
        while self.peek(skip_nl=True)[1] == "|":
            while self.peek()[0] == "nl":
                self.take()
            self.take()
            alts.append(self.expansion(rule, in_group))
        return alts

    def expansion(self, rule: str, in_group: bool) -> tuple:
        items: list = []
        while True:
            while in_group and self.peek()[0] == "nl":
                self.take()
            kind, value, off = self.peek()
            if kind in ("nl", "end") or value in ("|", ")", "]"):
                break
            if value == "->":
                self.take()
                if self.take()[0] != "name":
                    raise DefinitionError("expected an alias name after '->'", off)
                continue
            items.extend(self.expr(rule, in_group))
        return tuple(items)

    def expr(self, rule: str, in_group: bool) -> list:
        atom = self.atom(rule, in_group)
        kind, value, off = self.peek()
        if value in ("?", "*", "+") and kind == "op":
            self.take()
            return [self.wrap(rule, atom, {"?": (0, 1), "*": (0, None), "+": (1, None)}[value])]
        if value == "~":
            self.take()
            lo, hi = self.count(off)
            return [self.wrap(rule, atom, (lo, hi))]
        return list(atom)

    def count(self, at: int) -> tuple[int, int]:
        kind, value, off = self.take()
        if kind != "number":
            raise DefinitionError("expected a number after '~'", off)
        lo = hi = int(value)
        if self.peek()[1] == "..":
            self.take()
            kind, value, off = self.take()
            if kind != "number":
                raise DefinitionError("expected a number after '..'", off)
            hi = int(value)
        if hi < lo or hi > MAX_REPEAT:
            raise DefinitionError(f"bad repetition ~ {lo}..{hi} (need lo <= hi <= {MAX_REPEAT})",
                                  at)
        return lo, hi

    def atom(self, rule: str, in_group: bool) -> tuple:
        kind, value, off = self.take()
        if kind == "str":
            content, offs = value
            pairs = [(t, offs[o]) for t, o in split_tokens(content, self.alphabet)]
            return check_tokens(pairs, self.alphabet)
        if kind == "name":
            if self.peek()[1] == "{":
                raise DefinitionError("templates (rule{x}) are not supported", self.peek()[2])
            self.refs.append((value, off))
            return (self.nonterminal(value),)
        if value in ("(", "["):
            close = ")" if value == "(" else "]"
            alts = self.expansions(rule, in_group=True)
            self.expect(close, f"{close!r} to close it", at=off)
            if value == "[":
                return (self.wrap(rule, (self.group(rule, alts),), (0, 1)),)
            return alts[0] if len(alts) == 1 else (self.group(rule, alts),)
        shown = "the end of the line" if kind in ("nl", "end") else repr(value)
        raise DefinitionError(f"expected a string, a rule name or '(', found {shown}", off)

    def group(self, rule: str, alts: list[tuple]) -> int:
        nt = self.g.new(f"{rule}/{self.bump()}")
        self.g.prods[nt] = alts
        return nt

    def bump(self) -> int:
        self.fresh += 1
        return self.fresh

    def wrap(self, rule: str, body: tuple, bounds: tuple[int, int | None]) -> int:
        """A fresh nonterminal for ``body`` repeated lo..hi times (hi None: unbounded)."""
        lo, hi = bounds
        nt = self.g.new(f"{rule}/{self.bump()}")
        if hi is None:  # N: body^lo | body N  -- at least lo copies, one parse per count
            self.g.prods[nt] = [tuple(body) * lo, tuple(body) + (nt,)]
            return nt
        # body^lo followed by up to hi-lo optional copies, nested so each count has one parse
        tail: tuple = ()
        for _ in range(hi - lo):
            opt = self.g.new(f"{rule}/{self.bump()}")
            self.g.prods[opt] = [(), tuple(body) + tail]
            tail = (opt,)
        self.g.prods[nt] = [tuple(body) * lo + tail]
        return nt
