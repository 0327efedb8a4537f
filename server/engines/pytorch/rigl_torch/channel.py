# The engine's channel to the server (docs/engines.md): TrainerMessage JSON lines out on fd 3,
# TrainerCommand JSON lines in on stdin (end of stdin = stop), and SIGTERM/SIGINT as stop requests.
from __future__ import annotations

import json
import os
import signal
import threading
from types import FrameType
from typing import Any, Dict, Optional, TextIO

CHANNEL_FD = 3


class StopFlag:
    """Set by a stop command, end of stdin or a signal; the loop finishes its step, checkpoints and exits."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def request(self, reason: str) -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()


def channel_available() -> bool:
    try:
        os.fstat(CHANNEL_FD)
        return True
    except OSError:
        return False


class Channel:
    """Writes messages on fd 3 when the server opened it; otherwise messages only go to the run directory."""

    def __init__(self, run_id: str, enabled: bool = True) -> None:
        self.run_id = run_id
        self._out: Optional[TextIO] = None
        self._lock = threading.Lock()
        if enabled and channel_available():
            self._out = os.fdopen(CHANNEL_FD, "w", encoding="utf-8", buffering=1, closefd=False)

    @property
    def connected(self) -> bool:
        return self._out is not None

    def send(self, message: Dict[str, Any]) -> None:
        if self._out is None:
            return
        line = json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n"
        with self._lock:
            try:
                self._out.write(line)
                self._out.flush()
            except (BrokenPipeError, OSError):
                # The server is gone; the run directory still records everything.
                self._out = None

    def event(self, event: Dict[str, Any]) -> None:
        self.send({"type": "event", "runId": self.run_id, "event": event})

    def log(self, line: str) -> None:
        self.send({"type": "log", "runId": self.run_id, "line": line})


def listen_for_commands(stop: StopFlag, fd: int = 0) -> threading.Thread:
    """Reads TrainerCommand lines on a daemon thread; 'stop' or end of input request a stop.

    It reads the raw descriptor, not sys.stdin: a DataLoader worker forked while this thread
    waits would otherwise inherit sys.stdin's buffer lock held and hang closing its stdin.
    """

    def handle(line: bytes) -> None:
        try:
            command = json.loads(line.decode("utf-8"))
        except ValueError:
            return
        if isinstance(command, dict) and command.get("type") == "stop":
            stop.request(str(command.get("reason") or "stop requested"))

    def read() -> None:
        pending = b""
        try:
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        handle(line)
        except OSError:
            pass
        stop.request("the server closed the channel (end of stdin)")

    thread = threading.Thread(target=read, name="rigl-commands", daemon=True)
    thread.start()
    return thread


def stop_on_signals(stop: StopFlag) -> None:
    def handle(signum: int, _frame: Optional[FrameType]) -> None:
        stop.request(f"received {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
