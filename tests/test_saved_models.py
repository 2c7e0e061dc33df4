"""The one loader of saved models (hw3/saved_models.py): a seed's model is served only with the weights
its recipe recorded, and only with a recipe beside it."""
import numpy as np
import pytest

from hw3.models import build_model
from hw3.saved_models import load_seed_model, seed_weights_path, write_recipe
from hw3.settings import RunSettings, write_atomically


def saved_seed(settings, name="gru_1x32", seed=1):
    model = build_model(name)
    path = seed_weights_path(settings, name, seed)
    write_atomically(path, model.save_weights)
    write_recipe(path, {"model": {"name": name}}, model)
    return model, path


def test_a_seed_is_loaded_with_the_weights_its_recipe_recorded(tmp_path):
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    model, path = saved_seed(settings)
    loaded = load_seed_model("gru_1x32", 1, settings)
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), model.get_weights()))
    assert loaded.hw3_saved_as == "gru_1x32_seed1"


def test_other_weights_or_no_recipe_are_refused_with_the_way_out(tmp_path):
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    model, path = saved_seed(settings)
    other = build_model("gru_1x32")
    other.set_weights([weight + 1.0 for weight in model.get_weights()])
    write_atomically(path, other.save_weights)  # the weights file replaced, its recipe kept
    with pytest.raises(ValueError, match="does not hold the weights its recipe recorded.*HW3_RETRAIN=gru_1x32"):
        load_seed_model("gru_1x32", 1, settings)
    path.with_name("gru_1x32_seed1.recipe.json").unlink()
    with pytest.raises(FileNotFoundError, match="has no recipe beside it"):
        load_seed_model("gru_1x32", 1, settings)
    with pytest.raises(FileNotFoundError, match="train seed 2 of gru_1x32 first"):
        load_seed_model("gru_1x32", 2, settings)
