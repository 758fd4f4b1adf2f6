"""The crawl's child processes (parsing workers, the writer) end with it."""

from __future__ import annotations

import ctypes
import signal


def die_with_parent() -> None:
    """A child holds both ends of its task queue, so it would wait forever for a crawler killed
    with SIGKILL: have Linux end it with its parent."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: an orphaned child ends when the machine does
