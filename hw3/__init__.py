"""hw3: LSTM and GRU networks reading binarized MNIST row by row, and what happens inside them.

One module per stage, in the order the data flows; a module imports only the ones above it:

    settings   run mode, constants, where outputs go, the one atomic write, results.json
    cache      the analysis cache, keyed on the code, inputs and run mode that made each result
               (`python -m hw3.cache` says which entries are current)
    data       the shipped MNIST file, checksum, binarization, splits, ink rows, accuracy
    models     the registry: eight configurations, the GRU variants, the 1x32 models trained
               differently, five whole-image baselines; their builders
    readout    copies of a model that read out every step; decision steps
    training   seeded training (the loss after row 28 or after every row, trailing blank rows),
               saved models with their recipes, train-or-load with resume, extra seeds in worker processes
    cells      LSTM and GRU cells that mirror Keras's and expose their gates
    q1         hand-set cells behind the Q1 answers
    analysis   statistics of states and gates
    ablation   accuracy after silencing a unit or fixing forget gates at 0.5
    controls   Q3 controls: ink-aligned read-out, shifted digits, appended blank rows, row occlusion
    probes     linear probes on the states (C fixed, or chosen on validation images); class
               separation and PCA of the GRU's state
    statistics seeds summarised and compared: intervals, exact McNemar tests
    experiments  one function per section of Q1-Q3 and the bonus: computes, stores its results, returns them
    figures    every figure of the notebook and the report
    report     tables and the answers.md template
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
"""
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


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with its log level set and fd 2 captured during the import only."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow  # loaded here once; every module then finds it imported

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


_import_tensorflow_quietly()
