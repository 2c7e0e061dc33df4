"""Explorer: `explorer.html`, one self-contained page in which the trained GRU (1x32) and LSTM (1x32)
run in the browser (no server, no network, no install): the template `web/explorer.html` with the
three scripts inlined (`web/forward.js`, the networks and the Q3 experiments; `web/drawing.js`, the
drawing pad's preprocessing and its reading rule; `web/page.js`, the page) and the data (the two
models' weights, a few binarized test images, the ink limit of the reading rule, the numbers its tour
quotes and the series its tour charts, read from results.json by path, and the few numbers the tour needs
that results.json does not hold, computed here from the models: the LSTM's mean gates by row around the
first ink row (`gates_around_first_ink`) and which of the page's images shows the appended-rows effect
(`appended_rows_example`)). Takes trained models and arrays; never trains.

Imports from the package: settings, results, data, models, readout, cells, report, saved_models; the
results store and the checked loader in `main` only.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

import keras
import numpy as np

from hw3.cells import lstm_internals
from hw3.data import check_image_batch, first_ink_rows, with_blank_rows
from hw3.models import model_spec, recurrent_layers
from hw3.readout import every_step_model
from hw3.report import lookup
from hw3.settings import PROJECT_DIR, RunSettings, write_text_atomically

TEMPLATE = PROJECT_DIR / "web" / "explorer.html"
SCRIPTS = tuple(PROJECT_DIR / "web" / name for name in ("forward.js", "drawing.js", "page.js"))  # in this order
PAGE_MODELS = ("gru_1x32", "lstm_1x32")
PAGE_IMAGES = 50  # the first test images
# The numbers the page's tour quotes: name -> path into results.json (the report's Q3 and bonus answers).
TOUR_FACTS = {
    "blank_row_3": "analysis/gru_1x32/blank_row_fraction/2",
    "spread_step_3": "analysis/gru_1x32/state_over_time/spread_across_images/2",
    "spread_step_24": "analysis/gru_1x32/state_over_time/spread_across_images/23",
    "blank_path_first_class": "analysis/gru_1x32/blank_path/class/0",
    "blank_path_settled_from": "analysis/gru_1x32/blank_path/settled_from_step",
    "blank_path_settled_class": "analysis/gru_1x32/blank_path/settled_class",
    "probe_step_16": "analysis/probes_fair/gru_1x32/test_accuracy/15",
    "head_step_16": "configs/gru_1x32/stepwise_test_accuracy/15",
    "every_step_loss_step_16_min": "analysis/objective_readout_at_step_16/gru_1x32_every_step_loss/min",
    "every_step_loss_step_16_max": "analysis/objective_readout_at_step_16/gru_1x32_every_step_loss/max",
    "median_decision_step": "analysis/decision_vs_ink/gru_1x32/all/median_decision_step",
    "median_last_ink_row": "analysis/decision_vs_ink/gru_1x32/all/median_last_ink_row",
    "gru_accuracy": "configs/gru_1x32/test_accuracy",
    "lstm_accuracy": "configs/lstm_1x32/test_accuracy",
    "gru_appended_4": "analysis/appended_blank_rows/gru_1x32/4",
    "lstm_appended_4": "analysis/appended_blank_rows/lstm_1x32/4",
    "gru_trailing_blanks_appended_4": "analysis/appended_blank_rows/gru_1x32_trailing_blanks/4",
    "gru_worst_row": "analysis/row_occlusion_summary/gru_1x32/worst_row",
    "gru_worst_row_cost": "analysis/row_occlusion_summary/gru_1x32/largest_cost",
    "lstm_worst_row": "analysis/row_occlusion_summary/lstm_1x32/worst_row",
    "lstm_worst_row_cost": "analysis/row_occlusion_summary/lstm_1x32/largest_cost",
    "cnn_worst_row_cost": "analysis/row_occlusion_summary/cnn/largest_cost",
    "lstm_i_sd_above_ink": "analysis/gate_flatness/LSTM i/sd_above_ink",
    "lstm_f_sd_above_ink": "analysis/gate_flatness/LSTM f/sd_above_ink",
    "lstm_o_sd_above_ink": "analysis/gate_flatness/LSTM o/sd_above_ink",
    "lstm_o_sd_on_ink": "analysis/gate_flatness/LSTM o/sd_on_ink",
    "lstm_o_before_ink": "analysis/gates_at_first_ink/LSTM o/before",
    "lstm_o_at_ink": "analysis/gates_at_first_ink/LSTM o/at",
    "lstm_o_after_ink": "analysis/gates_at_first_ink/LSTM o/after",
    "lstm_f_at_ink": "analysis/gates_at_first_ink/LSTM f/at",
    # the mean over five seeds beside seed 0's (names ending in _mean)
    "gru_accuracy_mean": "analysis/appended_blank_rows_over_seeds/gru_1x32/0",
    "lstm_accuracy_mean": "analysis/appended_blank_rows_over_seeds/lstm_1x32/0",
    "gru_appended_4_mean": "analysis/appended_blank_rows_over_seeds/gru_1x32/4",
    "lstm_appended_4_mean": "analysis/appended_blank_rows_over_seeds/lstm_1x32/4",
    "cnn_accuracy": "baselines/cnn/test_accuracy",
}
# The series the tour's charts draw, whole test set: name -> path into results.json (a list, or a dict keyed
# 0, 1, 2, ... read in that order). Seed 0 unless the name ends in _mean (the mean over five seeds).
TOUR_SERIES = {
    "blank_row_fraction": "analysis/gru_1x32/blank_row_fraction",
    "gru_state_spread": "analysis/gru_1x32/state_over_time/spread_across_images",
    "gru_probe_by_step": "analysis/probes_fair/gru_1x32/test_accuracy",
    "gru_head_by_step": "configs/gru_1x32/stepwise_test_accuracy",
    "lstm_head_by_step": "configs/lstm_1x32/stepwise_test_accuracy",
    "gru_appended": "analysis/appended_blank_rows/gru_1x32",
    "lstm_appended": "analysis/appended_blank_rows/lstm_1x32",
    "gru_appended_mean": "analysis/appended_blank_rows_over_seeds/gru_1x32",
    "lstm_appended_mean": "analysis/appended_blank_rows_over_seeds/lstm_1x32",
    "gru_trailing_blanks_appended": "analysis/appended_blank_rows/gru_1x32_trailing_blanks",
    "gru_row_occlusion": "analysis/row_occlusion/gru_1x32",
    "lstm_row_occlusion": "analysis/row_occlusion/lstm_1x32",
    "cnn_row_occlusion": "analysis/row_occlusion/cnn",
}
GATE_OFFSETS = tuple(range(-6, 9))  # rows relative to the first ink row F: F - 6 to F + 8


def _numbers(array: np.ndarray) -> list[float]:
    """A float32 array, flattened row-major, as numbers that JSON keeps exactly (9 significant digits)."""
    return [float(f"{value:.9g}") for value in np.asarray(array, np.float32).ravel()]


def page_weights(model: keras.Model) -> dict:
    """A one-layer recurrent model's weights in Keras's layouts, flattened: the projection, the
    recurrent layer (for the GRU a bias of 2 x 3 units: input bias, then recurrent bias), the head."""
    layers = recurrent_layers(model)
    if len(layers) != 1 or any(layer.name == "reading_order" for layer in model.layers):
        raise ValueError(f"the explorer shows one-layer models that read rows top to bottom; got {model.name!r}.")
    layer = layers[0]
    if isinstance(layer, keras.layers.GRU) and not layer.cell.reset_after:
        raise ValueError("the explorer's GRU is Keras's reset_after=True cell.")
    kernel, recurrent_kernel, bias = layer.get_weights()
    projection_kernel, projection_bias = model.get_layer("input_projection").get_weights()
    hidden_kernel, hidden_bias = model.get_layer("hidden").get_weights()
    logits_kernel, logits_bias = model.get_layer("logits").get_weights()
    return {name: _numbers(value) for name, value in (
        ("projection_kernel", projection_kernel), ("projection_bias", projection_bias), ("kernel", kernel),
        ("recurrent_kernel", recurrent_kernel), ("bias", bias), ("hidden_kernel", hidden_kernel),
        ("hidden_bias", hidden_bias), ("logits_kernel", logits_kernel), ("logits_bias", logits_bias))}


def ink_limit(train_images: np.ndarray, percentile: float = 99.9) -> int:
    """The drawing pad's scribble rule: the `percentile` of the ink pixels per training image (N, 28, 28)."""
    return int(np.percentile(check_image_batch(train_images).sum(axis=(1, 2)), percentile))


