"""Data: the project's own MNIST file (checksummed, never downloaded), binarization, the classic
splits, where each image's ink starts and ends, and accuracy (predictions against labels).

Imports from the package: settings.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hw3.settings import PROJECT_DIR, ROW_WIDTH, SEQUENCE_LENGTH, RunSettings

DATA_PATH = PROJECT_DIR / "data" / "mnist.npz"
MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
TRAIN_SIZE = 55_000  # the classic split: first 55,000 for training ...
VALIDATION_SIZE = 5_000  # ... last 5,000 of the 60,000 for validation
_MNIST_ARRAYS = {"x_train": (60_000, 28, 28), "y_train": (60_000,),
                 "x_test": (10_000, 28, 28), "y_test": (10_000,)}


BINARIZE_THRESHOLD = 0.1  # the assignment's: a pixel is ink where its intensity on [0, 1] is above it


def binarize(images: np.ndarray, threshold: float = BINARIZE_THRESHOLD) -> np.ndarray:
    """Pixels above `threshold` (on the [0, 1] scale) become 1.0, the rest 0.0.

    Accepts uint8 images in 0..255 or float images in [0, 1], shaped (28, 28) or (N, 28, 28).
    Returns float32 of the same shape.
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3) or images.shape[-2:] != (SEQUENCE_LENGTH, ROW_WIDTH):
        raise ValueError(f"binarize expects images shaped (28, 28) or (N, 28, 28); got {images.shape}.")
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must lie in [0, 1); got {threshold}.")
    if images.dtype == np.uint8:
        scaled = images.astype(np.float32) / 255.0
    elif np.issubdtype(images.dtype, np.floating):
        if images.size and (np.nanmin(images) < 0.0 or np.nanmax(images) > 1.0 or np.isnan(images).any()):
            raise ValueError("float images must lie in [0, 1]; scale 0..255 images by 1/255 or pass uint8.")
        scaled = images
    else:
        raise ValueError(f"binarize accepts uint8 (0..255) or float ([0, 1]) images; got dtype {images.dtype}.")
    return (scaled > threshold).astype(np.float32)


RESTORE_MNIST = ("The project ships MNIST as data/mnist.npz and never downloads it: restore the committed file with "
                 "`git checkout -- data/mnist.npz` in the project folder.")


def file_sha256(path: Path) -> str:
    """The sha256 of the file at `path`, as 64 hexadecimal digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_mnist_arrays(path: Path | str = DATA_PATH,
                      expected_sha256: str | None = MNIST_SHA256) -> tuple[dict[str, np.ndarray], str]:
    """The raw uint8 MNIST arrays x_train (60000, 28, 28), y_train (60000,), x_test (10000, 28, 28),
    y_test (10000,), and the sha256 of the file they were read from.

    Checks that sha256 against `expected_sha256` (None skips that check, for another copy) and the
    arrays' shapes. Nothing is downloaded: FileNotFoundError for a missing file, ValueError for a
    corrupt one, each saying how to restore data/mnist.npz.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"MNIST file {path} is missing. {RESTORE_MNIST}")
    sha256 = file_sha256(path)
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise ValueError(f"{path} is corrupt or truncated (its sha256 is {sha256}, not {expected_sha256}). "
                         f"{RESTORE_MNIST}")
    try:
        with np.load(path) as archive:
            arrays = {name: archive[name] for name in _MNIST_ARRAYS}
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        raise ValueError(f"{path} is not a readable MNIST .npz file ({error}). {RESTORE_MNIST}") from error
    for name, shape in _MNIST_ARRAYS.items():
        if arrays[name].shape != shape:
            raise ValueError(f"{path}: {name} has shape {arrays[name].shape}, expected {shape}. {RESTORE_MNIST}")
    return arrays, sha256


