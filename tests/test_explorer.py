"""explorer.html: built from the committed models by hw3/explorer.py, self-contained and small, and
the page in the repository is the one the code builds."""
import json
import re

import keras
import numpy as np
import pytest

from hw3.explorer import (PAGE_IMAGES, PAGE_MODELS, TOUR_FACTS, TOUR_SERIES, build_explorer_page, explorer_data,
                          gates_around_first_ink, ink_limit, page_computations, page_weights, tour_facts, tour_series)
from hw3.models import build_model
from hw3.settings import PROJECT_DIR

PAGE = PROJECT_DIR / "explorer.html"


@pytest.fixture(scope="module")
def fresh_page(mnist):
    models = {name: keras.models.load_model(PROJECT_DIR / "models" / f"{name}.keras") for name in PAGE_MODELS}
    results = json.loads((PROJECT_DIR / "results" / "results.json").read_text())
    accuracies = {name: results["configs"][name]["test_accuracy"] for name in PAGE_MODELS}
    return build_explorer_page(explorer_data(models, mnist.x_test[:PAGE_IMAGES], mnist.y_test[:PAGE_IMAGES], accuracies,
                                             ink_limit(mnist.x_train), tour_facts(results), tour_series(results),
                                             page_computations(models, mnist.x_test, mnist.y_test)))


def test_committed_page_is_the_one_the_code_builds(fresh_page):
    assert PAGE.exists(), "explorer.html is missing: run `make explorer` and commit it"
    assert PAGE.read_text(encoding="utf-8") == fresh_page, "explorer.html is stale: run `make explorer`"


def test_page_is_self_contained_and_under_one_megabyte(fresh_page):
    assert len(fresh_page.encode("utf-8")) < 1_000_000
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", fresh_page), "the page must not load anything"
    assert "<!--HW3_DATA-->" not in fresh_page and "<!--HW3_SCRIPT-->" not in fresh_page
    assert "window.HW3_DATA = {" in fresh_page and "function run(model, image, from = null, lastOnly = false)" in fresh_page
    for part in ("function run(model, image, from = null, lastOnly = false)", "function drawingVerdict(strokes, inkLimit)", "function makePanels()"):
        assert fresh_page.count(part) == 1, part  # forward.js, drawing.js and page.js, each inlined once


def test_page_weights_keep_keras_layouts_and_float32_values():
    keras.utils.set_random_seed(0)
    model = build_model("gru_1x32")
    weights = page_weights(model)
    kernel, recurrent, bias = model.get_layer("recurrent_1").get_weights()
    assert len(weights["kernel"]) == kernel.size and len(weights["bias"]) == 2 * 96  # input bias, then recurrent bias
    np.testing.assert_array_equal(np.float32(weights["bias"]), bias.ravel())  # row-major, exact
    np.testing.assert_array_equal(np.float32(weights["recurrent_kernel"][:96]), recurrent[0])


def test_page_refuses_models_it_cannot_run():
    with pytest.raises(ValueError, match="one-layer models that read rows top to bottom"):
        page_weights(build_model("gru_3x32"))
    with pytest.raises(ValueError, match="one-layer models that read rows top to bottom"):
        page_weights(build_model("gru_1x32_bottom_up"))
    with pytest.raises(ValueError, match="reset_after=True"):
        page_weights(build_model("gru_1x32_tf1_cell"))


def test_the_ink_limit_is_the_percentile_of_ink_pixels_per_image():
    images = np.zeros((1000, 28, 28), np.float32)
    for k in range(1000):
        images[k].flat[: k + 1] = 1  # 1 to 1000 ink pixels... capped at 784
    assert ink_limit(images, 50) == int(np.percentile(np.minimum(np.arange(1, 1001), 784), 50))
    assert ink_limit(images[:100], 99.9) == 99  # 1..100 pixels: the 99.9th percentile is 99.901


def test_the_tour_facts_are_looked_up_in_results_by_path():
    results = {"configs": {"gru_1x32": {"stepwise_test_accuracy": [0.1, 0.2, 0.3]}}, "analysis": {"x": {"LSTM o": {"at": 0.66}}}}
    from hw3 import explorer
    original = dict(explorer.TOUR_FACTS)
    try:
        explorer.TOUR_FACTS.clear()
        explorer.TOUR_FACTS.update({"third": "configs/gru_1x32/stepwise_test_accuracy/2", "gate": "analysis/x/LSTM o/at"})
        found = tour_facts(results)
    finally:
        explorer.TOUR_FACTS.clear()
        explorer.TOUR_FACTS.update(original)
    assert found == {"third": 0.3, "gate": 0.66}


