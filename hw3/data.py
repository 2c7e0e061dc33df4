"""Data: the project's own MNIST file (checksummed), binarization, and the classic splits.

Imports from the package: settings.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from hw3.settings import PROJECT_DIR, ROW_WIDTH, SEQUENCE_LENGTH, RunSettings

DATA_PATH = PROJECT_DIR / "data" / "mnist.npz"
MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
TRAIN_SIZE = 55_000  # the classic split: first 55,000 for training ...
VALIDATION_SIZE = 5_000  # ... last 5,000 of the 60,000 for validation
_MNIST_ARRAYS = {"x_train": (60_000, 28, 28), "y_train": (60_000,),
                 "x_test": (10_000, 28, 28), "y_test": (10_000,)}


def binarize(images: np.ndarray, threshold: float = 0.1) -> np.ndarray:
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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_mnist_arrays(path: Path | str = DATA_PATH, expected_sha256: str | None = MNIST_SHA256) -> dict[str, np.ndarray]:
    """The raw uint8 MNIST arrays x_train (60000, 28, 28), y_train, x_test (10000, 28, 28), y_test.

    Reads the project's own copy after checking its sha256 (pass expected_sha256=None to skip the
    check for another copy). Only when the file is missing does it fall back to
    `keras.datasets.mnist.load_data()` (which needs internet), and says so.
    """
    path = Path(path)
    if not path.exists():
        print(f"{path} is missing; falling back to keras.datasets.mnist.load_data() (downloads).")
        try:
            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        except Exception as error:  # no network, or a broken download cache
            raise FileNotFoundError(
                f"MNIST file {path} is missing and the download fallback failed ({error}). "
                "Restore data/mnist.npz from the repository (git checkout -- data/mnist.npz)."
            ) from error
        return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    if expected_sha256 is not None and file_sha256(path) != expected_sha256:
        raise ValueError(
            f"{path} is corrupt or truncated (its sha256 is not {expected_sha256}). "
            "Restore it with `git checkout -- data/mnist.npz`."
        )
    try:
        with np.load(path) as archive:
            arrays = {name: archive[name] for name in _MNIST_ARRAYS}
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        raise ValueError(f"{path} is not a readable MNIST .npz file ({error}); restore data/mnist.npz.") from error
    for name, shape in _MNIST_ARRAYS.items():
        if arrays[name].shape != shape:
            raise ValueError(f"{path}: {name} has shape {arrays[name].shape}, expected {shape}.")
    return arrays


@dataclass
class MnistSplits:
    """Binarized images (N, 28, 28) float32 and integer labels (N,) for the three splits."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.x_train), "validation": len(self.x_validation), "test": len(self.x_test)}


def load_binarized_mnist(settings: RunSettings | None = None, path: Path | str = DATA_PATH) -> MnistSplits:
    """Train (first 55,000), validation (last 5,000) and test (10,000) splits, binarized.

    In smoke mode the splits are cut to the settings' limits (first images of each split).
    """
    arrays = load_mnist_arrays(path)
    x_train_all, y_train_all = arrays["x_train"], arrays["y_train"].astype(np.int64)
    x_test, y_test = arrays["x_test"], arrays["y_test"].astype(np.int64)
    splits = MnistSplits(
        x_train=binarize(x_train_all[:TRAIN_SIZE]), y_train=y_train_all[:TRAIN_SIZE],
        x_validation=binarize(x_train_all[TRAIN_SIZE:]), y_validation=y_train_all[TRAIN_SIZE:],
        x_test=binarize(x_test), y_test=y_test,
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
