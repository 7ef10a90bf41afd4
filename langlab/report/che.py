"""CHE's score beside Delétang et al. 2023, Table 2: the section a transduction report gets
when its languages have Table 2 rows (``langlab.reference.deletang2023``).

Our headline for transduction is whole-output accuracy; CHE's Table 2 reports per-token
accuracy averaged over the test lengths (``che_score``), the maximum over seeds. This section
shows that score, ours / published, for every cell whose language has a row and whose model is
one of CHE's five, marks with ⚠ each cell where the two sides disagree on "solves" (≥ 90%),
and counts the agreements. A Transformer column is compared with Table 2's Transformer (the
best of CHE's positional encodings), whatever its own encoding; several columns of one model
(a Transformer under each encoding) are compared as one cell, their best per task, as Table 2
reports the best of CHE's encodings.
"""

from __future__ import annotations

import json

from langlab.reference.deletang2023 import MODELS, SOLVED, published, table2
from langlab.report.build import Report

DISAGREE = "⚠"
TITLE = "CHE's score beside Delétang et al. 2023, Table 2"


def che_rows(report: Report) -> list[dict]:
    """One row per language with a Table 2 row: its cells, in the report's column order, each
    ``{"column", "ours" (max over seeds, percent), "mean", "published", "agree"}``; a cell
    without a stored score has ``ours`` None."""
    chomsky = {r.language: r.chomsky for r in table2()}
    scored = {col for _, col in report.che}   # the transduction columns
    groups = compared_columns(report)
    out = []
    for lang in chomsky:   # Table 2's order: regular, then DCF, then CS tasks
        if lang not in report.languages:
            continue
        cells = []
        for label, model, cols in groups:
            ref = published(lang, model)
            cols = [c for c in cols if c in scored]
            if ref is None or not cols:
                continue
            have = [(report.che[(lang, c)], c) for c in cols if (lang, c) in report.che]
            stats, best = max(have, key=lambda sc: sc[0].max) if have else (None, None)
            ours = None if stats is None else round(100 * stats.max, 1)
            cell = {"column": label, "ours": ours,
                    "mean": None if stats is None else round(100 * stats.mean, 1),
                    "published": ref,
                    "agree": None if ours is None else (ours >= SOLVED) == (ref >= SOLVED)}
            if len(cols) > 1:
                cell.update(columns=cols, best=best)
            cells.append(cell)
        if cells:
            out.append({"language": lang, "chomsky": chomsky[lang], "cells": cells})
    return out


def compared_columns(report: Report) -> list[tuple[str, str, list[str]]]:
    """(label, CHE model, the report's columns of it), in column order: one entry per model of
    Table 2; a model with several columns is labelled ``"<model> (best of N)"``."""
    by_model: dict[str, list[str]] = {}
    for col, model in report.columns:
        if model in MODELS:
            by_model.setdefault(model, []).append(col)
    return [(cols[0] if len(cols) == 1 else f"{model} (best of {len(cols)})", model, cols)
            for model, cols in by_model.items()]


def agreement(rows: list[dict]) -> tuple[int, int]:
    """(cells that agree on "solves", cells compared)."""
    judged = [c["agree"] for r in rows for c in r["cells"] if c["agree"] is not None]
    return sum(judged), len(judged)


def che_md(report: Report) -> list[str]:
    """The markdown section; empty when no language has a Table 2 row."""
    rows = che_rows(report) if report.che else []
    if not rows:
        return []
    columns = list(dict.fromkeys(c["column"] for r in rows for c in r["cells"]))
    agree, total = agreement(rows)
    out = [f"## {TITLE}", "",
           "CHE's score: per-token accuracy averaged over the test lengths, each length weighing "
           "the same, max over seeds (ours) / Table 2 (published; the maximum over 10 seeds and 3 "
           "learning rates, the Transformer the best of its positional encodings). "
           f"{DISAGREE} marks a cell where the two disagree on \"solves\" (≥ {SOLVED:.0f}%). "
           "The published rows are unverified transcriptions "
           "(`langlab/reference/deletang2023_table2.csv` says where each comes from)."
           + "".join(f" {label} is the best of {', '.join(cols)} per task, as Table 2's {model} "
                     "is the best of CHE's encodings."
                     for label, model, cols in compared_columns(report) if len(cols) > 1), "",
           f"Agreement on \"solves\": {agree} of {total} cells"
           + (f" ({100 * agree / total:.0f}%)." if total else "."), "",
           "| task (CHE's class) | " + " | ".join(columns) + " |",
           "|---|" + "---:|" * len(columns)]
    for r in rows:
        by_col = {c["column"]: c for c in r["cells"]}
        texts = []
        for col in columns:
            c = by_col.get(col)
            if c is None:
                texts.append("—")
                continue
            ours = "—" if c["ours"] is None else f"{c['ours']:.1f}"
            mark = f" {DISAGREE}" if c["agree"] is False else ""
            texts.append(f"{ours} / {c['published']:.1f}{mark}")
        out.append(f"| `{r['language']}` ({r['chomsky']}) | " + " | ".join(texts) + " |")
    out.append("")
    iso = isolated_rows(report)
    if iso:
        out += ["Isolating runs (suite `isolate`): the same cells with one setting changed, CHE's "
                "score max over seeds / Table 2.", "",
                "| task | model | reason | changed | CHE's score | note |", "|---|---|---|---|---:|---|"]
        for r in iso:
            changed = ", ".join(f"`{k}={json.dumps(v)}`" for k, v in r["set"].items())
            mark = f" {DISAGREE}" if r["agree"] is False else ""
            out.append(f"| `{r['language']}` | {r['column']} | {r['reason']} | {changed} | "
                       f"{r['ours']:.1f} / {r['published']:.1f}{mark} | {r['note']} |")
        out.append("")
    return out


def isolated_rows(report: Report) -> list[dict]:
    """CHE's score of each isolating run that has a Table 2 number, in suite order."""
    out = []
    for (lang, col), items in report.che_isolated.items():
        model = dict(report.columns).get(col)
        ref = published(lang, model) if model in MODELS else None
        if ref is None:
            continue
        for iso, stats in items:
            ours = round(100 * stats.max, 1)
            out.append({"language": lang, "column": col, "reason": iso.reason, "set": iso.set,
                        "note": iso.note, "ours": ours, "mean": round(100 * stats.mean, 1),
                        "published": ref, "agree": (ours >= SOLVED) == (ref >= SOLVED)})
    return out


def che_json(report: Report) -> dict | None:
    """The section's rows and agreement for ``results.json``; None without Table 2 rows."""
    rows = che_rows(report) if report.che else []
    if not rows:
        return None
    agree, total = agreement(rows)
    return {"solved_at": SOLVED, "agree": agree, "compared": total, "rows": rows,
            "isolated": isolated_rows(report)}
