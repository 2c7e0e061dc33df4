"""Independent float64 NumPy references of Keras's LSTMCell and GRUCell (reset_after=True) and of
the project's whole recurrent model, written from the equations; the tests compare the package
against them instead of calling the package twice."""
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_forward(x, kernel, recurrent_kernel, bias):
    """x (N, T, input) -> dict of i, f, o, g, c, h, each (N, T, units); Keras's block order i, f, c, o."""
    units = recurrent_kernel.shape[0]
    h = np.zeros((len(x), units))
    c = np.zeros((len(x), units))
    parts = {name: [] for name in ("i", "f", "o", "g", "c", "h")}
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i, f = sigmoid(z[:, :units]), sigmoid(z[:, units:2 * units])
        g, o = np.tanh(z[:, 2 * units:3 * units]), sigmoid(z[:, 3 * units:])
        c = f * c + i * g
        h = o * np.tanh(c)
        for name, value in zip(("i", "f", "o", "g", "c", "h"), (i, f, o, g, c, h)):
            parts[name].append(value)
    return {name: np.stack(values, axis=1) for name, values in parts.items()}


def gru_forward(x, kernel, recurrent_kernel, bias):
    """x (N, T, input) -> dict of z, r, candidate, h, each (N, T, units); Keras's order z, r, h."""
    units = recurrent_kernel.shape[0]
    h = np.zeros((len(x), units))
    parts = {name: [] for name in ("z", "r", "candidate", "h")}
    for t in range(x.shape[1]):
        a = x[:, t] @ kernel + bias[0]
        b = h @ recurrent_kernel + bias[1]
        z = sigmoid(a[:, :units] + b[:, :units])
        r = sigmoid(a[:, units:2 * units] + b[:, units:2 * units])
        candidate = np.tanh(a[:, 2 * units:] + r * b[:, 2 * units:])
        h = z * h + (1 - z) * candidate
        for name, value in zip(("z", "r", "candidate", "h"), (z, r, candidate, h)):
            parts[name].append(value)
    return {name: np.stack(values, axis=1) for name, values in parts.items()}


def model_weights(model):
    """The one-layer model's weights by role, as float64: projection, recurrent, hidden, logits."""
    def weights(name):
        return [np.asarray(w, np.float64) for w in model.get_layer(name).get_weights()]
    return {"projection": weights("input_projection"), "recurrent": weights("recurrent_1"),
            "hidden": weights("hidden"), "logits": weights("logits")}


def model_forward(weights, images, cell):
    """Images (N, 28, 28) -> (internals dict, logits (N, 10)) for a one-layer model given by weights."""
    projection_kernel, projection_bias = weights["projection"]
    sequences = np.asarray(images, np.float64) @ projection_kernel + projection_bias
    internals = (lstm_forward if cell == "lstm" else gru_forward)(sequences, *weights["recurrent"])
    hidden = np.maximum(np.maximum(internals["h"][:, -1], 0.0) @ weights["hidden"][0] + weights["hidden"][1], 0.0)
    return internals, hidden @ weights["logits"][0] + weights["logits"][1]
