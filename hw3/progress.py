"""Progress: the one line a model's training leaves, one epoch at a time. In a Jupyter kernel the line
is drawn once and redrawn in place, so the saved notebook keeps only its last state; elsewhere (a
script, the tests, a worker process) only that last state is logged.

Imports from the package: none.
"""
from __future__ import annotations

import time
from typing import Callable

import keras
from tqdm import tqdm


def _in_a_kernel() -> bool:
    """True inside a Jupyter kernel, where a progress line can be redrawn in place."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


class ProgressLine:
    """A tqdm progress bar that leaves one line: in a Jupyter kernel it is drawn once and redrawn in
    place (so the saved notebook keeps only its last state); elsewhere only the last state is logged."""

    def __init__(self, label: str, total: int, log: Callable[[str], None] = print):
        self.label, self.total, self.log = label, total, log
        self.count, self.postfix, self._start = 0, "", time.perf_counter()
        self._handle = None
        if _in_a_kernel() and log is print:
            from IPython.display import display
            self._handle = display({"text/plain": self.text()}, raw=True, display_id=True)

    def text(self) -> str:
        return tqdm.format_meter(self.count, self.total, time.perf_counter() - self._start, ncols=None,
                                 prefix=f"{self.label:>10}", postfix=self.postfix, unit="epoch")

    def update(self, count: int, postfix: str = "") -> None:
        self.count, self.postfix = count, postfix
        if self._handle is not None:
            self._handle.update({"text/plain": self.text()}, raw=True)

    def close(self, postfix: str) -> None:
        """The final state, e.g. the test accuracy: redrawn in a kernel, logged elsewhere."""
        self.update(self.count, postfix)
        if self._handle is None:
            self.log(self.text())


class EpochProgress(keras.callbacks.Callback):
    """Moves a ProgressLine one epoch at a time, showing the loss and the validation accuracy."""

    def __init__(self, line: ProgressLine):
        super().__init__()
        self.line = line

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.line.update(epoch + 1, f"loss {logs.get('loss', float('nan')):.4f}, "
                                    f"val_acc {logs.get('val_accuracy', float('nan')):.4f}")
