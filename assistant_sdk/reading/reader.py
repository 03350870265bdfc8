"""The span reader and its calibrated "act on the device" decision.

    reader = fit_reader(tools, embedder, vocabulary, resolve=resolver_probability)
    reading = reader.read(tool, tokens)          # spans per parameter, refusal words
    reading.act_probability(p_tool)              # the chance the whole frame is right

``fit_reader`` makes frames from the tools' annotated examples (``reading.frames``), trains the
tagger on most of them, fits the frame odds (``reading.odds``) on the frames held apart and
frames of a third seed, cross-fitted (``fit_act``), and bound-checks the act threshold on
those check frames' out-of-fold scores: the lowest calibrated
probability whose accepted check frames are right (right tool, the frame's own arguments, a
frame one may act on) at least ``precision`` of the time by the Wilson lower bound
(``reading.calibrate``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ..types import Tool
from .calibrate import act_threshold, best_lower, refusal_threshold
from .frames import REFUSE, Frame, make_frames
from .kinds import SlotFill
from .odds import FrameOdds, FrameSigns, fit_odds, frame_signs
from .slot_eval import char_tags
from .tagger import Sequence_, Tagger, train_tagger
from .typed import Found
from .values import Vocabulary
from .words import Words, word_view

if TYPE_CHECKING:
    from embeddings.onnx import TokenStates

__all__ = [
    "ACT_PRECISION",
    "FOLDS",
    "SCHEME",
    "FrameScore",
    "Reading",
    "SpanReader",
    "fit_act",
    "fit_reader",
    "fit_refusal",
]

ACT_PRECISION = 0.98
"""The share of on-device actions that must be right, on validation frames."""
REFUSAL = 0.7
"""The least tagger confidence from which refusal words stop the device acting; ``fit``
raises it above what requests the device should act on reach (``fit_refusal``)."""
CHECK_FRAMES = 72
"""Fillings per annotated example of the frames the act threshold is bound-checked on (made
with their own seed, apart from the training frames and the frames the odds are fitted on):
the Wilson bound certifies 98% only over a few hundred frames the device would weigh."""
EMBED_CHUNK = 512
"""Check frames embedded per call while the rest are still being made: a multiple of the
encoder's batch (32), so the batches are those of one call over them all."""
FALSE_REFUSALS = 0.02
"""The share of requests the device should act on that the fitted refusal threshold may stop
(by the Wilson upper bound: with a few hundred such requests, one or two of them)."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reader found in one request for one tool."""

    found: dict[str, Found] = field(default_factory=dict)
    refusal: tuple[str, ...] = ()
    """Words meaning one call now would not do: a condition, a second action, a negation."""
    refusal_confidence: float = 0.0
    repeated: tuple[str, ...] = ()
    """Parameters tagged more than once: two values where one fits."""
    refusal_seen: float = 0.0
    """The refusal words' confidence before the fitted refusal threshold: what the act
    probability weighs (``refusal_confidence`` is 0 below that threshold)."""
    refusal_peak: float = 0.0
    """The highest marginal probability of any one word being refusal words, whether or not
    the best tag path tags it: a condition the path missed still weighs against acting."""

    @property
    def confidence(self) -> float:
        return min((f.confidence for f in self.found.values()), default=1.0)

    def act_probability(self, tool_probability: float, required: Sequence[str]) -> float:
        """The chance the whole frame is right: the tool, every span, nothing refused."""
        if self.repeated or any(name not in self.found for name in required):
            return 0.0
        return tool_probability * self.confidence * (1.0 - self.refusal_confidence)