@dataclass
class MnistSplits:
    """Binarized images (N, 28, 28) float32 and integer labels (N,) for the three splits, and the sha256
    of the MNIST file they were read from, as `load_binarized_mnist` checked it (None for splits made
    by hand, which no file backs)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    mnist_sha256: str | None = None

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.x_train), "validation": len(self.x_validation), "test": len(self.x_test)}


def load_binarized_mnist(settings: RunSettings | None = None, path: Path | str = DATA_PATH) -> MnistSplits:
    """Train (first 55,000), validation (last 5,000) and test (10,000) splits, binarized.

    In smoke mode the splits are cut to the settings' limits (first images of each split). The file's
    sha256 is checked against MNIST_SHA256 and kept as `mnist_sha256`, the checksum a recipe records.
    """
    arrays, sha256 = load_mnist_arrays(path)
    x_train_all, y_train_all = arrays["x_train"], arrays["y_train"].astype(np.int64)
    x_test, y_test = arrays["x_test"], arrays["y_test"].astype(np.int64)
    splits = MnistSplits(
        x_train=binarize(x_train_all[:TRAIN_SIZE]), y_train=y_train_all[:TRAIN_SIZE],
        x_validation=binarize(x_train_all[TRAIN_SIZE:]), y_validation=y_train_all[TRAIN_SIZE:],
        x_test=binarize(x_test), y_test=y_test, mnist_sha256=sha256,
    )
    if settings is not None:
        limits = {"train": settings.train_limit, "validation": settings.validation_limit, "test": settings.test_limit}
        for split, limit in limits.items():
            if limit is not None:
                x_name, y_name = ("x_" + split, "y_" + split)
                setattr(splits, x_name, getattr(splits, x_name)[:limit])
                setattr(splits, y_name, getattr(splits, y_name)[:limit])
    return splits


def check_image_batch(images: np.ndarray) -> np.ndarray:
    """Validate a batch of images (N, 28, 28) for the models; returns it as float32."""
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (SEQUENCE_LENGTH, ROW_WIDTH):
        raise ValueError(f"expected binarized images shaped (N, 28, 28); got {images.shape}. "
                         "Use binarize() on raw MNIST images and keep the batch axis.")
    return images.astype(np.float32, copy=False)


def accuracy(scores: np.ndarray, labels: np.ndarray) -> float | np.ndarray:
    """The share of images whose class is right: the one accuracy of the package.

    `scores`: float scores over the classes on the last axis (argmax taken), e.g. logits (N, 10) or
    per-step logits (N, T, 10); or integer class indices, e.g. predictions (N,). `labels` (N,).
    A float for one prediction per image; an array over the middle axes otherwise, e.g. (T,).
    """
    scores, labels = np.asarray(scores), np.asarray(labels)
    predictions = scores.argmax(-1) if np.issubdtype(scores.dtype, np.floating) else scores
    if predictions.ndim < 1 or labels.ndim != 1 or len(predictions) != len(labels):
        raise ValueError(f"need one prediction (or row of class scores) per label; got scores {scores.shape} "
                         f"and labels {labels.shape}.")
    right = (predictions == labels.reshape((-1,) + (1,) * (predictions.ndim - 1))).mean(axis=0)
    return float(right) if np.ndim(right) == 0 else right


def with_blank_rows(images: np.ndarray, extra: int) -> np.ndarray:
    """Images with `extra` blank rows appended after row 28: (N, 28 + extra, 28)."""
    images = check_image_batch(images)
    return np.concatenate([images, np.zeros((len(images), extra, images.shape[2]), images.dtype)], axis=1)


# --- Where the ink is: rows (steps) that hold ink -------------------------------------------------

def rows_with_ink(images: np.ndarray) -> np.ndarray:
    """Which rows hold any ink: images (N, T, width) -> (N, T) booleans. T is 28 for MNIST; any
    length is accepted, so sequences with appended rows work too."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"expected images shaped (N, rows, width); got {images.shape}. Keep the batch axis.")
    return images.any(axis=2)


def last_ink_rows(images: np.ndarray) -> np.ndarray:
    """L per image: the last row (1..T) holding any ink, 0 for a blank image. (N, T, width) -> (N,)."""
    has_ink = rows_with_ink(images)
    last_from_bottom = np.argmax(has_ink[:, ::-1], axis=1)
    return np.where(has_ink.any(axis=1), has_ink.shape[1] - last_from_bottom, 0)


def first_ink_rows(images: np.ndarray) -> np.ndarray:
    """F per image: the first row (1..T) holding any ink, 0 for a blank image. (N, T, width) -> (N,)."""
    has_ink = rows_with_ink(images)
    return np.where(has_ink.any(axis=1), np.argmax(has_ink, axis=1) + 1, 0)


