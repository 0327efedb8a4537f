# Test-only crash points, as server/rundir/crash-points.ts: with RIGL_TEST_CRASH_AT=<point>[#n] the
# process SIGKILLs itself the n-th time it reaches <point>, so tests hit a write's narrow windows.
from __future__ import annotations

import os
import re
import signal
from typing import Dict

_counts: Dict[str, int] = {}
_CHECKPOINT = re.compile(r"^step-\d+\.pt$")


def crash_name(path: str) -> str:
    """The name a file goes by in crash points: `checkpoint` for step-*.pt, else its base name."""
    name = os.path.basename(path)
    return "checkpoint" if _CHECKPOINT.match(name) else name


def enabled() -> bool:
    return bool(os.environ.get("RIGL_TEST_CRASH_AT"))


def crash_point(point: str) -> None:
    """SIGKILLs this process if RIGL_TEST_CRASH_AT names this point and this is its n-th time."""
    spec = os.environ.get("RIGL_TEST_CRASH_AT")
    if not spec:
        return
    name, _, nth = spec.partition("#")
    if name != point:
        return
    _counts[point] = _counts.get(point, 0) + 1
    if _counts[point] == int(nth or "1"):
        os.kill(os.getpid(), signal.SIGKILL)