@dataclass(frozen=True, slots=True)
class SpanReader:
    tagger: Tagger
    threshold: float = 1.01
    """Act probability from which the device acts alone (fitted; above 1: never)."""
    precision: float = ACT_PRECISION
    refusal: float = REFUSAL
    """Refusal-word confidence from which the device does not act (fitted)."""
    odds: FrameOdds | None = None
    """The calibrated chance a frame is right (fitted on validation frames); without it the
    act probability is the product of the resolver's probability and the span confidences."""
    bound: float = 0.0
    """The best Wilson lower bound of precision any top share of the check frames reached
    (``calibrate.best_lower``): how near the act threshold came to being certified."""
    checked: int = 0
    """How many check frames the act threshold was bound-checked on."""

    def read(self, tool: Tool, tokens: TokenStates | Words) -> Reading:
        words = tokens if isinstance(tokens, Words) else word_view(tokens)
        allowed = {*tool.parameter_names, REFUSE}
        spans, probs = self.tagger.decode(words.states, words.ids, allowed)
        peak = _label_peak(probs, self.tagger.labels, REFUSE)
        found: dict[str, Found] = {}
        repeated: list[str] = []
        refusal: list[str] = []
        refusal_confidence = 0.0
        for span in spans:
            start, end = words.offsets[span.first][0], words.offsets[span.last][1]
            if span.label == REFUSE:
                refusal.append(words.text[start:end])
                refusal_confidence = max(refusal_confidence, span.confidence)
            elif span.label in found:
                repeated.append(span.label)
            else:
                found[span.label] = Found(start, end, span.confidence)
        seen = refusal_confidence
        if refusal_confidence < self.refusal:
            refusal, refusal_confidence = [], 0.0
        return Reading(found, tuple(refusal), refusal_confidence, tuple(repeated), seen, peak)


def _label_peak(probs: np.ndarray, labels: Sequence[str], label: str) -> float:
    """The highest marginal probability of ``label`` (its B and I tags) over the words."""
    if label not in labels or len(probs) == 0:
        return 0.0
    n = labels.index(label)
    return float((probs[:, 1 + 2 * n] + probs[:, 2 + 2 * n]).max())


Resolve = Callable[[str, str], float]
"""The resolver's probability that a request (first) is for a tool (second)."""
FrameScore = Callable[["SpanReader", Tool, Frame, Words], "tuple[FrameSigns, float, bool] | None"]
"""A validation frame's signs (``reading.odds``), its act probability and whether acting on it
would be right, as the device decides at run time; None for a frame that says nothing about
the decision."""


