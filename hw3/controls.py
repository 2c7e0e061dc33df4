"""Controls for Q3.2 and Q3.3: the read-out aligned to where each digit's ink ends, digits moved up
or down, blank rows appended after the last row, single rows blanked out, what the read-out says at
each step, confusion matrices, and the decision step against the last ink row.

Imports from the package: settings, cache, data, readout.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import keras
import numpy as np
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

from hw3.data import accuracy, check_image_batch, first_ink_rows, last_ink_rows, with_blank_rows
from hw3.readout import decision_steps, every_step_model
from hw3.cache import cached_call
from hw3.settings import NUM_CLASSES, SEQUENCE_LENGTH, RunSettings

SHIFTS = tuple(range(-4, 5))  # rows moved down (> 0) or up (< 0)
EXTRA_BLANK_ROWS = 4  # k = 0..4 blank rows appended after row 28 (with shifted digits)
APPENDED_BLANK_ROWS = 8  # k = 0..8 blank rows appended after row 28 (unshifted digits, every seed)
INK_OFFSETS = tuple(range(-6, 7))  # k = t - L, steps before (< 0) and after (> 0) the last ink row L
READOUT_STEPS = tuple(range(4, SEQUENCE_LENGTH + 1, 4))  # 4, 8, ..., 28


def readout_at_last_ink(step_logits: np.ndarray, images: np.ndarray, labels: np.ndarray) -> float:
    """Accuracy when each image is read out at its own step L (blank images are left out)."""
    last = last_ink_rows(images)
    keep = last > 0
    predictions = step_logits[np.flatnonzero(keep), last[keep] - 1].argmax(-1)
    return accuracy(predictions, np.asarray(labels)[keep])


def readout_by_steps_after(step_logits: np.ndarray, end_steps: np.ndarray, labels: np.ndarray,
                           offsets: Iterable[int] = INK_OFFSETS) -> dict[str, float]:
    """{k: accuracy at step E + k over the images where step E + k exists (1..T)}, E = `end_steps`
    (N,), the step at which each image's ink ends for this reader (0: blank image, left out)."""
    end_steps, labels = np.asarray(end_steps), np.asarray(labels)
    steps = step_logits.shape[1]
    curve = {}
    for offset in offsets:
        step = end_steps + offset
        keep = (end_steps > 0) & (step >= 1) & (step <= steps)
        predictions = step_logits[np.flatnonzero(keep), step[keep] - 1].argmax(-1)
        curve[str(offset)] = accuracy(predictions, labels[keep]) if keep.any() else float("nan")
    return curve


def readout_by_steps_after_ink(step_logits: np.ndarray, images: np.ndarray, labels: np.ndarray,
                               offsets: Iterable[int] = INK_OFFSETS) -> dict[str, float]:
    """{k: accuracy at step L + k over the images where step L + k exists (1..T)}; step_logits (N, T, 10),
    for a reader that goes top to bottom, whose ink ends at the last ink row L."""
    return readout_by_steps_after(step_logits, last_ink_rows(images), labels, offsets)


def bottom_up_ink_end_steps(images: np.ndarray) -> np.ndarray:
    """For a reader that starts at row 28, the step 29 - F at which the ink ends (F: first ink row);
    0 for a blank image. (N, 28, 28) -> (N,)."""
    first = first_ink_rows(images)
    return np.where(first > 0, SEQUENCE_LENGTH + 1 - first, 0)


def readout_after_ink_fixed_subset(step_logits: np.ndarray, images: np.ndarray, labels: np.ndarray,
                                   largest_last_row: int = 22, offsets: Iterable[int] = INK_OFFSETS) -> dict:
    """The ink-aligned read-out on one fixed set of images, those with last ink row L <= `largest_last_row`
    (and L >= 1 - min(offsets)), so that every offset k averages the same images.
    Returns {'curve': {k: accuracy}, 'images': how many}."""
    offsets = tuple(offsets)
    last = last_ink_rows(images)
    keep = (last >= 1 - min(offsets)) & (last <= largest_last_row)
    if largest_last_row + max(offsets) > step_logits.shape[1]:
        raise ValueError(f"L <= {largest_last_row} with k up to {max(offsets)} reaches past step {step_logits.shape[1]}.")
    curve = readout_by_steps_after(step_logits[keep], last[keep], np.asarray(labels)[keep], offsets)
    return {"curve": curve, "images": int(keep.sum())}


