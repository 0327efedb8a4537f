# How the processes this package starts end with the process that started them: ranks and
# DataLoader workers get a signal from the kernel when their parent dies (Linux), and workers
# leave stop signals to their rank, which finishes its step and shuts them down itself.
from __future__ import annotations

import os
import signal


def die_with_parent(signum: int) -> None:
    """Asks the kernel for `signum` when the parent exits (PR_SET_PDEATHSIG); a no-op where there is none."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signum)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # not Linux: the parent's own stop handling is all there is
    if os.getppid() != parent:
        os.kill(os.getpid(), signum)  # the parent died before the request took effect


def data_worker_init(_worker_id: int) -> None:
    """A DataLoader worker: forked with the rank's stop handlers, which would make it ignore a group SIGTERM
    silently and outlive a killed rank. It ignores SIGTERM/SIGINT (the rank stops and shuts it down after
    the step; dying at once would fail the rank's step instead) and is SIGKILLed when its rank dies."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(signal.SIGKILL)
