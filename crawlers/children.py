"""The crawl's child processes (parsing workers, the writer) end with it."""

from __future__ import annotations

import multiprocessing
import os
import signal

from core.processes import end_with_parent


def die_with_parent() -> None:
    """A child holds both ends of its task queue, so it would wait forever for a crawler killed
    with SIGKILL: have Linux end it with its parent."""
    if not end_with_parent():
        return
    # A parent killed while this child was still starting (before the call above) sent nothing.
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os.kill(os.getpid(), signal.SIGTERM)   # what the parent's death would have sent
