# The run directory as an engine writes it (docs/engines.md): events.jsonl appended before an
# event is sent, trainer.log, and files replaced atomically (temporary name, fsync, rename).
from __future__ import annotations

import json
import os
import time
from typing import Any, Dict, Optional

RUN_FILES = {"events": "events.jsonl", "summary": "summary.json", "log": "trainer.log", "checkpoints": "checkpoints", "plan": "plan.json"}


def write_atomic(path: str, data: bytes) -> None:
    temporary = f"{path}.tmp-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def now_ms() -> int:
    return int(time.time() * 1000)


class RunDirectory:
    def __init__(self, path: str) -> None:
        self.dir = os.path.abspath(path)
        if not os.path.isdir(self.dir):
            raise FileNotFoundError(f"run directory {self.dir} does not exist")
        os.makedirs(self.path("checkpoints"), exist_ok=True)

    def path(self, key: str) -> str:
        return os.path.join(self.dir, RUN_FILES[key])

    def append_event(self, event: Dict[str, Any]) -> None:
        with open(self.path("events"), "a", encoding="utf-8") as handle:
            handle.write(json.dumps(event, separators=(",", ":"), allow_nan=False) + "\n")

    def append_log(self, line: str) -> None:
        with open(self.path("log"), "a", encoding="utf-8") as handle:
            handle.write(line if line.endswith("\n") else line + "\n")

    def write_summary(self, summary: Dict[str, Any]) -> None:
        write_atomic(self.path("summary"), (json.dumps(summary, indent=2, allow_nan=False) + "\n").encode("utf-8"))

    def read_summary(self) -> Optional[Dict[str, Any]]:
        try:
            with open(self.path("summary"), "r", encoding="utf-8") as handle:
                value = json.load(handle)
            return value if isinstance(value, dict) else None
        except (OSError, ValueError):
            return None
