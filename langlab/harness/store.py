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

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    key        TEXT PRIMARY KEY,   -- hash of the job's full description
    language   TEXT NOT NULL,
    model      TEXT NOT NULL,      -- registry name
    column     TEXT NOT NULL,      -- the table's column (model label)
    config_id  TEXT NOT NULL,      -- the grid point (everything but the seed)
    seed       INTEGER NOT NULL,
    status     TEXT NOT NULL,      -- done | failed
    error      TEXT,               -- the reason, for failed runs
    settings   TEXT,               -- JSON: model settings of this grid point
    training   TEXT,               -- JSON: training settings of this grid point
    metrics    TEXT,               -- JSON: {split name: {metric: value}}
    data       TEXT,               -- JSON: {split name: {n, n_distinct, notes}}
    n_params   INTEGER,
    steps      INTEGER,
    best_step  INTEGER,
    wall_s     REAL,
    timings    TEXT,               -- JSON: seconds spent in data, training, evaluation
    version    TEXT,               -- langlab version
    finished_at REAL
);
"""

JSON_COLUMNS = ("settings", "training", "metrics", "data", "timings")
COLUMNS = ("key", "language", "model", "column", "config_id", "seed", "status", "error",
           "settings", "training", "metrics", "data", "n_params", "steps", "best_step", "wall_s",
           "timings", "version", "finished_at")


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

    def finished_keys(self) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT key FROM runs")}

    def rows(self, status: str | None = None) -> list[dict[str, Any]]:
        query = f"SELECT {', '.join(COLUMNS)} FROM runs"
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
            # fold the write-ahead log back so a finished run folder is one self-contained file
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()
