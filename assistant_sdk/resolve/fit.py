"""Fitting a resolver on labelled requests (what ``Resolver.fit`` runs).

    calibration = fit_resolver(resolver, rows)      # head, calibration, personal fits, reader

In order: the example head is trained on the tools' cards and examples; the fused scores'
weights, temperature and decision thresholds are fitted with that head in place
(``calibrate.fit_calibration``); the fits of personal evidence see every labelled request as if
the others had been learned from use (``leave_one_out``, ``fit_learned``, ``fit_personal``,
``repeats.fit_confirmed``) and the trust model fitted on the requests replayed as a stream
(``simulate.fit_use_trust``, with the requests said again with other values where their
calls are known, ``use_rows``); then the fact-answer threshold (``fact_fit``) and the argument
reader (``reading.fitting``), both of which resolve with the new calibration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..reading.examples import index_examples
from ..reading.fitting import fit_resolver_reader
from ..tools import tool_card
from ..types import Tool
from .calibrate import (
    Calibration,
    Labelled,
    fit_calibration,
    fit_learned,
    fit_personal,
    leave_one_out,
)
from .cards import entry_digest
from .fact_fit import fit_facts
from .ranking import F32, FusionWeights, Head, train_head
from .repeats import fit_confirmed
from .simulate import fit_use_trust
from .templates import annotate, personal_phrase
from .use_rows import use_stream

if TYPE_CHECKING:
    from embeddings.base import Embedder

    from .resolver import Resolver

__all__ = ["HEAD_MAX_TOOLS", "fit_resolver", "train_example_head"]

HEAD_MAX_TOOLS = 5000
"""Above this many tools the example head is not trained (its weights would dominate memory)."""
UNFITTED_HEAD_WEIGHT = 0.1
"""The head's fusion weight when there are no labelled requests to fit it on."""

Rows = Sequence[tuple[str, str | None]]
Calls = Mapping[str, Mapping[str, object]]


def fit_resolver(
    resolver: Resolver, rows: Rows, *, head: bool = True, calls: Calls | None = None
) -> Calibration:
    """Fit ``resolver`` on ``rows`` (see ``Resolver.fit``); sets its calibration and reader."""
    trained = train_example_head(resolver.tools, resolver.embedder) if head else None
    if not rows:
        weights = FusionWeights(head=UNFITTED_HEAD_WEIGHT if trained else 0.0)
        resolver.calibration = Calibration(weights=weights, head=trained)
    else:
        # Features are read with the new head in place, so the fit sees the scores it weighs.
        resolver.calibration = Calibration(head=trained)
        labelled = [_labelled(resolver, text, label) for text, label in rows]
        calibration = fit_calibration(labelled, head=trained)
        # and for a device after long use (every other labelled request learned), so
        # that learned examples, which raise dense scores, do not inflate confidence
        # (each request as said: fitted on requests annotated as they would be learned, the
        # thresholds let more look-alike first requests through)
        vectors, labels = _vectors(resolver, rows)
        personal = leave_one_out(labelled, vectors, labels, len(resolver.tools))
        t, weights = calibration.thresholds, calibration.weights
        learned = fit_learned(labelled, personal, t.abstain, weights)
        trust = fit_personal(labelled, personal, weights)
        confirmed, lead = fit_confirmed(labelled, vectors, labels, weights, t.abstain)
        thresholds = replace(
            t, learned=learned, personal=trust, confirmed=confirmed, confirmed_margin=lead
        )
        # simulated use learns as a device does (annotated where the calls are known) and
        # hears the same intents said again with other values
        use = use_stream(resolver, rows, labelled, calls)
        model = fit_use_trust(use.rows, use.vectors, use.labels, weights, thresholds,
                              documents=use.documents, said=(use.texts, use.templates))  # fmt: skip
        resolver.calibration = replace(calibration, thresholds=thresholds, trust=model)
    facts = replace(resolver.calibration.thresholds, fact_answer=fit_facts(resolver))
    resolver.calibration = replace(resolver.calibration, thresholds=facts)
    resolver.reader = fit_resolver_reader(resolver, rows)
    return resolver.calibration


def train_example_head(tools: Sequence[Tool], embedder: Embedder) -> Head | None:
    """A linear head over the tools' cards and examples; None when no tool has examples or
    there are more than ``HEAD_MAX_TOOLS`` tools."""
    if all(not t.examples for t in tools) or len(tools) > HEAD_MAX_TOOLS:
        return None
    texts = [(t.name, x) for t in tools for x in (tool_card(t), *index_examples(t))]
    vectors = embedder.embed_documents([text for _, text in texts])
    return train_head(vectors, [name for name, _ in texts])


def _labelled(resolver: Resolver, text: str, label: str | None) -> Labelled:
    f = resolver.features(resolver.clean(text)[0])
    pos = resolver.position(label) if label is not None else None
    target = None
    if pos is not None:
        hits = np.nonzero(f.tools == pos)[0]
        target = int(hits[0]) if hits.size else None
    return Labelled(f.dense, f.lexical, f.head, target, label is not None, f.tools)


def _vectors(resolver: Resolver, rows: Rows) -> tuple[F32, NDArray[np.int64]]:
    """The labelled requests' vectors and their tools' positions (-1 out of scope): what
    the leave-one-out fits of personal evidence take every other request as."""
    vectors = resolver.embedder.embed_queries([resolver.clean(text)[0] for text, _ in rows])
    positions = [resolver.position(label) if label else None for _, label in rows]
    labels = np.array([-1 if p is None else p for p in positions], dtype=np.int64)
    return vectors, labels


def _learned_vectors(resolver: Resolver, rows: Rows, calls: Calls) -> F32:
    """The labelled requests as the index would embed them once learned with their calls."""
    texts = []
    for text, label in rows:
        cleaned, arguments = resolver.clean(text)[0], calls.get(text)
        tool = resolver.registry.get(label) if label else None
        if tool is None or not arguments:
            texts.append(cleaned)
            continue
        example = annotate(cleaned, arguments)
        texts.append(personal_phrase(tool, example, entry_digest(example)[:12]))
    return resolver.embedder.embed_documents(texts)
