"""Run notebooks top to bottom for `make homework`, through papermill, and write each back in place.

    .venv/bin/python tools/run_notebooks.py lab_book.ipynb hw3.ipynb

What the terminal shows, for each notebook: papermill's progress bar (which cell of how many has run,
the time spent and tqdm's estimate of the time left) and its log of the cells' output as it arrives,
including every redraw of a training progress line (`hw3/progress.py` redraws one line in place through
a display id; papermill alone would log only its first state). The kernel talks to this process over
IPC sockets, not TCP, so it has no "running over TCP without encryption" warning to print.

The committed notebooks stay as nbconvert's `--execute --inplace` wrote them: papermill's own metadata
(the notebook's and each cell's `papermill` entry, and the empty `tags` list it gives every cell) is
taken out again, and a notebook is written only when every cell ran, atomically. A failed run leaves the
notebook as it was and keeps papermill's copy, with the error, in a temporary folder it names.
tests/test_run_notebooks.py checks both.

A retrain (`HW3_RETRAIN=1` or `HW3_RETRAIN=name,...`) resumes when interrupted. At its start this
script takes the runs it asks for out of the run's folder, for `HW3_SEEDS` seeds (the saved models and
their recipes, their results.json entries, and with `HW3_RETRAIN=1` the analysis cache), records the
retrain in `retrain_in_progress.json` in the models folder, and runs the notebooks without `HW3_RETRAIN`: they then
train every missing run and save each one as it finishes (`hw3.training.train_or_load`,
`hw3.seed_pool.train_seeds`). Started again with the same request, it finds the record and removes
nothing: every run finished before the stop is reused and only the rest are trained. The record is
deleted when both notebooks have run. A run's results entry is written after its files, so a run stopped
between the two has no entry and is trained again. tests/test_run_notebooks.py interrupts a smoke retrain.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args
from tqdm.contrib.logging import logging_redirect_tqdm
from traitlets.config import Config

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))  # hw3, for a retrain's paths
RETRAIN_RECORD = "retrain_in_progress.json"  # in the run's models folder while a retrain is unfinished
ENGINE = "hw3"


# --- papermill, configured: the redraws of a progress line logged too, the kernel over IPC -----------

class _Client(PapermillNotebookClient):
    """papermill's client, which also logs a display's redraws (`update_display_data`) and leaves out the
    plain-text stand-ins of figures, tables and Markdown ("<Figure size 650x330 with 2 Axes>")."""

    def log_output_message(self, output):
        if set(output.get("data", {})) - {"text/plain"}:
            return  # a richer output than text: its text/plain is a stand-in
        super().log_output_message(output)

    def process_message(self, msg, *args, **kwargs):
        msg_type = msg.get("msg_type")  # nbclient renames the header's type while it applies an update
        output = super().process_message(msg, *args, **kwargs)
        if self.log_output and msg_type == "update_display_data":
            text = msg["content"].get("data", {}).get("text/plain")
            if text:
                self.log.info("".join(text))
        return output


class _Engine(NBClientEngine):
    """papermill's nbclient engine (`NBClientEngine.execute_managed_notebook`, as papermill 2.7.0 has
    it) with `_Client` in place of its client."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                                    startup_timeout=start_timeout, kernel_name=kernel_name,
                                    log=logging.getLogger("papermill"), log_output=log_output,
                                    stdout_file=stdout_file, stderr_file=stderr_file)
        return _Client(nb_man, **final_kwargs).execute()


papermill_engines.register(ENGINE, _Engine)


class _OneLine(logging.Filter):
    """Cell output arrives with its own line ends, which the log adds; papermill's "Ending Cell" and the
    name of its own copy of the notebook say nothing new."""

    def filter(self, record):
        if not isinstance(record.msg, str):
            return True
        record.msg = record.msg.rstrip("\n")
        return bool(record.msg) and not record.msg.startswith(("Ending Cell", "Output Notebook:"))


def _logger() -> logging.Logger:
    logger = logging.getLogger("papermill")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.addFilter(_OneLine())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


# --- the notebook as nbconvert left it: papermill's additions taken out ----------------------------

