"""What a stored value is keyed on: the code that computed it, its inputs and the run mode.

Both stores use these keys: the analysis cache (`hw3/cache.py`, slow results reused while their key
holds) and results.json (`hw3/results.py`, every number the notebooks and the report quote).
A key digests
  - the code: the syntax tree (docstrings, comments and layout left out) of the function's module and
    of every hw3 module it imports, through their own imports (the one-way import rule keeps this set
    small: a figure or the report is never in it), as this process loaded them: `LOADED_SOURCES` is
    read when the package is imported, and a key is refused while a module on disk differs from that
    snapshot (`code_this_process_runs`). Not caught: a module edited, imported and then restored on disk
    before the key is taken (the process runs the edit; the snapshot and the disk agree);
  - the inputs: a Keras model by its weights, an array by its dtype, shape and bytes, a number or
    string by its `repr`, mappings, sequences and dataclasses entry by entry (anything else is
    refused); which saved model a model came from is recorded beside the key, so that a stored value
    can be checked against the model's recipe without running anything;
  - the run mode (full or smoke).
`staleness` says why a stored key no longer holds for today's code and saved models.

Imports from the package: settings.
"""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import weakref
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from hw3.settings import PROJECT_DIR, RunSettings

PACKAGE_DIR = PROJECT_DIR / "hw3"
NOT_CODE_OF_A_RESULT = {"hw3", "hw3.keys", "hw3.results", "hw3.cache"}  # they store values, they compute none


# --- code: a function's module and the package modules it imports, as this process loaded them -------

def package_sources(package_dir: Path = PACKAGE_DIR) -> dict[str, str]:
    """{'hw3.controls': its source text, ...} for every module file of the package folder."""
    return {f"hw3.{path.stem}": path.read_text(encoding="utf-8") for path in sorted(package_dir.glob("*.py"))
            if path.stem != "__init__"}


# The package's code as this process loaded it: read once, when the package is imported (hw3/__init__.py
# imports this module first). A key names this code; a module edited on disk afterwards is refused.
LOADED_SOURCES: dict[str, str] = package_sources()


def _source(module: str, sources: Mapping[str, str]) -> str:
    if module not in sources:
        raise FileNotFoundError(f"{module} has no source file at hw3/{module.split('.', 1)[-1]}.py: is the name right?")
    return sources[module]


