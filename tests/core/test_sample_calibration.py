"""The sample apps' calibration set names real tools and teaches the resolver to abstain."""

from pathlib import Path

import pytest

from app_adapters.apps import DEMO_FACTS, load_sample_apps, seed_demo_profile
from app_adapters.apps.calibration import calibration_rows
from assistant_sdk import Decision, FactStore, Resolver, ToolRegistry
from embeddings.base import Embedder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def resolver(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    folder: Path = tmp_path_factory.mktemp("phone")
    seed_demo_profile(folder)
    registry = ToolRegistry()
    for app in load_sample_apps(folder):
        registry.add_app(app)
    facts = FactStore(":memory:")
    for fact in DEMO_FACTS:
        facts.remember(fact)
    r = Resolver(embedder, registry, facts)
    r.build()
    r.fit(calibration_rows())
    return r


def test_every_calibration_label_is_a_sample_tool_or_out_of_scope(resolver: Resolver) -> None:
    names = {t.name for t in resolver.tools}
    labels = {label for _, label in calibration_rows()}
    assert labels - {None} <= names
    assert None in labels


@pytest.mark.parametrize("request_", ["order a pizza", "how tall is mount everest"])
def test_requests_no_sample_app_can_handle_are_out_of_scope(
    resolver: Resolver, request_: str
) -> None:
    assert resolver.resolve(request_).decision is Decision.OUT_OF_SCOPE


@pytest.mark.parametrize(
    ("request_", "tool"),
    [
        ("set an alarm for 7", "set_alarm"),
        ("text mom I'm running late", "send_message"),
        ("book me a ride home", "lyft_book_ride"),
        ("start a timer for 20 minutes", "start_timer"),
    ],
)
def test_everyday_requests_rank_their_tool_first_with_a_clear_margin(
    resolver: Resolver, request_: str, tool: str
) -> None:
    res = resolver.resolve(request_)
    assert res.top is not None and res.top.tool.name == tool
    assert res.top.probability >= 0.8 and res.decision is not Decision.OUT_OF_SCOPE


@pytest.mark.parametrize("request_", ["text mom I'm running late", "start a timer for 20 minutes"])
def test_requests_that_name_their_action_and_values_are_trusted_for_the_device(
    resolver: Resolver, request_: str
) -> None:
    """These hold in every resampled fit of the calibration set, not only in one."""
    assert resolver.resolve(request_).decision is Decision.LOCAL
