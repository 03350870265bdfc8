"""What simulated use replays: the calibration requests, and the same intents said again.

A device in use sees two kinds of repeat: another phrasing of an intent it learned, and the
same words said again with other values ("what's the weather in Lima" after "... in Oslo").
The calibration requests are only the first kind. Where a request's settled call is known
(``Resolver.fit(rows, calls=...)``), its values are swapped for those of another request's
call for the same tool (``templates.say_again``), and the result joins the replayed stream
(after the requests as given, in a shuffled order, in the first order; anywhere in the
others), so the trust model is fitted on both kinds of repeat:

    stream = use_stream(resolver, rows, labelled, calls)   # rows, vectors, labels, said ...
    model = fit_use_trust(*stream.replayed(), weights, thresholds, ...)

Each request also carries the template it is learned as (``annotate`` with its call, its
literal words without one), for the template evidence of ``trust.template_evidence``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .calibrate import Labelled
from .templates import annotate, literal, say_again

if TYPE_CHECKING:
    from .ranking import F32
    from .resolver import Resolver

__all__ = ["SAID_AGAIN", "UseStream", "said_again", "use_stream"]

Rows = Sequence[tuple[str, str | None]]
Calls = Mapping[str, Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class UseStream:
    """The requests simulated use replays, in their first order, with what it needs of each."""

    rows: list[Labelled]
    vectors: F32
    labels: NDArray[np.int64]
    documents: F32 | None
    """Each request's vector as learned (annotated with its call), when that differs."""
    texts: list[str]
    templates: list[str]
    said_again: int
    """How many of the requests (the last ones) are others said again."""


SAID_AGAIN = 3
"""How many times each calibration request is said again (with as many other calls)."""


def said_again(
    rows: Rows, calls: Calls, times: int = SAID_AGAIN, seed: int = 0
) -> list[tuple[str, str, Mapping[str, object]]]:
    """Each labelled request whose call is known and whose values it says, said again with
    the values of up to ``times`` other requests' calls for the same tool (text, tool, that
    call), in a shuffled order; requests with no other call to take values from are left
    out."""
    rng = random.Random(seed)
    by_tool: dict[str, list[Mapping[str, object]]] = {}
    for text, label in rows:
        if label is not None and calls.get(text):
            by_tool.setdefault(label, []).append(calls[text])
    out: list[tuple[str, str, Mapping[str, object]]] = []
    for text, label in rows:
        arguments = calls.get(text)
        if label is None or not arguments:
            continue
        others = [c for c in by_tool[label] if c != arguments]
        rng.shuffle(others)
        said = {text}
        for other in others:
            again = say_again(text, arguments, other)
            if again is not None and again not in said and len(said) <= times:
                out.append((again, label, other))
                said.add(again)
    rng.shuffle(out)
    return out


def use_stream(
    resolver: Resolver, rows: Rows, labelled: Sequence[Labelled], calls: Calls | None
) -> UseStream:
    """The calibration ``rows`` (``labelled``: their features) followed, where ``calls`` are
    known, by the same intents said again, with their vectors, tools, learned vectors,
    texts and templates."""
    from .fit import _labelled, _learned_vectors, _vectors

    again = said_again(rows, calls) if calls else []
    settled = dict(calls or {})
    for text, _, call in again:
        settled.setdefault(text, call)
    every = [*rows, *((text, label) for text, label, _ in again)]
    extra = [_labelled(resolver, text, label) for text, label, _ in again]
    vectors, labels = _vectors(resolver, every)
    documents = _learned_vectors(resolver, every, settled) if calls else None
    texts = [resolver.clean(text)[0] for text, _ in every]
    templates = [
        annotate(cleaned, settled[text]) if settled.get(text) else literal(cleaned)
        for cleaned, (text, _) in zip(texts, every, strict=True)
    ]
    return UseStream([*labelled, *extra], vectors, labels, documents, texts, templates, len(again))
