# The engine's checkpoints: one torch.save file per checkpoint (model, optimizer, masks, updater
# and statistics state, step, counters), written atomically; `latest.json` names the newest one.
from __future__ import annotations

import io
import json
import os
import re
from typing import Any, Dict, Optional

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


def latest_checkpoint(folder: str) -> Optional[str]:
    pointer = os.path.join(folder, "latest.json")
    try:
        with open(pointer, "r", encoding="utf-8") as handle:
            name = json.load(handle)["file"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = os.path.join(folder, str(name))
    return path if os.path.exists(path) else None


def load_checkpoint(path: str, device: torch.device) -> Dict[str, Any]:
    try:
        state = torch.load(path, map_location=device)
    except Exception as error:  # torch raises several unrelated types for a foreign or damaged file
        raise ValueError(f"checkpoint {path}: unreadable ({error}); was it written by the tfjs engine?") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"checkpoint {path}: not a PyTorch-engine checkpoint (format {state.get('format') if isinstance(state, dict) else None!r})")
    return state
