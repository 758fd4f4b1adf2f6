"""The crawl's child processes (parsing workers, the writer) end with it."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal


def die_with_parent() -> None:
    """A child holds both ends of its task queue, so it would wait forever for a crawler killed
    with SIGKILL: have Linux end it with its parent."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # not Linux: an orphaned child ends when the machine does
    # A parent killed while this child was still starting (before the call above) sent nothing.
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os.kill(os.getpid(), signal.SIGTERM)   # what the parent's death would have sent
