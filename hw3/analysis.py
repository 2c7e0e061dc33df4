"""Analysis: statistics of images, hidden states and gates, as plain NumPy on arrays shaped
(N, T, units) (the plots and the report quote them).

Imports from the package: data, readout.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
from scipy import stats

from hw3.data import check_image_batch, first_ink_rows, last_ink_rows, rows_with_ink
from hw3.readout import decision_steps, softmax


def blank_row_fraction(images: np.ndarray) -> np.ndarray:
    """Fraction of images whose row t is entirely blank: images (N, 28, 28) -> (28,)."""
    return (check_image_batch(images).sum(axis=2) == 0).mean(axis=0)


def state_spread(states: np.ndarray) -> np.ndarray:
    """How different the images' states are at each step: states (N, T, units) -> (T,), the
    standard deviation over images, averaged over units. 0 means every image has the same state."""
    return np.asarray(states).std(axis=0).mean(axis=1)


def state_over_time(states: np.ndarray, saturated: float = 0.9) -> dict[str, list[float]]:
    """What a heatmap of the states (N, T, units) shows, step by step, as numbers a reader can check
    against it: the mean |h_t| (how pale or dark), the share of values with |h_t| > `saturated`
    (how many cells are at the ends of the colour scale), the mean |h_t - h_(t-1)| with h_0 = 0 (how
    much a row differs from the one above), and the spread across images (`state_spread`). Each (T,)."""
    states = np.asarray(states, np.float64)
    if states.ndim != 3:
        raise ValueError(f"states must be shaped (N, T, units); got {states.shape}.")
    previous = np.concatenate([np.zeros_like(states[:, :1]), states[:, :-1]], axis=1)
    return {"mean_abs": np.abs(states).mean(axis=(0, 2)).tolist(),
            "share_saturated": (np.abs(states) > saturated).mean(axis=(0, 2)).tolist(),
            "mean_abs_change": np.abs(states - previous).mean(axis=(0, 2)).tolist(),
            "spread_across_images": state_spread(states).tolist()}


def gate_around_first_ink(gate: np.ndarray, images: np.ndarray, after: int = 2) -> dict[str, float]:
    """The gate's mean (over images and units) one step before each image's first ink row F, at F, and
    `after` steps later: gate (N, T, units), images (N, T, 28). Only images with 2 <= F <= T - after
    count (a blank row before the ink and `after` steps after it), and the count is returned."""
    gate, images = np.asarray(gate), np.asarray(images)
    if gate.shape[:2] != images.shape[:2]:
        raise ValueError(f"gate {gate.shape} and images {images.shape} must share (N, T).")
    first = first_ink_rows(images) - 1  # F - 1, a 0-based step; -1 for a blank image
    keep = np.flatnonzero((first >= 1) & (first <= gate.shape[1] - 1 - after))
    per_step = gate.mean(axis=2)  # (N, T)
    return {"before": float(per_step[keep, first[keep] - 1].mean()), "at": float(per_step[keep, first[keep]].mean()),
            "after": float(per_step[keep, first[keep] + after].mean()), "images": int(len(keep))}


def gate_flatness(gate: np.ndarray, images: np.ndarray) -> dict[str, float]:
    """How flat a gate is over the blank rows above the ink, against the ink rows: gate (N, T, units),
    images (N, T, width). Per unit, the standard deviation of its value over every (image, step) pair
    with the step before the image's first ink row F (steps 1..F-1), and over every (image, step) pair
    whose row holds ink; each is then averaged over units. Also the largest change of any unit from
    one step to the next within steps 1..F-1."""
    gate, images = np.asarray(gate, dtype=np.float64), np.asarray(images)
    if gate.shape[:2] != images.shape[:2]:
        raise ValueError(f"gate {gate.shape} and images {images.shape} must share (N, T).")
    steps = np.arange(1, gate.shape[1] + 1)
    first = first_ink_rows(images)
    above_ink = (steps[None, :] < first[:, None])  # (N, T): steps 1..F-1 of images with ink
    on_ink = rows_with_ink(images)
    change = np.abs(np.diff(gate, axis=1))  # (N, T-1, units): step t to t+1
    both_above = above_ink[:, 1:] & above_ink[:, :-1]
    return {"sd_above_ink": float(gate[above_ink].std(axis=0).mean()), "sd_on_ink": float(gate[on_ink].std(axis=0).mean()),
            "largest_step_change_above_ink": float(change[both_above].max()) if both_above.any() else 0.0}


def blank_path(hidden: np.ndarray, step_logits: np.ndarray) -> dict[str, list]:
    """The path the state follows over blank rows (the same for every image, since it starts at zero and
    reads zeros): hidden (T, units) and step_logits (T, 10) of an all-blank image. Per step, the
    largest change of any unit from the step before (the first from h_0 = 0), the class the head
    names and its probability; the class named at the last step and the first step from which the
    head names it at every later step."""
    hidden, step_logits = np.asarray(hidden, dtype=np.float64), np.asarray(step_logits, dtype=np.float64)
    if hidden.ndim != 2 or step_logits.shape != (hidden.shape[0], 10):
        raise ValueError(f"expected hidden (T, units) and step_logits (T, 10), got {hidden.shape} and {step_logits.shape}.")
    change = np.abs(np.diff(hidden, axis=0, prepend=np.zeros((1, hidden.shape[1])))).max(axis=1)
    probabilities = softmax(step_logits)
    named = probabilities.argmax(axis=1)
    changed = np.flatnonzero(named != named[-1])
    return {"largest_change": [round(float(v), 5) for v in change], "class": [int(c) for c in named],
            "probability": [round(float(p), 4) for p in probabilities[np.arange(len(named)), named]],
            "settled_class": int(named[-1]), "settled_from_step": int(changed[-1] + 2) if len(changed) else 1}


def blank_default_shares(step_logits: np.ndarray, images: np.ndarray, blank_classes: np.ndarray) -> dict:
    """How much of "decided before the ink ends" is the head's answer on blank input.

    step_logits (N, T, 10) of the images (N, T, width); blank_classes (T,): the class the head gives an
    all-blank image read out at each step 1..T. Per image, d is its decision step (`decision_steps`), L
    its last ink row (`last_ink_rows`), b = blank_classes[d - 1] the blank image's class at step d, and
    p its final prediction (step T). Returns, rounded to four decimals:
    - 'share_decided_before_ink_ends_not_blank_class': among the images with p != b, the share with d < L;
    - 'share_of_early_decisions_in_blank_class': among the images with d < L, the share with p == b.
    A tie d = L is not before the ink ends. An empty denominator (no image with p != b, or none with
    d < L) gives None: a share of no images is undefined, not 0."""
    step_logits, blank_classes = np.asarray(step_logits), np.asarray(blank_classes)
    if step_logits.ndim != 3 or blank_classes.shape != step_logits.shape[1:2]:
        raise ValueError(f"expected step_logits (N, T, 10) and blank_classes (T,); got {step_logits.shape} and "
                         f"{blank_classes.shape}.")
    steps, last = decision_steps(step_logits), last_ink_rows(images)
    if last.shape != steps.shape:
        raise ValueError(f"images {np.shape(images)} and step_logits {step_logits.shape} must hold the same images.")
    early = steps < last
    in_blank_class = step_logits[:, -1].argmax(-1) == blank_classes[steps - 1]

    def share(chosen: np.ndarray, among: np.ndarray) -> float | None:
        return round(float(chosen[among].mean()), 4) if among.any() else None

    return {"share_decided_before_ink_ends_not_blank_class": share(early, ~in_blank_class),
            "share_of_early_decisions_in_blank_class": share(in_blank_class, early)}


def image_timelines(step_logits: np.ndarray, images: np.ndarray, indices: tuple[int, ...]) -> dict[str, dict]:
    """What a figure of images `indices` shows over time, in numbers: per image (keyed by its index as
    text) its first and last ink rows F and L (1..T), its decision step d (`decision_steps`) and the class
    the head names at each step 1..T. step_logits (N, T, 10), images (N, T, width)."""
    step_logits, chosen = np.asarray(step_logits), list(indices)
    first, last = first_ink_rows(images[chosen]), last_ink_rows(images[chosen])
    steps, named = decision_steps(step_logits[chosen]), step_logits[chosen].argmax(-1)
    return {str(index): {"first_ink_row": int(first[row]), "last_ink_row": int(last[row]),
                         "decision_step": int(steps[row]), "class_named": [int(c) for c in named[row]]}
            for row, index in enumerate(chosen)}


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


# --- The bonus with controls: memory, what the head sees, gates on blank and ink rows ----------


def cell_state_retention(forget: np.ndarray) -> np.ndarray:
    """How much of c_t survives to the last step, per unit: forget gates (N, T, units) -> (units, T).

    Entry [j, t - 1] is the mean over images of prod_{s = t+1..T} f_s[j], for t = 1..T (1 at t = T:
    nothing is forgotten after the last step). c_t enters c_T multiplied by exactly this product.
    """
    forget = np.asarray(forget, dtype=np.float64)
    if forget.ndim != 3:
        raise ValueError(f"forget gates must be shaped (N, T, units); got {forget.shape}.")
    suffix = np.cumprod(forget[:, ::-1], axis=1)[:, ::-1]  # [:, i] = prod over 0-based steps i..T-1
    after = np.concatenate([suffix[:, 1:], np.ones_like(suffix[:, :1])], axis=1)
    return after.mean(axis=0).T


def retention_half_life(retention: np.ndarray) -> list[int | None]:
    """Per unit, the fewest steps k before the end over which retention falls to 0.5 or below:
    the smallest k >= 1 with retention[j, T - 1 - k] <= 0.5; None when even the first step's state
    keeps more than half (retention (units, T) -> a list of units entries)."""
    retention = np.asarray(retention)
    steps = retention.shape[1]
    half_lives = []
    for row in retention:
        reached = [k for k in range(1, steps) if row[steps - 1 - k] <= 0.5]
        half_lives.append(reached[0] if reached else None)
    return half_lives


def relu_zeroed_share(last_outputs: np.ndarray) -> np.ndarray:
    """Per unit, the share of images whose last output is <= 0, which the head's ReLU turns into 0:
    last_outputs (N, units) -> (units,)."""
    last_outputs = np.asarray(last_outputs)
    if last_outputs.ndim != 2:
        raise ValueError(f"last outputs must be shaped (N, units); got {last_outputs.shape}.")
    return (last_outputs <= 0).mean(axis=0)


def gate_by_row_kind(gate: np.ndarray, images: np.ndarray) -> dict[str, dict[str, float]]:
    """Gate statistics split by what the step reads: a blank row (no ink) or a row with ink.

    gate (N, T, units), images (N, T, 28) -> {'blank': {...}, 'ink': {...}}, each with the mean gate
    value over (image, step, unit), the shares above 0.9 and below 0.1, and the share of steps.
    """
    gate = np.asarray(gate)
    blank = check_image_batch(images).sum(axis=2) == 0  # (N, T)
    if blank.shape != gate.shape[:2]:
        raise ValueError(f"gate {gate.shape} and images {np.shape(images)} disagree on (N, T).")
    statistics = {}
    for kind, chosen in (("blank", blank), ("ink", ~blank)):
        values = gate[chosen]  # (steps of this kind, units)
        statistics[kind] = {"mean": round(float(values.mean()), 4),
                            "above_0.9": round(float((values > 0.9).mean()), 4),
                            "below_0.1": round(float((values < 0.1).mean()), 4),
                            "share_of_steps": round(float(chosen.mean()), 4)}
    return statistics


def row_features(images: np.ndarray) -> dict[str, np.ndarray]:
    """Simple features of the input at every step, each (N, T): ink in the current row (pixels),
    ink so far (pixels in rows 1..t), rows since the last ink (0 when row t has ink; t when no row
    has had ink yet), and the step t itself (1..T)."""
    ink = check_image_batch(images).sum(axis=2)  # (N, T)
    count, steps = ink.shape
    step = np.broadcast_to(np.arange(1, steps + 1), (count, steps))
    last_ink = np.maximum.accumulate(np.where(ink > 0, step, 0), axis=1)  # 0 until the first ink
    return {"ink_in_row": ink, "ink_so_far": np.cumsum(ink, axis=1), "rows_since_ink": step - last_ink,
            "step": step.astype(np.float64)}


def feature_correlations(activation: np.ndarray, features: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Pearson correlation over all (image, step) pairs between one unit's activation (N, T) and
    each feature (N, T); 0.0 where either side is constant."""
    flat = np.asarray(activation, dtype=np.float64).ravel()
    correlations = {}
    for name, feature in features.items():
        values = np.asarray(feature, dtype=np.float64).ravel()
        if flat.std() == 0 or values.std() == 0:
            correlations[name] = 0.0
        else:
            correlations[name] = round(float(np.corrcoef(flat, values)[0, 1]), 4)
    return correlations


def units_by_cost(ablated_accuracy: np.ndarray, full_accuracy: float) -> list[int]:
    """Unit indices sorted by the accuracy their silencing costs, most costly first (ties by index)."""
    cost = full_accuracy - np.asarray(ablated_accuracy)
    return [int(j) for j in sorted(range(len(cost)), key=lambda j: (-cost[j], j))]


def spearman_correlation(first: np.ndarray, second: np.ndarray) -> tuple[float, float]:
    """Spearman's rank correlation of two (n,) arrays and its two-sided p-value (scipy.stats)."""
    result = stats.spearmanr(np.asarray(first), np.asarray(second))
    return float(result.statistic), float(result.pvalue)
