"""hw3: LSTM and GRU networks reading binarized MNIST row by row, and what happens inside them.

One module per stage, in the order the data flows; a module imports only the ones above it:

    settings   run mode, constants, where outputs go, the one atomic write
    keys       what a stored value is keyed on: the code this process loaded (its syntax tree,
               docstrings aside), the inputs, the run mode; why a stored key no longer holds
    results    results.json: every entry declared once (SCHEMA), written through store_results
               with its key, read back only while current (current_results)
    cache      the analysis cache of slow results, keyed the same way (`python -m hw3.cache` says
               which cache and results entries are stale or missing)
    data       the shipped MNIST file, checksum, binarization, splits, ink rows, accuracy
    models     the registry: eight configurations, the GRU variants, the 1x32 models trained
               differently, five whole-image baselines; their builders
    readout    copies of a model that read out every step; decision steps
    progress   the one line a model's training leaves, redrawn in place in a notebook
    saved_models  each trained model saved with its recipe; loading one, and reusing it only when its
               recipe matches
    training   seeded training (the loss after row 28 or after every row, trailing blank rows),
               train-or-load with resume
    seed_pool  the other seeds trained in worker processes; every run's test predictions
    cells      LSTM and GRU cells that mirror Keras's and expose their gates
    q1         hand-set cells behind the Q1 answers
    analysis   statistics of states and gates
    ablation   accuracy after silencing a unit or fixing forget gates at 0.5
    controls   Q3 controls: ink-aligned read-out, shifted digits, appended blank rows, row occlusion
    probes     linear probes on the states (C fixed, or chosen on validation images); class
               separation and PCA of the GRU's state
    appended_rows  the state after blank rows appended to the image, probed again there
    statistics seeds summarised and compared: intervals, exact McNemar tests
    experiments  one function per section of Q1-Q3 and the bonus: computes, stores its results, returns them
    figure_files  a figure written as PNG and, for the report, SVG, and shown in the notebook;
               the print style
    figures    every figure of the notebooks and the report, drawn
    tables     the notebooks' small tables, as (header, rows) of strings, and html_table
    report     the report's tables and the answers.md template
    printing   answers.md printed to answers.pdf
    widgets    ipywidgets explorers
    explorer   explorer.html: the two 1x32 networks running in the browser

`helpers.py` at the project's top level gathers the public names for the notebook.
Shapes use N for images, T = 28 for steps (image rows) and `units` for the recurrent width.

Importing the package quiets TensorFlow at its source before any module loads it: its C++ log level
(TF_CPP_MIN_LOG_LEVEL=3: fatal messages only, because with the pinned TensorFlow and Keras every
`fit` logs a spurious error about a dataset op's unknown attribute; real errors reach Python as
exceptions) and absl's Python logging (errors only). A few INFO lines
(oneDNN, CUDA drivers) are printed while TensorFlow's libraries load, before absl logging starts,
and obey no setting, and on a machine without a GPU the CUDA driver probe logs an error; `import
tensorflow` and that probe therefore run once with file descriptor 2 captured, and everything they
wrote there except those lines is written back. File descriptor 2 itself is left
as it was, so a crash's message (an abort, running out of memory) reaches the notebook and the
server's log.

TensorFlow is imported that way when something first asks for it (a module importing keras or
tensorflow), not when the package is imported: the modules that need no network (`settings`,
`cache`, so `python -m hw3.cache`) start in a fraction of a second instead of loading TensorFlow.
"""
import importlib.abc
import importlib.util
import os
import re
import sys
import tempfile

_STARTUP_NOISE = re.compile(r"^(I\d{4} [\d:.]+ +\d+ \S+:\d+\] |"
                            r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$|"
                            r"E\d{4} [\d:.]+ +\d+ cuda_platform\.cc:\d+\] failed call to cuInit: )")


def startup_noise_removed(text: str) -> str:
    """`text` without the INFO lines that TensorFlow's libraries print while they load (and absl's
    notice that precedes them) and the failed CUDA driver probe of a machine without a GPU (TensorFlow
    then runs on the CPU, as this project does); every other line, warnings and errors included, is kept."""
    return "".join(line for line in text.splitlines(keepends=True) if not _STARTUP_NOISE.match(line))


def _load_tensorflow_quietly(load) -> None:
    """Run `load` (which loads TensorFlow and returns the module) and the CUDA driver probe with fd 2
    captured, write back what they wrote there except the start-up noise, then quiet absl's logging."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            tensorflow = load()
            tensorflow.config.list_physical_devices("GPU")  # the CUDA driver probe, which logs when it fails
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = startup_noise_removed(captured.read().decode("utf-8", errors="replace"))
            if kept:
                os.write(2, kept.encode("utf-8"))
    from absl import logging as absl_logging

    absl_logging.set_verbosity(absl_logging.ERROR)


class _QuietLoader(importlib.abc.Loader):
    """The real loader of the `tensorflow` package, run inside `_load_tensorflow_quietly`; once the
    package is loaded, the module and its spec have the real loader back."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        def load():
            self.loader.exec_module(module)
            return module

        try:
            _load_tensorflow_quietly(load)
        finally:
            module.__loader__ = module.__spec__.loader = self.loader


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """The first import of `tensorflow` (directly, or through keras or a hw3 module) finds the
    package as usual, with the quiet loader; the finder then takes itself out of the import system."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # read by TensorFlow's C++ libraries when they load
if "tensorflow" not in sys.modules and not any(isinstance(finder, _QuietTensorFlowFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _QuietTensorFlowFinder())

# The package's code as this process runs it, read now, before any other module of the package loads:
# every key of a stored value names this code, and a module edited on disk later is refused (hw3/keys.py).
from hw3 import keys as _keys  # noqa: E402,F401