def tour_facts(results: Mapping) -> dict[str, float]:
    """The numbers the tour quotes (TOUR_FACTS), each looked up in results.json by its path."""
    return {name: float(lookup(results, path)) for name, path in TOUR_FACTS.items()}


def tour_series(results: Mapping) -> dict[str, list[float]]:
    """The series the tour's charts draw (TOUR_SERIES), each looked up in results.json by its path."""
    found = {}
    for name, path in TOUR_SERIES.items():
        value = lookup(results, path)
        if isinstance(value, Mapping):
            value = [value[key] for key in sorted(value, key=int)]
        found[name] = [float(v) for v in value]
    return found


def gates_around_first_ink(model: keras.Model, images: np.ndarray, offsets: tuple[int, ...] = GATE_OFFSETS) -> dict:
    """The LSTM's gates i, f, o by row around each image's first ink row F (hw3/cells.py's lstm_internals):
    {'offsets': [...], gate: [mean over the images that have step F + offset and over the units]}. Blank
    images are left out. Not in results.json (which holds the rows F - 1, F and F + 2 only: gates_at_first_ink)."""
    images = check_image_batch(images)
    first = first_ink_rows(images)
    keep = first > 0
    parts = lstm_internals(model, images[keep])
    first = first[keep]
    found = {"offsets": list(offsets)}
    for gate in ("i", "f", "o"):
        by_unit = parts[gate].mean(axis=-1)  # (N, T)
        means = []
        for offset in offsets:
            step = first - 1 + offset  # 0-based
            inside = (step >= 0) & (step < by_unit.shape[1])
            means.append(round(float(by_unit[inside, step[inside]].mean()), 5) if inside.any() else None)
        found[gate] = means
    return found


