# One RigL mask update of the engine checked against an independent computation (numpy sorts
# over the same tensors), plus the exact-count rules of initial masks and gmp pruning.
from __future__ import annotations

import unittest
from typing import Any, Dict, List

import numpy as np
import torch

from rigl_torch.masks import drop_and_grow, floor_tolerant, initial_mask
from rigl_torch.plan import parse_plan
from rigl_torch.updaters import GmpUpdater, RiglUpdater


def plan_dict(method: str, layers: List[Dict[str, Any]], updates: List[Dict[str, Any]], accumulation: int = 1) -> Dict[str, Any]:
    return {
        "format": "rigl-studio-plan/1", "runId": "unit",
        "config": {"name": "unit", "sparsity": {"method": method, "update": {"grad_accumulation": accumulation}}, "training": {"seed": 7}},
        "data": {"name": "synthetic", "path": None, "inputShape": [4, 4, 1], "numClasses": 2, "trainSize": 8, "testSize": 2},
        "model": "lenet-300-100", "layers": layers, "totals": {"params": 0},
        "schedule": {"stepsPerEpoch": 1, "totalSteps": 100, "deltaT": 10, "endStep": 75, "startStep": 0, "maskUpdates": updates},
        "flopsRule": {"step": {"sparse": 3, "dense": 0}, "update": {"sparse": 2, "dense": 1}},
    }


def distinct_values(count: int, rng: np.random.Generator) -> np.ndarray:
    """Values far apart relative to the tie-break (2^-16), so the order is unambiguous."""
    return (rng.permutation(count) + 1.0).astype(np.float32) * rng.choice([-1.0, 1.0], size=count).astype(np.float32)


class RiglUpdateTest(unittest.TestCase):
    def test_drop_and_grow_matches_numpy(self) -> None:
        rng = np.random.default_rng(3)
        shape = (12, 10)
        size = 120
        mask = np.zeros(size, dtype=np.float32)
        mask[rng.choice(size, 40, replace=False)] = 1.0
        weight = distinct_values(size, rng) * mask
        gradient = distinct_values(size, rng)
        # One dropped weight gets the largest gradient of all: it must be grown back and keep its value.
        active_positions = np.flatnonzero(mask)
        smallest = active_positions[np.argmin(np.abs(weight[active_positions]))]
        gradient[smallest] = 1000.0
        fraction = 0.3
        k = int(np.floor(fraction * 40))

        order = active_positions[np.argsort(np.abs(weight[active_positions]), kind="stable")]
        dropped = order[:k]
        kept = mask.copy()
        kept[dropped] = 0
        candidates = np.flatnonzero(kept == 0)
        grown = candidates[np.argsort(-np.abs(gradient[candidates]), kind="stable")[:k]]
        expected = kept.copy()
        expected[grown] = 1
        expected_keep = mask * expected

        result = drop_and_grow(torch.from_numpy(weight.reshape(shape)), torch.from_numpy(mask.reshape(shape)), 40, fraction,
                               torch.from_numpy(np.abs(gradient).reshape(shape)), step=10, seed=7, layer_index=0)
        np.testing.assert_array_equal(result.mask.numpy().reshape(-1), expected)
        np.testing.assert_array_equal(result.keep.numpy().reshape(-1), expected_keep)
        self.assertEqual((result.dropped, result.grown), (k, k))
        self.assertEqual(int(result.kept_total.item()) - (40 - k), int(np.isin(dropped, grown).sum()))
        self.assertGreaterEqual(int(np.isin(dropped, grown).sum()), 1)
        self.assertEqual(int(result.mask.sum().item()), 40)

    def test_updater_grows_by_accumulated_gradient(self) -> None:
        layers = [{"name": "fc1", "kind": "dense", "shape": [6, 5], "params": 30, "density": 0.4, "nnz": 12, "flopsDense": 60}]
        plan = parse_plan(plan_dict("rigl", layers, [{"step": 10, "fraction": 0.25}], accumulation=2))
        updater = RiglUpdater(plan)
        self.assertEqual([updater.needs_dense_gradient(t) for t in (8, 9, 10, 11)], [False, True, True, False])
        self.assertTrue(updater.skips_optimizer_step(10))
        rng = np.random.default_rng(5)
        weight = torch.from_numpy(distinct_values(30, rng).reshape(5, 6))
        mask = initial_mask(weight, 12, 7, 0)
        weight = weight * mask
        # Continuous gradients: their sums have no ties (integer-valued ones could).
        g9 = torch.from_numpy(rng.standard_normal(30).astype(np.float32).reshape(5, 6))
        g10 = torch.from_numpy(rng.standard_normal(30).astype(np.float32).reshape(5, 6))
        updater.observe(9, [g9])
        updater.observe(10, [g10])
        (update,) = updater.update(10, [weight], [mask], [12])
        expected = drop_and_grow(weight, mask, 12, 0.25, (g9 + g10).abs(), 10, 7, 0)
        # The same selection as growing by |G9 + G10| (the tie-break only reorders near-equal scores).
        self.assertTrue(torch.equal(update.mask, expected.mask))
        self.assertEqual(update.dropped, floor_tolerant(0.25 * 12))
        self.assertEqual(updater.statistic, [None], "the sums restart after an update")

    def test_initial_mask_has_exact_count(self) -> None:
        weight = torch.empty(64, 3, 3, 3)
        for nnz in (0, 1, 17, 1728):
            mask = initial_mask(weight, nnz, seed=1, layer_index=2)
            self.assertEqual(int(mask.sum().item()), nnz)
        self.assertTrue(torch.equal(initial_mask(weight, 17, 1, 2), initial_mask(weight, 17, 1, 2)), "seeded")
        self.assertFalse(torch.equal(initial_mask(weight, 17, 1, 2), initial_mask(weight, 17, 1, 3)))

    def test_gmp_prunes_smallest_to_planned_count(self) -> None:
        layers = [{"name": "fc1", "kind": "dense", "shape": [5, 4], "params": 20, "density": 0.25, "nnz": 5, "flopsDense": 40}]
        plan = parse_plan(plan_dict("gmp", layers, [{"step": 10, "nnz": [11]}]))
        rng = np.random.default_rng(9)
        values = distinct_values(20, rng)
        weight = torch.from_numpy(values.reshape(4, 5))
        (update,) = GmpUpdater(plan).update(10, [weight], [torch.ones(4, 5)], [20])
        expected = np.zeros(20, dtype=np.float32)
        expected[np.argsort(-np.abs(values))[:11]] = 1
        np.testing.assert_array_equal(update.mask.numpy().reshape(-1), expected)
        self.assertEqual((update.dropped, update.target_nnz), (9, 11))


if __name__ == "__main__":
    unittest.main()
