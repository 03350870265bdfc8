"""Resolving a request on the device: the index of tools and facts, ranking, calibration,
preference steering, zero-shot cards, learning from use, persistence and evaluation.

``Resolver`` (in ``resolver.py``) is the entry point; the maths lives in ``ranking.py`` and
``calibrate.py`` as pure functions.
"""

from .resolver import Features, Resolver, ResolverConfig

__all__ = ["Features", "Resolver", "ResolverConfig"]
