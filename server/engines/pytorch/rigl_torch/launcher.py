# `pytorch.processes: N`: starts and supervises N ranks of this package on this machine with the
# standard environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), relays a stop
# to every rank, and marks the run failed when a rank dies without rank 0 recording it.
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Deque, List, Optional

from .channel import Channel, StopFlag, channel_available, listen_for_commands, stop_on_signals
from .rundir import RunDirectory, now_ms

# How long the other ranks get to finish after one rank failed, before they are killed.
FAILURE_GRACE_SECONDS = 15.0
POLL_SECONDS = 0.2


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def relay(stream: "subprocess.IO[bytes]", tail: Deque[str], rank: int) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        tail.append(line.rstrip("\n"))
        sys.stderr.write(line if rank == 0 else f"[rank {rank}] {line}")
        sys.stderr.flush()


def supervise(arguments: List[str], processes: int, run_dir: str) -> int:
    stop = StopFlag()
    stop_on_signals(stop)
    if channel_available():
        listen_for_commands(stop)
    port = free_port()
    children: List[subprocess.Popen[bytes]] = []
    tails: List[Deque[str]] = []
    for rank in range(processes):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(processes), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(processes),
                   MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RIGL_TORCH_SUPERVISED="1", RIGL_TORCH_SUPERVISOR_PID=str(os.getpid()))
        # Only rank 0 speaks to the server: it inherits fd 3; the others never see it.
        pass_fds = (3,) if rank == 0 and channel_available() else ()
        child = subprocess.Popen([sys.executable, "-m", "rigl_torch", *arguments], env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=pass_fds)
        children.append(child)
        tail: Deque[str] = deque(maxlen=20)
        tails.append(tail)
        assert child.stderr is not None
        threading.Thread(target=relay, args=(child.stderr, tail, rank), daemon=True).start()
    relayed_stop = False
    failed_at: Optional[float] = None
    while any(c.poll() is None for c in children):
        if stop.requested and not relayed_stop:
            relayed_stop = True
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
        if failed_at is None and any(c.returncode not in (None, 0) for c in children):
            failed_at = time.monotonic()
        if failed_at is not None and time.monotonic() - failed_at > FAILURE_GRACE_SECONDS:
            for child in children:
                if child.poll() is None:
                    child.kill()
        time.sleep(POLL_SECONDS)
    codes = [c.wait() for c in children]
    time.sleep(POLL_SECONDS)  # let the relay threads print the last lines
    if any(codes):
        rank = next(i for i, code in enumerate(codes) if code)
        mark_failed(run_dir, rank, codes[rank], list(tails[rank]))
        return 1
    return 0


def mark_failed(run_dir: str, rank: int, code: int, tail: List[str]) -> None:
    """Rank 0 records its own failures; when it was killed instead, record the failing rank's last words."""
    try:
        run = RunDirectory(run_dir)
    except FileNotFoundError:
        return
    summary = run.read_summary()
    if summary is None or summary.get("state") in ("completed", "stopped", "failed", "killed"):
        return
    last = next((line for line in reversed(tail) if line.strip()), f"exit code {code}")
    message = f"rank {rank} exited with code {code}: {last}"
    event = {"type": "status", "step": int(summary.get("step", 0)), "epoch": float(summary.get("epoch", 0.0)), "time": now_ms(), "state": "failed", "message": message}
    run.append_event(event)
    Channel(str(summary.get("runId", ""))).event(event)
    summary.update({"state": "failed", "message": message, "updatedAt": now_ms()})
    run.write_summary(summary)
