# Seeds derived from (run seed, step, layer, purpose): every random choice of a run comes from
# these, so nothing but the step needs checkpointing and every rank draws the same numbers.
from __future__ import annotations

import torch

PURPOSE = {"initial_mask": 1, "drop_tie_break": 2, "grow_tie_break": 3, "random_grow": 4, "epoch_order": 5, "mixup": 6, "augmentation": 7}
_MASK32 = 0xFFFFFFFF


def _avalanche(value: int) -> int:
    z = (value + 0x9E3779B9) & _MASK32
    z = ((z ^ (z >> 16)) * 0x85EBCA6B) & _MASK32
    z = ((z ^ (z >> 13)) * 0xC2B2AE35) & _MASK32
    return (z ^ (z >> 16)) & _MASK32


def mix_seed(*parts: int) -> int:
    """Mixes integers into one 32-bit seed (the splitmix32/murmur3 finaliser after each part's low and high half)."""
    hash_ = 0x9E3779B9
    for part in parts:
        hash_ = _avalanche(hash_ ^ (part & _MASK32))
        hash_ = _avalanche(hash_ ^ ((part >> 32) & _MASK32))
    return hash_


def generator(seed: int, device: torch.device) -> torch.Generator:
    g = torch.Generator(device=device)
    g.manual_seed(seed)
    return g
