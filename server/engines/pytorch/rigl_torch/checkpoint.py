# The engine's checkpoints: one torch.save file per checkpoint (model, optimizer, masks, updater
# and statistics state, step, counters), written atomically; `latest.json` names the newest one.
# Resuming takes the newest complete one (docs/engines.md), whether or not latest.json names it yet.
from __future__ import annotations

import io
import json
import os
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch

from .rundir import write_atomic

CHECKPOINT_FORMAT = "rigl-studio-torch-checkpoint/1"
KEEP_LAST = 2
_NAME = re.compile(r"^step-\d+\.pt$")


def save_checkpoint(folder: str, step: int, payload: Dict[str, Any]) -> str:
    buffer = io.BytesIO()
    torch.save({"format": CHECKPOINT_FORMAT, "step": step, **payload}, buffer)
    name = f"step-{step:08d}.pt"
    write_atomic(os.path.join(folder, name), buffer.getvalue())
    write_atomic(os.path.join(folder, "latest.json"), (json.dumps({"file": name, "step": step}) + "\n").encode("utf-8"))
    older = sorted(f for f in os.listdir(folder) if _NAME.match(f) and f != name)
    for stale in older[: max(0, len(older) - (KEEP_LAST - 1))]:
        os.remove(os.path.join(folder, stale))
    return os.path.join(folder, name)


def _pointer(folder: str) -> Optional[str]:
    try:
        with open(os.path.join(folder, "latest.json"), "r", encoding="utf-8") as handle:
            name = json.load(handle)["file"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no pointer, or a damaged one: the files themselves decide
    return name if isinstance(name, str) and _NAME.match(name) else None


def checkpoint_files(folder: str) -> List[str]:
    """step-*.pt names to try, best first: latest.json's file when it is the newest, then newest to oldest."""
    try:
        files = sorted((f for f in os.listdir(folder) if _NAME.match(f)), reverse=True)
    except OSError:
        return []
    pointer = _pointer(folder)
    # The pointer first only when it names the newest file: a newer complete one (a kill between
    # the checkpoint's rename and latest.json's) wins; it is the same file otherwise.
    return files if pointer is None or not files or pointer != files[0] else [pointer, *files[1:]]


def resume_checkpoint(folder: str, report: Callable[[str], None]) -> Optional[Tuple[str, Dict[str, Any]]]:
    """The newest checkpoint that loads, on the CPU (load_state_dict moves it to the device); None when there is none."""
    for name in checkpoint_files(folder):
        path = os.path.join(folder, name)
        try:
            return path, load_checkpoint(path, torch.device("cpu"))
        except ValueError as error:
            report(f"skipping {name}: {error}")
    return None


def load_checkpoint(path: str, device: torch.device) -> Dict[str, Any]:
    try:
        state = torch.load(path, map_location=device)
    except Exception as error:  # torch raises several unrelated types for a foreign or damaged file
        raise ValueError(f"checkpoint {path}: unreadable ({error}); was it written by the tfjs engine?") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"checkpoint {path}: not a PyTorch-engine checkpoint (format {state.get('format') if isinstance(state, dict) else None!r})")
    return state
