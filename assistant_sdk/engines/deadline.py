"""A total deadline for one engine call, however the server trickles its answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypeVar

from ..errors import EngineError

__all__ = ["within_deadline"]

T = TypeVar("T")


async def within_deadline(
    pieces: AsyncIterator[T], seconds: float, engine: str
) -> AsyncIterator[T]:
    """The items of ``pieces``, or ``EngineError`` once ``seconds`` have passed since the first
    was asked for. A per-read timeout never fires on a server that keeps sending pings or a
    byte at a time; this one does. Only the waits for the engine count, not the caller's work
    between items, and the stream is closed on the way out."""
    deadline = asyncio.get_running_loop().time() + seconds
    try:
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    piece = await anext(pieces)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise EngineError(
                    f"{engine} did not finish answering within {seconds:g} s", retryable=True
                ) from None
            yield piece
    finally:
        close = getattr(pieces, "aclose", None)
        if close is not None:
            await close()