def without_papermill(executed: nbformat.NotebookNode, original: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """`executed` without what papermill adds: the notebook's and each cell's `papermill` metadata, and the
    empty `tags` list on cells that had none. ValueError when the cells are not the original's."""
    if [cell.get("id") for cell in executed.cells] != [cell.get("id") for cell in original.cells]:
        raise ValueError("the executed notebook's cells are not the original's (a cell added or removed?)")
    executed.metadata.pop("papermill", None)
    for cell, before in zip(executed.cells, original.cells):
        cell.metadata.pop("papermill", None)
        if "tags" not in before.metadata and not cell.metadata.get("tags"):
            cell.metadata.pop("tags", None)
    return executed


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Written as nbconvert's --inplace writes it, through a temporary file beside it, then renamed."""
    temporary = path.with_name(f".{path.stem}.partial.ipynb")
    temporary.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def run_notebook(path: Path, kept: Path) -> float:
    """Execute `path` top to bottom in its folder and write it back; papermill's own copy goes to `kept`
    (it holds the error when a cell fails). Returns the seconds."""
    original = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    executed = papermill.execute_notebook(
        str(path), str(kept), engine_name=ENGINE, cwd=str(path.parent), log_output=True,
        progress_bar={"desc": path.name, "unit": "cell", "dynamic_ncols": True},
        request_save_on_cell_execute=False,  # papermill's copy written once, at the end
        config=Config({"KernelManager": {"transport": "ipc"}}))
    write_notebook(without_papermill(executed, original), path)
    return time.perf_counter() - start


# --- an interrupted retrain resumes ---------------------------------------------------------------

def _retrain_request() -> str:
    text = os.environ.get("HW3_RETRAIN", "").strip()
    return "" if text.lower() in {"", "0", "false", "no", "off"} else text


def prepare_retrain(log=print):
    """Start or resume the retrain that HW3_RETRAIN asks for (see the module's docstring); returns the
    record's path when one is in progress (to delete when the notebooks have run), else None."""
    request = _retrain_request()
    from hw3.settings import run_settings  # no TensorFlow

    if os.environ.get("HW3_SMOKE", "").strip().lower() in {"1", "true", "yes", "on"} and \
            not os.environ.get("HW3_OUTPUT_DIR"):
        return None  # a fresh temporary folder each time: nothing to resume
    settings = run_settings()
    record = settings.models_dir / RETRAIN_RECORD
    if not request:
        return record if record.exists() else None  # the missing runs of an unfinished retrain get trained anyway
    asked = {"HW3_RETRAIN": request, "seeds": list(settings.seeds)}
    if record.exists() and {key: value for key, value in json.loads(record.read_text()).items() if key in asked} == asked:
        started = json.loads(record.read_text())["started"]
        log(f"resuming the retrain started {started} (HW3_RETRAIN={request}, seeds {list(settings.seeds)}): "
            "the runs it finished are reused")
    else:
        removed = _remove_runs(settings, log)
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({**asked, "started": time.strftime("%Y-%m-%d %H:%M:%S"), "removed": removed},
                                     indent=1) + "\n")
        log(f"retrain (HW3_RETRAIN={request}, seeds {list(settings.seeds)}): {removed} saved runs taken out; "
            "the notebooks train every missing run. Stopped, `make homework` with the same settings resumes.")
    del os.environ["HW3_RETRAIN"]  # the kernels train what is missing and reuse what this retrain finished
    return record


# What a retrain costs beyond its training, at the recorded speed (tools/machine_speed.py): the analyses,
# recomputed because HW3_RETRAIN=1 empties the analysis cache, and the notebooks around them. Measured as
# one run each and scaled to the recorded speed (docs/timings.md): {number of seeds: seconds}.
ANALYSES_SECONDS = {5: 2134}


def retrain_estimate(results: dict, names: list[str], settings, slowdown: float | None, analyses: bool) -> str:
    """The time a retrain of `names` for `settings.seeds` should take, as a sentence: the training from the
    `train_seconds` stored when each run was last trained (seed 0 one after the other in the notebook, the
    other seeds spread over the workers), plus, when `analyses`, the analyses as measured for the nearest
    number of seeds (`ANALYSES_SECONDS`; most of their time goes to seed 0, so it is not scaled by seeds), all
    times `slowdown` (this machine's time over the recorded one; None when not measured)."""
    first, others, known, asked = 0.0, 0.0, 0, 0
    for name in names:
        for seed in settings.seeds:
            asked += 1
            entry = results.get("seeds", {}).get(name, {}).get(str(seed))
            if seed == 0:
                entry = next((results[section][name] for section in ("configs", "variants", "baselines")
                              if name in results.get(section, {})), entry)
            if entry and "train_seconds" in entry:
                known += 1
                if seed == 0:
                    first += entry["train_seconds"]
                else:
                    others += entry["train_seconds"] / settings.workers
    parts = [f"{(first + others) / 60:.0f} min of training ({known} of {asked} runs have a stored time)"]
    seconds = first + others
    if analyses:
        measured = {count: value for count, value in ANALYSES_SECONDS.items() if value is not None}
        count = min(measured, key=lambda measured_count: abs(measured_count - len(settings.seeds)))
        seconds += measured[count]
        parts.append(f"{measured[count] / 60:.0f} min of analyses (measured with {count} seed{'s' * (count > 1)})")
    at_recorded = " and ".join(parts) + " at the recorded speed"
    if slowdown is None:
        return f"about {seconds / 60:.0f} min at the recorded speed, this machine's not measured: {at_recorded}"
    return (f"about {seconds * slowdown / 60:.0f} min at this machine's speed: {at_recorded}, "
            f"times {slowdown:.2f} measured just now (docs/timings.md)")


