# The run directory as an engine writes it (docs/engines.md): events.jsonl appended before an
# event is sent (a torn last line closed first), trainer.log, files replaced atomically
# (temporary name, fsync, rename), and the temporaries a killed writer left removed.
from __future__ import annotations

import errno
import json
import os
import re
import time
from typing import Any, Dict, Optional

from .crash_points import crash_name, crash_point, enabled as crash_points_enabled

RUN_FILES = {"events": "events.jsonl", "summary": "summary.json", "log": "trainer.log", "checkpoints": "checkpoints", "plan": "plan.json", "reserve": ".space-reserve"}
FINAL_STATES = ("completed", "stopped", "failed", "killed")
# `<target>.tmp-<pid>-<random hex>`: the temporary names of write_atomic (and of the tfjs engine's writer).
_TEMPORARY = re.compile(r"\.tmp-\d+-[0-9a-f]+$")


def write_atomic(path: str, data: bytes) -> None:
    point = crash_name(path)
    crash_point(f"before-write:{point}")
    temporary = f"{path}.tmp-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        with open(temporary, "wb") as handle:
            if crash_points_enabled():
                half = max(1, len(data) // 2)
                handle.write(data[:half])
                handle.flush()
                crash_point(f"partial-write:{point}")
                handle.write(data[half:])
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        crash_point(f"before-rename:{point}")
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def remove_stale_temporaries(folder: str) -> int:
    """Removes what killed writers left half-written; only the one process that owns the run calls it, before it writes."""
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    removed = 0
    for name in names:
        if _TEMPORARY.search(name):
            try:
                os.remove(os.path.join(folder, name))
                removed += 1
            except FileNotFoundError:
                pass
    return removed


def ends_with_newline(path: str) -> bool:
    """Whether a file is missing, empty, or ends with a newline (reads its last byte only)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return True
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"
    except FileNotFoundError:
        return True


def now_ms() -> int:
    return int(time.time() * 1000)


class RunDirectory:
    def __init__(self, path: str) -> None:
        self.dir = os.path.abspath(path)
        if not os.path.isdir(self.dir):
            raise FileNotFoundError(f"run directory {self.dir} does not exist")
        os.makedirs(self.path("checkpoints"), exist_ok=True)
        self._events_tail_checked = False

    def path(self, key: str) -> str:
        return os.path.join(self.dir, RUN_FILES[key])

    def remove_stale_temporaries(self) -> int:
        return remove_stale_temporaries(self.dir) + remove_stale_temporaries(self.path("checkpoints"))

    def _with_reserve(self, final: bool, write) -> None:
        """A final record the disk refuses for lack of space gets the room of .space-reserve (docs/engines.md)."""
        try:
            write()
        except OSError as error:
            if not final or error.errno not in (errno.ENOSPC, errno.EDQUOT) or not os.path.exists(self.path("reserve")):
                raise
            os.remove(self.path("reserve"))
            write()

    def append_event(self, event: Dict[str, Any]) -> None:
        encoded = (json.dumps(event, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")

        def append() -> None:
            line = encoded
            if not self._events_tail_checked:
                # A writer killed mid-line left a fragment: end it, so this event starts a line of its own.
                if not ends_with_newline(self.path("events")):
                    line = b"\n" + line
                self._events_tail_checked = True
            try:
                with open(self.path("events"), "ab") as handle:
                    if crash_points_enabled():
                        half = len(line) // 2
                        handle.write(line[:half])
                        handle.flush()
                        crash_point("partial-append:events.jsonl")
                        line = line[half:]
                    handle.write(line)
            except OSError:
                # A full disk may have taken part of the line: the next write ends the fragment first.
                self._events_tail_checked = False
                raise

        self._with_reserve(event.get("type") == "status" and event.get("state") in FINAL_STATES, append)

    def append_log(self, line: str) -> None:
        with open(self.path("log"), "a", encoding="utf-8") as handle:
            handle.write(line if line.endswith("\n") else line + "\n")

    def write_summary(self, summary: Dict[str, Any]) -> None:
        data = (json.dumps(summary, indent=2, allow_nan=False) + "\n").encode("utf-8")
        self._with_reserve(summary.get("state") in FINAL_STATES, lambda: write_atomic(self.path("summary"), data))

    def read_summary(self) -> Optional[Dict[str, Any]]:
        try:
            with open(self.path("summary"), "r", encoding="utf-8") as handle:
                value = json.load(handle)
            return value if isinstance(value, dict) else None
        except (OSError, ValueError):
            return None
