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
# One smoke output folder for the whole session: when the same run executed the notebook first (plain
# `pytest`; pytest.ini lists it first), the browser test's kernel reuses the small models nbval trained
# there; run on its own, as `make test` does, it trains them.
_SMOKE_DIR = tempfile.mkdtemp(prefix="hw3-tests-")
os.environ.setdefault("HW3_OUTPUT_DIR", _SMOKE_DIR)

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
