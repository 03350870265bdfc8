"""Fine-tune the on-device encoder for reading arguments, once, at ``adapt`` time.

A frozen encoder trained for sentence similarity keeps only some of what a span tagger needs
(where a name ends, which word is the unit of a duration). Here the encoder, up to the middle
layer the reader tags (the layers above it are neither run backwards nor changed), is trained
with a tagging head on labelled spans for a short, bounded budget (a subset of the rows, a few
epochs, short sequences). The head is by default the reader's own kind: word states (the mean
of their pieces), emission scores and learned transitions, trained on the likelihood of whole
tag sequences (``_tag_words.py``); ``loss="softmax"`` is a per-piece softmax instead. With
held-out rows, the encoder kept is the one of the pass whose loss on them is lowest. The
encoder alone is exported and quantised like the base one, into a cache folder keyed by the
base model, the data and the config. The head is dropped: the reader's own tagger is then
trained on the tuned encoder's states as usual, so run time stays numpy and onnxruntime.

Needs the ``build`` extra (torch, transformers); nothing here runs at request time.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .base import ConfigurationError

__all__ = ["TagTuneConfig", "tune_for_tagging"]

Spans = Sequence[tuple[str, int, int]]
"""``(label, start, end)`` character spans of one text."""


@dataclass(frozen=True, slots=True)
class TagTuneConfig:
    epochs: int = 2
    learning_rate: float = 8e-5
    batch_size: int = 32
    max_rows: int = 1500
    """Rows trained on (a seeded sample when there are more): the time budget."""
    max_tokens: int = 40
    min_steps: int = 60
    """Small sets are passed over more often, so K rows get as many updates as this."""
    seed: int = 0
    loss: str = "crf"
    """``"crf"``: word states (the mean of their pieces, as the reader reads them), emission
    scores and learned transitions, trained on the likelihood of the whole tag sequence;
    ``"softmax"``: a per-piece softmax over BIO tags."""

    def __post_init__(self) -> None:
        if self.loss not in ("crf", "softmax"):
            raise ConfigurationError(f"loss must be 'crf' or 'softmax', not {self.loss!r}")


def _fingerprint(
    base: str,
    texts: Sequence[str],
    spans: Sequence[Spans],
    cfg: TagTuneConfig,
    validation: tuple[Sequence[str], Sequence[Spans]] = ((), ()),
) -> str:
    digest = hashlib.sha256(f"tagging\n{base}\n".encode())
    digest.update(json.dumps(asdict(cfg), sort_keys=True).encode())
    for text, found in zip(texts, spans, strict=True):
        digest.update(f"{text}\t{sorted(found)}\n".encode())
    for text, found in zip(*validation, strict=True):
        digest.update(f"held\t{text}\t{sorted(found)}\n".encode())
    return digest.hexdigest()[:16]


def tune_for_tagging(
    texts: Sequence[str],
    spans: Sequence[Spans],
    cache_dir: Path,
    *,
    config: TagTuneConfig | None = None,
    progress: Callable[[str, float], None] | None = None,
    validation: tuple[Sequence[str], Sequence[Spans]] = ((), ()),
) -> Path:
    """Fine-tune the packaged model to tag ``spans`` in ``texts``, export it, return its folder.

    With ``validation`` texts and spans, the encoder kept is the one of the pass (over the
    training rows) whose loss on them was lowest. Idempotent: the same base model, data and
    config give the same folder, built once."""
    from .build import export_model, source_model_dir

    cfg = config or TagTuneConfig()
    source = source_model_dir()
    key = _fingerprint(str(source), texts, spans, cfg, validation)
    target = cache_dir / "models" / f"tagging-{key}"
    if (target / "model.onnx").exists():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        tuned = Path(tmp) / "tuned"
        _train(source, texts, spans, tuned, cfg, progress, validation)
        return export_model(tuned, target, progress=progress, fingerprint=f"tagging-{key}")


def _piece_tags(encoding: Any, found: Spans, index: dict[str, int]) -> list[int]:
    """BIO tag per piece (-100 for special and padding pieces, which the loss skips)."""
    tags = []
    for (a, b), special, mask in zip(
        encoding.offsets, encoding.special_tokens_mask, encoding.attention_mask, strict=True
    ):
        tag = -100 if special or not mask else 0
        for label, start, end in found:
            if tag == 0 and a < end and b > start and b > a:
                tag = 1 + 2 * index[label] + (0 if a <= start else 1)
        tags.append(tag)
    return tags


def _train(
    source: Path,
    texts: Sequence[str],
    spans: Sequence[Spans],
    out: Path,
    cfg: TagTuneConfig,
    progress: Callable[[str, float], None] | None,
    validation: tuple[Sequence[str], Sequence[Spans]] = ((), ()),
) -> None:
    import torch
    from transformers import AutoModel

    from .build import MIDDLE_LAYER

    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    chosen = [n for n in range(len(texts)) if texts[n].strip()]
    rng.shuffle(chosen)
    chosen = chosen[: cfg.max_rows]
    labels = sorted({label for n in chosen for label, _, _ in spans[n]})
    index = {label: n for n, label in enumerate(labels)}
    bert = AutoModel.from_pretrained(str(source), local_files_only=True)
    layers = bert.encoder.layer
    bert.encoder.layer = layers[:MIDDLE_LAYER]  # the layer the reader reads is the head's input
    tuner = _Tuner(bert, _tokenizer(source, cfg), labels, cfg)
    optimiser = torch.optim.AdamW(tuner.params, lr=cfg.learning_rate, weight_decay=0.01)
    plan = _plan(chosen, cfg, rng)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / 20) * max(0.0, 1 - step / len(plan))
    )
    held = [(t, [x for x in s if x[0] in index]) for t, s in zip(*validation, strict=True)]
    held = [(t, s) for t, s in held if t.strip()]
    best, best_loss, per_epoch = None, float("inf"), max(1, len(chosen) // cfg.batch_size)
    for step, batch in enumerate(plan):
        loss = tuner.loss([texts[n] for n in batch], [spans[n] for n in batch], index, True)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(tuner.params, 1.0)
        optimiser.step()
        schedule.step()
        if progress:
            progress("tuning the encoder to read arguments", (step + 1) / len(plan))
        if held and ((step + 1) % per_epoch == 0 or step + 1 == len(plan)):
            current = tuner.held_loss(held, index)
            if current < best_loss:
                best_loss = current
                best = {k: v.detach().clone() for k, v in bert.state_dict().items()}
    if best is not None:
        bert.load_state_dict(best)  # the pass whose held-out loss was lowest
    bert.encoder.layer = layers
    bert.eval()
    bert.save_pretrained(str(out))
    for name in ("tokenizer.json", "config.json"):
        if not (out / name).exists():
            shutil.copy(source / name, out / name)


def _tokenizer(source: Path, cfg: TagTuneConfig) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=cfg.max_tokens)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def _plan(chosen: list[int], cfg: TagTuneConfig, rng: random.Random) -> list[list[int]]:
    """Shuffled batches, whole passes over the rows, until both step budgets are met."""
    plan: list[list[int]] = []
    while len(plan) < cfg.min_steps or len(plan) < cfg.epochs * len(chosen) / cfg.batch_size:
        rng.shuffle(chosen)
        plan += [chosen[i : i + cfg.batch_size] for i in range(0, len(chosen), cfg.batch_size)]
    return plan


class _Tuner:
    """The truncated encoder with its tagging head: a per-piece softmax (``loss="softmax"``)
    or word emissions and learned transitions trained on the sequence likelihood (``"crf"``)."""

    def __init__(
        self, bert: Any, tokenizer: Any, labels: Sequence[str], cfg: TagTuneConfig
    ) -> None:
        import torch

        from ._tag_words import legal_moves

        n_tags = 1 + 2 * len(labels)
        self.bert, self.tokenizer, self.crf = bert, tokenizer, cfg.loss == "crf"
        self.head = torch.nn.Linear(bert.config.hidden_size, n_tags)
        self.moves = torch.nn.Parameter(torch.zeros(n_tags + 1, n_tags))
        self.legal = legal_moves(len(labels))
        self.params = [*bert.parameters(), *self.head.parameters()]
        self.params += [self.moves] if self.crf else []
        self.batch = cfg.batch_size

    def loss(
        self, texts: Sequence[str], spans: Sequence[Spans], index: dict[str, int], train: bool
    ) -> Any:
        import torch

        from ._tag_words import crf_nll, word_batch

        self.bert.train(train)
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = torch.tensor([e.ids for e in encodings])
        mask = torch.tensor([e.attention_mask for e in encodings])
        out = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
        hidden = out.last_hidden_state
        if not self.crf:
            gold = torch.tensor(
                [_piece_tags(e, s, index) for e, s in zip(encodings, spans, strict=True)]
            )
            logits = self.head(hidden)
            return torch.nn.functional.cross_entropy(logits.flatten(0, 1), gold.flatten())
        pool, words, tags = word_batch(encodings, spans, index)
        moves = torch.where(self.legal, self.moves, torch.tensor(-1e4))
        return crf_nll(self.head(pool @ hidden), moves, words, tags)

    def held_loss(self, held: Sequence[tuple[str, Spans]], index: dict[str, int]) -> float:
        import torch

        total = 0.0
        with torch.no_grad():
            for at in range(0, len(held), self.batch):
                chunk = held[at : at + self.batch]
                loss = self.loss([t for t, _ in chunk], [s for _, s in chunk], index, False)
                total += float(loss) * len(chunk)
        return total / len(held)