def fit_reader(
    tools: Sequence[Tool],
    embed: Callable[[Sequence[str]], list[TokenStates]],
    vocabulary: Vocabulary | None = None,
    *,
    resolve: Resolve | None = None,
    precision: float = ACT_PRECISION,
    in_scope: Sequence[tuple[Tool, TokenStates]] = (),
    score: FrameScore | None = None,
    worth: Callable[[Tool, Frame], bool] | None = None,
    seed: int = 0,
) -> SpanReader | None:
    """Train the reader on frames from ``tools``' annotated examples; None if none has any.

    Frames held apart from training (a fifth of the training frames and as many again made
    with another seed) fit the refusal threshold (those the device may act on, with
    ``in_scope``, real requests labelled with their tool, beside them) and the frame odds
    (``reading.odds``); the act threshold is bound-checked on frames made with a third seed
    (``CHECK_FRAMES``), those of them ``worth`` keeps (by default all) (``fit_act``).
    ``score`` judges a frame as the device would (by default: the tagger's spans against the
    frame's, with ``resolve``'s probability for the tool; ``reading.judge`` judges it as
    ``plan_locally`` decides). ``seed`` makes the three sets of frames (from ``seed``,
    ``seed + 1`` and ``seed + 2``) and starts the tagger's training."""
    frames = make_frames(tools, vocabulary, per_example=5, negatives=1.0, seed=seed)
    labels = sorted({label for f in frames for label, _, _ in f.spans})
    if not labels:
        return None
    rng = random.Random(seed)
    rng.shuffle(frames)
    cut = max(1, len(frames) // 5)
    extra = make_frames(tools, vocabulary, per_example=4, negatives=1.0, seed=seed + 1)
    checks = make_frames(tools, vocabulary, per_example=CHECK_FRAMES, negatives=1.0, seed=seed + 2)
    by_name = {t.name: t for t in tools}
    validation, training = frames[:cut] + extra, frames[cut:]
    # The encoder runs on one thread: the embedding runs beside the work that needs none (the
    # whole-request readings ``worth`` makes, the tagger's training), the check frames a
    # chunk at a time as ``worth`` keeps them, in chunks of whole batches, so the states are
    # the ones one call over all of them gives.
    with ThreadPoolExecutor(max_workers=1) as beside:
        embedded = beside.submit(embed, [f.text for f in validation + training])
        kept: list[Frame] = []
        chunks = []
        for frame in checks:
            if worth is None or worth(by_name[frame.tool], frame):
                kept.append(frame)
                if len(kept) % EMBED_CHUNK == 0:
                    chunks.append(beside.submit(embed, [f.text for f in kept[-EMBED_CHUNK:]]))
        if len(kept) % EMBED_CHUNK:
            left = kept[len(kept) - len(kept) % EMBED_CHUNK :]
            chunks.append(beside.submit(embed, [f.text for f in left]))
        checks = kept
        words = [word_view(t) for t in embedded.result()]
        reader = _trained(training, validation, cut, words, labels, precision, seed)
        actable = [
            (by_name[f.tool], w)
            for f, w in zip(validation, words[: len(validation)], strict=True)
            if f.act
        ]
        reader = fit_refusal(reader, [*actable, *((t, word_view(s)) for t, s in in_scope)])
        check_words = [word_view(t) for chunk in chunks for t in chunk.result()]
    held_words = words[: len(validation)]
    judge = score or (lambda r, tool, f, w: _score(r, tool, f, w, resolve))

    def judged(
        frames: Sequence[Frame], views: Sequence[Words]
    ) -> list[tuple[FrameSigns, float, bool]]:
        scores = (judge(reader, by_name[f.tool], f, w) for f, w in zip(frames, views, strict=True))
        return [s for s in scores if s is not None]

    return fit_act(reader, judged(validation, held_words), judged(checks, check_words))


def _trained(
    training: Sequence[Frame],
    validation: Sequence[Frame],
    cut: int,
    words: Sequence[Words],
    labels: Sequence[str],
    precision: float,
    seed: int,
) -> SpanReader:
    """The tagger trained on ``training`` (``words``: the views of ``validation`` then
    ``training``), early-stopped on the first ``cut`` validation frames."""
    held_words, train_words = words[: len(validation)], words[len(validation) :]
    sequences = [
        Sequence_(w.states, w.ids, char_tags(w.offsets, f.spans, labels))
        for f, w in zip(training, train_words, strict=True)
    ]
    tokens = sum(len(s.tags) for s in sequences)
    epochs = int(min(60, max(6, 160_000 // max(1, tokens))))
    held = [
        Sequence_(w.states, w.ids, char_tags(w.offsets, f.spans, labels))
        for f, w in zip(validation[:cut], held_words[:cut], strict=True)
    ]
    tagger = train_tagger(sequences, labels, epochs=epochs, batch=64, validation=held, seed=seed)
    return SpanReader(tagger, precision=precision)


FOLDS = 5
"""The check frames are cut in this many parts; each part's frames are scored by odds
fitted without them (``fit_act``)."""


def fit_act(
    reader: SpanReader,
    fitting: Sequence[tuple[FrameSigns, float, bool]],
    checking: Sequence[tuple[FrameSigns, float, bool]],
) -> SpanReader:
    """The frame odds and the act threshold: the lowest calibrated probability whose
    accepted check frames are right at least ``reader.precision`` of the time by the Wilson
    lower bound. Each row is a judged validation frame: its signs, its probability before
    the odds (0: it may never act) and whether acting on it is right.

    The odds are cross-fitted: the check frames are cut in ``FOLDS`` parts, and each part is
    scored by odds fitted on ``fitting`` and the other parts, so no check frame is scored by
    odds that saw it; the threshold is bound-checked on those scores, and the odds kept are
    fitted on every row. Too few check frames to cut are scored by odds fitted on
    ``fitting`` alone."""
    checking = list(checking)
    if len(checking) < 2 * FOLDS:
        odds = _odds(fitting)
        scores = [_scored(odds, row) for row in checking]
    else:
        parts = [n % FOLDS for n in range(len(checking))]
        random.Random(len(checking)).shuffle(parts)
        scores = [0.0] * len(checking)
        for k in range(FOLDS):
            others = [r for r, part in zip(checking, parts, strict=True) if part != k]
            rest = _odds([*fitting, *others])
            for n in (n for n, part in enumerate(parts) if part == k):
                scores[n] = _scored(rest, checking[n])
        odds = _odds([*fitting, *checking])
    right = [r for _, _, r in checking]
    threshold = act_threshold(scores, right, reader.precision)
    bound = best_lower(scores, right)
    return replace(reader, odds=odds, threshold=threshold, bound=bound, checked=len(checking))


def _scored(odds: FrameOdds | None, row: tuple[FrameSigns, float, bool]) -> float:
    signs, p, _ = row
    return odds.probability(signs.vector) if odds is not None and p > 0.0 else p


def _odds(rows: Sequence[tuple[FrameSigns, float, bool]]) -> FrameOdds | None:
    return fit_odds([s.vector for s, _, _ in rows], [r for _, _, r in rows])


def fit_refusal(
    reader: SpanReader, requests: Sequence[tuple[Tool, Words | TokenStates]]
) -> SpanReader:
    """The refusal threshold from which at most ``FALSE_REFUSALS`` of ``requests`` (requests
    the device should act on, labelled with their tool) would be refused, by the Wilson
    upper bound of that share, and never below ``REFUSAL``."""
    if not requests:
        return reader
    probe = replace(reader, refusal=0.0)
    scores = [probe.read(tool, tokens).refusal_confidence for tool, tokens in requests]
    return replace(reader, refusal=refusal_threshold(scores, REFUSAL, FALSE_REFUSALS))


def _score(
    reader: SpanReader, tool: Tool, frame: Frame, words: Words, resolve: Resolve | None
) -> tuple[FrameSigns, float, bool]:
    """A frame judged on its spans alone: right when the tagger's spans are the frame's."""
    reading = reader.read(tool, words)
    p_tool = resolve(frame.text, tool.name) if resolve else 1.0
    gold = {label: (a, b) for label, a, b in frame.spans if label != REFUSE}
    spans = {name: (f.start, f.end) for name, f in reading.found.items()}
    right = frame.act and spans == gold and p_tool >= 0.5
    none = SlotFill({}, {})
    read = SlotFill({name: frame.text[f.start : f.end] for name, f in reading.found.items()}, {})
    signs = frame_signs(
        p_tool,
        reading.confidence,
        reading.refusal_seen,
        reading.refusal_peak,
        *(none, read, none),
        frame.text,
        (),
        1.0,
    )
    return signs, reading.act_probability(p_tool, tool.required), right


SCHEME = "crf-spelling-odds-3"
"""The saved tagger's layout and feature hashing; a reader saved with another is not read."""


def reader_arrays(reader: SpanReader) -> Mapping[str, np.ndarray]:
    """The reader as named arrays (for ``numpy.savez``)."""
    t = reader.tagger
    return {
        "labels": np.array(t.labels),
        "hidden": t.hidden,
        "hidden_bias": t.hidden_bias,
        "weights": t.weights,
        "bias": t.bias,
        "lexical": t.lexical,
        "transitions": t.transitions,
        "act": np.array([reader.threshold, reader.precision, reader.refusal]),
        "odds": np.array([*reader.odds.weights, reader.odds.bias] if reader.odds else []),
        "checked": np.array([reader.bound, reader.checked]),
        "scheme": np.array([SCHEME]),
    }


def reader_from_arrays(data: Mapping[str, np.ndarray]) -> SpanReader:
    tagger = Tagger(
        tuple(str(x) for x in data["labels"]),
        data["hidden"],
        data["hidden_bias"],
        data["weights"],
        data["bias"],
        data["lexical"],
        data["transitions"],
    )
    threshold, precision, refusal = (float(x) for x in data["act"])
    fitted = [float(x) for x in data["odds"]] if "odds" in data else []
    odds = FrameOdds(tuple(fitted[:-1]), fitted[-1]) if fitted else None
    bound, checked = (float(x) for x in data["checked"]) if "checked" in data else (0.0, 0.0)
    return SpanReader(tagger, threshold, precision, refusal, odds, bound, int(checked))
