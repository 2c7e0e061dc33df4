"""How fast this machine runs now, against the run that trained the committed models.

The machine's speed varies up to twice between runs, so a time measured today says little alone.
This trains the GRU (1x32), seed 0, exactly as `make homework` does (full data, ten epochs, the
default threads), into memory only, and prints its training seconds beside the `train_seconds` that
results/results.json recorded when the committed model was trained, and both test accuracies (they
must agree: the run is deterministic). Run it right before or after the job you time:

    .venv/bin/python tools/machine_speed.py

A time measured next to it can be scaled to the recorded speed: time x recorded / now.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hw3.data import load_binarized_mnist  # noqa: E402
from hw3.results import load_results  # noqa: E402
from hw3.settings import run_settings  # noqa: E402
from hw3.training import train_model  # noqa: E402

REFERENCE = "gru_1x32"


def measured_run(settings) -> tuple[dict, dict]:
    """(the reference's entry trained now, its entry recorded in results.json): trains the GRU (1x32),
    seed 0, in memory. ValueError in smoke mode or when no recorded entry is there to compare with."""
    if settings.smoke:
        raise ValueError("unset HW3_SMOKE: the reference is the full training of the committed model")
    recorded = load_results(settings).get("configs", {}).get(REFERENCE)
    if not recorded or "train_seconds" not in recorded:
        raise ValueError(f"results.json holds no train_seconds for {REFERENCE}, seed 0: nothing to compare with")
    data = load_binarized_mnist(settings)
    _, entry = train_model(REFERENCE, data, settings)  # seed 0, the settings' default
    return entry, recorded


def main() -> None:
    try:
        entry, recorded = measured_run(run_settings())
    except ValueError as error:
        raise SystemExit(str(error))
    ratio = entry["train_seconds"] / recorded["train_seconds"]
    print(f"{REFERENCE} seed 0: trained in {entry['train_seconds']:.1f} s now, {recorded['train_seconds']:.1f} s "
          f"when recorded: {ratio:.2f} times the recorded time")
    print(f"test accuracy {entry['test_accuracy']:.4f} now, {recorded['test_accuracy']:.4f} recorded"
          + ("" if entry["test_accuracy"] == recorded["test_accuracy"] else "  (DIFFERENT: not the same computation)"))


if __name__ == "__main__":
    main()
