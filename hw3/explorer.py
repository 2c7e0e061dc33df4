"""Explorer: `explorer.html`, one self-contained page in which the trained GRU (1x32) and LSTM (1x32)
run in the browser (no server, no network, no install): the template `web/explorer.html` with the
three scripts inlined (`web/forward.js`, the networks and the Q3 experiments; `web/drawing.js`, the
drawing pad's preprocessing and its reading rule; `web/page.js`, the page) and the data (the two
models' weights, a few binarized test images, the ink limit of the reading rule). Takes trained models
and arrays; never trains.

Imports from the package: settings, data, models.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

import keras
import numpy as np

from hw3.data import check_image_batch
from hw3.models import model_spec, recurrent_layers
from hw3.settings import PROJECT_DIR, RunSettings, write_text_atomically

TEMPLATE = PROJECT_DIR / "web" / "explorer.html"
SCRIPTS = tuple(PROJECT_DIR / "web" / name for name in ("forward.js", "drawing.js", "page.js"))  # in this order
PAGE_MODELS = ("gru_1x32", "lstm_1x32")
PAGE_IMAGES = 50  # the first test images


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


def explorer_data(models: Mapping[str, keras.Model], images: np.ndarray, labels: np.ndarray,
                  accuracies: Mapping[str, float], ink_pixels_limit: int) -> dict:
    """What the page embeds: {'models': {name: {cell, units, title, weights}}, 'images': [{index,
    label, pixels (784 zeros and ones)}], 'inkLimit': the most ink pixels a drawing may have to be
    read (ink_limit), 'source': one line on where it all comes from}."""
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
    return {"models": page_models, "images": samples, "inkLimit": int(ink_pixels_limit), "source": source}


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
                   accuracies: Mapping[str, float], settings: RunSettings, ink_pixels_limit: int) -> Path:
    """explorer.html in the run's output folder (the project in full mode), written atomically."""
    path = settings.output_dir / "explorer.html"
    write_text_atomically(build_explorer_page(explorer_data(models, images, labels, accuracies, ink_pixels_limit)), path)
    return path


def main() -> None:
    """`make explorer`: the page from the committed seed-0 models and the first 50 test images."""
    from hw3.data import load_binarized_mnist
    from hw3.settings import load_results, run_settings

    settings = run_settings()
    models = {}
    for name in PAGE_MODELS:
        path = settings.models_dir / f"{name}.keras"
        if not path.exists():
            raise FileNotFoundError(f"{path.name} is missing: run the notebook (make homework) to train {name}.")
        models[name] = keras.models.load_model(path)
    data = load_binarized_mnist(settings)
    results = load_results(settings)
    accuracies = {name: results["configs"][name]["test_accuracy"] for name in PAGE_MODELS}
    path = write_explorer(models, data.x_test[:PAGE_IMAGES], data.y_test[:PAGE_IMAGES], accuracies, settings,
                          ink_limit(data.x_train))
    print(f"wrote {path.name} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
