"""A :class:`~langlab.report.build.Report` as files: ``table.md``, ``table.csv``,
``results.json`` and a single self-contained ``index.html`` (plots embedded as data URIs).

Every output is a pure function of the report: no clock, no absolute paths, sorted JSON keys,
so regenerating from the same results gives byte-identical files.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

from langlab.harness.results import EDIT_COLUMNS, GENERALIZES, LONG_RULES, MEMBERS, PERMUTED
from langlab.report.build import Entry, Report, generalizes, own_test_bins
from langlab.report.che import che_json, che_md
from langlab.report import formulations as formulation_section
from langlab.report.formulations import formulations_json, formulations_md
from langlab.report.probes import probe_md, summarize_probes
from langlab.tasks import task_class

DASH = "—"
DISAGREE = "⚠"
STALE = "‡"
EASY = "◇"   # at 90% on the task's negatives, below on permuted negatives of the same lengths


def pct(x: float) -> str:
    """A fraction as a percentage with one decimal: ``pct(0.9876) == '98.8'``."""
    return f"{100 * x:.1f}"


def duration(seconds: float) -> str:
    """``duration(3725) == '1 h 02 min'``; ``duration(75) == '1 min 15 s'``."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def cell_view(entry: Entry, split: str, n_seeds: int) -> dict:
    """What one table cell shows, shared by the markdown and HTML renderings."""
    view = {"max": None, "ok": False, "spread": "", "notes": [], "ref": None, "claim": False,
            "ref_title": "", "disagree": False, "status": entry.status, "text": ""}
    cell = entry.cell
    stats = cell.bins.get(split) if cell else None
    if entry.status in ("pending", "failed", "skipped"):
        view["text"] = "not run" if entry.status == "pending" else entry.status
    elif stats is None:
        view["text"] = DASH
    else:
        view["max"], view["ok"] = pct(stats.max), generalizes(stats.max)
        view["spread"] = f"{pct(stats.mean)} ± {pct(stats.sd)}"
        if stats.n < n_seeds:
            view["notes"].append(f"n={stats.n}")
        permuted = cell.bins.get(f"{split}{PERMUTED}")
        if permuted is not None and view["ok"] and not generalizes(permuted.max):
            view["ok"] = False
            view["notes"].append(f"{EASY} permuted {pct(permuted.max)}")
    if cell and cell.failed and entry.status != "failed":
        view["notes"].append(f"{cell.failed} failed")
    if entry.stale:
        view["notes"].append(f"{STALE} {entry.stale} stale")
    ref = entry.reference.values.get(split) if entry.reference else None
    if ref is not None:
        view["ref"], view["claim"] = pct(ref), entry.reference.claim
        view["ref_title"] = f"{entry.reference.label}: {entry.reference.source}"
        view["disagree"] = bool(entry.disagrees(split))
    return view