def _shifted(images: np.ndarray, shift: int, axis: int, what: str) -> np.ndarray:
    """Every image moved `shift` places along `axis` (1: rows, 2: columns) towards higher indices
    (> 0) or lower (< 0), the vacated rows or columns left blank; (N, 28, 28)."""
    images = check_image_batch(images)
    size = images.shape[axis]
    if abs(shift) >= size:
        raise ValueError(f"a shift of {shift} {what} moves the whole image out of the frame; use |shift| < {size}.")
    moved = np.zeros_like(images)
    source = [slice(None)] * 3
    target = [slice(None)] * 3
    source[axis] = slice(0, size - shift) if shift >= 0 else slice(-shift, size)
    target[axis] = slice(shift, size) if shift >= 0 else slice(0, size + shift)
    moved[tuple(target)] = images[tuple(source)]
    return moved


def shift_rows(images: np.ndarray, shift: int) -> np.ndarray:
    """Every image moved `shift` rows down (> 0) or up (< 0), filled with blank rows; (N, 28, 28)."""
    return _shifted(images, shift, axis=1, what="rows")


def shift_columns(images: np.ndarray, shift: int) -> np.ndarray:
    """Every image moved `shift` columns right (> 0) or left (< 0), filled with blank columns; (N, 28, 28)."""
    return _shifted(images, shift, axis=2, what="columns")


def ink_pushed_out(images: np.ndarray, shift: int, direction: str = "rows") -> dict[str, float]:
    """What a shift of `shift` rows (direction 'rows') or columns ('columns') pushes out of the frame:
    the share of all ink pixels lost and the share of images that lose any ink."""
    if direction not in ("rows", "columns"):
        raise ValueError(f"direction must be 'rows' or 'columns'; got {direction!r}.")
    images = check_image_batch(images)
    moved = shift_rows(images, shift) if direction == "rows" else shift_columns(images, shift)
    lost = images.sum(axis=(1, 2)) - moved.sum(axis=(1, 2))
    return {"ink_share": float(lost.sum() / images.sum()), "image_share": float((lost > 0).mean())}


def accuracy_by_shift(model: keras.Model, images: np.ndarray, labels: np.ndarray, direction: str = "rows",
                      shifts: Iterable[int] = SHIFTS) -> dict[str, float]:
    """{s: accuracy of the model's final prediction on every image moved s rows (direction 'rows') or
    columns ('columns')}. The moved copies (len(shifts) * N, 28, 28) go through the model in one call,
    one block of N images per shift, in batches of 1,000."""
    if direction not in ("rows", "columns"):
        raise ValueError(f"direction must be 'rows' or 'columns'; got {direction!r}.")
    images, labels, shifts = check_image_batch(images), np.asarray(labels), list(shifts)
    move = shift_rows if direction == "rows" else shift_columns
    moved = np.concatenate([move(images, shift) for shift in shifts])
    predictions = model.predict(moved, batch_size=1000, verbose=0).argmax(-1).reshape(len(shifts), len(images))
    return {str(shift): accuracy(predicted, labels) for shift, predicted in zip(shifts, predictions)}


def padded_step_logits(model: keras.Model, images: np.ndarray, extra: int = EXTRA_BLANK_ROWS,
                       reader: keras.Model | None = None) -> np.ndarray:
    """Per-step logits (N, 28 + extra, 10) of a recurrent model (same weights, any input length) that
    reads `extra` blank rows after the image. `reader`: an every_step_model(model, steps=None) to reuse."""
    reader = reader or every_step_model(model, steps=None)
    return np.asarray(reader.predict(with_blank_rows(images, extra), batch_size=1000, verbose=0)[1])


def appended_blank_row_accuracy(model: keras.Model, images: np.ndarray, labels: np.ndarray,
                                extra: int = APPENDED_BLANK_ROWS, reader: keras.Model | None = None) -> dict[str, float]:
    """{k: accuracy of the prediction read after the last row when k = 0..extra blank rows follow the
    image's 28}: the read-out at step 28 + k of one pass over the image and `extra` appended rows.
    `reader`: an every_step_model(model, steps=None) to reuse."""
    logits = padded_step_logits(model, images, extra, reader)
    return {str(k): accuracy(logits[:, SEQUENCE_LENGTH - 1 + k], labels) for k in range(extra + 1)}


