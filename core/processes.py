"""Child processes that end with their parent."""

from __future__ import annotations

import ctypes
import signal


def end_with_parent() -> bool:
    """Have Linux send this process SIGTERM when its parent dies, even by SIGKILL (PR_SET_PDEATHSIG);
    False where that cannot be asked (not Linux): an orphan then ends when the machine does."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM) == 0
    except (OSError, AttributeError):
        return False