def header(report: Report) -> list[tuple[str, str]]:
    """(label, text) lines of the protocol header, in order."""
    p, info = report.protocol, report.run_info
    splits = ", ".join(f"{'test' if s['name'].startswith('test-') else s['name']} "
                       f"{s['lengths']} ×{s['size']}"
                       for s in p["splits"])
    opts = "".join(f", {k}={v}" for k, v in sorted(p["task_options"].items()))
    tr = dict(p["training"])
    search = p.get("search")
    for path in (search or {}).get("space", {}):   # a searched setting has no one value
        if path.startswith("training."):
            tr[path.removeprefix("training.")] = "searched"
    lr = tr["lr"] if not isinstance(tr["lr"], list) else "{" + ", ".join(map(str, tr["lr"])) + "}"
    training = (f"{tr['optimizer']} lr {lr}, batch {tr['batch_size']}, up to {tr['epochs']} epochs"
                + (f" / {tr['max_steps']} steps" if tr.get("max_steps") else "")
                + (f", early stopping after {tr['patience']} evaluations without improvement"
                   if tr.get("patience") else "")
                + (f", {tr['time_limit_s']:g} s per run" if tr.get("time_limit_s") else ""))
    if p.get("language_training"):
        training += "; per language: " + "; ".join(
            f"{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(over.items()))
            for name, over in p["language_training"].items())
    models = "; ".join(
        f"{m['column']} = {m['model']}"
        + (" (" + ", ".join(f"{k}={v}" for k, v in sorted(m["settings"].items())) + ")"
           if m["settings"] else "")
        + ("; its training: " + ", ".join(f"{k} {v}" for k, v in sorted(m["training"].items()))
           if m.get("training") else "")
        for m in p["models"])
    c = report.counts
    version = info.get("langlab_version") or (report.versions[-1] if report.versions else "?")
    if report.versions and report.versions != [version]:
        version += f" (results written by {', '.join(report.versions)})"
    machine = ", ".join(x for x in (info.get("machine"),
                                    info.get("python") and f"python {info['python']}",
                                    info.get("torch") and f"torch {info['torch']}") if x)
    wall = (f"{duration(info['wall_s'])} over {len(info.get('sessions', []))} session(s)"
            if "wall_s" in info else "unknown (no run.json)")
    task = f"{p['task']} (target mode {p['target_mode']}{opts})"
    if p.get("tasks"):   # a list of tasks: each with its own options
        task = "; ".join(f"{t['name']} (target mode {t['target_mode']}"
                         + "".join(f", {k}={v}" for k, v in sorted(t["options"].items())) + ")"
                         for t in p["tasks"]) + "; one column per model and task"
    return [
        ("task", task),
        ("splits", f"{splits}; {p['distribution']} sampling, split seed {p['split_seed']}"
                   + ("; training lengths exactly uniform, the few members of short lengths "
                      "repeating (split.train_lengths: uniform)"
                      if p.get("train_lengths") == "uniform" else "")
                   + ("; languages with their own split (the paper's files) use their own "
                      "bins, see Bins" if report.bin_ranges else "")),
        ("seeds", ", ".join(map(str, p["seeds"]))),
        ("selection", selection_text(p["selection"])),
        ("training", training),
        *([("search", search_text(search))] if search else []),
        ("models", models),
        ("runs", f"{c['done']} done, {c['failed']} failed, {c['pending']} pending of {c['total']}"
                 + (f"; {STALE} {len(report.stale)} stale (written by code with another "
                    "fingerprint: see Stale runs)" if report.stale else "")),
        ("langlab", version),
        ("machine", machine or "unknown (no run.json)"),
        ("wall time", wall),
    ]


def search_text(search: dict) -> str:
    """The header's search line: trials, how they are drawn, and each path's distribution."""
    space = "; ".join(f"{path} {kind.replace('_', '-')} {arg}" for path, dist in
                      search["space"].items() for kind, arg in dist.items())
    draws = ("each language × model cell its own draws" if search.get("draw") == "per-cell"
             else "the same points for every cell")
    return (f"{search['trials']} random trials ({draws}, seed {search.get('seed', 0)}), each a "
            f"grid point: {space}")


SELECTION = {"validation-accuracy": "highest mean validation accuracy",
             "validation-loss": "lowest mean validation loss",
             "validation-long": "highest mean validation-long accuracy",
             "validation-long-loss": "lowest mean validation-long loss"}


def selection_text(rule: str) -> str:
    """The header's selection line: what the rule picks, and whether it looks at test."""
    if rule == "test-max":
        return ("test-max: each test bin's best checkpoint, then the best seed, as the 2020 "
                "paper's code did. It SELECTS ON TEST and is offered only to compare with papers")
    where = "held-out validation-long bin" if rule in LONG_RULES else "never a test bin"
    return (f"{rule}: per language and model, the grid point with the "
            f"{SELECTION.get(rule, 'best validation score')} over seeds ({where})")


