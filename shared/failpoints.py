"""Named crash points so tests can SIGKILL a real process at an exact step.

Inert unless ACCELERATOR_CRASH_AT names the point; a production process never sets it.
"""

import os
import signal

_ARMED = frozenset(p for p in os.environ.get("ACCELERATOR_CRASH_AT", "").split(",") if p)


def crash_point(name: str) -> None:
    if name in _ARMED:
        os.kill(os.getpid(), signal.SIGKILL)
