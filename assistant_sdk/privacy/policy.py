"""The user's privacy choices: where each data class may go.

    policy = PrivacyPolicy.load(Path("privacy.toml"))      # or PrivacyPolicy() for the defaults
    allowed, withheld = policy.split_facts(facts, Destination.CLOUD)
    where = policy.planner_for(tools, local_available=True, cloud_available=True)

A policy names, per data class, the furthest place its data may go: the ``device`` only, a
``local`` engine (an OpenAI-compatible server the user runs), or the ``cloud`` engine. A data
class the policy does not know is kept on the device. Per class too, what of an answer a local model
*derived* from that data may go to the cloud (``derived``: no, a yes/no or count, or free text).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import ConfigurationError
from ..types import DATA_CLASSES, Fact, Tool
from .derived import DEFAULT_DERIVED, Derived

if TYPE_CHECKING:
    from .delegate import DelegationEntry

__all__ = [
    "DEFAULT_LIMITS",
    "Destination",
    "LedgerEntry",
    "PolicyFileError",
    "PrivacyPolicy",
    "parse_policy",
]


class Destination(StrEnum):
    """Where data may be processed, ordered by how far it travels: device < local < cloud."""

    DEVICE = "device"
    LOCAL = "local"
    CLOUD = "cloud"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: str) -> bool:
        return self.rank < Destination(other).rank

    def __le__(self, other: str) -> bool:
        return self.rank <= Destination(other).rank

    def __gt__(self, other: str) -> bool:
        return self.rank > Destination(other).rank

    def __ge__(self, other: str) -> bool:
        return self.rank >= Destination(other).rank


T = TypeVar("T")
_RANK = {Destination.DEVICE: 0, Destination.LOCAL: 1, Destination.CLOUD: 2}

#: Health and finance never leave the device unless the user says so; everything else may reach
#: the cloud engine, where names, numbers, e-mail addresses and places travel as placeholders.
DEFAULT_LIMITS: Mapping[str, Destination] = MappingProxyType(
    {
        "health": Destination.DEVICE,
        "finance": Destination.DEVICE,
        "contacts": Destination.CLOUD,
        "messages": Destination.CLOUD,
        "email": Destination.CLOUD,
        "location": Destination.CLOUD,
        "calendar": Destination.CLOUD,
        "notes": Destination.CLOUD,
        "media": Destination.CLOUD,
        "preferences": Destination.CLOUD,
        "device": Destination.CLOUD,
    }
)


class PolicyFileError(ConfigurationError):
    """A policy file names an unknown data class or destination, or is malformed."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}, line {line}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """What one engine call took off the device. Facts are named by key; the values the
    placeholders stand for never leave the device and are not recorded here either.

    For a call that was made, every field is read from the bytes that were sent
    (``privacy.ledger.ledger_from_wire``); ``values_replaced`` counts the withheld values the
    last-mile guard had to replace in them, and ``bytes_sent`` their size.
    """

    destination: Destination
    engine: str
    facts_sent: tuple[str, ...] = ()
    facts_withheld: tuple[str, ...] = ()
    data_classes: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    values_replaced: int = 0
    bytes_sent: int = 0
    delegations: tuple[DelegationEntry, ...] = ()
    """Answers a local model derived from gated data, released to this call."""


@dataclass(frozen=True, slots=True)
class PrivacyPolicy:
    """Per data class, the furthest destination its data may reach, and what of an answer
    derived from it may reach the cloud.

    Every field is checked in ``__post_init__`` and a mistake raises ``ConfigurationError``
    naming the field; a new setting is a new field with a default and a check of its own.
    """

    limits: Mapping[str, Destination] = field(default_factory=lambda: DEFAULT_LIMITS)
    derived: Mapping[str, Derived | str] = field(default_factory=lambda: DEFAULT_DERIVED)

    def __post_init__(self) -> None:
        object.__setattr__(self, "limits", MappingProxyType(_checked_limits(self.limits)))
        object.__setattr__(self, "derived", MappingProxyType(_checked_derived(self.derived)))

    def limit(self, data_class: str) -> Destination:
        return self.limits.get(data_class, Destination.DEVICE)

    def allows(self, data_class: str, destination: Destination | str) -> bool:
        return Destination(destination) <= self.limit(data_class)

    def allows_all(self, data_classes: Iterable[str], destination: Destination | str) -> bool:
        return all(self.allows(c, destination) for c in data_classes)

    def with_limits(self, **limits: Destination | str) -> PrivacyPolicy:
        """A copy with some data classes moved: ``policy.with_limits(health="local")``."""
        moved = _checked_limits({**self.limits, **limits})
        return dataclasses.replace(self, limits=moved)

    def derived_for(self, data_class: str) -> Derived:
        """What of an answer derived from ``data_class`` may go to the cloud (default: count)."""
        return _setting(self.derived.get(data_class, Derived.COUNT))

    def with_derived(self, **derived: Derived | str) -> PrivacyPolicy:
        """A copy with some derived-data settings changed: ``with_derived(health="text")``."""
        return PrivacyPolicy(self.limits, {**self.derived, **derived})

    def dumps(self) -> str:
        """The policy as a file ``load`` reads back: only what differs from the defaults."""
        lines = ["[privacy]"] + [
            f'{name} = "{self.limit(name).value}"'
            for name in sorted(DATA_CLASSES)
            if self.limit(name) != DEFAULT_LIMITS.get(name, Destination.DEVICE)
        ]
        changed = [n for n in sorted(DATA_CLASSES) if self.derived_for(n) != _default_derived(n)]
        if changed:
            lines += ["", "[derived]", *(f'{n} = "{self.derived_for(n).value}"' for n in changed)]
        return "\n".join(lines) + "\n"

    def split_facts(
        self, facts: Iterable[Fact], destination: Destination | str
    ) -> tuple[tuple[Fact, ...], tuple[Fact, ...]]:
        """The facts that may go to ``destination``, and those withheld; order is kept."""
        return _split(facts, lambda fact: self.allows(fact.data_class, destination))

    def split_tools(
        self, tools: Iterable[Tool], destination: Destination | str
    ) -> tuple[tuple[Tool, ...], tuple[Tool, ...]]:
        """The tools whose data classes may all go to ``destination``, and the others."""
        return _split(tools, lambda tool: self.allows_all(tool.data_classes, destination))

    def planner_for(
        self, tools: Iterable[Tool], *, local_available: bool, cloud_available: bool
    ) -> Destination | None:
        """Which engine may plan over ``tools``: the cloud when every tool's data may go there
        and it is reachable, else a local engine when allowed and up; None when neither.

        A local engine that is down never turns into the cloud for data that may not go there:
        the caller tells the user instead (and may still plan on the device).
        """
        classes = {c for tool in tools for c in tool.data_classes}
        if cloud_available and self.allows_all(classes, Destination.CLOUD):
            return Destination.CLOUD
        if local_available and self.allows_all(classes, Destination.LOCAL):
            return Destination.LOCAL
        return None

    def ledger_entry(
        self,
        destination: Destination | str,
        engine: str,
        facts: Sequence[Fact],
        tools: Iterable[Tool] = (),
        placeholders: Iterable[str] = (),
    ) -> LedgerEntry:
        """The ledger line for one engine call that received the allowed part of ``facts``."""
        sent, withheld = self.split_facts(facts, destination)
        classes = {f.data_class for f in sent} | {c for t in tools for c in t.data_classes}
        return LedgerEntry(
            Destination(destination),
            engine,
            tuple(f.key for f in sent),
            tuple(f.key for f in withheld),
            tuple(sorted(classes)),
            tuple(placeholders),
        )

    @classmethod
    def load(cls, path: Path | str) -> PrivacyPolicy:
        """Read a policy file: one ``data_class = destination`` per line (TOML-compatible when
        the destination is quoted); ``#`` starts a comment; unlisted classes keep the defaults.
        Lines after a ``[derived]`` header read ``data_class = no|count|text``.

        A missing or unreadable file, bytes that are not UTF-8 and every malformed line raise
        ``PolicyFileError`` with the file and the line (0 when the file could not be read)."""
        source = Path(path)
        return cls(*_parse(read_policy_text(source), source))


def read_policy_text(path: Path) -> str:
    """The text of a policy file, or ``PolicyFileError`` saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyFileError(path, 0, "the policy file does not exist") from None
    except OSError as exc:
        raise PolicyFileError(path, 0, f"the policy file cannot be read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PolicyFileError(
            path, line, f"not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})"
        ) from None


