"""Reading ``pattern:`` definitions: blocks with exponents, and their ``where`` conditions.

A *block* is one of

- a literal: tokens written as a string is (``"#"``, ``"ab"``, ``"if then"``);
- a counted block ``BASE^EXP``: ``BASE`` is one token (``a``) or a group in parentheses
  (``(ab)``, ``(if then)``); ``EXP`` is a sum of variables with non-negative integer
  coefficients and a constant: ``n``, ``2n``, ``2*n``, ``(n+m)``, ``n+1``, ``3``;
- a word variable ``w`` or its reverse ``w^R``, declared in ``where`` as ``w in {a,b}*``
  (or ``+`` for non-empty words).

``where`` is a comma-separated list of conditions: ``w in {a, b}*``, or comparisons between a
variable and a number or two variables (chains allowed): ``n >= 1``, ``n != m``,
``1 <= n < m``. Every counter variable is at least 0. A pattern uses counters or one word
variable, not both.

>>> p = parse_pattern(["a^n", "b^m", "c^(n+m)"], "n >= 1", ("a", "b", "c"))
>>> p.blocks[2], p.conditions
((('c',), {'n': 1, 'm': 1}, 0), [('n', '>=', 1)])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langlab.languages.syntax import DefinitionError, check_tokens, split_tokens

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = (">=", "<=", "!=", "==", ">", "<", "=")


@dataclass
class Pattern:
    """Parsed pattern. Counter form: ``blocks`` are ``(unit tokens, {var: coef}, const)``.
    Copy form: ``word`` is set and ``blocks`` are ``("lit", tokens)`` / ``("w", reversed)``."""

    blocks: list = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    conditions: list[tuple] = field(default_factory=list)  # (var, op, var | int)
    word: str | None = None
    word_alphabet: tuple[str, ...] = ()
    word_min: int = 0


def parse_pattern(blocks: list[str], where: str, alphabet: tuple[str, ...]) -> Pattern:
    """Parse a pattern; mistakes raise :class:`DefinitionError` with ``part`` set."""
    p = Pattern()
    words = _parse_where(where, alphabet, p)
    if not blocks:
        raise DefinitionError("a pattern needs at least one block", None, ("blocks",))
    used: set[str] = set()
    for i, text in enumerate(blocks):
        p.blocks.append(_parse_block(text, alphabet, words, used, ("blocks", i)))
    if p.word is not None:
        if used:
            raise DefinitionError("a pattern uses counters (a^n) or a word variable (w), not "
                                  "both", None, ("blocks",))
        if not any(b[0] == "w" for b in p.blocks):
            raise DefinitionError(f"word variable {p.word!r} appears in no block", None,
                                  ("where",))
        p.blocks = [b if b[0] == "w" else ("lit", b[0] * b[2]) for b in p.blocks]
        return p
    for var, _, rhs in p.conditions:
        for v in (var, rhs):
            if isinstance(v, str) and v not in used:
                raise DefinitionError(f"variable {v!r} appears in no block", None, ("where",))
    p.variables = sorted(used)
    return p


def _parse_where(where: str, alphabet: tuple[str, ...], p: Pattern) -> set[str]:
    words: set[str] = set()
    offset = 0
    for part in _split_top(where):
        text = part.strip()
        at = offset + len(part) - len(part.lstrip())
        offset += len(part) + 1
        if not text:
            if where.strip():
                raise DefinitionError("empty condition (two commas in a row?)", at, ("where",))
            continue
        m = re.fullmatch(r"([A-Za-z_]\w*)\s+in\s+\{(.*)\}\s*([*+])", text)
        if m:
            if p.word is not None:
                raise DefinitionError("a pattern has at most one word variable", at, ("where",))
            inner_at = at + m.start(2)
            pairs, pos = [], inner_at
            for piece in m.group(2).split(","):
                tok = piece.strip()
                pairs.append((tok, pos + len(piece) - len(piece.lstrip())))
                pos += len(piece) + 1
            p.word_alphabet = check_tokens(pairs, alphabet, ("where",))
            p.word, p.word_min = m.group(1), int(m.group(3) == "+")
            words.add(p.word)
            continue
        if " in " in f" {text} ":
            raise DefinitionError("write a word variable as  w in {a, b}*  (or + for non-empty)",
                                  at, ("where",))
        p.conditions.extend(_parse_chain(text, at))
    return words


def _split_top(text: str) -> list[str]:
    """Split on commas outside braces (``w in {a,b}*, n >= 1``)."""
    parts, depth, cur = [], 0, []
    for c in text:
        depth += (c == "{") - (c == "}")
        if c == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    return parts + ["".join(cur)]


def _parse_chain(text: str, at: int) -> list[tuple]:
    pieces = re.split(r"(>=|<=|!=|==|>|<|=)", text)
    if len(pieces) < 3:
        raise DefinitionError(f"expected a comparison such as n >= 1, found {text!r}", at,
                              ("where",))
    operands, pos = [], at
    for k, piece in enumerate(pieces):
        if k % 2 == 0:
            s = piece.strip()
            where_ = pos + len(piece) - len(piece.lstrip())
            if s.isdigit():
                operands.append(int(s))
            elif _NAME.fullmatch(s):
                operands.append(s)
            else:
                raise DefinitionError("compare a variable with a number or another variable "
                                      f"(e.g. n >= 1, n != m); {s!r} is neither", where_,
                                      ("where",))
        pos += len(piece)
    out = []
    for k in range(1, len(pieces), 2):
        lhs, op, rhs = operands[k // 2], pieces[k], operands[k // 2 + 1]
        op = "=" if op == "==" else op
        if isinstance(lhs, int) and isinstance(rhs, int):
            raise DefinitionError(f"{lhs} {op} {rhs} compares two numbers", at, ("where",))
        if isinstance(lhs, int):  # c op v  ->  v op' c
            lhs, rhs, op = rhs, lhs, {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)
        out.append((lhs, op, rhs))
    return out


def _parse_block(text: str, alphabet: tuple[str, ...], words: set[str], used: set[str],
                 part: tuple) -> tuple:
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    if not body:
        raise DefinitionError("empty block", 0, part)
    base, caret, exp = body.rpartition("^") if "^" in body else (body, "", "")
    name = base.strip()
    if name in words or (not caret and body in words):
        if caret and exp.strip() != "R":
            raise DefinitionError(f"a word variable is written {name} or {name}^R", lead, part)
        return ("w", bool(caret))
    if not caret:
        pairs = [(t, o + lead) for t, o in split_tokens(body, alphabet)]
        if body not in alphabet and _NAME.fullmatch(body) and not words and len(body) == 1:
            raise DefinitionError(f"{body!r} is not a token; to use it as a word variable, "
                                  f"declare it in where:  {body} in {{...}}*", lead, part)
        return (check_tokens(pairs, alphabet, part), {}, 1)
    base_at = lead + len(base) - len(base.lstrip())
    if name.startswith("(") and name.endswith(")"):
        inner = name[1:-1]
        pairs = [(t, o + base_at + 1) for t, o in split_tokens(inner, alphabet)]
        unit = check_tokens(pairs, alphabet, part)
        if not unit:
            raise DefinitionError("an empty group () cannot be repeated", base_at, part)
    else:
        if name not in alphabet and len(split_tokens(name, alphabet)) > 1:
            raise DefinitionError(f"{name}^... is ambiguous: write ({name})^... to repeat the "
                                  "group, or one block per token", base_at, part)
        unit = check_tokens([(name, base_at)], alphabet, part)
    coefs, const = _parse_exponent(exp, lead + len(base) + 1, part)
    used.update(coefs)
    return (unit, coefs, const)


def _parse_exponent(exp: str, at: int, part: tuple) -> tuple[dict[str, int], int]:
    text = exp.strip()
    at += len(exp) - len(exp.lstrip())
    if text.startswith("(") and text.endswith(")"):
        text, at = text[1:-1], at + 1
    if not text.strip():
        raise DefinitionError("missing exponent after '^'", at, part)
    coefs: dict[str, int] = {}
    const, pos = 0, at
    for term in text.split("+"):
        t = term.strip()
        t_at = pos + len(term) - len(term.lstrip())
        pos += len(term) + 1
        m = re.fullmatch(r"(\d*)\s*\*?\s*([A-Za-z_]\w*)?", t)
        if not t or not m or (not m.group(1) and not m.group(2)):
            raise DefinitionError(f"bad exponent term {t!r}; exponents are sums like n, 2n, "
                                  "n+m, n+1 (no minus)", t_at, part)
        if m.group(2):
            c = int(m.group(1) or 1)
            if c == 0:
                raise DefinitionError("a variable's coefficient must be at least 1", t_at, part)
            coefs[m.group(2)] = coefs.get(m.group(2), 0) + c
        else:
            const += int(m.group(1))
    return coefs, const


def shape_level(p: Pattern) -> str:
    """The highest Chomsky level a pattern's shape allows (see the module docstring)."""
    if p.word is not None:
        copies = [rev for kind, rev in p.blocks if kind == "w"]
        if len(copies) == 1:
            return "regular"
        return "context-free" if len(copies) == 2 and copies[0] != copies[1] else \
            "context-sensitive"
    groups = {v: {v} for v in p.variables}  # variables tied by conditions share a group
    for v, _, r in p.conditions:
        if isinstance(r, str) and groups[v] is not groups[r]:
            merged = groups[v] | groups[r]
            for u in merged:
                groups[u] = merged
    spans = []
    for g in {id(g): g for g in groups.values()}.values():
        blocks = sorted({i for i, b in enumerate(p.blocks) if set(b[1]) & g})
        if len(blocks) > 2:
            return "context-sensitive"
        if len(blocks) == 2:
            spans.append(tuple(blocks))
    if not spans:
        return "regular"
    crossing = any(a < c < b < d for a, b in spans for c, d in spans)
    return "context-sensitive" if crossing else "context-free"