def appended_rows_example(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray, extra: int = 4) -> dict:
    """Which of `images` the GRU reads right after row 28 and wrong after `extra` appended blank rows while
    the LSTM stays right (the tour's third stop opens the first such image), and how many of `images` each
    network loses that way: {'image': index or None, 'gru_lost': n, 'lstm_lost': n, 'images': N}."""
    images = check_image_batch(images)
    longer = with_blank_rows(images, extra)
    right_before, right_after = {}, {}
    for name in ("gru_1x32", "lstm_1x32"):
        logits = np.asarray(every_step_model(models[name], steps=None).predict(longer, verbose=0)[1])
        right_before[name] = logits[:, 27].argmax(-1) == labels
        right_after[name] = logits[:, -1].argmax(-1) == labels
    lost = {name: right_before[name] & ~right_after[name] for name in right_before}
    example = np.flatnonzero(lost["gru_1x32"] & right_after["lstm_1x32"] & right_before["lstm_1x32"])
    return {"image": int(example[0]) if len(example) else None, "gru_lost": int(lost["gru_1x32"].sum()),
            "lstm_lost": int(lost["lstm_1x32"].sum()), "images": len(images)}


def explorer_data(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray,
                  accuracies: Mapping[str, float], ink_pixels_limit: int, facts: Mapping[str, float] | None = None,
                  series: Mapping[str, list] | None = None, computed: Mapping | None = None) -> dict:
    """What the page embeds: {'models': {name: {cell, units, title, weights}}, 'images': [{index,
    label, pixels (784 zeros and ones)}], 'inkLimit': the most ink pixels a drawing may have to be
    read (ink_limit), 'facts': the tour's numbers (tour_facts), 'series': its charts' series
    (tour_series), 'computed': what the build computed from the models (gates_around_first_ink,
    appended_rows_example), 'source': one line on where it all comes from}."""
    images = check_image_batch(images)
    page_models = {}
    for name, model in models.items():
        spec = model_spec(name)
        page_models[name] = {"cell": spec.cell, "units": spec.units, "title": spec.title,
                             "weights": page_weights(model)}
    samples = [{"index": index, "label": int(labels[index]), "pixels": [int(p) for p in images[index].ravel()]}
               for index in range(len(images))]
    source = ("Models: " + "; ".join(f"{model_spec(name).title}, seed 0, test accuracy {accuracies[name]:.4f}"
                                     for name in models)
              + f". Weights from models/*.keras, the first {len(samples)} binarized MNIST test images, "
                "accuracies from results/results.json; page written by hw3/explorer.py.")
    return {"models": page_models, "images": samples, "inkLimit": int(ink_pixels_limit), "facts": dict(facts or {}),
            "series": dict(series or {}), "computed": dict(computed or {}), "source": source}