def legend(report: Report) -> str:
    names = [t["name"] for t in report.protocol.get("tasks", [])] or [report.protocol["task"]]
    metric = "; ".join((f"{n}: " if len(names) > 1 else "") + task_class(n).score_legend
                       for n in names)   # what "accuracy" means, per task
    text = f"Each cell: the maximum over seeds in bold and, smaller, mean ± sd — {metric}. "
    if any(e.reference for e in report.entries.values()):
        text += (f"Published numbers stand beside ours (pub.: tabulated; claim: the paper's "
                 f"blanket claim); {DISAGREE} marks a cell where ours and the published number "
                 f"disagree on whether the model generalizes (≥ {100 * GENERALIZES:.0f}% or "
                 "below). ")
    if report.permuted_bins:
        text += (f"{EASY} permuted x: the cell reaches {100 * GENERALIZES:.0f}% on the task's "
                 f"negatives but only x on permuted negatives of the same lengths (section "
                 f"\"Against permuted negatives\"), so its score comes from negatives that a "
                 f"check of the counts or the shape rejects; it does not count as generalizing. ")
    return text + "n=k: only k seeds finished."


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _md_cell(v: dict) -> str:
    out = v["text"] if v["max"] is None else f"**{v['max']}** <sub>{v['spread']}</sub>"
    if v["notes"]:
        out += f" <sub>{', '.join(v['notes'])}</sub>"
    if v["ref"] is not None:
        out += f"<br><sub>{'claim' if v['claim'] else 'pub.'} {v['ref']}</sub>"
        out += f" {DISAGREE}" if v["disagree"] else ""
    return out