def shift_and_blank_row_accuracy(model: keras.Model, images: np.ndarray, labels: np.ndarray,
                                 shifts: Iterable[int] = SHIFTS, extra: int = EXTRA_BLANK_ROWS) -> dict:
    """{s: [accuracy after 28 + k steps for k = 0..extra]} on images shifted by s rows (recurrent model)."""
    reader = every_step_model(model, steps=None)  # built once: copying the layers costs more than a small predict
    return {str(shift): list(appended_blank_row_accuracy(model, shift_rows(images, shift), labels, extra, reader).values())
            for shift in shifts}


def row_occlusion_accuracy(model: keras.Model, images: np.ndarray, labels: np.ndarray,
                           rows_per_call: int = 7) -> list[float]:
    """Accuracy with row k (k = 1..28) blanked in every image: 28 values, index k - 1. The occluded
    copies of `rows_per_call` rows go through the model in one call."""
    images, labels = check_image_batch(images), np.asarray(labels)
    accuracies = []
    for first in range(0, SEQUENCE_LENGTH, rows_per_call):
        rows = range(first, min(first + rows_per_call, SEQUENCE_LENGTH))
        occluded = np.repeat(images[None], len(rows), axis=0)  # (rows, N, 28, 28)
        for position, row in enumerate(rows):
            occluded[position, :, row] = 0
        predictions = model.predict(occluded.reshape((-1,) + images.shape[1:]), batch_size=2000, verbose=0).argmax(-1)
        accuracies += accuracy(predictions.reshape(len(rows), -1).T, labels).tolist()  # (N, rows) -> (rows,)
    return accuracies


def readout_class_shares(step_logits: np.ndarray, steps: Iterable[int] = READOUT_STEPS) -> dict[str, list[float]]:
    """{t: share of images read out as each class 0..9 at step t}; step_logits (N, T, 10)."""
    shares = {}
    for t in steps:
        counts = np.bincount(step_logits[:, t - 1].argmax(-1), minlength=NUM_CLASSES)
        shares[str(t)] = [round(float(count) / len(step_logits), 4) for count in counts]
    return shares


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """(10, 10) counts: row = true class, column = predicted class."""
    return sklearn_confusion_matrix(labels, predictions, labels=np.arange(NUM_CLASSES))


def _decision_against_ink(steps: np.ndarray, last: np.ndarray) -> dict[str, float]:
    """Median decision step d, median last ink row L, median of d - L, and the share with d < L (a tie,
    d = L, is not before the ink ends); steps and last (n,) for one group of images."""
    gap = steps - last
    return {"median_decision_step": float(np.median(steps)), "median_last_ink_row": float(np.median(last)),
            "median_steps_after_ink": float(np.median(gap)),
            "share_decided_before_ink_ends": round(float((gap < 0).mean()), 4)}


def decision_after_ink(step_logits: np.ndarray, images: np.ndarray, labels: np.ndarray,
                       include_all: bool = False) -> dict[str, dict]:
    """Per true class present in `labels`: median decision step, median last ink row L, median of
    (decision step - L), and the share of images decided before their ink ends (decision step < L).
    With `include_all`, one more entry 'all' over every image."""
    steps, last, labels = decision_steps(step_logits), last_ink_rows(images), np.asarray(labels)
    per_class = {str(digit): _decision_against_ink(steps[labels == digit], last[labels == digit])
                 for digit in range(NUM_CLASSES) if (labels == digit).any()}
    if include_all:
        per_class["all"] = _decision_against_ink(steps, last)
    return per_class


def shift_values(recurrent_models: Mapping[str, keras.Model], baseline_models: Mapping[str, keras.Model],
                 images: np.ndarray, labels: np.ndarray) -> dict:
    """Shifted digits and extra blank rows: {'ink_pushed_out': {s: ink_pushed_out(...)}, 'shift': {name:
    {s: accuracy}}, 'extra_blank_rows': {recurrent name: {s: {k: accuracy after 28 + k steps}}}}, s in SHIFTS."""
    shift, extra = {}, {}
    for name, model in recurrent_models.items():
        by_shift = shift_and_blank_row_accuracy(model, images, labels)
        shift[name] = {s: values[0] for s, values in by_shift.items()}
        extra[name] = {s: {str(k): value for k, value in enumerate(values)} for s, values in by_shift.items()}
    for name, model in baseline_models.items():
        shift[name] = accuracy_by_shift(model, images, labels, "rows")
    return {"ink_pushed_out": {str(s): ink_pushed_out(images, s) for s in SHIFTS}, "shift": shift,
            "extra_blank_rows": extra}


