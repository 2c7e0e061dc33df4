"""Ablations against an independent NumPy forward pass with the edited weights, and the stored
bonus results recomputed from their definitions."""
import json

import numpy as np
import pytest

from hw3.ablation import forget_ablation, halved_forget_accuracy, silenced_unit_accuracy
from hw3.models import build_model
from hw3.settings import PROJECT_DIR
from numpy_reference import model_forward, model_weights


@pytest.fixture(scope="module")
def results():
    return json.loads((PROJECT_DIR / "results" / "results.json").read_text())["analysis"]


def numpy_accuracy(weights, images, labels, cell):
    return float((model_forward(weights, images, cell)[1].argmax(-1) == labels).mean())


def silenced(weights, unit):
    """Weights with unit's output read by nobody: row `unit` of the recurrent and hidden kernels zero."""
    edited = {role: [w.copy() for w in values] for role, values in weights.items()}
    edited["recurrent"][1][unit, :] = 0.0
    edited["hidden"][0][unit, :] = 0.0
    return edited


@pytest.mark.parametrize("name", ["gru_1x32", "lstm_1x32"])
def test_silenced_unit_accuracy_matches_numpy_on_a_sample(name, trained_models, mnist):
    images, labels = mnist.x_test[:400], mnist.y_test[:400]
    accuracy = silenced_unit_accuracy(trained_models[name], images, labels)
    assert accuracy.shape == (32,)
    weights = model_weights(trained_models[name])
    cell = name.split("_")[0]
    for unit in (0, int(np.argmin(accuracy)), 31):
        assert accuracy[unit] == pytest.approx(numpy_accuracy(silenced(weights, unit), images, labels, cell), abs=1 / 400)
    assert accuracy.min() < numpy_accuracy(weights, images, labels, cell), "silencing a unit must cost something"


def test_halved_forget_gate_matches_numpy(trained_models, mnist):
    images, labels = mnist.x_test[:400], mnist.y_test[:400]
    model = trained_models["lstm_1x32"]
    [accuracy] = halved_forget_accuracy(model, images, labels, [[3, 7]])
    weights = model_weights(model)
    for unit in (3, 7):  # forget block = columns 32..63: zero weights and bias give f = sigmoid(0) = 0.5
        weights["recurrent"][0][:, 32 + unit] = 0.0
        weights["recurrent"][1][:, 32 + unit] = 0.0
        weights["recurrent"][2][32 + unit] = 0.0
    internals, logits = model_forward(weights, images, "lstm")
    np.testing.assert_allclose(internals["f"][:, :, [3, 7]], 0.5)
    assert accuracy == pytest.approx(float((logits.argmax(-1) == labels).mean()), abs=1 / 400)


def test_forget_ablation_draws_other_units_and_reports_the_comparison(trained_models, mnist):
    report = forget_ablation(trained_models["lstm_1x32"], mnist.x_test[:200], mnist.y_test[:200], [1, 2], draws=3)
    assert len(report["random_drops"]) == 3 and all(len(chosen) == 2 for chosen in report["random_units"])
    assert all(not {1, 2} & set(chosen) for chosen in report["random_units"])
    assert report["drop"] == pytest.approx(report["full_accuracy"] - report["accuracy"])


def test_ablations_reject_stacked_models_and_gru_forget_gates(trained_models, mnist):
    with pytest.raises(ValueError, match="one-layer model; 'gru_3x32' has 3"):
        silenced_unit_accuracy(build_model("gru_3x32"), mnist.x_test[:4], mnist.y_test[:4])
    with pytest.raises(ValueError, match="no forget gate; pass an LSTM"):
        halved_forget_accuracy(trained_models["gru_1x32"], mnist.x_test[:4], mnist.y_test[:4], [[0]])


# --- The stored numbers, recomputed from their definitions on all 10,000 test images ------------

@pytest.fixture(scope="module")
def full_forward(trained_models, mnist):
    return {name: model_forward(model_weights(trained_models[name]), mnist.x_test, name.split("_")[0])
            for name in ("gru_1x32", "lstm_1x32")}


