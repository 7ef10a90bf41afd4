"""CHE's 15 tasks as function forms, checked against brute force on short inputs, and the
transduction task: its data (exact, leakage-free, same export), loss, metrics and errors."""

from __future__ import annotations

import itertools
import json
import math

import pytest
import torch
from torch import nn

import langlab
from langlab.data import LengthBin, SplitSpec
from langlab.data.export import example_rows, export_dataset
from langlab.errors import LanglabError
from langlab.languages.transduce import BLANK, function_form
from langlab.tasks import build_dataset, get_task

torch.set_num_threads(1)
D5 = "01234"


def words(alphabet, n):
    return ["".join(p) for p in itertools.product(alphabet, repeat=n)]


def brackets(n, ops):
    """Every string CHE's bracket generator can make at length n (by its recursion)."""
    if n == 1:
        return set(D5)
    if n == 2:
        return {"-" + d for d in D5}
    if n == 3:
        return {f"({d})" for d in D5}
    if n == 4:
        return {f"(-{d})" for d in D5}
    return {f"({a}{op}{b})" for left in range(1, n - 3) for a in brackets(left, ops)
            for b in brackets(n - 3 - left, ops) for op in ops}


def solve_pairs(n):
    """{equation: solution} at length n, made the way CHE makes them: an expression, one digit
    replaced by x, then = and the expression's value."""
    out = {}
    for e in brackets(n - 2, "+-"):
        for i, t in enumerate(e):
            if t in D5:
                out[e[:i] + "x" + e[i + 1:] + "=" + str(eval(e) % 5)] = t
    return out


def stack_cases(n):
    """{input: output} for stack manipulation, simulated on CHE's integer actions."""
    out = {}
    acts = {"POP": 2, "PUSH0": 3, "PUSH1": 4}
    names = list(acts)
    for s in range(1, n + 1):
        if n > 1 and s == n:
            continue
        for bits in itertools.product("01", repeat=s):
            for act in itertools.product(names, repeat=n - s):
                st = [int(b) for b in bits]
                for a in act:
                    if acts[a] == 2:
                        st and st.pop()
                    else:
                        st.append(acts[a] - 3)
                out[" ".join(bits + act)] = "".join(map(str, st[::-1])) + "$"
    return out


def binop(n, op, fn):
    out = {}
    for k in range(1, n - 1):
        for x in words("01", k):
            for y in words("01", n - 1 - k):
                if "1" in x and "1" in y:
                    v = fn(int(x[::-1], 2), int(y[::-1], 2))
                    out[x + op + y] = format(v, "b")[::-1] + "$"
    return out


def missing(n):
    out = {}
    h = n // 2
    for w in words("01", h) if n >= 2 else []:
        for i in range(2 * h):
            s = list(w + w)
            y, s[i] = s[i], "_"
            out["".join(s) + "#" * (n % 2)] = y
    return out