def shift_experiment(recurrent_models: Mapping[str, keras.Model], baseline_models: Mapping[str, keras.Model],
                     images: np.ndarray, labels: np.ndarray, settings: RunSettings) -> dict:
    """`shift_values`, through the analysis cache (about two minutes the first time)."""
    return cached_call(settings, "shift_experiment", shift_values, recurrent_models=recurrent_models,
                       baseline_models=baseline_models, images=check_image_batch(images), labels=labels)


def shifted_accuracies(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray,
                       direction: str = "rows") -> dict[str, dict[str, float]]:
    """{name: accuracy_by_shift(model, images, labels, direction)}: {s: accuracy} for s in SHIFTS."""
    return {name: accuracy_by_shift(model, images, labels, direction) for name, model in models.items()}


def horizontal_shift_values(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray) -> dict:
    """Every image moved s columns right (s > 0) or left, s in SHIFTS, for models mapping (N, 28, 28) to
    logits: {'accuracy': {name: {s: accuracy}}, 'ink_pushed_out': {s: ink_pushed_out(..., 'columns')}}."""
    return {"accuracy": shifted_accuracies(models, images, labels, "columns"),
            "ink_pushed_out": {str(s): ink_pushed_out(images, s, "columns") for s in SHIFTS}}


def horizontal_shift_experiment(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray,
                                settings: RunSettings) -> dict:
    """`horizontal_shift_values`, through the analysis cache."""
    return cached_call(settings, "horizontal_shift_experiment", horizontal_shift_values, models=models,
                       images=check_image_batch(images), labels=labels)


def occlusion_values(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray) -> dict[str, list[float]]:
    """{name: row_occlusion_accuracy(...)} (28 values each)."""
    return {name: row_occlusion_accuracy(model, images, labels) for name, model in models.items()}


def occlusion_experiment(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray,
                         settings: RunSettings) -> dict[str, list[float]]:
    """`occlusion_values`, through the analysis cache."""
    return cached_call(settings, "occlusion_experiment", occlusion_values, models=models,
                       images=check_image_batch(images), labels=labels)


def extra_row_summary(extra_blank_rows: Mapping[str, Mapping[str, Mapping[str, float]]], shift: int = 4,
                      extra: int = 3) -> dict[str, float]:
    """Across models: how much `extra` blank rows give back to digits moved `shift` rows down, how far
    they stay from the unshifted accuracy, and what `EXTRA_BLANK_ROWS` rows cost unshifted digits (points as fractions)."""
    s, k, most = str(shift), str(extra), str(EXTRA_BLANK_ROWS)
    regained = [rows[s][k] - rows[s]["0"] for rows in extra_blank_rows.values()]
    remaining = [rows["0"]["0"] - rows[s][k] for rows in extra_blank_rows.values()]
    lost = [rows["0"]["0"] - rows["0"][most] for rows in extra_blank_rows.values()]
    return {"smallest_regain": min(regained), "largest_regain": max(regained), "largest_remaining_gap": max(remaining),
            "smallest_loss_unshifted": min(lost), "largest_loss_unshifted": max(lost)}


def appended_blank_rows_values(seed_models: Mapping[str, Mapping[int, keras.Model]], images: np.ndarray,
                               labels: np.ndarray) -> dict:
    """{name: {seed: appended_blank_row_accuracy(...)}} for every seed model given."""
    return {name: {str(seed): appended_blank_row_accuracy(model, images, labels) for seed, model in by_seed.items()}
            for name, by_seed in seed_models.items()}


def appended_blank_rows_experiment(seed_models: Mapping[str, Mapping[int, keras.Model]], images: np.ndarray,
                                   labels: np.ndarray, settings: RunSettings) -> dict:
    """`appended_blank_rows_values`, through the analysis cache."""
    return cached_call(settings, "appended_blank_rows_experiment", appended_blank_rows_values, seed_models=seed_models,
                       images=check_image_batch(images), labels=labels)