def _slowdown(settings, log) -> float | None:
    """This machine's training time over the recorded one (tools/machine_speed.py), or None in smoke mode
    or when nothing recorded is there to compare with."""
    if settings.smoke:
        return None
    sys.path.insert(0, str(PROJECT_DIR / "tools"))
    from machine_speed import REFERENCE, measured_run

    log(f"measuring this machine's speed for the estimate: training the {REFERENCE} once, about a minute")
    try:
        now, recorded = measured_run(settings)
    except ValueError as error:
        log(f"speed not measured: {error}")
        return None
    return now["train_seconds"] / recorded["train_seconds"]


def _remove_runs(settings, log) -> int:
    """Take the runs HW3_RETRAIN asks for out of the run's folder: results entries first, then the files."""
    from hw3.models import ALL_MODEL_NAMES, model_spec  # imports TensorFlow (a few seconds)
    from hw3.settings import write_json_atomically

    names = list(ALL_MODEL_NAMES) if settings.retrain else list(settings.retrain_names)
    unknown = sorted(set(names) - set(ALL_MODEL_NAMES))
    if unknown:
        raise SystemExit(f"HW3_RETRAIN names unknown models {unknown}; known: {', '.join(ALL_MODEL_NAMES)}.")
    entries = [f"{model_spec(name).section}.{name}" for name in names if 0 in settings.seeds]
    entries += [f"seeds.{name}.{seed}" for name in names for seed in settings.seeds]
    if settings.results_path.exists():
        results = json.loads(settings.results_path.read_text(encoding="utf-8"))
        log(retrain_estimate(results, names, settings, _slowdown(settings, log), analyses=settings.retrain and not settings.smoke))
        for path in entries:
            section, _, key = path.rpartition(".")
            holder = results
            for part in section.split("."):
                holder = holder.get(part, {}) if isinstance(holder, dict) else {}
            if isinstance(holder, dict):
                holder.pop(key, None)
        kept = results.get("provenance", {}).get("entries", {})
        for stored in list(kept):
            if any(stored == path or stored.startswith(path + ".") for path in entries):
                del kept[stored]
        write_json_atomically(results, settings.results_path)
    files = []
    for name in names:
        for seed in settings.seeds:
            stem = settings.models_dir / name if seed == 0 else settings.seed_models_dir / f"{name}_seed{seed}"
            files += [stem.with_name(stem.name + suffix) for suffix in
                      ((".keras",) if seed == 0 else (".weights.h5",)) + (".recipe.json",)]
    if settings.retrain:
        files.append(settings.analysis_cache_path)
    removed = 0
    for path in files:
        if path.exists():
            path.unlink()
            removed += path.suffix != ".json"
    return removed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    arguments = parser.parse_args(argv)
    logger = _logger()
    record = prepare_retrain(logger.info)
    kept_dir = Path(tempfile.mkdtemp(prefix="hw3-papermill-"))
    with logging_redirect_tqdm(loggers=[logger]):
        for number, path in enumerate(arguments.notebooks, 1):
            path = path.resolve()
            kept = kept_dir / path.name
            logger.info(f"--- notebook {number} of {len(arguments.notebooks)}: {path.name}")
            try:
                seconds = run_notebook(path, kept)
            except papermill.PapermillExecutionError as error:
                logger.error(f"{path.name} stopped at cell {error.exec_count} ({error.ename}: {error.evalue}); "
                             f"left unchanged. The run, with the error: {kept}")
                return 1
            logger.info(f"--- {path.name}: every cell ran in {seconds:.0f} s; written")
            kept.unlink(missing_ok=True)
    if record is not None and record.exists():
        record.unlink()
        logger.info("retrain finished: every run it asked for is trained")
    kept_dir.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
