"""Fitting the reader beside the resolver: the seed ``Resolver.fit`` fits it with."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assistant_sdk.reading import fitting, reader


def test_the_resolvers_reader_is_fitted_with_the_module_seed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    def fit_reader(*args: Any, **kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr(reader, "fit_reader", fit_reader)
    embedder = SimpleNamespace(has_token_states=True, embed_tokens=lambda texts: [])
    resolver = SimpleNamespace(embedder=embedder, facts=None, tools=[])
    fitting.fit_resolver_reader(resolver)  # type: ignore[arg-type]
    assert seen["seed"] == 0
    monkeypatch.setattr(fitting, "SEED", 3)
    fitting.fit_resolver_reader(resolver)  # type: ignore[arg-type]
    assert seen["seed"] == 3
