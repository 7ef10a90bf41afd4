"""Every positive string of the 2020 paper's public data is a member of the matching language.

Data: ``../shared/external/bhattamishra2020/<Folder>/*.txt`` (see its README); skipped where
absent. One known disagreement, on purpose: the paper's Tomita-3 DFA (``Tomita3Language`` in its
``tomita_generator.py``) accepts strings in which an odd block of 1s is followed, after an even
block of 0s, by another odd block of 0s; Tomita's definition (and langlab's) rejects them. The
test pins that exact set: every rejected Tomita-3 string is accepted by the paper's DFA.
"""

from __future__ import annotations

import pytest

import langlab

FOLDERS = {
    "AAStar": "aa-star", "AAStarBBStar": "aa*bb*cc*dd*ee*", "ABABStar": "abab-star",
    "Boolean-3": "boolean-3", "Boolean-5": "boolean-5", "Concatv1": "{a,b}*d{b,c}*",
    "Counter-2": "anbn", "Counter-3": "anbncn", "Counter-4": "anbncndn",
    "D_2": "d-2", "D_3": "d-3", "D_4": "d-4", "D_12": "d-12", "Dyck-1": "dyck-1",
    "Parity": "parity", "Shuffle-2": "shuffle-2", "Shuffle-4": "shuffle-4",
    "Shuffle-6": "shuffle-6", **{f"Tomita-{i}": f"tomita-{i}" for i in range(1, 8)},
}


def paper_tomita3_dfa(s: str) -> bool:
    """The DFA of the paper's code: states q0..q4, accepting q0, q1, q2, q4 dead."""
    delta = {("0", "0"): "0", ("0", "1"): "1", ("1", "0"): "3", ("1", "1"): "0",
             ("2", "0"): "3", ("2", "1"): "1", ("3", "0"): "2", ("3", "1"): "4",
             ("4", "0"): "4", ("4", "1"): "4"}
    q = "0"
    for ch in s:
        q = delta[q, ch]
    return q in "012"


def read_strings(folder):
    out = []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text().splitlines():
            if folder.name == "AAStarBBStar":  # the paper appends an end token T
                assert line.endswith("T")
                line = line[:-1]
            out.append(line)
    return out


@pytest.mark.parametrize("folder,name", sorted(FOLDERS.items()))
def test_positive_strings_are_members(shared_external, folder, name):
    path = shared_external / "bhattamishra2020" / folder
    if not path.is_dir():
        pytest.skip(f"{path} is not present")
    lang = langlab.load_language(name)
    strings = read_strings(path)
    assert strings
    rejected = [s for s in strings if not lang.accepts(s)]
    if name == "tomita-3":
        assert all(paper_tomita3_dfa(s) for s in rejected)
        assert 0 < len(rejected) < 0.05 * len(strings)  # 631 of 14,000 in the published data
    else:
        assert rejected == []
