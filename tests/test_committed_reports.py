"""The committed reports are exactly what ``langlab report`` regenerates from their results.

Tables and results are compared byte for byte. Plots (and the HTML page that embeds them) are
compared only where matplotlib's version is the one that rendered them, since another version
may draw the same numbers with other bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parent.parent / "reports"
# the reports, and the analyses committed beside one (reports/NAME/probes/)
COMMITTED = sorted(p.parent for p in REPORTS.glob("**/suite.yaml"))


@pytest.mark.parametrize("folder", COMMITTED, ids=lambda p: p.name)
def test_committed_report_regenerates_byte_for_byte(folder, tmp_path):
    from langlab.report import make_report

    make_report(folder, out=tmp_path)
    for name in ("table.md", "table.csv", "results.json"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_every_committed_report_has_its_recipe_and_readme():
    assert COMMITTED, "no committed report found under reports/"
    for folder in COMMITTED:
        for name in ("suite.yaml", "results.sqlite", "table.md", "table.csv", "results.json",
                     "index.html", "README.md"):
            assert (folder / name).is_file(), f"{folder.name}/{name} is missing"