def _checked_limits(limits: object) -> dict[str, Destination]:
    """``DEFAULT_LIMITS`` with ``limits`` laid over them, or ``ConfigurationError``."""
    if not isinstance(limits, Mapping):
        raise ConfigurationError(
            f"PrivacyPolicy limits must map data classes to destinations, got {type(limits)!r}"
        )
    unknown = sorted(str(k) for k in limits if k not in DATA_CLASSES)
    if unknown:
        raise ConfigurationError(f"Unknown data classes {unknown}; known: {sorted(DATA_CLASSES)}")
    merged = dict(DEFAULT_LIMITS)
    for name, value in limits.items():
        try:
            merged[name] = Destination(value)
        except (ValueError, TypeError):
            raise ConfigurationError(
                f"Unknown destination {value!r} for {name!r}; use device, local or cloud"
            ) from None
    return merged


def _checked_derived(derived: object) -> dict[str, Derived]:
    """``DEFAULT_DERIVED`` with ``derived`` laid over them, or ``ConfigurationError``."""
    if not isinstance(derived, Mapping):
        raise ConfigurationError(
            f"PrivacyPolicy derived must map data classes to settings, got {type(derived)!r}"
        )
    unknown = sorted(str(k) for k in derived if k not in DATA_CLASSES)
    if unknown:
        raise ConfigurationError(f"Unknown data classes {unknown}; known: {sorted(DATA_CLASSES)}")
    return {**DEFAULT_DERIVED, **{k: _setting(v) for k, v in derived.items()}}


