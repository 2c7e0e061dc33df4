"""Test setup for the unit tests and the nbval notebook run: smoke mode everywhere (the notebook
kernel inherits this environment), and the project on sys.path."""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Set before anything imports helpers or starts a notebook kernel (kernels inherit the environment).
os.environ["HW3_SMOKE"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
# The smoke run's extra seeds in one worker process, not two: each trains on two batches in about 1.5 s,
# while starting a second process (importing TensorFlow, loading the data) takes about 5 s, and under
# pytest-xdist the other core is busy with the other test worker anyway. Both counts are tested in
# tests/test_training.py (test_extra_seeds_do_not_depend_on_the_number_of_workers).
os.environ.setdefault("HW3_WORKERS", "1")
# One smoke output folder per test process: when the same process executed the notebooks first (plain
# `pytest`, which runs them first; or the pytest-xdist worker that runs them under `make test`, see
# pytest_xdist_make_scheduler), the walkthrough and the browser test reuse the small models and analyses
# made there; run on its own, each makes them. An HW3_OUTPUT_DIR that the caller chose is
# kept; one that a parent test session chose for itself (xdist's workers inherit the controller's
# environment) is replaced, so two workers never write one results.json at the same time.
_SMOKE_DIR = tempfile.mkdtemp(prefix="hw3-tests-")
if os.environ.get("HW3_OUTPUT_DIR") in (None, "", os.environ.get("HW3_TESTS_OWN_OUTPUT_DIR")):
    os.environ["HW3_OUTPUT_DIR"] = os.environ["HW3_TESTS_OWN_OUTPUT_DIR"] = _SMOKE_DIR

PROJECT_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(PROJECT_DIR))

@pytest.fixture(scope="session")
def mnist():
    """The full binarized splits, loaded (and checksummed) once for every test that reads them."""
    from hw3.data import load_binarized_mnist

    return load_binarized_mnist()


@pytest.fixture(scope="session")
def trained_models():
    """The committed lstm_1x32 and gru_1x32 models, loaded once: {name: keras.Model}."""
    from hw3.saved_models import readable_saved_model

    models = {}
    for name in ("lstm_1x32", "gru_1x32"):
        path = PROJECT_DIR / "models" / f"{name}.keras"
        if not path.exists():
            pytest.fail(f"{path} is missing: the trained models are part of the repository")
        models[name] = readable_saved_model(path)
    return models


# `make test` runs pytest-xdist with --dist loadfile (and -n alone, xdist's `load` mode, is run the same
# way: a notebook's cells share one kernel, so they must not be split over the workers): each file (a notebook's cells share one kernel, a test
# file its module fixtures) runs whole, in order, on one worker, and the workers take the files in
# collection order (--no-loadscope-reorder), the notebooks first. The notebooks run in the order
# `make homework` runs them, the lab book first; the walkthrough and then the JupyterLab browser test
# (which opens both notebooks' cells tagged `widgets`) ride with the lab book on its worker and in its
# smoke folder, so they reuse the small models, seeds and analyses the lab book's smoke run made
# instead of making them again on the other core.
NOTEBOOK_ORDER = ("lab_book.ipynb", "hw3.ipynb")  # as `make homework` runs them
BROWSER_TEST = "tests/test_widgets_in_browser.py"
SMOKE_RUN_RESULTS_TEST = "tests/test_smoke_run_results.py"  # checks what the two notebooks' smoke run wrote
RIDES_WITH_THE_LAB_BOOK = ("hw3.ipynb", SMOKE_RUN_RESULTS_TEST, BROWSER_TEST)


def file_of(nodeid: str) -> str:
    """'hw3.ipynb::Cell 3' -> 'hw3.ipynb'; 'tests/test_x.py::test_y[a]' -> 'tests/test_x.py'."""
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config, items):
    """The notebooks first, in NOTEBOOK_ORDER, then the check of their smoke run's results; everything
    else after them in the order collected. Records whether both notebooks run in this session."""
    def rank(item) -> int:
        name = file_of(item.nodeid)
        return NOTEBOOK_ORDER.index(name) if name in NOTEBOOK_ORDER else \
            len(NOTEBOOK_ORDER) if name == SMOKE_RUN_RESULTS_TEST else len(NOTEBOOK_ORDER) + 1

    items.sort(key=rank)  # a stable sort: each file's items keep their order
    config.hw3_notebooks_run = set(NOTEBOOK_ORDER) <= {file_of(item.nodeid) for item in items}


def shared_scope(scope: str) -> str:
    """The unit of work a file's scope runs in: the lab book's for the files that ride with it."""
    return NOTEBOOK_ORDER[0] if scope in RIDES_WITH_THE_LAB_BOOK else scope


@pytest.hookimpl(optionalhook=True)  # pytest without pytest-xdist (`-p no:xdist`) still starts
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") not in ("load", "loadfile"):
        return None  # pytest-xdist's own scheduler for the other modes
    from xdist.scheduler import LoadFileScheduling

    class NotebookFileScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return shared_scope(super()._split_scope(nodeid))

    return NotebookFileScheduling(config, log)


# The smoke run must never touch the committed outputs: snapshot them and compare at the end.
_GUARDED = ("models", "results", "figures", "answers.md")


def _snapshot() -> dict:
    files = {}
    for name in _GUARDED:
        path = PROJECT_DIR / name
        for item in ([path] if path.is_file() else sorted(path.rglob("*")) if path.exists() else []):
            if item.is_file():
                stat = item.stat()
                files[str(item.relative_to(PROJECT_DIR))] = (stat.st_size, stat.st_mtime_ns)
    return files


def pytest_sessionstart(session):
    session.config._hw3_outputs_before = _snapshot()


def pytest_sessionfinish(session, exitstatus):
    before, after = session.config._hw3_outputs_before, _snapshot()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        print(f"\nFAILED: the test run changed committed outputs (smoke mode must write elsewhere): {changed}")
        session.exitstatus = 1
    shutil.rmtree(_SMOKE_DIR, ignore_errors=True)