def imported_package_modules(module: str, sources: Mapping[str, str]) -> set[str]:
    """The hw3 modules that `module` (e.g. 'hw3.controls') imports directly, read from its source."""
    found = set()
    for node in ast.walk(ast.parse(_source(module, sources))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "hw3":
            if node.module == "hw3":
                found |= {f"hw3.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "hw3"}
    return found - NOT_CODE_OF_A_RESULT


def code_modules(module: str, sources: Mapping[str, str]) -> list[str]:
    """`module` and every hw3 module it reaches through imports, sorted."""
    seen, waiting = set(), [module]
    while waiting:
        current = waiting.pop()
        if current not in seen:
            seen.add(current)
            waiting.extend(imported_package_modules(current, sources) - seen)
    return sorted(seen)


def syntax_digest(source: str) -> str:
    """sha256 of a module's syntax tree without its docstrings: comments, formatting and docstrings
    cannot change what the code computes, so editing them keeps every key."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                node.body = node.body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree, annotate_fields=False, include_attributes=False).encode()).hexdigest()


def code_digests(module: str, sources: Mapping[str, str]) -> dict[str, str]:
    """{module: `syntax_digest` of its source} for `module` and the hw3 modules it reaches."""
    return {name: syntax_digest(sources[name]) for name in code_modules(module, sources)}


def code_this_process_runs(module: str) -> dict[str, str]:
    """`code_digests(module)` of the code this process loaded; ValueError when one of those modules
    changed on disk since (other than in docstrings, comments or layout): the process would compute
    with the old code and store the result under the new code's key."""
    loaded = code_digests(module, LOADED_SOURCES)
    try:
        today = code_digests(module, package_sources())
    except FileNotFoundError:
        today = {}
    changed = sorted(name for name in loaded.keys() | today.keys() if loaded.get(name) != today.get(name))
    if changed:
        raise ValueError(f"{', '.join(changed)} changed on disk after this process loaded the hw3 package; restart "
                         "the kernel (or the process) so that what is stored is what the new code computes.")
    return loaded


def function_name(function: Callable) -> str:
    """'hw3.controls:shift_values' for a module-level function of the package; ValueError for a lambda,
    a nested function or a function outside hw3 (its code could not be found again to check the key)."""
    module, qualname = getattr(function, "__module__", ""), getattr(function, "__qualname__", "")
    if module.split(".")[0] != "hw3" or "<" in qualname or "." in qualname:
        raise ValueError(f"cached_call needs a module-level function of hw3, got {module}:{qualname}; "
                         "move the computation into a named function of its module.")
    return f"{module}:{qualname}"


# --- inputs ---------------------------------------------------------------------------------------

def weights_digest(model) -> str:
    """sha256 of a model's weights (any object with `get_weights()`), in their order, with shapes."""
    digest = hashlib.sha256()
    for weight in model.get_weights():
        weight = np.ascontiguousarray(weight)
        digest.update(repr((weight.dtype.str, weight.shape)).encode())
        digest.update(weight.tobytes())
    return digest.hexdigest()


_ARRAY_DIGESTS: dict[int, tuple[weakref.ref, str]] = {}  # id -> (the array, its digest): the data's
# arrays (55,000 training images) are keyed by many experiments of one run, and hashed once


def array_digest(array: np.ndarray) -> str:
    """sha256 of an array's dtype, shape and bytes; remembered for the array object while it lives, so
    an array must not be changed in place after it was first keyed (the package never does)."""
    known = _ARRAY_DIGESTS.get(id(array))
    if known is not None and known[0]() is array:
        return known[1]
    contiguous = np.ascontiguousarray(array)
    digest = hashlib.sha256(repr((contiguous.dtype.str, contiguous.shape)).encode() + contiguous.tobytes()).hexdigest()
    try:
        _ARRAY_DIGESTS[id(array)] = (weakref.ref(array, lambda _, key=id(array): _ARRAY_DIGESTS.pop(key, None)), digest)
    except TypeError:  # an array that cannot be referenced weakly (a view of a foreign buffer): not remembered
        pass
    return digest


@dataclasses.dataclass(frozen=True)
class SavedModel:
    """A saved model as a key names it without loading it: its saved name ('gru_1x32_seed3') and the
    weights digest its recipe records (which the recipe check has compared with the file)."""

    name: str
    weights_sha256: str


def input_digests(value: Any, label: str) -> dict[str, dict]:
    """{label path: {'sha256', and 'kind', 'saved_model' or 'repr'}} for one input, flattened:
    mappings, lists/tuples and dataclasses entry by entry ('models.gru_1x32.3', 'data.x_test'), a model
    by its weights (with the saved model it was loaded from, `model.hw3_saved_as`, when it has one), an
    array by its bytes (`array_digest`)."""
    if isinstance(value, Mapping):
        found = {}
        for key in value:
            found.update(input_digests(value[key], f"{label}.{key}"))
        return found or {label: {"kind": "empty", "sha256": hashlib.sha256(b"{}").hexdigest()}}
    if isinstance(value, (list, tuple)):
        found = {}
        for index, item in enumerate(value):
            found.update(input_digests(item, f"{label}.{index}"))
        return found
    if isinstance(value, SavedModel):
        return {label: {"kind": "model", "sha256": value.weights_sha256, "saved_model": value.name}}
    if hasattr(value, "get_weights"):
        return {label: {"kind": "model", "sha256": weights_digest(value),
                        "saved_model": getattr(value, "hw3_saved_as", None)}}
    if isinstance(value, np.ndarray):
        return {label: {"kind": "array", "sha256": array_digest(value), "shape": list(value.shape)}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = {}
        for field in dataclasses.fields(value):
            found.update(input_digests(getattr(value, field.name), f"{label}.{field.name}"))
        return found
    if not isinstance(value, (bool, int, float, str, type(None), np.generic)):
        raise TypeError(f"cached_call cannot key the input {label} of type {type(value).__name__}: pass models, "
                        "arrays, numbers, strings, or mappings and lists of them.")
    text = repr(value)
    return {label: {"kind": "value", "sha256": hashlib.sha256(text.encode()).hexdigest(), "repr": text[:80]}}


def entry_key(function: str, code: Mapping[str, str], inputs: Mapping[str, Mapping], smoke: bool) -> str:
    """The one digest a stored entry must match: function, code, inputs and run mode."""
    parts = [function, sorted(code.items()), sorted((label, item["sha256"]) for label, item in inputs.items()), smoke]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


# --- recipes of saved models, as the cache reads them ----------------------------------------------

def recipe_path(model_path: Path) -> Path:
    """models/gru_1x32.keras -> models/gru_1x32.recipe.json (also for seeds' .weights.h5 files)."""
    return model_path.with_name(model_path.name.split(".")[0] + ".recipe.json")


def saved_weights_digests(settings: RunSettings) -> dict[str, str]:
    """{saved model name ('gru_1x32', 'gru_1x32_seed3'): the weights digest its recipe records}."""
    found = {}
    for path in sorted(settings.models_dir.rglob("*.recipe.json")):
        try:
            recipe = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue
        found[path.name.split(".")[0]] = recipe.get("weights_sha256")
    return found


def staleness(entry: Mapping, saved: Mapping[str, str], smoke: bool, sources: Mapping[str, str] | None = None) -> list[str]:
    """Why a stored key would not hold for today's code (`sources`, the package on disk by default) and
    saved models (`saved`, from `saved_weights_digests`): [] when it holds. `entry` is what was stored
    beside the value: {'function', 'code', 'inputs', 'smoke', 'key'}. Arrays and values are checked when
    a run calls the function (they come from the data and the code)."""
    if "key" not in entry or ":" not in entry.get("function", ""):
        return ["stored without the key of its code and inputs"]
    module = entry["function"].split(":")[0]
    try:
        today = code_digests(module, package_sources() if sources is None else sources)
    except FileNotFoundError:
        return [f"its function {entry.get('function')} no longer exists"]
    reasons = []
    stored = entry.get("code", {})  # {}: keyed on its inputs alone (a trained model's own entries)
    changed = sorted(name for name in today.keys() | stored.keys() if stored and today.get(name) != stored.get(name))
    if changed:
        reasons.append("code changed: " + ", ".join(changed))
    for label, item in entry.get("inputs", {}).items():
        source = item.get("saved_model")
        if item.get("kind") == "model" and source is not None and saved.get(source) != item["sha256"]:
            reasons.append(f"model {source} ({label}) is not the saved one" if source in saved
                           else f"model {source} ({label}) has no saved recipe")
    if entry.get("smoke") != smoke:
        reasons.append("computed in the other run mode")
    return reasons
