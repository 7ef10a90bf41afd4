"""Attention maps of Transformer runs, for the report's heatmaps.

:func:`attention_weights` recomputes each block's attention probabilities from the block's own
input (captured by a forward pre-hook, so the model's forward pass is unchanged) with the same
projections, rotary positions and bias the block uses. ``langlab probe`` keeps the maps of a
few chosen strings per Transformer run in ``RUN_DIR/probes/attention.json`` (rounded, small);
``langlab report`` draws them, so a committed report redraws its heatmaps without weights.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

ATTENTION_FILE = "probes/attention.json"
MAX_LEN = 24  # the default string: the longest validation member up to this length


def attention_weights(model, tokens, lengths) -> list:
    """Per block, the attention probabilities ``(B, H, T, T)`` (row: query, column: key)."""
    import torch

    from langlab.models import positional as pe

    captured = {}
    hooks = [block.register_forward_pre_hook(
        lambda _m, args, k=k: captured.__setitem__(k, args)) for k, block in enumerate(model.blocks)]
    try:
        with torch.no_grad():
            model(tokens, lengths)
    finally:
        for h in hooks:
            h.remove()
    out = []
    with torch.no_grad():
        for k, block in enumerate(model.blocks):
            x, rope_positions, bias = captured[k]
            h = block.norm1(x) if block.pre else x
            B, T, C = h.shape
            q, kk, _ = block.qkv(h).view(B, T, 3, block.heads, C // block.heads).permute(2, 0, 3, 1, 4)
            if rope_positions is not None:
                q, kk = pe.rope(q, rope_positions), pe.rope(kk, rope_positions)
            scores = q @ kk.transpose(-1, -2) / math.sqrt(q.size(-1))  # (B, H, T, T)
            if bias is not None:
                scores = scores + bias
            else:
                causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
                scores = scores.masked_fill(~causal, float("-inf"))
            out.append(scores.softmax(dim=-1))
    return out


def default_strings(ds, k: int = 1) -> list[tuple[str, ...]]:
    """The longest validation members of length at most MAX_LEN (first in split order)."""
    members = [ex.tokens for ex in ds.splits["validation"].examples
               if ex.label and len(ex.tokens) <= MAX_LEN]
    members.sort(key=lambda s: -len(s))
    return members[:k]


def attention_record(loaded, ds, strings: list[tuple[str, ...]] | None = None) -> dict[str, Any]:
    """One run's maps for ``strings`` (default :func:`default_strings`), rounded to 3 digits."""
    import torch

    row = loaded.row
    maps = []
    for toks in strings or default_strings(ds):
        ids = torch.tensor([_encode(loaded.vocab, loaded.language.tokenize(toks))])  # (1, T)
        weights = attention_weights(loaded.model, ids, torch.tensor([ids.size(1)]))
        maps.append({"string": loaded.language.join(toks),
                     "tokens": ["<bos>", *toks],
                     "layers": [[[[round(float(v), 3) for v in r] for r in head]
                                 for head in w[0].tolist()] for w in weights]})
    return {"run_key": row["key"], "language": row["language"], "column": row["column"],
            "seed": row["seed"], "maps": maps}


def _encode(vocab, toks) -> list[int]:
    """BOS + token ids, as the dataset encodes a string."""
    from langlab.data.tensors import encode_split

    arrays = encode_split(vocab, [tuple(toks)], [1], None)
    return arrays.ids[0, : int(arrays.lengths[0])].astype(int).tolist()


def write_attention(run_dir: str | Path, records: list[dict[str, Any]]) -> Path:
    """Merge ``records`` into ``RUN_DIR/probes/attention.json`` (by run key)."""
    path = Path(run_dir) / ATTENTION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    old = read_attention(run_dir)
    merged = {r["run_key"]: r for r in old}
    merged.update({r["run_key"]: r for r in records})
    text = json.dumps([merged[k] for k in sorted(merged)], sort_keys=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return path


def read_attention(run_dir: str | Path) -> list[dict[str, Any]]:
    path = Path(run_dir) / ATTENTION_FILE
    return json.loads(path.read_text()) if path.is_file() else []
