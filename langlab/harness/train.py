"""The training loop (one plain function) and one whole run (``run_one``), as a worker runs it.

``train`` reads top to bottom: batches from the training split, forward, task loss, step; every
epoch (or ``eval_every`` steps) a validation pass; early stopping on validation; the best
checkpoint restored at the end. Model selection never looks at a test bin. A non-finite loss
ends the run as failed with its reason; the caller records it and the suite goes on.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langlab.harness.results import LONG_RULES, LOSS_RULES, VALIDATION_RULES, rule_split

log = logging.getLogger("langlab.train")


class Diverged(RuntimeError):
    """The loss became NaN or infinite."""


@dataclass
class TrainOutcome:
    steps: int = 0
    best_step: int = 0
    best_validation: dict = field(default_factory=dict)
    history: list = field(default_factory=list)
    # per split: its full metrics at its own best checkpoint (accuracy; the first of equals),
    # with ``selected_step``: what ``test-max`` reports for each test bin
    split_best: dict = field(default_factory=dict)


def resolve_device(name: str) -> str:
    """``auto`` -> ``cuda`` when torch sees a CUDA device, else ``cpu``; ``cuda`` without one is
    an error (the run fails with this reason; the suite goes on)."""
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("training.device is 'cuda' but torch sees no CUDA device "
                           "(use device: auto or cpu)")
    return name


def _optimizer(params, cfg: dict):
    import torch

    kind, lr, wd = cfg["optimizer"], cfg["lr"], cfg["weight_decay"]
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=wd)
    return torch.optim.SGD(params, lr=lr, weight_decay=wd)


def _better(new: dict, old: dict | None, rule: str) -> bool:
    if old is None:
        return True
    if rule in LOSS_RULES:
        return new["loss"] < old["loss"]
    # accuracy first; among equal accuracies, the lower loss
    return (new["accuracy"], -new["loss"]) > (old["accuracy"], -old["loss"])


def history_entry(metrics: dict) -> dict:
    """What the history keeps of one split's checkpoint metrics: the numbers, not the per-length
    and per-edit tallies (the run's final metrics keep those)."""
    return {k: v for k, v in metrics.items() if not isinstance(v, dict)}


def rule_splits(rule: str, names: list[str]) -> list[str]:
    """The held-out splits a selection rule scores at each checkpoint: ``validation`` for the
    validation rules, ``validation-long`` for the two validation-long rules, every test bin
    for ``test-max``."""
    if rule in LONG_RULES:
        if "validation-long" not in names:
            raise RuntimeError(f"selection {rule} needs a validation-long split "
                               "(split.validation_long)")
        return ["validation-long"]
    if rule == "test-max":
        return [n for n in names if n.startswith("test-")]
    return ["validation"]


def rule_score(scores: dict[str, dict], rule: str) -> dict:
    """One checkpoint's score under ``rule``, from its per-split metrics: the rule's split, or
    for ``test-max`` the mean accuracy and loss over the test bins (the weights kept are the
    checkpoint best on average; the table takes each bin's own best from the history)."""
    names = rule_splits(rule, list(scores))
    if len(names) == 1:
        return scores[names[0]]
    return {"accuracy": sum(scores[n]["accuracy"] for n in names) / len(names),
            "loss": sum(scores[n]["loss"] for n in names) / len(names)}


def validate(model, head, task, split, batch_size: int) -> dict:
    """Validation metrics plus the mean task loss (used to break accuracy ties), from one pass:
    the head outputs of each batch are scored and their loss taken."""
    from langlab.tasks.base import outputs

    sums = [0.0, 0]  # loss sum, strings

    def pairs():  # streamed: the loss is taken as the task scores each batch
        for batch, out in outputs(model, head, split, batch_size):
            sums[0] += float(task.validation_loss(out, batch)) * len(batch.lengths)
            sums[1] += len(batch.lengths)
            yield batch, out

    metrics = task.score(pairs())
    return {**metrics, "loss": sums[0] / max(sums[1], 1)}


def train(model, head, task, train_split, val_split, cfg: dict, seed: int,
          rule: str = "validation-accuracy") -> TrainOutcome:
    """Train ``model`` + ``head`` on ``train_split``; select under ``rule``; restore the best.

    ``val_split`` is the validation split, or a dict of every held-out split by name (needed by
    the ``validation-long`` and ``test-max`` rules and by ``history: all``). Each checkpoint
    scores the splits the rule needs (every held-out split with ``history: all``) and appends
    ``{"step", "epoch", <split>: metrics}`` to the history. Training stops at ``patience``
    checkpoints without improvement, or once the rule's accuracy reaches ``stop_accuracy`` (the
    2020 paper's rule, 0.999 over its bins).
    """
    import torch

    held = val_split if isinstance(val_split, dict) else {"validation": val_split}
    scored = rule_splits(rule, list(held))
    if cfg.get("history") == "all":
        scored = list(dict.fromkeys([*scored, *held]))
    # history: rules -- the other validation rules' best checkpoints are kept as well, and their
    # test bins scored once training ends (the selected checkpoint's are scored by the caller)
    others = [r for r in VALIDATION_RULES if r != rule and rule_split(r) in held] \
        if cfg.get("history") == "rules" else []
    scored = list(dict.fromkeys([*scored, *(rule_split(r) for r in others)]))
    kept: dict[str, tuple] = {}   # rule -> (its best score, step, state)
    stop_accuracy = cfg.get("stop_accuracy")
    epoch = 0

    params = list(model.parameters()) + list(head.parameters())
    device = params[0].device
    opt = _optimizer(params, cfg)
    out = TrainOutcome()
    best_state, best = None, None
    stale, start = 0, time.monotonic()
    eval_every, patience = cfg.get("eval_every"), cfg.get("patience")
    max_steps, time_limit = cfg.get("max_steps"), cfg.get("time_limit_s")

    def checkpoint() -> bool:
        """Validate, keep the best weights; return True when training should stop."""
        nonlocal best_state, best, stale
        scores = {name: validate(model, head, task, held[name], cfg["eval_batch_size"])
                  for name in scored}
        out.history.append({"step": out.steps, "epoch": epoch,
                            **{n: history_entry(m) for n, m in scores.items()}})
        for n, m in scores.items():
            if n not in out.split_best or m["accuracy"] > out.split_best[n]["accuracy"]:
                out.split_best[n] = {**m, "selected_step": out.steps}
        snapshot = []   # this checkpoint's weights, copied once for every rule that keeps it

        def weights() -> tuple:
            if not snapshot:
                snapshot.append((copy.deepcopy(model.state_dict()), copy.deepcopy(head.state_dict())))
            return snapshot[0]

        metrics = rule_score(scores, rule)
        if _better(metrics, best, rule):
            best, stale = metrics, 0
            best_state = weights()
            out.best_step = out.steps
        else:
            stale += 1
        for other in others:
            mine = rule_score(scores, other)
            if _better(mine, kept.get(other, (None,))[0], other):
                kept[other] = (mine, out.steps, weights())
        log.info("step %d validation %s", out.steps, metrics)
        perfect = rule == "validation-accuracy" and metrics["accuracy"] >= 1.0 and metrics["loss"] < 1e-3
        reached = stop_accuracy is not None and metrics["accuracy"] >= stop_accuracy
        return perfect or reached or (patience is not None and stale >= patience)

    stop = False
    for epoch in range(cfg["epochs"]):
        model.train(), head.train()
        for batch in train_split.batches(cfg["batch_size"], shuffle=True, seed=seed * 100_003 + epoch):
            batch = batch.to(device)
            loss = task.loss(head(model(batch.tokens, batch.lengths)), batch)
            value = loss.item()
            if not math.isfinite(value):
                raise Diverged(f"non-finite training loss ({value}) at step {out.steps}")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.get("grad_clip"):
                torch.nn.utils.clip_grad_norm_(params, cfg["grad_clip"])
            opt.step()
            out.steps += 1
            over = (max_steps and out.steps >= max_steps) or (
                time_limit and time.monotonic() - start > time_limit)
            if (eval_every and out.steps % eval_every == 0) or over:
                stop = checkpoint() or bool(over)
                model.train(), head.train()
            if stop:
                break
        if stop:
            break
        if not eval_every and checkpoint():
            break
    if best_state is None:  # no validation happened yet (e.g. max_steps hit at once)
        checkpoint()
    tests = [n for n in held if n.startswith("test-")]
    done = {out.best_step}  # the caller scores the selected checkpoint's tests
    for _, step, state in kept.values():
        if step in done:
            continue
        done.add(step)
        model.load_state_dict(state[0])
        head.load_state_dict(state[1])
        entry = next(h for h in out.history if h["step"] == step)
        entry.update({n: history_entry(validate(model, head, task, held[n], cfg["eval_batch_size"]))
                      for n in tests})
    model.load_state_dict(best_state[0])
    head.load_state_dict(best_state[1])
    out.best_validation = best
    return out


def run_one(job, cache_dir: str | None, rule: str, threads: int = 1) -> dict[str, Any]:
    """One training run in a worker: data, model, train, evaluate every split. Never raises for
    a run's own failure: the returned row says ``status: failed`` with the reason. The run's log
    comes back in ``row["log"]`` so that only the parent writes files (and Ray workers on other
    machines need no shared disk for logs)."""
    import io

    import torch

    torch.set_num_threads(threads)
    t0 = time.monotonic()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    row: dict[str, Any] = {"key": job.key, "language": job.language, "model": job.model,
                           "column": job.column, "config_id": job.config_id, "seed": job.seed,
                           "settings": job.settings, "training": job.training}
    timings = {}
    try:
        from langlab import build_model, load_language
        from langlab.data import SplitSpec
        from langlab.tasks import build_dataset, get_task

        lang = load_language(job.language, list(job.grammars))
        ds = build_dataset(lang, task=job.task["name"], spec=SplitSpec.model_validate(job.split),
                           target_mode=job.task["target_mode"],
                           cache_dir=Path(cache_dir) if cache_dir else None, **job.task["options"])
        timings["data_s"] = time.monotonic() - t0
        device = resolve_device(job.training.get("device", "auto"))
        row["device"] = device
        torch.manual_seed(job.seed)  # initialised on the CPU, then moved: the same init anywhere
        model = build_model(job.model, vocab_size=ds.vocab.size, **job.settings)
        task = get_task(job.task["name"], ds.vocab, **job.task["options"])
        task.check_model(model)
        head = task.make_head(model.output_dim)
        model.to(device), head.to(device)
        row["n_params"] = model.num_parameters() + sum(p.numel() for p in head.parameters())
        t1 = time.monotonic()
        held = {n: s for n, s in ds.splits.items() if n != "train"}
        outcome = train(model, head, task, ds.splits["train"], held, job.training, job.seed,
                        rule)
        timings["train_s"] = time.monotonic() - t1
        t2 = time.monotonic()
        # Every held-out split; the training split is not re-scored (it costs as much as an epoch).
        from_history = rule_splits(rule, list(held)) if rule == "test-max" else []
        metrics = {name: task.evaluate(model, head, split, batch_size=job.training["eval_batch_size"])
                   for name, split in ds.splits.items()
                   if name != "train" and name not in from_history}
        if rule in ("validation-accuracy", "validation-loss"):
            metrics["validation"]["loss"] = outcome.best_validation["loss"]
        if rule == "validation-long-loss":   # the number this rule selects grid points by
            metrics["validation-long"]["loss"] = outcome.best_validation["loss"]
        if rule == "test-max":  # each test bin at its own best checkpoint, as the paper's code
            for name in from_history:
                metrics[name] = outcome.split_best[name]
        if job.training.get("history") == "rules":  # the selected checkpoint's tests, rescorable
            entry = next(h for h in outcome.history if h["step"] == outcome.best_step)
            entry.update({n: history_entry(m) for n, m in metrics.items() if n.startswith("test-")})
        timings["eval_s"] = time.monotonic() - t2
        row.update(status="done", metrics=metrics, steps=outcome.steps, best_step=outcome.best_step,
                   history=outcome.history,
                   data={name: {"n": len(s), "n_distinct": s.n_distinct, "notes": s.notes}
                         for name, s in ds.splits.items()})
        from langlab.harness.weights import pack

        row["weights"] = pack(model, head, job, ds.vocab.size)  # the parent writes the file
    except Diverged as exc:
        row.update(status="failed", error=str(exc))
    except Exception as exc:  # a run's own failure is recorded, never fatal to the suite
        import traceback

        log.error("run failed: %s", traceback.format_exc())
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}")
    finally:
        log.removeHandler(handler)
    from langlab.harness.fingerprint import code_hash, fingerprint

    row["log"] = buffer.getvalue()
    row["timings"] = timings
    row["fingerprint"], row["code_hash"] = fingerprint(job.model), code_hash()
    row["threads"] = threads
    row["wall_s"] = time.monotonic() - t0
    return row