def test_the_page_embeds_every_tour_fact_from_results_json():
    results = json.loads((PROJECT_DIR / "results" / "results.json").read_text())
    html = PAGE.read_text(encoding="utf-8")
    embedded = json.loads(re.search(r"window\.HW3_DATA = (\{.*?\});</script>", html, re.S).group(1))["facts"]
    assert set(embedded) == set(TOUR_FACTS)
    assert embedded == tour_facts(results)
    assert embedded["gru_appended_4"] == results["analysis"]["appended_blank_rows"]["gru_1x32"]["4"]


@pytest.fixture
def committed_models_in(tmp_path, monkeypatch):
    """A run folder holding copies of the committed page models, their recipes and results.json, which
    `run_settings()` (full mode) points at; returns it."""
    import shutil

    import hw3.settings
    from hw3.settings import RunSettings

    (tmp_path / "models").mkdir()
    (tmp_path / "results").mkdir()
    for name in PAGE_MODELS:
        shutil.copy(PROJECT_DIR / "models" / f"{name}.keras", tmp_path / "models")
    for recipe in (PROJECT_DIR / "models").rglob("*.recipe.json"):  # what results.json's keys are checked against
        (tmp_path / recipe.relative_to(PROJECT_DIR)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(recipe, tmp_path / recipe.relative_to(PROJECT_DIR))
    shutil.copy(PROJECT_DIR / "results" / "results.json", tmp_path / "results")
    monkeypatch.setattr(hw3.settings, "run_settings", lambda: RunSettings(smoke=False, output_dir=tmp_path))
    return tmp_path


@pytest.mark.parametrize("change, message", [
    (lambda recipe: recipe["training"].update(epochs=3), "gru_1x32.keras was trained with another recipe.*training.epochs"),
    (lambda recipe: recipe.update(weights_sha256="0" * 64), "gru_1x32.keras does not hold the weights its recipe recorded"),
])
def test_make_explorer_loads_the_models_through_the_recipe_check(committed_models_in, change, message):
    """`make explorer` (explorer.main) refuses a saved model whose recipe or weights differ from what the
    run asks for, as the notebooks' loader does, instead of loading it unchecked."""
    from hw3.explorer import main

    recipe_file = committed_models_in / "models" / "gru_1x32.recipe.json"
    recipe = json.loads(recipe_file.read_text())
    change(recipe)
    recipe_file.write_text(json.dumps(recipe))
    with pytest.raises(ValueError, match=message):
        main()
    assert not (committed_models_in / "explorer.html").exists()


def test_make_explorer_builds_from_the_checked_models(committed_models_in, monkeypatch):
    import hw3.explorer

    built = {}

    def write(models, *arguments):
        built.update(models)
        page = committed_models_in / "explorer.html"
        page.write_text("page")
        return page

    monkeypatch.setattr(hw3.explorer, "write_explorer", write)
    hw3.explorer.main()
    assert sorted(built) == sorted(PAGE_MODELS)
    for name, model in built.items():
        assert model.hw3_saved_as == name  # tagged by training's loader, which checked its recipe and weights
        committed = keras.models.load_model(PROJECT_DIR / "models" / f"{name}.keras")
        for loaded, expected in zip(model.get_weights(), committed.get_weights()):
            np.testing.assert_array_equal(loaded, expected)


def test_the_tour_series_are_read_from_results_json_in_order():
    results = {"a": {"by_k": {"10": 0.1, "2": 0.2, "0": 0.0, "1": 0.9}}, "b": [1, 2]}
    from hw3 import explorer
    original = dict(explorer.TOUR_SERIES)
    try:
        explorer.TOUR_SERIES.clear()
        explorer.TOUR_SERIES.update({"k": "a/by_k", "list": "b"})
        assert tour_series(results) == {"k": [0.0, 0.9, 0.2, 0.1], "list": [1.0, 2.0]}  # keys 0, 1, 2, 10: as numbers
    finally:
        explorer.TOUR_SERIES.clear()
        explorer.TOUR_SERIES.update(original)
    assert set(tour_series(json.loads((PROJECT_DIR / "results" / "results.json").read_text()))) == set(TOUR_SERIES)


def test_the_gates_around_the_first_ink_row_agree_with_results_json(mnist):
    """The build's gate means at F - 1, F and F + 2 over the test set are results.json's gates_at_first_ink,
    computed by another function (analysis.py) from the same model."""
    results = json.loads((PROJECT_DIR / "results" / "results.json").read_text())
    model = keras.models.load_model(PROJECT_DIR / "models" / "lstm_1x32.keras")
    found = gates_around_first_ink(model, mnist.x_test)
    at = {offset: k for k, offset in enumerate(found["offsets"])}
    for gate in "ifo":
        stored = results["analysis"]["gates_at_first_ink"][f"LSTM {gate}"]
        for offset, key in ((-1, "before"), (0, "at"), (2, "after")):
            assert found[gate][at[offset]] == pytest.approx(stored[key], abs=1e-4), (gate, key)
