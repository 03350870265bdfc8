"""Cleaning text that arrives from outside before anything reads it."""

from __future__ import annotations

__all__ = ["clean_text"]


def clean_text(text: str) -> str:
    """``text`` with every lone UTF-16 surrogate replaced by U+FFFD (a pair becomes the
    character it encodes). Such strings come from broken decoders and JavaScript bridges;
    tokenizers, JSON encoders and SQLite all reject them."""
    if text.isascii():
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
