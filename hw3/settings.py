"""Run settings: full or smoke mode, the constants of the task, where outputs go, and the one atomic
write (`write_atomically`) every output goes through. results.json is read and written by
hw3/results.py, the analysis cache by hw3/cache.py.

Imports from the package: nothing; every other module may import it.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

PROJECT_DIR = Path(__file__).resolve().parent.parent

SEQUENCE_LENGTH = 28  # T: one step per image row
ROW_WIDTH = 28  # pixels per row, the input size of every step
NUM_CLASSES = 10


@dataclass(frozen=True)
class RunSettings:
    """Everything that differs between the full homework run and the fast smoke run."""

    smoke: bool
    output_dir: Path
    epochs: int = 10
    batch_size: int = 256
    learning_rate: float = 0.001
    seed: int = 0
    train_limit: int | None = None  # None: all 55,000 training images
    validation_limit: int | None = None
    test_limit: int | None = None
    retrain: bool = False  # train every model again
    retrain_names: tuple[str, ...] = ()  # train just these models again (every seed of each)
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)  # seed 0 is the model Q3 and the bonus analyse
    workers: int = 2  # processes that train the extra seeds, one TensorFlow thread each
    # Keras runs each training step eagerly instead of tracing it into a graph first. Smoke mode only:
    # there a model sees two batches, and tracing them would cost more than running them.
    eager: bool = False

    @property
    def models_dir(self) -> Path:
        return self.output_dir / "models"

    @property
    def results_path(self) -> Path:
        return self.output_dir / "results" / "results.json"

    @property
    def figures_dir(self) -> Path:
        return self.output_dir / "figures"

    @property
    def seed_models_dir(self) -> Path:
        """Where the extra seeds' weights go (weights only, no optimizer state)."""
        return self.models_dir / "seeds"

    @property
    def analysis_cache_path(self) -> Path:
        """Slow analysis results, kept beside the models they were computed from."""
        return self.models_dir / "analysis_cache.json"

    @property
    def predictions_path(self) -> Path:
        """Per-image test predictions of every run, keys '{name}_seed{k}'."""
        return self.output_dir / "results" / "test_predictions.npz"

    def retrains(self, name: str) -> bool:
        """True when model `name` must be trained again whatever is saved."""
        return self.retrain or name in self.retrain_names

    def describe(self) -> str:
        mode = "SMOKE (small subset, 1 epoch, eager; numbers are meaningless)" if self.smoke else "FULL"
        where = "the project folder" if self.output_dir == PROJECT_DIR else f"a temporary folder ({self.output_dir.name})"
        return (
            f"mode: {mode}\noutputs: {where}\n"
            f"epochs {self.epochs}, batch size {self.batch_size}, learning rate {self.learning_rate}, "
            f"seed {self.seed} (analysed), seeds {list(self.seeds)} (compared), {self.workers} worker processes, "
            f"retrain everything: {self.retrain}"
        )


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _env_count(name: str, default: int) -> int:
    """A positive whole number from the environment variable `name`, or `default` when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1; got {text!r}.")
    return int(text)


def run_settings() -> RunSettings:
    """Settings from the environment.

    `HW3_SMOKE=1`: 512 training, 256 validation and 1,000 test images, one epoch run eagerly, outputs
    in a fresh temporary folder (or `HW3_OUTPUT_DIR`), never in the repository.
    `HW3_RETRAIN=1`: train every model again even when a matching saved model exists;
    `HW3_RETRAIN=gru_1x32,lstm_1x32`: train just those models again (every seed of each).
    `HW3_SEEDS=k`: train seeds 0..k-1 of every model (default 5; 2 in smoke mode).
    `HW3_WORKERS=w`: processes that train the extra seeds (default 2).
    """
    retrain = _env_flag("HW3_RETRAIN")
    text = os.environ.get("HW3_RETRAIN", "").strip()
    retrain_names = () if retrain or text.lower() in {"", "0", "false", "no", "off"} else \
        tuple(name.strip() for name in text.split(",") if name.strip())
    smoke = _env_flag("HW3_SMOKE")
    seeds = tuple(range(_env_count("HW3_SEEDS", 2 if smoke else 5)))
    workers = _env_count("HW3_WORKERS", 2)
    if smoke:
        chosen = os.environ.get("HW3_OUTPUT_DIR")
        output_dir = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="hw3-smoke-"))
        if output_dir.resolve() == PROJECT_DIR:
            raise ValueError("HW3_OUTPUT_DIR must not be the project folder in smoke mode; unset it.")
        return RunSettings(smoke=True, output_dir=output_dir, epochs=1, train_limit=512,
                           validation_limit=256, test_limit=1000, retrain=retrain, retrain_names=retrain_names,
                           seeds=seeds, workers=workers, eager=True)
    return RunSettings(smoke=False, output_dir=PROJECT_DIR, retrain=retrain, retrain_names=retrain_names, seeds=seeds,
                       workers=workers)


def partial_path(path: Path) -> Path:
    """The temporary name beside `path` that a write goes to first, keeping every suffix (Keras wants
    `.keras` and `.weights.h5`, NumPy `.npz`): models/gru_1x32.keras -> models/.gru_1x32.partial.keras."""
    stem, _, suffixes = path.name.partition(".")
    return path.with_name(f".{stem}.partial" + (f".{suffixes}" if suffixes else ""))


def write_atomically(path: Path, write: Callable[[Path], Any]) -> Path:
    """`write(temporary)` writes the file at a temporary path beside `path`, which is then renamed to
    `path`: a reader never sees a half-written file, and an interrupted run leaves the old one. The one
    atomic write of the package (text, JSON, models, weights, arrays, pages)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = partial_path(path)
    write(temporary)
    os.replace(temporary, path)
    return path


def write_text_atomically(text: str, path: Path) -> None:
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def write_json_atomically(data: Mapping, path: Path) -> None:
    write_text_atomically(json.dumps(data, indent=1, sort_keys=False) + "\n", path)