def build_explorer_page(data: Mapping, template: Path = TEMPLATE, scripts: tuple[Path, ...] = SCRIPTS) -> str:
    """The self-contained page: the template with the data and the scripts inlined, in order."""
    page = template.read_text(encoding="utf-8")
    code = "\n".join(script.read_text(encoding="utf-8") for script in scripts)
    if "<!--HW3_DATA-->" not in page or "<!--HW3_SCRIPT-->" not in page:
        raise ValueError(f"{template.name} lacks the <!--HW3_DATA--> or <!--HW3_SCRIPT--> placeholder.")
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")  # never closes the script tag
    return (page.replace("<!--HW3_DATA-->", f"<script>window.HW3_DATA = {payload};</script>")
            .replace("<!--HW3_SCRIPT-->", f"<script>\n{code}</script>"))


def write_explorer(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray,
                   accuracies: Mapping[str, float], settings: RunSettings, ink_pixels_limit: int,
                   facts: Mapping[str, float] | None = None, series: Mapping[str, list] | None = None,
                   computed: Mapping | None = None) -> Path:
    """explorer.html in the run's output folder (the project in full mode), written atomically."""
    path = settings.output_dir / "explorer.html"
    write_text_atomically(build_explorer_page(explorer_data(models, images, labels, accuracies, ink_pixels_limit, facts,
                                                            series, computed)), path)
    return path


def page_computations(models: Mapping[str, keras.Model], x_test: np.ndarray, y_test: np.ndarray) -> dict:
    """What the build computes from the models for the tour (results.json does not hold it): the LSTM's
    gates around the first ink row over the whole test set, and the appended-rows example among the
    page's images."""
    return {"lstm_gates_around_first_ink": gates_around_first_ink(models["lstm_1x32"], x_test),
            "appended_rows_example": appended_rows_example(models, x_test[:PAGE_IMAGES], y_test[:PAGE_IMAGES])}


def main() -> None:
    """`make explorer`: the page from the committed seed-0 models and the first 50 test images."""
    from hw3.data import load_binarized_mnist
    from hw3.results import current_results, load_results
    from hw3.settings import run_settings
    from hw3.saved_models import model_recipe, readable_saved_model, requested_entry, reusable_model

    settings = run_settings()
    data = load_binarized_mnist(settings)
    results = load_results(settings)
    models = {}
    for name in PAGE_MODELS:  # through training's recipe check, as the notebooks load them
        path = settings.models_dir / f"{name}.keras"
        models[name] = reusable_model(name, path, model_recipe(name, settings, data),
                                      results.get(model_spec(name).section, {}).get(name),
                                      requested_entry(name, settings, data), settings, lambda: readable_saved_model(path))
        if models[name] is None:
            raise FileNotFoundError(f"{path.name} is missing, has no results entry, or HW3_RETRAIN names it: run the "
                                    f"notebook (make homework) to train {name}.")
    quoted = [*TOUR_FACTS.values(), *TOUR_SERIES.values(), *(f"configs/{name}" for name in PAGE_MODELS)]
    results = current_results(settings, quoted)  # refused when a number the page quotes is stale
    accuracies = {name: results["configs"][name]["test_accuracy"] for name in PAGE_MODELS}
    path = write_explorer(models, data.x_test[:PAGE_IMAGES], data.y_test[:PAGE_IMAGES], accuracies, settings,
                          ink_limit(data.x_train), tour_facts(results), tour_series(results),
                          page_computations(models, data.x_test, data.y_test))
    print(f"wrote {path.name} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
