"""tools/run_notebooks.py, which `make homework` runs the notebooks with (papermill).

- A notebook executed by it is nbconvert's `--execute --inplace` result: no papermill metadata, no tags
  added, the same cells and fields (timings and a progress line's text aside); the terminal shows the
  progress bar, the cells' output and every redraw of a training line, and no kernel warning.
- A notebook with a failing cell is left unchanged.
- An interrupted retrain resumes: a smoke run (two models, two seeds) is trained, then retrained with
  HW3_RETRAIN=1 and interrupted (SIGINT to its process group, as Ctrl-C in a terminal) once a model has
  been retrained; started again, it keeps every run the interrupted retrain finished and trains the rest.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil

PROJECT_DIR = Path(__file__).resolve().parent.parent
RUNNER = PROJECT_DIR / "tools" / "run_notebooks.py"


def _notebook(path: Path, *sources: str, tags: dict[int, list[str]] | None = None) -> Path:
    """A notebook of a markdown cell and code cells with `sources`, the project importable, kernel python3."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [nbformat.v4.new_markdown_cell("# a small notebook"),
                nbformat.v4.new_code_cell(f"import sys\nsys.path.insert(0, {str(PROJECT_DIR)!r})")]
    for index, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        if tags and index in tags:
            cell.metadata["tags"] = tags[index]
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def _run(*notebooks: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RUNNER), *map(str, notebooks)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def _comparable(path: Path) -> dict:
    """The notebook with the times of its cells' execution and the progress line's text left out."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "execution" in cell["metadata"]:
            cell["metadata"]["execution"] = sorted(cell["metadata"]["execution"])
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            if "epoch" in "".join(text):
                output["data"]["text/plain"] = "a progress line"
    return nb


PROGRESS_CELL = """from hw3.progress import ProgressLine
line = ProgressLine("gru_1x32", 3)
for epoch in range(3):
    line.update(epoch + 1, f"loss {1 / (epoch + 1):.4f}")
line.close("test accuracy 0.9000")"""


def test_a_notebook_run_the_new_way_is_as_nbconvert_leaves_it(tmp_path):
    sources = ("print('first line')\nprint('second line')", PROGRESS_CELL,
               "import sys\nprint('a warning', file=sys.stderr)\n6 * 7",
               "from IPython.display import HTML, display\ndisplay(HTML('<b>a table</b>'))")
    by_nbconvert = _notebook(tmp_path / "by_nbconvert.ipynb", *sources, tags={1: ["widgets"]})
    by_papermill = tmp_path / "by_papermill.ipynb"
    by_papermill.write_bytes(by_nbconvert.read_bytes())  # the same cells, ids included
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    str(by_nbconvert)], check=True, capture_output=True)
    run = _run(by_papermill)
    assert run.returncode == 0, run.stderr[-3000:]

    executed = json.loads(by_papermill.read_text(encoding="utf-8"))
    assert "papermill" not in executed["metadata"]
    assert [cell["metadata"].get("tags") for cell in executed["cells"]] == [None, None, None, ["widgets"], None, None]
    assert not any("papermill" in cell["metadata"] for cell in executed["cells"])
    assert "papermill" not in by_papermill.read_text(encoding="utf-8")
    assert _comparable(by_papermill) == _comparable(by_nbconvert)
    assert by_papermill.read_text(encoding="utf-8").endswith("}\n")  # as nbconvert ends the file

    terminal = run.stdout + run.stderr
    assert not [line for line in terminal.splitlines() if "without encryption" in line], terminal[-3000:]
    assert "by_papermill.ipynb: 100%|" in terminal and "6/6" in terminal  # the progress bar: cells run of all
    assert "Executing Cell 4" in terminal and "first line" in terminal and "second line" in terminal
    assert "a warning" in terminal and "42" in terminal
    assert "HTML object" not in terminal  # a rich output's plain-text stand-in is not logged
    for redraw in ("1/3", "2/3", "3/3", "test accuracy 0.9000"):  # every redraw of the training line
        assert any("gru_1x32" in line and redraw in line for line in terminal.splitlines()), redraw


def test_a_failing_notebook_is_left_unchanged(tmp_path):
    notebook = _notebook(tmp_path / "fails.ipynb", "print('ran')", "raise RuntimeError('stop here')", "print('never')")
    before = notebook.read_bytes()
    run = _run(notebook)
    assert run.returncode == 1
    assert notebook.read_bytes() == before
    assert "fails.ipynb stopped at cell" in run.stderr and "RuntimeError: stop here" in run.stderr, run.stderr[-2000:]


TRAINING = """from hw3.data import load_binarized_mnist
from hw3.seed_pool import train_seeds
from hw3.settings import run_settings
from hw3.training import train_or_load
settings = run_settings()
data = load_binarized_mnist(settings)
models, _ = train_or_load(["gru_1x32", "lstm_1x32"], data, settings)
train_seeds(["gru_1x32", "lstm_1x32"], data, settings, models)"""


def _runs(output_dir: Path) -> dict[str, int]:
    """{saved run file: modification time in ns} of the smoke run's models."""
    return {str(path.relative_to(output_dir)): path.stat().st_mtime_ns
            for path in sorted((output_dir / "models").rglob("*")) if path.suffix in {".keras", ".h5"}}