# Each task: its inputs of length n with their outputs, from the task's definition alone.
BRUTE = {
    "even-pairs": lambda n: {w: str(sum(a != b for a, b in zip(w, w[1:])) % 2) for w in words("01", n)},
    "parity-check": lambda n: {w: str(w.count("1") % 2) for w in words("01", n)},
    "cycle-navigation": lambda n: {w: str((w.count(">") - w.count("<")) % 5) for w in words("<=>", n)},
    "modular-arithmetic": lambda n: {"".join(itertools.chain(*itertools.zip_longest(d, o, fillvalue=""))):
                                     str(eval("".join(itertools.chain(*itertools.zip_longest(d, o, fillvalue="")))) % 5)
                                     for d in itertools.product(D5, repeat=n // 2 + 1)
                                     for o in itertools.product("+-*", repeat=n // 2)} if n % 2 else {},
    "stack-manipulation": stack_cases,
    "reverse-string": lambda n: {w: w[::-1] for w in words("01", n)},
    "modular-arithmetic-brackets": lambda n: {e: str(eval(e) % 5) for e in brackets(n, "+-*")},
    "solve-equation": lambda n: solve_pairs(n) if n >= 3 else {},
    "duplicate-string": lambda n: {w: w + w for w in words("01", n)},
    "missing-duplicate": missing,
    "odds-first": lambda n: {w: w[0::2] + w[1::2] for w in words("01", n)},
    "binary-addition": lambda n: binop(n, "+", int.__add__),
    "binary-multiplication": lambda n: binop(n, "*", int.__mul__),
    "compute-sqrt": lambda n: {w: format(math.isqrt(int(w, 2)), "b").zfill((n + 1) // 2)
                               for w in words("01", n) if "1" in w},
    "bucket-sort": lambda n: {w: "".join(sorted(w)) for w in words("12345", n)},
}
MAX_N = {"modular-arithmetic": 5, "stack-manipulation": 5, "modular-arithmetic-brackets": 8,
         "solve-equation": 8, "binary-multiplication": 8, "binary-addition": 8,
         "bucket-sort": 5, "cycle-navigation": 6}


def test_the_fifteen_tasks_are_registered():
    che = [n for n in langlab.list_languages() if n.startswith("che/")]
    assert sorted(che) == sorted(f"che/{t}" for t in BRUTE) and len(che) == 15


@pytest.mark.parametrize("task", sorted(BRUTE))
def test_inputs_and_function_match_brute_force(task):
    lang = langlab.load_language(f"che/{task}")
    form = function_form(lang)
    assert form.domain is lang   # the language's members are the task's inputs
    for n in range(0, MAX_N.get(task, 7) + 1):
        want = BRUTE[task](n) if n else {}
        got = {lang.join(s): "".join(form(s)) for s in lang.enumerate(n)}
        assert lang.count(n) == len(want), (task, n)
        assert got == want, (task, n)
        for s in want:
            assert set(form(s)) <= set(form.outputs)


def test_flare_marked_languages_have_their_function_forms():
    form = function_form(langlab.load_language("flare/marked-reversal"))
    assert form("0111") == ("1", "1", "1", "0") and form.domain.count(0) == 0
    assert function_form(langlab.load_language("flare/odds-first"))("0011") == tuple("0101")


def test_a_language_without_a_function_form_is_a_one_line_error():
    with pytest.raises(LanglabError) as err:
        build_dataset("parity", "transduction", SPEC)
    msg = str(err.value)
    assert msg == ("language parity has no function form, so no transduction task; "
                   "its tasks: next-symbol, recognition") and "\n" not in msg


SPEC = SplitSpec(train=LengthBin(1, 8, 150), validation=LengthBin(1, 8, 30),
                 test=[LengthBin(9, 14, 40)])


@pytest.fixture(scope="module")
def rev():
    return build_dataset("che/reverse-string", "transduction", SPEC)


def test_data_exact_and_leakage_free(rev):
    lang = langlab.load_language("che/reverse-string")
    seen = {}
    for name, split in rev.splits.items():
        for ex in split.examples:
            m = sum(1 for t in ex.tokens if t == BLANK)
            x, blanks = ex.tokens[:len(ex.tokens) - m], ex.tokens[len(ex.tokens) - m:]
            assert lang.accepts(x) and set(blanks) == {BLANK} and len(x) in split.bin
            assert [min(s) for s in ex.next[len(x) + 1:]] == list(x[::-1])
            assert not any(ex.next[: len(x) + 1])
            assert seen.setdefault(x, name) == name or name == "train"
    train = {ex.tokens for ex in rev.splits["train"].examples}
    for name in ("validation", "test-9-14"):
        assert not train & {ex.tokens for ex in rev.splits[name].examples}


def test_export_rows_are_input_output_pairs(rev, tmp_path):
    rows = example_rows(rev, "test-9-14")
    assert all(r["output"] == r["input"][::-1] for r in rows)
    export_dataset(rev, tmp_path)
    line = json.loads((tmp_path / "test-9-14.jsonl").read_text().splitlines()[0])
    assert sorted(line) == ["input", "output"]


class Reverser(nn.Module):
    """An oracle encoder: at output position j of a string with n inputs, one-hot of x[n-j]."""

    def __init__(self, vocab):
        super().__init__()
        self.vocab, self.output_dim = vocab, vocab.n_outputs
        self.dummy = nn.Parameter(torch.zeros(()))
        self.wrong_last = False

    def forward(self, tokens, lengths):
        B, T = tokens.shape
        out = torch.zeros(B, T, self.output_dim)
        blank = self.vocab.tokens.index(BLANK)
        for b in range(B):
            L = int(lengths[b])
            m = int((tokens[b, :L] == blank).sum())
            n = L - 1 - m
            for j in range(1, m + 1):
                tok = self.vocab.tokens[int(tokens[b, n + 1 - j])]
                if self.wrong_last and j == m:
                    tok = "1" if tok == "0" else "0"
                out[b, n + j, self.vocab.output_index(tok)] = 10.0
        return out


def test_oracle_scores_perfectly_and_one_wrong_token_counts_exactly(rev):
    task = get_task("transduction", rev.vocab)
    model = Reverser(rev.vocab)
    head = nn.Identity()
    head.register_parameter("p", nn.Parameter(torch.zeros(())))
    split = rev.splits["test-9-14"]
    m = task.evaluate(model, head, split, batch_size=16)
    assert m["accuracy"] == m["token_accuracy"] == m["che_score"] == 1.0 and m["n"] == 40.0
    assert sum(v[1] for v in m["by_length"].values()) == 40
    assert all(9 <= int(k) <= 14 for k in m["by_length"])
    model.wrong_last = True
    m = task.evaluate(model, head, split, batch_size=16)
    lengths = [len(ex.tokens) // 2 for ex in split.examples]
    assert m["accuracy"] == 0.0
    assert m["token_accuracy"] == pytest.approx(1 - len(lengths) / sum(lengths))
    per = {n: 1 - 1 / n for n in set(lengths)}
    assert m["che_score"] == pytest.approx(sum(per.values()) / len(per))
    batch = next(split.batches(8))
    assert float(task.loss(head(model(batch.tokens, batch.lengths)), batch)) > 1.0


def test_loss_sees_only_output_positions_and_trains(rev):
    torch.manual_seed(0)
    task = get_task("transduction", rev.vocab)
    emb = nn.Embedding(rev.vocab.size, 8)
    head = task.make_head(8)
    batch = next(rev.splits["train"].batches(32))
    states = emb(batch.tokens)
    loss = task.loss(head(states), batch)
    loss.backward()
    # a change at an input position's output leaves the loss unchanged
    out = head(states).detach()
    n = int((batch.tokens[0] > 1).sum() - (batch.tokens[0] == rev.vocab.tokens.index(BLANK)).sum())
    bumped = out.clone()
    bumped[0, :n + 1] += 5.0
    assert torch.allclose(task.loss(out, batch), task.loss(bumped, batch))


def test_a_suite_asking_transduction_of_a_language_without_a_form_fails_at_its_line(tmp_path):
    from langlab.errors import SpecError
    from langlab.harness.suite import expand, load_suite

    p = tmp_path / "suite.yaml"
    p.write_text("name: t\nlanguages:\n  - che/parity-check\n  - parity\n"
                 "models: [{name: rnn}]\ntask: {name: transduction}\n")
    with pytest.raises(SpecError) as err:
        load_suite(p, check_models=True)
    assert err.value.headline() == (
        f"{p}:4:5: suite: languages[1]: task transduction: language parity has no function "
        "form, so no transduction task; its tasks: next-symbol, recognition")
    p.write_text("name: t\nlanguages: [deletang2023, flare/marked-reversal]\n"
                 "models: [{name: rnn}]\ntask: {name: transduction}\n")
    jobs = expand(load_suite(p, check_models=True))
    assert len(jobs) == 16 and jobs[0].task["name"] == "transduction"


def test_the_che_suites_load_and_name_the_papers_models():
    from langlab.harness.suite import expand, load_suite

    full = load_suite("suites/deletang2023.yaml", check_models=True)
    assert {m.name for m in full.models} == {"rnn", "lstm", "stack-rnn", "tape-rnn", "transformer"}
    assert full.split.train.lo == 1 and full.split.train.hi == 40
    assert full.split.test[0].hi == 500 and len(full.seeds) == 10
    assert len(expand(full)) == 15 * 8 * 10 * 3
    cpu = load_suite("suites/deletang2023-cpu.yaml", check_models=True)
    assert cpu.task.name == "transduction" and cpu.split.test[0].lo == 41


def test_table2_rows_name_registered_tasks_and_say_they_are_unverified():
    from langlab.reference.deletang2023 import published, table2

    rows = table2()
    assert {r.language for r in rows} <= set(langlab.list_languages())
    assert len(rows) == 15 and not any(r.verified for r in rows)
    assert {r.language for r in rows} == {n for n in langlab.list_languages() if n.startswith("che/")}
    assert published("che/duplicate-string", "tape-rnn") == 100.0
    assert published("che/bucket-sort", "lstm") == 99.3
    assert published("che/parity-check", "gru") is None


def test_the_che_section_sets_our_score_beside_table2_and_counts_agreement():
    """On the committed CHE report: each cell is the max over seeds of CHE's score (the mean of
    per-length token accuracy over every test length, recomputed here from the stored rows),
    beside Table 2's number, and the agreement line counts the cells that agree on >= 90%."""
    import sqlite3

    from langlab.harness.suite import expand, load_suite
    from langlab.reference.deletang2023 import published
    from langlab.report.build import gather
    from langlab.report.che import agreement, che_md, che_rows, isolated_rows

    report = gather("reports/deletang2023")
    rows = che_rows(report)
    assert rows and {r["language"] for r in rows} <= set(report.languages)
    # the main table files each task under CHE's class, not its input language's
    assert {lang: c for lang, c in report.classes.items() if lang in (
        "che/parity-check", "che/reverse-string", "che/odds-first")} == {
        "che/parity-check": "regular", "che/reverse-string": "context-free",
        "che/odds-first": "context-sensitive"}
    variants = {j.key: j for j in expand(load_suite("reports/deletang2023/suite.yaml")) if j.variant}
    db = sqlite3.connect("reports/deletang2023/results.sqlite")
    stored = {}
    for key, lang, col, metrics in db.execute(
            "select key, language, column, metrics from runs where status='done'"):
        if key in variants:   # an isolating run: not a cell of the main table
            continue
        for name, m in json.loads(metrics).items():
            if name.startswith("test-"):
                stored.setdefault((lang, col), []).append(m["che_score"])
    n_agree = 0
    for r in rows:
        for c in r["cells"]:
            # several columns of one model (the Transformer's encodings) are one cell, their best
            cols = c.get("columns", [c["column"]])
            assert c["ours"] == round(100 * max(max(stored[(r["language"], col)])
                                                for col in cols), 1)
            assert len({dict(report.columns)[col] for col in cols}) == 1
            assert c["published"] == published(r["language"], dict(report.columns)[cols[0]])
            n_agree += (c["ours"] >= 90) == (c["published"] >= 90)
    assert agreement(rows) == (n_agree, sum(len(r["cells"]) for r in rows))
    text = "\n".join(che_md(report))
    assert f"Agreement on \"solves\": {n_agree} of {agreement(rows)[1]} cells" in text
    # the isolating runs: each the max over its seeds of CHE's score, beside the same number
    iso = isolated_rows(report)
    assert len(iso) == len({(j.language, j.column, j.origin[0]) for j in variants.values()})
    scores: dict = {}
    for key, metrics in db.execute("select key, metrics from runs where status='done'"):
        if key in variants:
            j = variants[key]
            m = json.loads(metrics)["test-41-500"]
            scores.setdefault((j.language, j.column, json.dumps(j.variant)), []).append(m["che_score"])
    for r in iso:
        matching = [v for (lang, col, _), v in scores.items() if (lang, col) == (r["language"], r["column"])]
        assert round(100 * max(max(v) for v in matching), 1) >= r["ours"]
        assert any(round(100 * max(v), 1) == r["ours"] for v in matching)


@pytest.mark.parametrize("task,ok", [("{name: transduction}", True),
                                     ("{name: recognition}", True),
                                     ("{name: next-symbol}", False),
                                     ("{name: recognition, options: {lm_loss: 0.5}}", False)])
def test_a_two_way_transformer_only_where_no_loss_reads_a_later_token(tmp_path, task, ok):
    """``causal: false`` (CHE's encoder) is accepted for transduction and plain recognition; a
    task that predicts next tokens refuses it at the model's setting, before any training."""
    from langlab.errors import SpecError
    from langlab.harness.suite import load_suite

    p = tmp_path / "suite.yaml"
    lang = "che/parity-check" if "transduction" in task else "parity"
    p.write_text(f"name: t\nlanguages: [{lang}]\nmodels:\n  - name: transformer\n"
                 f"    settings: {{d_model: 16, heads: 2, causal: false}}\ntask: {task}\n")
    if ok:
        load_suite(p, check_models=True)
        return
    with pytest.raises(SpecError) as err:
        load_suite(p, check_models=True)
    line = err.value.headline()
    assert line.startswith(f"{p}:5:") and "attends both ways" in line and "needs a causal" in line


def test_a_two_way_transformer_trains_on_a_transduction_and_next_symbol_refuses_it(rev):
    from langlab.errors import LanglabError
    from langlab.models import build_model

    torch.manual_seed(0)
    model = build_model("transformer", vocab_size=rev.vocab.size, d_model=16, heads=2, layers=1,
                        positional="alibi", causal=False)
    task = get_task("transduction", rev.vocab)
    task.check_model(model)
    head = task.make_head(model.output_dim)
    opt = torch.optim.Adam([*model.parameters(), *head.parameters()], lr=3e-3)
    batch = next(rev.splits["train"].batches(32))
    first = None
    for _ in range(30):
        loss = task.loss(head(model(batch.tokens, batch.lengths)), batch)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < first
    with pytest.raises(LanglabError, match="task next-symbol needs a causal model"):
        get_task("next-symbol", rev.vocab).check_model(model)