# --- Hand-drawn digits, prepared the way MNIST was made -----------------------------------------

CANVAS_SIZE = 280  # the drawing pad: 10 screen pixels per image pixel
STROKE_WIDTH = 22.0  # pen width on the pad, in pad pixels


def strokes_to_canvas(strokes: list[list[tuple[float, float]]], size: int = CANVAS_SIZE,
                      width: float = STROKE_WIDTH) -> np.ndarray:
    """Rasterise pen strokes into ink on a (size, size) float canvas in [0, 1].

    strokes: lists of (x, y) points in pad pixels, x to the right, y down, as the mouse gives them;
    each stroke is a polyline drawn with a round pen of diameter `width`.
    """
    canvas = np.zeros((size, size), dtype=np.float64)
    radius = width / 2
    reach = int(np.ceil(radius + 1.5))  # pixels beyond a segment's ends that its ink can touch
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
        segments = zip(points, points[1:]) if len(points) > 1 else [(points[0], points[0])] if len(points) else []
        for (x0, y0), (x1, y1) in segments:
            top, bottom = max(0, int(min(y0, y1)) - reach), min(size, int(max(y0, y1)) + reach + 1)
            left, right = max(0, int(min(x0, x1)) - reach), min(size, int(max(x0, x1)) + reach + 1)
            if top >= bottom or left >= right:
                continue  # the segment lies off the pad
            rows, columns = np.mgrid[top:bottom, left:right] + 0.5  # pixel centres near the segment only
            dx, dy = x1 - x0, y1 - y0
            length = dx * dx + dy * dy
            along = np.clip(((columns - x0) * dx + (rows - y0) * dy) / length, 0.0, 1.0) if length else 0.0
            distance = np.hypot(columns - (x0 + along * dx), rows - (y0 + along * dy))
            ink = np.clip(radius + 0.5 - distance, 0.0, 1.0)  # one pixel of anti-aliasing
            canvas[top:bottom, left:right] = np.maximum(canvas[top:bottom, left:right], ink)
    return canvas.astype(np.float32)


def canvas_to_mnist(canvas: np.ndarray, threshold: float = BINARIZE_THRESHOLD) -> np.ndarray:
    """A drawing (H, W) in [0, 1] (ink = 1) as MNIST was made, then binarized: (28, 28) float32.

    The ink's bounding box is scaled (aspect kept, anti-aliased) so its longer side is 20 pixels,
    then placed in a 28 x 28 frame with its centre of mass at the frame's centre, and thresholded
    at `threshold` like the training images. ValueError for an empty canvas.
    """
    from PIL import Image  # Pillow, installed with matplotlib

    canvas = np.asarray(canvas, dtype=np.float32)
    if canvas.ndim != 2:
        raise ValueError(f"a drawing must be one (H, W) array; got shape {canvas.shape}.")
    ink_rows, ink_columns = np.nonzero(canvas > 0)
    if len(ink_rows) == 0:
        raise ValueError("the canvas is empty: draw a digit first.")
    crop = np.clip(canvas[ink_rows.min():ink_rows.max() + 1, ink_columns.min():ink_columns.max() + 1], 0.0, 1.0)
    scale = 20.0 / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    resized = Image.fromarray((crop * 255).astype(np.uint8)).resize((width, height), Image.Resampling.LANCZOS)
    digit = np.asarray(resized, dtype=np.float32) / 255.0
    if digit.sum() == 0:
        raise ValueError("the drawing is too faint to read: draw with the mouse button held down.")
    centre_row = (digit.sum(axis=1) * np.arange(height)).sum() / digit.sum()
    centre_column = (digit.sum(axis=0) * np.arange(width)).sum() / digit.sum()
    top, left = int(round(13.5 - centre_row)), int(round(13.5 - centre_column))
    frame = np.zeros((SEQUENCE_LENGTH + 2 * 28, ROW_WIDTH + 2 * 28), dtype=np.float32)  # room to shift
    frame[28 + top:28 + top + height, 28 + left:28 + left + width] = digit
    return binarize(np.clip(frame[28:56, 28:56], 0.0, 1.0), threshold)
