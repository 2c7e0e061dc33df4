"""Saved models: each trained model on disk with its recipe, and the one way to load it again.

Every saved model carries its recipe beside it (`models/{name}.recipe.json`, seeds
`models/seeds/{name}_seed{k}.recipe.json`): the model's registry entry and head width, the training
settings and the data's checksum, with the digest of the weights that came out. A saved model whose
recipe differs from the one asked for is never reused silently: the run stops and says which setting
differs and how to retrain just that model (`HW3_RETRAIN=name`). In the order a model meets them:
saved atomically, what it was asked to be (`requested_entry`, `model_recipe`), its recipe written,
read and compared, the model loaded (`readable_saved_model`, `load_seed_model`), and the decision to
reuse it (`reusable_model`): the loader every caller goes through.

Imports from the package: settings, keys, data, models.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Mapping

import keras

from hw3.data import BINARIZE_THRESHOLD, MnistSplits
from hw3.keys import recipe_path, weights_digest
from hw3.models import CONVENTIONS, HEAD_UNITS, PERMUTED_ROW_ORDER, build_model, model_spec
from hw3.settings import RunSettings, write_atomically


def save_model_atomically(model: keras.Model, path: Path) -> None:
    """The whole model (architecture, weights, optimizer state) at `path`, never half-written."""
    write_atomically(path, model.save)


# --- What a model is asked to be: its results entry's settings, its recipe ------------------------

def requested_entry(name: str, settings: RunSettings, data: MnistSplits) -> dict:
    """The configuration part of a results entry: what was asked for, before any training."""
    spec = model_spec(name)
    entry: dict = {}
    if spec.is_recurrent:
        entry.update(cell=spec.cell, layers=spec.layers, units=spec.units)
        if spec.section == "variants":  # the eight configurations keep their entries as they were
            entry.update(description=spec.description, reading=spec.reading, convention=spec.convention)
            if spec.reading == "permuted_rows":
                entry["row_order"] = [int(row) for row in PERMUTED_ROW_ORDER]  # step i reads image row row_order[i]
            if spec.objective != "last_step":
                entry["objective"] = spec.objective
            if spec.trailing_blanks:
                entry["trailing_blanks"] = spec.trailing_blanks
    else:
        entry.update(kind=name, description=spec.description)
    entry.update(epochs=settings.epochs, batch_size=settings.batch_size, learning_rate=settings.learning_rate,
                 seed=settings.seed, train_examples=int(len(data.x_train)))
    return entry



RECIPE_SPEC_FIELDS = ("name", "kind", "cell", "layers", "units", "reading", "convention", "objective",
                      "trailing_blanks", "widths")  # what of a registry entry shapes the trained weights


def model_recipe(name: str, settings: RunSettings, data: MnistSplits) -> dict:
    """What makes model `name` as `settings` would train it: {'model': its registry entry's fields,
    head width and layer options; 'training': epochs, batch size, learning rate, seed, eager; 'data':
    the MNIST file's checksum, the binarization threshold and the split sizes}."""
    spec = model_spec(name)
    model = {field: getattr(spec, field) for field in RECIPE_SPEC_FIELDS}
    model.update(widths=list(spec.widths), head_units=HEAD_UNITS)
    if spec.is_recurrent:
        options, gate_bias_one = CONVENTIONS[spec.convention]
        model.update(layer_options=dict(options), gate_bias_one=gate_bias_one)
    training = {"epochs": settings.epochs, "batch_size": settings.batch_size, "learning_rate": settings.learning_rate,
                "seed": settings.seed, "eager": settings.eager}
    if data.mnist_sha256 is None:
        raise ValueError(f"the splits given for {name} carry no checked MNIST checksum: load them with "
                         "load_binarized_mnist and cut them with dataclasses.replace, which keeps it.")
    data_part = {"mnist_sha256": data.mnist_sha256, "binarize_threshold": BINARIZE_THRESHOLD,
                 "train_examples": int(len(data.x_train)), "validation_examples": int(len(data.x_validation))}
    return {"model": model, "training": training, "data": data_part}


def write_recipe(model_path: Path, recipe: Mapping, model: keras.Model) -> None:
    """The recipe beside the saved model, with the digest of the weights it made (`keys.weights_digest`)."""
    write_atomically(recipe_path(model_path), lambda temporary: temporary.write_text(
        json.dumps({**recipe, "weights_sha256": weights_digest(model)}, indent=1) + "\n", encoding="utf-8"))


def saved_recipe(model_path: Path) -> dict | None:
    """The recipe stored beside `model_path`, or None when the model was saved without one."""
    path = recipe_path(model_path)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON ({error}); restore it with `git checkout -- "
                         f"{path.parent.name}/{path.name}` or retrain the model.") from error


def recipe_differences(saved: Mapping, requested: Mapping, prefix: str = "") -> list[str]:
    """Each setting where two recipes differ, as 'training.epochs: saved 10, asked for 5' (the weights'
    digest, an outcome rather than a setting, is not compared)."""
    differences = []
    for key in sorted(saved.keys() | requested.keys()):
        if key == "weights_sha256":
            continue
        old, new = saved.get(key), requested.get(key)
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            differences += recipe_differences(old, new, f"{prefix}{key}.")
        elif old != new:
            differences.append(f"{prefix}{key}: saved {old!r}, asked for {new!r}")
    return differences


def check_recipe(name: str, model_path: Path, recipe: Mapping) -> dict | None:
    """The saved recipe when the model at `model_path` was made by `recipe`; None when it has no recipe
    yet (saved before recipes); ValueError naming the differing settings and how to retrain it otherwise."""
    saved = saved_recipe(model_path)
    if saved is None:
        return None
    differences = recipe_differences(saved, recipe)
    if differences:
        raise ValueError(
            f"{model_path.parent.name}/{model_path.name} was trained with another recipe than this run asks for: "
            f"{'; '.join(differences)}. Retrain just this model with HW3_RETRAIN={name} (every seed of it), or put "
            f"the setting back; `git checkout -- {model_path.parent.name}` restores the committed models.")
    return saved


# --- Loading a saved model ----------------------------------------------------------------------

def mark_saved_as(model: keras.Model, model_path: Path) -> keras.Model:
    """Tag `model` with the saved model it is ('gru_1x32', 'gru_1x32_seed3'), which the cache records."""
    model.hw3_saved_as = model_path.name.split(".")[0]
    return model


def readable_saved_model(path: Path) -> keras.Model:
    """The model saved at `path`; ValueError naming the file and the ways out when it is unreadable.

    Keras reports a truncated or corrupt .keras archive as "File not found" although the file
    exists; this says what is really wrong.
    """
    try:
        return keras.models.load_model(path)
    except Exception as error:  # zipfile, h5py and Keras each raise their own kinds
        said = " ".join(str(error).split())[:200]
        raise ValueError(
            f"{path.parent.name}/{path.name} exists but is not a readable Keras model (truncated, corrupt, or saved "
            f"by a Keras other than requirements.txt's: {type(error).__name__}: {said}). Restore it with "
            f"`git checkout -- {path.parent.name}/{path.name}`, or "
            f"retrain just that model (HW3_RETRAIN={path.name.split('.')[0].split('_seed')[0]}).") from error


def seed_weights_path(settings: RunSettings, name: str, seed: int) -> Path:
    return settings.seed_models_dir / f"{name}_seed{seed}.weights.h5"


def load_seed_model(name: str, seed: int, settings: RunSettings) -> keras.Model:
    """The trained model `name` with `seed`: seed 0 from models/{name}.keras, other seeds from their
    saved weights (models/seeds/{name}_seed{k}.weights.h5). FileNotFoundError when it was never trained."""
    if seed == 0:
        path = settings.models_dir / f"{name}.keras"
        if not path.exists():
            raise FileNotFoundError(f"{path.name} is missing: train {name} first (helpers.train_or_load).")
        model = mark_saved_as(readable_saved_model(path), path)
    else:
        path = seed_weights_path(settings, model_spec(name).name, seed)
        if not path.exists():
            raise FileNotFoundError(f"{path.name} is missing: train seed {seed} of {name} first (helpers.train_seeds).")
        model = _seed_model_from(path, name)
    recipe = saved_recipe(path)
    if recipe is None:
        raise FileNotFoundError(f"{path.name} has no recipe beside it ({recipe_path(path).name}): restore both with "
                                f"`git checkout -- {path.parent.name}`, or retrain just this model with HW3_RETRAIN={name}.")
    return with_the_recorded_weights(model, path, recipe, name)


def with_the_recorded_weights(model: keras.Model, path: Path, recipe: Mapping, name: str) -> keras.Model:
    """`model`, loaded from `path`, when its weights are the ones its recipe recorded; else ValueError
    with the ways out (the recipe's settings are checked where the model is trained or reused)."""
    if weights_digest(model) != recipe.get("weights_sha256"):
        raise ValueError(
            f"{path.parent.name}/{path.name} does not hold the weights its recipe recorded (restored or copied "
            f"without it?). Restore both with `git checkout -- {path.parent.name}`, or retrain just this model "
            f"with HW3_RETRAIN={name}.")
    return model


def _seed_model_from(path: Path, name: str) -> keras.Model:
    """Model `name` with the weights saved at `path`, tagged with the saved model it is."""
    model = build_model(name)
    model.load_weights(path)
    return mark_saved_as(model, path)


# --- Reusing a saved model ----------------------------------------------------------------------

def can_reuse(stored: Mapping | None, requested: Mapping, model_path: Path) -> bool:
    """True when a saved model exists and was trained with exactly the requested settings."""
    if stored is None or not model_path.exists():
        return False
    return all(stored.get(key) == requested.get(key) for key in requested)


def reusable_model(name: str, path: Path, recipe: Mapping, stored: Mapping | None, requested: Mapping,
                   settings: RunSettings, load: Callable[[], keras.Model]) -> keras.Model | None:
    """The saved model at `path` when this run may reuse it, else None (train it).

    Reused when its results entry `stored` exists and its recipe matches `recipe` (`check_recipe` stops
    the run when it differs, and so do weights other than the ones the recipe recorded). A model saved
    before recipes existed is reused when its results entry matches the `requested` one, and its recipe
    is written then: that check covers the training settings and the cell's shape, not the head width,
    layer options or data, which the committed models' recipes were written from when recipes came in."""
    if settings.retrains(name) or not path.exists() or stored is None:
        return None  # nothing saved, or no results entry to go with it: train it
    saved = check_recipe(name, path, recipe)
    if saved is not None:
        return with_the_recorded_weights(mark_saved_as(load(), path), path, saved, name)
    if not can_reuse(stored, requested, path):
        return None
    model = mark_saved_as(load(), path)
    write_recipe(path, recipe, model)
    return model