def _stored(output_dir: Path) -> dict:
    path = output_dir / "results" / "results.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def test_an_interrupted_retrain_keeps_what_it_finished_and_trains_the_rest(tmp_path):
    output_dir = tmp_path / "output"
    env = {"HW3_SMOKE": "1", "HW3_OUTPUT_DIR": str(output_dir), "HW3_SEEDS": "2", "HW3_WORKERS": "1"}
    env.pop("HW3_RETRAIN", None)
    notebook = _notebook(tmp_path / "training.ipynb", TRAINING)
    first = _run(notebook, env={**env, "HW3_RETRAIN": ""})
    assert first.returncode == 0, first.stderr[-3000:]
    trained = _runs(output_dir)
    assert len(trained) == 4, trained  # two models, seeds 0 and 1

    # The retrain, stopped as Ctrl-C stops it, once it has saved and stored its first model
    log = open(tmp_path / "interrupted.log", "w")
    retrain = subprocess.Popen([sys.executable, str(RUNNER), str(notebook)], stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, **env, "HW3_RETRAIN": "1"}, start_new_session=True)
    started = [psutil.Process(retrain.pid)]
    try:
        deadline = time.monotonic() + 240
        while "gru_1x32" not in _stored(output_dir).get("configs", {}) or not (output_dir / "models" / "retrain_in_progress.json").exists():
            assert retrain.poll() is None and time.monotonic() < deadline, (tmp_path / "interrupted.log").read_text()[-3000:]
            started += [child for child in started[0].children(recursive=True) if child not in started]
            time.sleep(0.1)
        os.killpg(retrain.pid, signal.SIGINT)
        assert retrain.wait(timeout=120) != 0
    finally:
        started += [child for child in started[0].children(recursive=True) if child not in started] \
            if started[0].is_running() else []
        _, alive = psutil.wait_procs(started, timeout=30)
        for process in alive:  # only processes this test started
            process.kill()
        log.close()
    assert not [process for process in alive if process.status() != psutil.STATUS_ZOMBIE], "left running"
    interrupted = (tmp_path / "interrupted.log").read_text()
    assert "min of training (" in interrupted and "4 saved runs taken out" in interrupted, interrupted[:2000]
    finished = _runs(output_dir)
    assert (output_dir / "models" / "retrain_in_progress.json").exists()
    assert "models/gru_1x32.keras" in finished and len(finished) < len(trained), finished
    assert all(finished[path] > trained[path] for path in finished)  # retrained before the stop

    resumed = _run(notebook, env={**env, "HW3_RETRAIN": "1"})
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming the retrain" in resumed.stderr
    after = _runs(output_dir)
    assert after.keys() == trained.keys()
    assert {path: after[path] for path in finished} == finished  # every run finished before the stop kept
    assert all(after[path] > trained[path] for path in trained.keys() - finished.keys())  # the rest trained
    assert "gru_1x32 reused gru_1x32.keras" in resumed.stderr
    assert not (output_dir / "models" / "retrain_in_progress.json").exists()
    stored = _stored(output_dir)
    assert set(stored["configs"]) == {"gru_1x32", "lstm_1x32"}
    assert {name: set(runs) for name, runs in stored["seeds"].items()} == {"gru_1x32": {"0", "1"}, "lstm_1x32": {"0", "1"}}


def _runner_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_notebooks", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_retrain_estimate_adds_the_stored_training_and_the_measured_analyses_then_scales(monkeypatch):
    """Seed 0 one after the other, the other seeds over the workers, the analyses as measured for the nearest
    seed count, all times the slowdown; a run with no stored time is counted as unknown."""
    from types import SimpleNamespace

    runner = _runner_module()
    monkeypatch.setattr(runner, "ANALYSES_SECONDS", {1: 600, 5: None})
    results = {"configs": {"a": {"train_seconds": 120}}, "variants": {"b": {"train_seconds": 60}},
               "seeds": {"a": {"1": {"train_seconds": 240}}, "b": {}}}
    settings = SimpleNamespace(seeds=(0, 1), workers=2)
    # training: 120 + 60 (seed 0) + 240 / 2 (seed 1 of a; b's seed 1 unknown) = 300 s = 5 min
    text = runner.retrain_estimate(results, ["a", "b"], settings, slowdown=2.0, analyses=False)
    assert text.startswith("about 10 min at this machine's speed: 5 min of training (3 of 4 runs have a stored time)")
    assert "times 2.00" in text
    # analyses measured with 1 seed, asked for 2: 600 s = 10 min, not scaled; (300 + 600) x 2 = 30 min
    text = runner.retrain_estimate(results, ["a", "b"], settings, slowdown=2.0, analyses=True)
    assert text.startswith("about 30 min at this machine's speed") and "10 min of analyses (measured with 1 seed)" in text
    text = runner.retrain_estimate(results, ["a"], SimpleNamespace(seeds=(0,), workers=2), slowdown=None, analyses=False)
    assert text.startswith("about 2 min at the recorded speed, this machine's not measured")
