"""One language, several formulations: the table that sets a suite's tasks side by side.

A suite whose ``task:`` is a list (recognition, next-symbol, transduction) runs each language
under each task that it can take; its table columns are ``MODEL · TASK``. This section gathers
them back per language and model: one row, each task's headline score per test bin (max over
seeds), each labelled with the task's own metric — recognition accuracy, next-symbol string
accuracy, transduction sequence accuracy with its per-token accuracy beside it. A language a
task cannot take (transduction without a function form) is named below the table, not run.
"""

from __future__ import annotations

from dataclasses import asdict

from langlab.report.build import Report
from langlab.tasks import task_class

DASH = "—"
LENGTHS = ("Lengths are string lengths for recognition and next-symbol (the language's "
           "strings), and input lengths |x| for transduction (the function form's inputs, "
           "whose outputs f(x) follow them).")


def pct(x: float) -> str:
    return f"{100 * x:.1f}"   # as render.pct (which imports this module)


def metric_label(task: str) -> str:
    """``recognition (accuracy)``, ``transduction (sequence / per-token accuracy)``."""
    cls = task_class(task)
    if cls.side_metric is None:
        return f"{task} ({cls.score_name})"
    return f"{task} ({cls.score_name.removesuffix(' accuracy')} / {cls.side_metric[1]})"


def formulation_rows(report: Report) -> list[dict]:
    """One row per language x model: {task: {bin: text}} with each task's score, max over
    seeds, as percent (transduction: ``seq / per-token``); ``skipped``, ``not run`` or
    ``failed`` where there is none."""
    from langlab.harness.suite import column_label, model_column

    f = report.formulations
    models = list(dict.fromkeys((model_column(c), m) for c, m in report.columns))
    out = []
    for lang in report.languages:
        for base, model in models:
            scores = {}
            for task in f["tasks"]:
                col = column_label(base, task, True)
                e = report.entries.get((lang, col))
                side = f["side"].get((lang, col), {})
                by_bin = {}
                for b in report.bins:
                    stats = e.cell.bins.get(b) if e is not None and e.cell else None
                    if e is None or e.status in ("skipped", "pending", "failed"):
                        text = "not run" if e is None or e.status == "pending" else e.status
                        value = None
                    elif stats is None:
                        text, value = DASH, None
                    else:
                        text, value = pct(stats.max), {"max": stats.max}
                        if b in side:
                            text += f" / {pct(side[b].max)}"
                            value[task_class(task).side_metric[0]] = side[b].max
                    by_bin[b] = {"text": text, "value": value}
                scores[task] = by_bin
            out.append({"language": lang, "model": base, "registry_model": model,
                        "scores": scores})
    return out


def legend(report: Report) -> str:
    parts = []
    for task in report.formulations["tasks"]:
        cls = task_class(task)
        text = f"{task}: {cls.score_name} ({cls.score_legend})"
        if cls.side_metric:
            text += f", then after the slash {cls.side_metric[1]}"
        parts.append(text)
    return ("Each task's headline score, max over seeds (the main table's cells, mean ± sd "
            "there): " + "; ".join(parts) + ". " + LENGTHS)


def formulations_md(report: Report) -> list[str]:
    """The markdown section; empty for a single task."""
    f = report.formulations
    if not f:
        return []
    heads = [f"{metric_label(t)} {b.removeprefix('test-')}" for t in f["tasks"]
             for b in report.bins]
    out = ["## One language, several formulations", "", legend(report), "",
           "| language | model | " + " | ".join(heads) + " |",
           "|---|---|" + "---:|" * len(heads)]
    for row in formulation_rows(report):
        cells = [row["scores"][t][b]["text"] for t in f["tasks"] for b in report.bins]
        out.append(f"| `{row['language']}` | {row['model']} | " + " | ".join(cells) + " |")
    out.append("")
    if f["skipped"]:
        out += ["Not run (a task the language cannot take; the suite's other tasks ran):", ""]
        out += [f"- `{lang}` × {task}: {why}" for lang, task, why in f["skipped"]]
        out.append("")
    return out


def formulations_json(report: Report) -> dict:
    f = report.formulations
    return {
        "tasks": [{"task": t, "metric": task_class(t).score_name,
                   "side_metric": task_class(t).side_metric and task_class(t).side_metric[0]}
                  for t in f["tasks"]],
        "rows": [{**{k: v for k, v in row.items() if k != "scores"},
                  "scores": {t: {b: c["value"] for b, c in bins.items()}
                             for t, bins in row["scores"].items()}}
                 for row in formulation_rows(report)],
        "side": [{"language": lang, "column": col,
                  "bins": {b: asdict(s) for b, s in stats.items()}}
                 for (lang, col), stats in f["side"].items()],
        "skipped": [{"language": lang, "task": task, "why": why}
                    for lang, task, why in f["skipped"]],
        "lengths": LENGTHS,
    }
