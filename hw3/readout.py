"""Read-out at every step: a copy of a trained recurrent model whose layers return all 28 steps, the
classification head applied to each step as if it were the last, and the decision step per image.

Imports from the package: settings, data, models.
"""
from __future__ import annotations

import keras
import numpy as np

from hw3.data import accuracy, check_image_batch
from hw3.models import recurrent_layers
from hw3.settings import NUM_CLASSES, ROW_WIDTH, SEQUENCE_LENGTH

HEAD_LAYERS = ("recurrent_relu", "hidden", "logits")  # what follows the last recurrent layer


def copy_layer(layer: keras.layers.Layer, input_shape: tuple, **overrides) -> keras.layers.Layer:
    """A fresh layer with the same configuration (plus overrides) and the same trained weights."""
    config = {**layer.get_config(), **overrides}
    config["name"] = f"{layer.name}_copy"
    copy = layer.__class__.from_config(config)
    copy(keras.Input(shape=input_shape))
    copy.set_weights(layer.get_weights())
    return copy


def every_step_model(model: keras.Model, layers: int | None = None, head: bool = True,
                     steps: int | None = SEQUENCE_LENGTH) -> keras.Model:
    """A copy of a recurrent model (same weights) whose recurrent layers return every step.

    images (N, 28, 28) -> the variant's reading order, if any, then the input projection and the first `layers` recurrent layers (all of them
    by default), (N, 28, units). With `head` (only when all layers are kept) the model returns
    [those outputs, logits (N, 28, 10)]: the classification head applied at each step.
    `steps=None` accepts sequences of any length T (N, T, 28), with outputs (N, T, ...).
    """
    stack = recurrent_layers(model)
    layers = len(stack) if layers is None else layers
    if head and layers != len(stack):
        raise ValueError("the classification head reads the top recurrent layer; keep all layers with head=True.")
    inputs = keras.Input(shape=(steps, ROW_WIDTH))
    x = inputs
    if any(layer.name == "reading_order" for layer in model.layers):  # a variant: same images, other order
        if steps != SEQUENCE_LENGTH:
            raise ValueError(f"{model.name!r} reorders the 28 rows of an image; it reads exactly "
                             f"{SEQUENCE_LENGTH} steps, so pass steps={SEQUENCE_LENGTH}.")
        x = model.get_layer("reading_order")(x)  # shared, frozen: no copy needed
    x = copy_layer(model.get_layer("input_projection"), (steps, ROW_WIDTH))(x)
    for layer in stack[:layers]:
        x = copy_layer(layer, tuple(x.shape[1:]), return_sequences=True)(x)
    if not head:
        return keras.Model(inputs, x, name=f"{model.name}_first_{layers}_layers")
    sequence_outputs = x
    for name in HEAD_LAYERS:
        x = copy_layer(model.get_layer(name), tuple(x.shape[1:]))(x)
    return keras.Model(inputs, [sequence_outputs, x], name=f"{model.name}_stepwise")


def model_accuracy(model: keras.Model, images: np.ndarray, labels: np.ndarray, batch_size: int = 1000) -> float:
    """Test accuracy of a model's final prediction on images (N, 28, 28)."""
    return accuracy(model.predict(check_image_batch(images), batch_size=batch_size, verbose=0), labels)


def stepwise_readout(model: keras.Model, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top recurrent layer outputs (N, 28, units) and per-step logits (N, 28, 10), in one pass."""
    outputs, logits = every_step_model(model).predict(check_image_batch(images), batch_size=1000, verbose=0)
    return outputs, logits


def stepwise_logits(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Logits (N, 28, 10) when each step's output is read out as if it were the last."""
    return stepwise_readout(model, images)[1]


def stepwise_accuracy(step_logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Accuracy (T,) of the per-step predictions; step_logits (N, T, 10), labels (N,)."""
    if step_logits.ndim != 3 or len(step_logits) != len(labels):
        raise ValueError(f"need step_logits (N, T, classes) and labels (N,); got {step_logits.shape}, {np.shape(labels)}.")
    return accuracy(step_logits, labels)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities over the last axis, computed stably: (..., 10) -> (..., 10)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def decision_steps(step_logits: np.ndarray) -> np.ndarray:
    """For each image, the first step (1..T) from which the predicted class never changes again.

    step_logits (N, T, 10) -> (N,) integers; T means the prediction changed at the last step.
    """
    predictions = step_logits.argmax(-1)
    changed = predictions != predictions[:, -1:]
    steps = predictions.shape[1]
    last_change = np.where(changed.any(axis=1), steps - 1 - np.argmax(changed[:, ::-1], axis=1), -1)
    return last_change + 2


def decision_step_summary(steps: np.ndarray, labels: np.ndarray, correct: np.ndarray) -> dict:
    """Median, mean and quartiles of the decision step per true class, plus overall figures."""
    per_class = {}
    for digit in range(NUM_CLASSES):
        chosen = steps[labels == digit]
        per_class[str(digit)] = {
            "count": int(len(chosen)), "mean": round(float(chosen.mean()), 3) if len(chosen) else None,
            "median": float(np.median(chosen)) if len(chosen) else None,
            "quartiles": [float(q) for q in np.percentile(chosen, [25, 75])] if len(chosen) else None,
        }
    return {
        "per_class": per_class,
        "mean": round(float(steps.mean()), 3), "median": float(np.median(steps)),
        "mean_when_correct": round(float(steps[correct].mean()), 3) if correct.any() else None,
        "mean_when_wrong": round(float(steps[~correct].mean()), 3) if (~correct).any() else None,
        "share_decided_by_step": {str(t): round(float((steps <= t).mean()), 4) for t in (14, 18, 22, 24, 26, 27)},
    }


def drawing_readouts(stepwise_models: dict[str, keras.Model], image: np.ndarray) -> dict[str, dict]:
    """What each model reads out of one image (28, 28) at every step.

    stepwise_models: {label: every_step_model(model)}. Returns {label: {'probabilities' (28, 10),
    'prediction' (the class at step 28), 'decision_step' (first step from which it never changes)}}.
    """
    batch = check_image_batch(np.asarray(image)[None])
    readouts = {}
    for label, model in stepwise_models.items():
        logits = np.asarray(model.predict_on_batch(batch)[1])  # (1, 28, 10); compiled once, then fast
        readouts[label] = {"probabilities": softmax(logits[0]), "prediction": int(logits[0, -1].argmax()),
                           "decision_step": int(decision_steps(logits)[0])}
    return readouts
