"""Run the reader's small matrix products on one BLAS thread.

The tagger's products are tiny (a dozen words by a few hundred units): spreading them over
BLAS threads costs more than it gives, and threads left spinning after each call slow every
step that follows, most of all on a busy device. The switch is two ``ctypes`` calls per use
(``threadpoolctl``'s library handles, looked up once); without ``threadpoolctl`` it does
nothing.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["one_blas_thread"]

_LOCK = threading.RLock()
"""Re-entrant: the tagger may read spans (to score them) inside its own training."""


@functools.cache
def _libraries() -> tuple[Any, ...]:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return ()
    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    libraries = _libraries()
    if not libraries:
        yield
        return
    with _LOCK:
        before = [lib.num_threads for lib in libraries]
        for lib in libraries:
            lib.set_num_threads(1)
        try:
            yield
        finally:
            for lib, threads in zip(libraries, before, strict=True):
                lib.set_num_threads(threads)