def test_stored_unit_ablation_recomputes(results, trained_models, mnist):
    for name in ("gru_1x32", "lstm_1x32"):
        stored = results["unit_ablation"][name]
        assert len(stored) == 32
        weights = model_weights(trained_models[name])
        for unit in (results["unit_ablation_summary"][name]["costliest_unit"], 0):
            recomputed = numpy_accuracy(silenced(weights, unit), mnist.x_test, mnist.y_test, name.split("_")[0])
            assert stored[unit] == pytest.approx(recomputed, abs=2e-4), (name, unit)


def test_stored_retention_recomputes(results, full_forward):
    forget = full_forward["lstm_1x32"][0]["f"]  # (N, 28, 32), float64 reference
    stored = np.array(results["lstm_1x32"]["retention"])
    assert stored.shape == (32, 28)
    for t in (1, 14, 27, 28):  # retention from step t: mean over images of prod_{s=t+1..28} f_s
        expected = np.prod(forget[:, t:, :], axis=1).mean(axis=0)
        np.testing.assert_allclose(stored[:, t - 1], expected, atol=1e-4)


def test_stored_relu_share_and_gate_split_recompute(results, full_forward, mnist):
    for name in ("gru_1x32", "lstm_1x32"):
        last = full_forward[name][0]["h"][:, -1]
        np.testing.assert_allclose(results["relu_zeroed"][name], (last <= 0).mean(axis=0), atol=2e-4)
    blank = mnist.x_test.sum(axis=2) == 0
    output_gate = full_forward["lstm_1x32"][0]["o"]
    assert results["gates_by_row"]["LSTM o"]["trained"]["ink"]["mean"] == pytest.approx(output_gate[~blank].mean(), abs=1e-3)
    assert results["gates_by_row"]["LSTM o"]["trained"]["blank"]["mean"] == pytest.approx(output_gate[blank].mean(), abs=1e-3)


def test_forget_ablation_reports_drops_against_random_sets_with_ties_counted(monkeypatch):
    """Stand-ins: the full model scores 0.912345678 (more decimals than stored); halving a set of
    units costs (sum of the units) / 70. Chosen units {0, 5} cost 5/70; random pairs from {1, 2, 3, 4}
    summing to 5 tie and count as 'at least as large'. The 20 draws (seed 0) are distinct pairs of distinct units."""
    import hw3.ablation as ablation

    full = 0.912345678

    class Layer:
        units = 6

    def halved(model, images, labels, unit_sets):
        assert len(labels) == len(images)
        return np.array([full - sum(units) / 70 for units in unit_sets])

    monkeypatch.setattr(ablation, "recurrent_layers", lambda model: [Layer()])
    monkeypatch.setattr(ablation, "model_accuracy", lambda model, images, labels, batch_size=None: full + 0 * len(labels))
    monkeypatch.setattr(ablation, "halved_forget_accuracy", halved)
    report = forget_ablation(None, np.zeros((2, 28, 28), np.float32), np.array([1, 2]), [5, 0])
    assert report["units"] == [5, 0] and report["full_accuracy"] == 0.912346
    assert report["accuracy"] == round(full - 5 / 70, 6) and report["drop"] == round(5 / 70, 6)
    random_units = report["random_units"]
    rng = np.random.default_rng(0)
    assert random_units == [sorted(int(j) for j in rng.choice([1, 2, 3, 4], size=2, replace=False)) for _ in range(20)]
    assert all(len(set(pair)) == 2 and not {0, 5} & set(pair) for pair in random_units)
    drops = np.array([full - (full - sum(pair) / 70) for pair in random_units])
    assert report["random_drops"] == [round(float(d), 6) for d in drops]
    assert report["random_drop_mean"] == round(float(drops.mean()), 6)
    assert report["random_drop_std"] == round(float(drops.std(ddof=1)), 6)
    ties = sum(sum(pair) == 5 for pair in random_units)
    assert 0 < ties < 20 and report["random_drops_at_least_as_large"] == sum(sum(pair) >= 5 for pair in random_units)
    assert set(report) == {"units", "full_accuracy", "accuracy", "drop", "random_units", "random_drops",
                           "random_drop_mean", "random_drop_std", "random_drops_at_least_as_large"}
