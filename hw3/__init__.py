"""hw3: LSTM and GRU networks reading binarized MNIST row by row, and what happens inside them.

One module per stage, in the order the data flows; a module imports only the ones above it:

    settings   run mode, constants, where outputs go, atomic writes, results.json
    data       the shipped MNIST file, checksum, binarization, splits
    models     the eight recurrent configurations, four GRU variants, five whole-image baselines
    readout    copies of a model that read out every step; decision steps
    training   seeded training, saved models, train-or-load with resume
    cells      LSTM and GRU cells that mirror Keras's and expose their gates
    q1         hand-set cells behind the Q1 answers
    analysis   statistics of states and gates
    ablation   accuracy after silencing a unit or fixing forget gates at 0.5
    controls   Q3 controls: ink-aligned read-out, shifted digits, extra blank rows, row occlusion
    probes     linear probes on the states; class separation and PCA of the GRU's state
    statistics seeds summarised and compared: intervals, exact McNemar tests
    plots      every figure
    control_plots  the figures of the Q3 controls
    report     tables and the answers.md template
    printing   answers.md printed to answers.pdf
    widgets    ipywidgets explorers
    explorer   explorer.html: the two 1x32 networks running in the browser

`helpers.py` at the project's top level gathers the public names for the notebook.
Shapes use N for images, T = 28 for steps (image rows) and `units` for the recurrent width.

Importing the package quiets TensorFlow before any module loads it: its C++ log lines (CUDA
drivers, oneDNN) are dropped, and inside a Jupyter kernel file descriptor 2 goes to /dev/null so
the rendered notebook shows no log spam (Python warnings and tracebacks still show).
"""
import os
import sys


def _silence_native_stderr_in_kernels() -> None:
    """In a Jupyter kernel, send what C++ libraries write to file descriptor 2 to /dev/null.
    Python's own sys.stderr is the kernel's stream, not descriptor 2, and still shows. Outside a
    kernel (scripts, pytest) nothing changes."""
    if "ipykernel" in sys.modules:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


_silence_native_stderr_in_kernels()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
