"""Progress for a suite run: a rich bar (runs done / total, elapsed, ETA, failures) or, with
``quiet``, one plain log line per finished run."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, already: int, quiet: bool = False):
        self.total, self.count, self.failures = total, already, 0
        self.quiet, self.t0 = quiet, time.monotonic()
        self._bar = None
        if not quiet:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)

            self._bar = RichProgress(
                TextColumn("[bold]runs"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                TextColumn("{task.fields[failed]}"), transient=False)
            self._task = self._bar.add_task("runs", total=total, completed=already, failed="")
            self._bar.start()
        if already:
            self.message(f"resuming: {already} of {total} runs already finished")

    def message(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text)
        else:
            print(text, file=sys.stderr, flush=True)

    def advance(self, row: dict) -> None:
        self.count += 1
        if row["status"] != "done":
            self.failures += 1
        if self._bar is not None:
            failed = f"[red]{self.failures} failed" if self.failures else ""
            self._bar.update(self._task, advance=1, failed=failed)
            if row["status"] != "done":
                self._bar.console.print(f"[red]failed[/red] {row['language']} {row['column']} "
                                        f"seed {row['seed']}: {row.get('error')}")
        else:
            test = {k: v.get("accuracy") for k, v in (row.get("metrics") or {}).items()}
            print(f"[{self.count}/{self.total}] {row['status']} {row['language']} {row['column']} "
                  f"seed={row['seed']} {row.get('error') or test} "
                  f"({row.get('wall_s', 0):.1f}s)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
