"""The results store: one SQLite database per run folder, one row per finished training run.

Only the parent process writes. Each row is written in its own transaction (WAL journal), so a
process killed at any moment — SIGKILL included — leaves the database consistent: a run is either
recorded whole or not at all, and an unrecorded run is simply redone on the next ``langlab run``.

>>> import tempfile, pathlib
>>> st = Store(pathlib.Path(tempfile.mkdtemp()) / "results.sqlite")
>>> st.record({"key": "k1", "language": "parity", "model": "lstm", "column": "lstm",
...            "config_id": "c", "seed": 0, "status": "done", "metrics": {"test-1-50": {"accuracy": 1.0}}})
>>> st.finished_keys(), st.rows()[0]["metrics"]["test-1-50"]["accuracy"]
({'k1'}, 1.0)
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

# The one list of the store's columns: (name, SQL type, JSON-encoded?, what it holds).
COLUMN_SPECS: tuple[tuple[str, str, bool, str], ...] = (
    ("key", "TEXT PRIMARY KEY", False, "hash of the job's full description"),
    ("language", "TEXT NOT NULL", False, "language name (or file)"),
    ("model", "TEXT NOT NULL", False, "registry name"),
    ("column", "TEXT NOT NULL", False, "the table's column (model label)"),
    ("config_id", "TEXT NOT NULL", False, "the grid point (everything but the seed)"),
    ("seed", "INTEGER NOT NULL", False, "training seed"),
    ("status", "TEXT NOT NULL", False, "done | failed"),
    ("error", "TEXT", False, "the reason, for failed runs"),
    ("settings", "TEXT", True, "model settings of this grid point"),
    ("training", "TEXT", True, "training settings of this grid point"),
    ("metrics", "TEXT", True, "{split name: {metric: value}}"),
    ("data", "TEXT", True, "{split name: {n, n_distinct, notes}}"),
    ("n_params", "INTEGER", False, "parameters, model and head"),
    ("steps", "INTEGER", False, "optimizer steps taken"),
    ("best_step", "INTEGER", False, "step of the selected checkpoint"),
    ("wall_s", "REAL", False, "seconds, the whole run"),
    ("timings", "TEXT", True, "seconds spent in data, training, evaluation"),
    ("version", "TEXT", False, "langlab version"),
    ("finished_at", "REAL", False, "unix time"),
    ("fingerprint", "TEXT", False, "numbers version of the code (langlab.harness.fingerprint)"),
    ("code_hash", "TEXT", False, "hash of the number-deciding source files"),
    ("device", "TEXT", False, "where it trained: cpu or cuda"),
    ("threads", "INTEGER", False, "torch threads of the worker"),
    ("eval_metrics", "TEXT", True, "{split: {metric: value}} of bins added by langlab eval"),
    ("eval_data", "TEXT", True, "{split: {n, n_distinct, notes}} of those bins"),
    ("history", "TEXT", True, "[{step, epoch, split: metrics}] of every checkpoint"),
)
COLUMNS = tuple(c[0] for c in COLUMN_SPECS)
JSON_COLUMNS = tuple(c[0] for c in COLUMN_SPECS if c[2])
# The probes table (``langlab probe``): one row per run x representation x target x split.
PROBE_COLUMN_SPECS: tuple[tuple[str, str, bool, str], ...] = (
    ("run_key", "TEXT NOT NULL", False, "the probed run (runs.key)"),
    ("target", "TEXT NOT NULL", False, "trace target: state, counter, depth, depth-ratio, ..."),
    ("layer", "INTEGER NOT NULL", False, "encoder layer, 1 = first"),
    ("rep", "TEXT NOT NULL", False, "hidden (layer output) or cell (LSTM cell state)"),
    ("control", "INTEGER NOT NULL", False, "1: the same probe on a randomly initialised model"),
    ("split", "TEXT NOT NULL", False, "train (probe fit), validation or a test bin"),
    ("metric", "TEXT NOT NULL", False, "accuracy (categorical) or r2 (numeric)"),
    ("score", "REAL", False, "the probe's score on the split"),
    ("n", "INTEGER", False, "positions scored"),
    ("extra", "TEXT", True, "other numbers, e.g. the best single unit's correlation"),
)
PROBE_COLUMNS = tuple(c[0] for c in PROBE_COLUMN_SPECS)
PROBE_KEY = ("run_key", "target", "layer", "rep", "control", "split")
SCHEMA = ("CREATE TABLE IF NOT EXISTS runs (\n"
          + ",\n".join(f"    {name} {sql}" for name, sql, _, _ in COLUMN_SPECS) + "\n);\n"
          + "CREATE TABLE IF NOT EXISTS probes (\n"
          + ",\n".join(f"    {name} {sql}" for name, sql, _, _ in PROBE_COLUMN_SPECS)
          + f",\n    PRIMARY KEY ({', '.join(PROBE_KEY)})\n);")


class Store:
    """``Store(path)`` opens (creating) a store to record into; ``readonly=True`` only reads, so
    reports and ``status`` work on a store that cannot be written (or while a run writes it)."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path, self.readonly = Path(path), readonly
        if readonly:
            if not self.path.is_file():
                from langlab.errors import LanglabError

                raise LanglabError(f"no results store at {self.path}")
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        present = self._present()
        for name, sql, _, _ in COLUMN_SPECS:  # a store written before a column existed
            if name not in present:
                with self.db:
                    self.db.execute(f"ALTER TABLE runs ADD COLUMN {name} {sql}")

    def _present(self) -> set[str]:
        return {r[1] for r in self.db.execute("PRAGMA table_info(runs)")}

    def record(self, row: dict[str, Any]) -> None:
        """Insert (or replace) one finished run atomically."""
        from langlab import __version__

        row = {**row, "version": row.get("version", __version__),
               "finished_at": row.get("finished_at", time.time())}
        values = [json.dumps(row.get(c), sort_keys=True) if c in JSON_COLUMNS else row.get(c)
                  for c in COLUMNS]
        with self.db:  # one transaction
            self.db.execute(
                f"INSERT OR REPLACE INTO runs ({', '.join(COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in COLUMNS)})", values)

    def add_evaluations(self, updates: dict[str, tuple[dict, dict]]) -> None:
        """Merge bins from ``langlab eval`` into runs, one transaction for all:
        ``{key: (eval_metrics, eval_data)}``; bins already there are kept unless re-evaluated."""
        with self.db:
            for key, (metrics, data) in updates.items():
                old_m, old_d = self.db.execute(
                    "SELECT eval_metrics, eval_data FROM runs WHERE key = ?", (key,)).fetchone()
                m = {**(json.loads(old_m or "null") or {}), **metrics}
                d = {**(json.loads(old_d or "null") or {}), **data}
                self.db.execute("UPDATE runs SET eval_metrics = ?, eval_data = ? WHERE key = ?",
                                (json.dumps(m, sort_keys=True), json.dumps(d, sort_keys=True), key))

    def record_probes(self, rows: list[dict[str, Any]]) -> None:
        """Insert (or replace) probe results, one transaction for all."""
        with self.db:
            for row in rows:
                self.db.execute(
                    f"INSERT OR REPLACE INTO probes ({', '.join(PROBE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' for _ in PROBE_COLUMNS)})",
                    [json.dumps(row.get(c), sort_keys=True) if c == "extra" else row.get(c)
                     for c in PROBE_COLUMNS])

    def probe_rows(self) -> list[dict[str, Any]]:
        """Every probe result (none for a store written before probes existed)."""
        tables = {t for (t,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "probes" not in tables:
            return []
        out = []
        for values in self.db.execute(f"SELECT {', '.join(PROBE_COLUMNS)} FROM probes ORDER BY "
                                      "run_key, target, rep, layer, control, split"):
            row = dict(zip(PROBE_COLUMNS, values))
            row["extra"] = json.loads(row["extra"]) if row["extra"] else {}
            out.append(row)
        return out

    def finished_keys(self) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT key FROM runs")}

    def rows(self, status: str | None = None) -> list[dict[str, Any]]:
        present = self._present()
        query = "SELECT " + ", ".join(c if c in present else f"NULL AS {c}" for c in COLUMNS) + " FROM runs"
        args: tuple = ()
        if status:
            query += " WHERE status = ?"
            args = (status,)
        query += " ORDER BY language, column, config_id, seed"
        out = []
        for values in self.db.execute(query, args):
            row = dict(zip(COLUMNS, values))
            for c in JSON_COLUMNS:
                row[c] = json.loads(row[c]) if row[c] is not None else None
            out.append(row)
        return out

    def close(self) -> None:
        if not self.readonly:
            # fold the write-ahead log back and leave WAL mode, so that a finished run folder is
            # one self-contained file that readers open without creating -shm/-wal side files
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try:
                self.db.execute("PRAGMA journal_mode=DELETE")
            except sqlite3.OperationalError:  # another connection still reads: stays WAL
                pass
        self.db.close()