def table_md(report: Report, plots: dict | None = None) -> str:
    n_seeds = len(report.protocol["seeds"])
    lines = [f"# Capability table: {report.name}", ""]
    if report.description:
        lines += [report.description, ""]
    lines += [f"- **{label}**: {_md_escape(text)}" for label, text in header(report)]
    lines += ["", legend(report), ""]
    heads = [f"{col} {b.removeprefix('test-')}" for col, _ in report.columns for b in report.bins]
    for cls, langs in report.groups():
        lines += [f"## {cls}", "", "| language | " + " | ".join(heads) + " |",
                  "|---|" + "---:|" * len(heads)]
        for lang in langs:
            cells = [_md_cell(cell_view(report.entries[(lang, col)], b, n_seeds))
                     for col, _ in report.columns for b in report.bins]
            lines.append(f"| `{_md_escape(lang)}` | " + " | ".join(cells) + " |")
        lines.append("")
    lines += formulations_md(report)
    lines += che_md(report)
    if plots:
        by_lang = plots["languages"]
        lines += ["## Plots", "", f"![heatmap]({plots['heatmap']['svg']})", ""]
        lines += [f"- `{_md_escape(lang)}`: [accuracy by length]({by_lang[lang]['svg']})"
                  for lang in report.languages if lang in by_lang]
        lines.append("")
    lines += probe_md(report, plots)
    lines += _md_by_edits(report) + _md_permuted(report)
    lines += (_md_bin_ranges(report) + _md_comparison(report) + _md_isolated(report)
              + _md_rescored(report) + _md_readings(report))
    lines += (_md_stale(report) + _md_failures(report) + _md_data_notes(report)
              + _md_sources(report))
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_bin_ranges(report: Report) -> list[str]:
    """Per-language bins: the lengths each ordinal bin holds, language by language."""
    if not report.bin_ranges:
        return []
    heads = [b.removeprefix("test-") for b in report.bins]
    out = ["## Bins (lengths of each language's test bins)", "",
           "| language | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for lang in report.languages:
        ranges = report.bin_ranges.get(lang, {})
        out.append(f"| `{_md_escape(lang)}` | "
                   + " | ".join(ranges.get(b, DASH) for b in report.bins) + " |")
    return out + [""]


def _md_by_edits(report: Report) -> list[str]:
    """Accuracy on the negatives by the number of edits that made them (FLaRe's negatives):
    only for runs whose test metrics carry ``by_edits``."""
    if not any(e.cell and e.cell.by_edits for e in report.entries.values()):
        return []
    columns = (MEMBERS, *EDIT_COLUMNS)
    heads = [f"{col} {c}" for col, _ in report.columns for c in columns]
    out = ["## Accuracy by edit distance", "",
           "The share of negatives rejected, by how they were made: 1, 2, or 3 or more random "
           "edits of a member (the edits applied, Geometric(edit_p); a negative's edit distance "
           "to the language is at least 1 and at most that many), or a uniform random string; "
           "beside them, the share of members accepted (`members`), since rejecting everything "
           "scores 100 on every negative column. Each seed's counts are summed over every test "
           "bin; each cell is the maximum over seeds in bold and, smaller, mean ± sd, for the "
           "grid point (trial) the main table selected.", "",
           "| language | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for lang in report.languages:
        cells = []
        for col, _ in report.columns:
            c = report.entries[(lang, col)].cell
            for k in columns:
                st = c.by_edits.get(k) if c else None
                cells.append(DASH if st is None else
                             f"**{pct(st.max)}** <sub>{pct(st.mean)} ± {pct(st.sd)}</sub>")
        out.append(f"| `{_md_escape(lang)}` | " + " | ".join(cells) + " |")
    return out + [""]


def _md_permuted(report: Report) -> list[str]:
    """Accuracy on the test bins of permuted negatives (members with transposed symbols), with
    the share of members accepted and of those negatives rejected beside it."""
    if not report.permuted_bins:
        return []
    n_seeds = len(report.protocol["seeds"])
    bins = [b.removeprefix("test-").removesuffix("-permuted") for b in report.permuted_bins]
    heads = [f"{col} {h}" for col, _ in report.columns for h in (*bins, "members", "rejected")]
    out = ["## Against permuted negatives", "",
           "Test bins whose negatives are members with a Geometric number of transposed symbols "
           "(`negatives: permuted`, e.g. `langlab eval RUN --negatives permuted`): each has a "
           "member's length and a member's count of every symbol, so a model that checks only "
           "the length, the counts or a regular shape accepts them all and scores 50. Each bin "
           "is the accuracy over its members and negatives, as in the main table, for the grid "
           "point the main table selected; `members` is the share of members accepted and "
           "`rejected` the share of permuted negatives rejected, pooled over these bins (max "
           "over seeds in bold, then mean ± sd). Languages without a row were not scored on "
           "such bins, or have no permuted negatives (membership that reads only the counts).",
           "", "| language | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for lang in report.languages:
        if not any((lang, col) in report.permuted for col, _ in report.columns):
            continue
        cells = []
        for col, _ in report.columns:
            entry = report.entries[(lang, col)]
            cells += [_md_cell(cell_view(entry, b, n_seeds)) for b in report.permuted_bins]
            pooled = report.permuted.get((lang, col), {})
            cells += [DASH if k not in pooled else
                      f"**{pct(pooled[k].max)}** <sub>{pct(pooled[k].mean)} ± "
                      f"{pct(pooled[k].sd)}</sub>" for k in ("members", "rejected")]
        out.append(f"| `{_md_escape(lang)}` | " + " | ".join(cells) + " |")
    return out + [""]


def comparison_rows(report: Report) -> list[dict]:
    """One row per cell with a published number: published, this protocol's max over seeds,
    the compared protocol's, whether each generalizes as published, and this cell's reason."""
    rows = []
    other = report.compare.get("cells", {}) if report.compare else {}
    for lang in report.languages:
        for col, _ in report.columns:
            e = report.entries[(lang, col)]
            if e.reference is None:
                continue
            iso = report.isolated.get((lang, col), [])
            for b in report.bins:
                ref = e.reference.values.get(b)
                if ref is None:
                    continue
                stats = e.cell.bins.get(b) if e.cell else None
                theirs = other.get((lang, col), {}).get(b)
                why = e.reason(b, iso, report.bins)
                rows.append({
                    "language": lang, "column": col, "bin": b,
                    "lengths": report.bin_ranges.get(lang, {}).get(b, b.removeprefix("test-")),
                    "published": ref, "claim": e.reference.claim,
                    "ours": None if stats is None else stats.max,
                    "agrees": None if stats is None else not e.disagrees(b),
                    "other": theirs,
                    "other_agrees": None if theirs is None
                    else generalizes(theirs) == generalizes(ref),
                    "reason": why[0] if why else "", "evidence": why[1] if why else ""})
    return rows


def _md_comparison(report: Report) -> list[str]:
    rows = comparison_rows(report)
    if not rows or not (report.compare or report.isolated):
        return []
    other = report.compare.get("name", "") if report.compare else ""
    agree = [r for r in rows if r["agrees"] is not None]
    n_ok = sum(r["agrees"] for r in agree)
    out = ["## Protocol comparison", "",
           f"Generalizes or not (max over seeds ≥ {pct(GENERALIZES)}%), beside the published "
           f"number: {n_ok} of {len(agree)} cells agree under this protocol "
           f"({report.protocol['selection']})"]
    if other:
        theirs = [r for r in rows if r["other_agrees"] is not None]
        out[-1] += (f", {sum(r['other_agrees'] for r in theirs)} of {len(theirs)} under "
                    f"`{other}` ({report.compare.get('selection', '')})")
    out[-1] += ". A reason backs every disagreement of this protocol with an isolating run "
    out[-1] += "that changes one setting; `unexplained` where none flips the cell."
    out += ["", f"| language | model | bin | lengths | published | {report.name} |"
            + (f" {other} |" if other else "") + " reason | isolating run |",
            "|---|---|---|---|---:|---:|" + ("---:|" if other else "") + "---|---|"]
    for r in rows:
        mark = lambda v, ok: DASH if v is None else pct(v) + ("" if ok else f" {DISAGREE}")
        ref = pct(r["published"]) + (" (claim)" if r["claim"] else "")
        cells = [f"`{_md_escape(r['language'])}`", r["column"], r["bin"].removeprefix("test-"),
                 r["lengths"], ref, mark(r["ours"], r["agrees"])]
        if other:
            cells.append(mark(r["other"], r["other_agrees"]))
        cells += [r["reason"], _md_escape(r["evidence"])]
        out.append("| " + " | ".join(cells) + " |")
    unexplained = [r for r in rows if r["reason"] == "unexplained"]
    out += ["", f"Unexplained cells: {len(unexplained)}"
            + (": " + ", ".join(f"`{r['language']}` {r['column']} {r['bin'].removeprefix('test-')}"
                                for r in unexplained) if unexplained else "."), ""]
    return out


def _md_isolated(report: Report) -> list[str]:
    if not report.isolated:
        return []

    def score(st) -> str:
        return pct(st.max) + (f" ({pct(st.mean)} ± {pct(st.sd)})" if st.n > 1 else "")

    # An isolating run that changes the split has bins of its own: shown in a column of theirs.
    own = any(own_test_bins(cell, report.bins)
              for items in report.isolated.values() for _, cell in items)
    out = ["## Isolating runs", "",
           "Each row is a cell of this suite rerun with one setting changed (suite `isolate`)"
           + ("; a run with a split of its own shows its bins under \"own bins\"." if own else "."),
           "", "| language | model | reason | changed | " + " | ".join(
               b.removeprefix("test-") for b in report.bins) + (" | own bins" if own else "")
           + " | note |",
           "|---|---|---|---|" + "---:|" * len(report.bins) + ("---|" if own else "") + "---|"]
    for (lang, col), items in report.isolated.items():
        for iso, cell in items:
            vals = []
            for b in report.bins:
                st = cell.bins.get(b) if cell else None
                vals.append(DASH if st is None else score(st))
            if own:
                extra = [f"{b.removeprefix('test-')}: {score(cell.bins[b])}"
                         for b in own_test_bins(cell, report.bins)]
                vals.append("; ".join(extra) or DASH)
            changed = ", ".join(f"`{k}={v}`" for k, v in iso.set.items())
            out.append(f"| `{_md_escape(lang)}` | {col} | {iso.reason} | {_md_escape(changed)} | "
                       + " | ".join(vals) + f" | {_md_escape(iso.note)} |")
    return out + [""]


def _md_rescored(report: Report) -> list[str]:
    """The same runs under each selection rule (from their per-checkpoint history)."""
    if not report.rescored:
        return []
    bins = sorted({b for rules in report.rescored.values() for st in rules.values() for b in st},
                  key=lambda b: report.bins.index(b) if b in report.bins else len(report.bins))
    if any("test-max" in rules for rules in report.rescored.values()):
        source = ("(`training.history: all`): max over seeds (mean ± sd). `test-max` selects on "
                  "test (each bin's best checkpoint), as the 2020 paper's code did; it is shown "
                  "only to compare.")
    else:   # history: rules keeps each validation rule's checkpoint, not every test score
        source = ("(`training.history: rules`: each validation rule's best checkpoint, with its "
                  "test scores): max over seeds (mean ± sd). `test-max` needs every checkpoint's "
                  "test scores (`training.history: all`) and is not shown.")
    out = ["## One training run, every selection rule", "",
           "The same stored runs, scored under each rule from their per-checkpoint history "
           + source, "",
           "| language | model | rule | " + " | ".join(b.removeprefix("test-") for b in bins)
           + " |", "|---|---|---|" + "---:|" * len(bins)]
    for (lang, col), rules in report.rescored.items():
        for rule, stats in rules.items():
            label = rule + (" (selects on test)" if rule == "test-max" else "")
            vals = [DASH if b not in stats else
                    f"{pct(stats[b].max)} ({pct(stats[b].mean)} ± {pct(stats[b].sd)})"
                    for b in bins]
            out.append(f"| `{_md_escape(lang)}` | {col} | {label} | " + " | ".join(vals) + " |")
    return out + [""]


def _md_readings(report: Report) -> list[str]:
    """FLaRe's two readings of each cell, over every test string."""
    if not report.readings:
        return []
    from langlab.report.build import READINGS

    cols = [c for c, _ in report.columns if any((lang, c) in report.readings
                                               for lang in report.languages)]
    heads = [f"{c} {name}" for c in cols for name, _, _ in READINGS]
    n = sorted({got[READINGS[0][0]].n for got in report.readings.values()})
    out = ["## Two readings (Butoi et al. 2025)", "",
           "FLaRe's table, read as its code reads it: over every run of a cell (each trial of "
           f"the search and each seed: {'/'.join(map(str, n))} runs), the accuracy over every "
           "test string (all bins together), each run at the checkpoint its rule keeps by the "
           "task's loss (for recognition, the cross-entropy without auxiliary terms). "
           "*Inductive bias*: the checkpoint of lowest short-validation loss "
           "(`validation-loss`), mean ± sd over the runs. *Expressivity*: the checkpoint of "
           "lowest validation-long loss (`validation-long-loss`), max over the runs. FLaRe "
           "trains separate runs for the two (each stopping on its own split); here both are "
           "read from one run, which stopped on the suite's rule.", "",
           "| language | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for lang in report.languages:
        if not any((lang, c) in report.readings for c in cols):
            continue
        vals = []
        for c in cols:
            got = report.readings.get((lang, c), {})
            for name, _, stat in READINGS:
                if name not in got:
                    vals.append(DASH)
                    continue
                st = got[name]
                vals.append(f"{pct(st.mean)} ± {pct(st.sd)}" if stat == "mean" else pct(st.max))
        out.append(f"| `{_md_escape(lang)}` | " + " | ".join(vals) + " |")
    return out + [""]


def _md_stale(report: Report) -> list[str]:
    if not report.stale:
        return []
    from langlab.harness.fingerprint import MODEL_NUMBERS, fingerprint

    own = "".join(f", {m} {fingerprint(m)}" for m in sorted(MODEL_NUMBERS))
    out = ["## Stale runs", "",
           f"These stored runs were written by code whose numbers version is not the running "
           f"code's ({fingerprint()}{own}), so rerunning the suite may not give their numbers. "
           "Delete them from `results.sqlite` and rerun the suite into this folder to "
           "regenerate them.", ""]
    out += [f"- `{_md_escape(lang)}` × {col}, seed {seed}: fingerprint {fp or 'none recorded'}"
            for lang, col, seed, fp in report.stale]
    return out + [""]


def _md_failures(report: Report) -> list[str]:
    failed = [e for e in report.entries.values() if e.cell and e.cell.failed]
    if not failed:
        return []
    out = ["## Failed runs", ""]
    for e in failed:
        reasons = "; ".join(x for x in e.cell.errors if x) or "no reason recorded"
        out.append(f"- `{e.language}` × {e.column}: {e.cell.failed} failed — {reasons}")
    return out + [""]


def _md_data_notes(report: Report) -> list[str]:
    if not report.data_notes:
        return []
    out = ["## Splits with fewer distinct strings than requested", "",
           "| language | split | requested | drawn | distinct | notes |", "|---|---|---:|---:|---:|---|"]
    out += [f"| `{_md_escape(d['language'])}` | {d['split']} | {d['requested']} | {d['n']} | "
            f"{d['n_distinct']} | {_md_escape(str(d['notes']))} |" for d in report.data_notes]
    return out + [""]


def sources(report: Report) -> list[str]:
    refs = {e.reference.source for e in report.entries.values() if e.reference}
    return sorted(refs)


def _md_sources(report: Report) -> list[str]:
    refs = sources(report)
    return ["## Published numbers", ""] + [f"- {s}" for s in refs] + [""] if refs else []


CSV_FIELDS = ("language", "class", "column", "model", "split", "status", "seeds", "failed",
              "max", "mean", "sd", "published", "published_variant", "published_claim",
              "disagree", "config_id")


def table_csv(report: Report) -> str:
    """One row per language x column x split (validation and test bins); fractions in [0, 1]."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for cls, langs in report.groups():
        for lang in langs:
            for col, model in report.columns:
                e = report.entries[(lang, col)]
                for split in ["validation", *report.bins]:
                    s = e.cell.bins.get(split) if e.cell else None
                    ref = e.reference.values.get(split) if e.reference else None
                    dis = e.disagrees(split)
                    w.writerow([lang, cls, col, model, split, e.status, s.n if s else 0,
                                e.cell.failed if e.cell else 0,
                                *(("", "", "") if s is None else (repr(s.max), repr(s.mean), repr(s.sd))),
                                "" if ref is None else repr(ref),
                                e.reference.variant if ref is not None else "",
                                "" if ref is None else str(e.reference.claim).lower(),
                                "" if dis is None else str(dis).lower(),
                                (e.cell.config_id or "") if e.cell else ""])
    return buf.getvalue()


def results_json(report: Report) -> str:
    cells = []
    for (lang, col), e in report.entries.items():
        c = e.cell
        cells.append({
            "language": lang, "class": report.classes[lang], "column": col, "model": e.model,
            "status": e.status, "expected_runs": e.expected, "stored_runs": e.stored,
            "config_id": c.config_id if c else None, "settings": c.settings if c else {},
            "training": c.training if c else {}, "seeds": c.seeds if c else 0,
            "failed": c.failed if c else 0, "errors": c.errors if c else [],
            "bins": {k: asdict(v) for k, v in c.bins.items()} if c else {},
            "published": None if e.reference is None else {
                "model": e.reference.model, "variant": e.reference.variant,
                "values": e.reference.values, "source": e.reference.source,
                "claim": e.reference.claim},
            "disagree": {b: e.disagrees(b) for b in report.bins if e.disagrees(b) is not None},
        })
        if c and c.by_edits:  # absent for runs without edit counts (negatives other than flare)
            cells[-1]["by_edits"] = {k: asdict(v) for k, v in c.by_edits.items()}
    doc = {"name": report.name, "description": report.description, "protocol": report.protocol,
           "run": report.run_info, "versions": report.versions, "counts": report.counts,
           "threshold": GENERALIZES, "bins": report.bins,
           "columns": [{"column": c, "model": m} for c, m in report.columns],
           "classes": [{"class": c, "languages": ls} for c, ls in report.groups()],
           "cells": cells, "data_notes": report.data_notes}
    if report.permuted_bins:  # absent unless some test bin had permuted negatives
        doc["permuted"] = {"bins": report.permuted_bins, "cells": [
            {"language": lang, "column": col, **{k: asdict(v) for k, v in got.items()}}
            for (lang, col), got in report.permuted.items()]}
    if report.formulations:  # absent for one task
        doc["formulations"] = formulations_json(report)
    che = che_json(report)
    if che:  # absent unless a transduction language has a row of CHE's Table 2
        doc["che_table2"] = che
    if report.bin_ranges:  # absent for one split shared by every language
        doc["bin_ranges"] = report.bin_ranges
    if report.rescored:
        doc["rescored"] = [{"language": lang, "column": col, "rule": rule,
                            "bins": {b: asdict(v) for b, v in stats.items()}}
                           for (lang, col), rules in report.rescored.items()
                           for rule, stats in rules.items()]
    if report.readings:
        doc["readings"] = [{"language": lang, "column": col, "reading": name,
                            "all_tests": asdict(stats)}
                           for (lang, col), got in report.readings.items()
                           for name, stats in got.items()]
    if report.compare or report.isolated:
        doc["comparison"] = comparison_rows(report)
        doc["isolated"] = [{"language": lang, "column": col, "reason": iso.reason,
                            "set": iso.set, "note": iso.note,
                            "bins": {k: asdict(v) for k, v in cell.bins.items()} if cell else {}}
                           for (lang, col), items in report.isolated.items()
                           for iso, cell in items]
    if report.probes:  # absent when the folder was never probed
        doc["probes"] = summarize_probes(report)
    if report.stale:  # absent when every row matches the running code
        doc["stale"] = [{"language": lang, "column": col, "seed": seed, "fingerprint": fp}
                        for lang, col, seed, fp in report.stale]
    return json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def data_uri(path: Path) -> str:
    mime = {".svg": "image/svg+xml", ".png": "image/png"}[path.suffix]
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def index_html(report: Report, plots: dict | None, out_dir: Path) -> str:
    """The single-file page; ``plots`` paths are relative to ``out_dir`` and get embedded."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("langlab.report", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    n_seeds = len(report.protocol["seeds"])
    groups = [(cls, [(lang, [cell_view(report.entries[(lang, col)], b, n_seeds)
                             for col, _ in report.columns for b in report.bins])
                     for lang in langs]) for cls, langs in report.groups()]
    embedded = {"heatmap": data_uri(out_dir / plots["heatmap"]["svg"]) if plots else None,
                "languages": {lang: data_uri(out_dir / files["svg"])
                              for lang, files in (plots or {}).get("languages", {}).items()}}
    for kind in ("probes", "attention"):  # present only for a probed folder
        if (plots or {}).get(kind):
            embedded[kind] = {label: data_uri(out_dir / files["png"])
                              for label, files in plots[kind].items()}
    failures = [e for e in report.entries.values() if e.cell and e.cell.failed]
    return env.get_template("index.html.j2").render(
        report=report, header=header(report), legend=legend(report), groups=groups,
        bins=[b.removeprefix("test-") for b in report.bins], plots=embedded,
        failures=failures, sources=sources(report), disagree_mark=DISAGREE,
        formulations=_html_formulations(report),
        sections=md_sections_html(che_md(report) + _md_permuted(report) + _md_bin_ranges(report)
                                  + _md_comparison(report)
                                  + _md_isolated(report) + _md_rescored(report)
                                  + _md_readings(report)))


def md_sections_html(lines: list[str]) -> list[dict]:
    """The report's own markdown sections (a ``## title``, paragraphs, pipe tables) as
    ``{title, parts}`` for the page: each part a paragraph's text or a table's rows of cells,
    inline code kept as text. Only what these renderers write is understood."""
    sections: list[dict] = []
    for line in lines:
        if line.startswith("## "):
            sections.append({"title": line[3:], "parts": []})
        elif not line.strip() or not sections:
            continue
        elif line.startswith("|"):
            cells = [c.strip().replace("`", "") for c in line.strip().strip("|").split("|")]
            if set("".join(cells)) <= set("-: "):
                continue   # the markdown header rule
            parts = sections[-1]["parts"]
            if not parts or parts[-1]["kind"] != "table":
                parts.append({"kind": "table", "rows": []})
            parts[-1]["rows"].append(cells)
        else:
            sections[-1]["parts"].append({"kind": "p", "text": line.replace("`", "")})
    return sections


def _html_formulations(report: Report) -> dict | None:
    """The formulations table for the page (one language, several tasks); None for one task."""
    f = formulation_section
    if not report.formulations:
        return None
    tasks = report.formulations["tasks"]
    return {"legend": f.legend(report), "tasks": [f.metric_label(t) for t in tasks],
            "rows": [(r["language"], r["model"],
                      [r["scores"][t][b]["text"] for t in tasks for b in report.bins])
                     for r in f.formulation_rows(report)],
            "skipped": report.formulations["skipped"]}
