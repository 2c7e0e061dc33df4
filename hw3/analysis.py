"""Analysis: statistics of images, hidden states and gates, as plain NumPy on arrays shaped
(N, T, units) (the plots and the report quote them).

Imports from the package: data.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from hw3.data import check_image_batch


def blank_row_fraction(images: np.ndarray) -> np.ndarray:
    """Fraction of images whose row t is entirely blank: images (N, 28, 28) -> (28,)."""
    return (check_image_batch(images).sum(axis=2) == 0).mean(axis=0)


def state_spread(states: np.ndarray) -> np.ndarray:
    """How different the images' states are at each step: states (N, T, units) -> (T,), the
    standard deviation over images, averaged over units. 0 means every image has the same state."""
    return np.asarray(states).std(axis=0).mean(axis=1)


def gate_saturation(gate: np.ndarray, low: float = 0.1, high: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, the fraction of (image, step) pairs where the gate is below `low` or above `high`.

    gate (N, T, units) -> (left (units,), right (units,)), as in Karpathy, Johnson and Fei-Fei (2015).
    """
    gate = np.asarray(gate)
    return (gate < low).mean(axis=(0, 1)), (gate > high).mean(axis=(0, 1))


def gate_profile(gate: np.ndarray) -> dict[str, np.ndarray]:
    """Mean gate value per step over images and units, with the spread across units.

    gate (N, T, units) -> 'mean' (T,), 'low' and 'high' (T,): 10th and 90th percentile over units
    of each unit's mean over images.
    """
    per_unit = np.asarray(gate).mean(axis=0)  # (T, units)
    return {"mean": per_unit.mean(axis=1), "low": np.percentile(per_unit, 10, axis=1),
            "high": np.percentile(per_unit, 90, axis=1)}


def gate_summary(gates: Mapping[str, np.ndarray]) -> dict:
    """Numbers the bonus discussion quotes, per gate (N, T, units): overall mean, mean over the
    first and last five steps, mean saturated fractions, and units saturated most of the time."""
    summary = {}
    for name, gate in gates.items():
        left, right = gate_saturation(gate)
        summary[name] = {
            "mean": round(float(gate.mean()), 4),
            "mean_first_5_steps": round(float(gate[:, :5].mean()), 4),
            "mean_last_5_steps": round(float(gate[:, -5:].mean()), 4),
            "fraction_below_0.1": round(float(left.mean()), 4),
            "fraction_above_0.9": round(float(right.mean()), 4),
            "units_mostly_below_0.1": int((left > 0.5).sum()),
            "units_mostly_above_0.9": int((right > 0.5).sum()),
            "units": int(gate.shape[-1]),
        }
    return summary
