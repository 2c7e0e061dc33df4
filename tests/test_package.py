"""The layout of the code: one module per stage, imports only from earlier stages, helpers.py a
logic-free door. Read from the source text, so a wrong import fails here before it confuses a reader."""
import ast

import pytest

from hw3.settings import PROJECT_DIR

STAGES = ["settings", "keys", "results", "cache", "data", "models", "readout", "progress", "saved_models", "training",
          "seed_pool", "cells", "q1", "analysis", "ablation", "controls", "probes", "appended_rows", "statistics", "experiments",
          "figure_files", "figures", "tables", "report", "printing", "widgets", "explorer"]
# They take arrays and results and never train; the explorer's `main` loads its two models through saved_models' check.
NO_TRAINING = {"figure_files", "figures", "tables", "report", "printing", "widgets", "explorer"}


def package_imports(path):
    """The hw3 modules that the file at `path` imports, by stage name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hw3"):
            parts = node.module.split(".")
            found |= {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("hw3.")}
    return found


def test_every_stage_has_its_module_and_no_other_module_exists():
    modules = sorted(path.stem for path in (PROJECT_DIR / "hw3").glob("*.py") if path.stem != "__init__")
    assert modules == sorted(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_earlier_stages(stage):
    imported = package_imports(PROJECT_DIR / "hw3" / f"{stage}.py")
    later = imported - set(STAGES[:STAGES.index(stage)])
    assert not later, f"hw3/{stage}.py imports {sorted(later)}, which come later in the flow"
    if stage in NO_TRAINING:
        assert not imported & {"training", "seed_pool"}, f"hw3/{stage}.py trains: it imports {sorted(imported & {'training', 'seed_pool'})}"


@pytest.mark.parametrize("stage", STAGES)
def test_modules_stay_small_and_say_what_they_import(stage):
    text = (PROJECT_DIR / "hw3" / f"{stage}.py").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 1000, "a module this long holds more than one job: split it by job"
    docstring = ast.get_docstring(ast.parse(text))
    assert docstring and "Imports from the package:" in docstring
    declared = docstring.split("Imports from the package:")[1].split(".")[0].replace(";", ",")
    declared = {word.strip(" ()\n") for word in declared.split(",")} & set(STAGES)
    assert declared == package_imports(PROJECT_DIR / "hw3" / f"{stage}.py"), "the docstring's import line is stale"


def test_helpers_is_a_short_door_without_logic():
    text = (PROJECT_DIR / "helpers.py").read_text(encoding="utf-8")
    tree = ast.parse(text)
    kinds = {type(node).__name__ for node in tree.body[1:]}
    assert kinds <= {"ImportFrom"}, f"helpers.py holds more than imports: {kinds}"
    assert len(text.splitlines()) <= 3 * len(STAGES) + 20, "a door: a comment and an import per stage, little else"
    assert package_imports(PROJECT_DIR / "helpers.py") == set(STAGES)