def _default_derived(data_class: str) -> Derived:
    return DEFAULT_DERIVED.get(data_class, Derived.COUNT)


def _setting(value: Derived | str) -> Derived:
    try:
        return Derived.parse(value)
    except (ValueError, TypeError, AttributeError):
        raise ConfigurationError(
            f"Unknown derived-data setting {value!r}; use no, count or text"
        ) from None


def _split(items: Iterable[T], keep: Callable[[T], bool]) -> tuple[tuple[T, ...], tuple[T, ...]]:
    kept: list[T] = []
    left: list[T] = []
    for item in items:
        (kept if keep(item) else left).append(item)
    return tuple(kept), tuple(left)


_LINE = re.compile(r"""^\s*([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([\w-]+))\s*$""")


def parse_policy(text: str, path: Path = Path("<policy>")) -> dict[str, Destination]:
    """The limits a policy file sets; every mistake names its line."""
    return _parse(text, path)[0]


_SECTIONS = ("[privacy]", "[policy]", "[derived]")


def _parse(text: str, path: Path) -> tuple[dict[str, Destination], dict[str, Derived]]:
    """Limits, and derived-data settings (after a ``[derived]`` header)."""
    found: dict[str, dict[str, Any]] = {"limits": {}, "derived": {}}
    part = "limits"
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line.startswith("["):
            if line not in _SECTIONS:
                raise PolicyFileError(path, number, f"unknown section {line!r}; use [derived]")
            part = "derived" if line == "[derived]" else "limits"
            continue
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            shape = "no|count|text" if part == "derived" else "destination"
            raise PolicyFileError(path, number, f"expected `data_class = {shape}`, got {raw!r}")
        name = match[1].lower()
        value = next(g for g in match.groups()[1:] if g is not None).strip().lower()
        if name not in DATA_CLASSES:
            known = ", ".join(sorted(DATA_CLASSES))
            raise PolicyFileError(path, number, f"unknown data class {name!r}; known: {known}")
        if name in found[part]:
            raise PolicyFileError(path, number, f"{name!r} is set twice")
        found[part][name] = _value(part, value, path, number)
    return found["limits"], found["derived"]


def _value(part: str, value: str, path: Path, number: int) -> Destination | Derived:
    try:
        return Derived.parse(value) if part == "derived" else Destination(value)
    except ValueError:
        hint = "no, count or text" if part == "derived" else "device, local or cloud"
        kind = "derived-data setting" if part == "derived" else "destination"
        raise PolicyFileError(path, number, f"unknown {kind} {value!r}; use {hint}") from None
