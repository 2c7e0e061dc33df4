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
# One smoke output folder per test process: when the same process executed hw3.ipynb first (plain
# `pytest`, which lists the notebooks first; or the pytest-xdist worker that runs hw3.ipynb under
# `make test`, see pytest_xdist_make_scheduler), the browser test's kernel reuses the small
# models nbval trained there; run on its own, it trains them. An HW3_OUTPUT_DIR that the caller chose is
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
    from hw3.training import readable_saved_model

    models = {}
    for name in ("lstm_1x32", "gru_1x32"):
        path = PROJECT_DIR / "models" / f"{name}.keras"
        if not path.exists():
            pytest.fail(f"{path} is missing: the trained models are part of the repository")
        models[name] = readable_saved_model(path)
    return models


# `make test` runs pytest-xdist with --dist loadfile: each file (a notebook's cells share one kernel, a
# test file its module fixtures) runs whole, in order, on one worker, and the workers take the files
# in collection order (--no-loadscope-reorder), the notebooks first. The lab book and the browser test
# ride with hw3.ipynb, after its cells and in that order, on its worker and in its smoke folder, so they
# reuse the small models, seeds and analyses that notebook's smoke run made instead of making them again.
BROWSER_TEST = "tests/test_widgets_in_browser.py"
BROWSER_NOTEBOOK = "hw3.ipynb"  # the notebook whose cells tagged `widgets` the browser test opens
RIDES_WITH_THE_WALKTHROUGH = ("lab_book.ipynb", BROWSER_TEST)


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None  # pytest-xdist's own scheduler for the other modes
    from xdist.scheduler import LoadFileScheduling

    class NotebookFileScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return BROWSER_NOTEBOOK if scope in RIDES_WITH_THE_WALKTHROUGH else scope

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
