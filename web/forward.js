// The hw3 explorer, part 1 of 3: the forward pass of the trained GRU (1x32) and LSTM (1x32), and the
// Q3 experiments on an input image, with no DOM and no library (tests load this file alone).
//
// The forward pass is the project's architecture, the same computation as Keras's layers:
//   row (28) -> Dense projection (units) -> GRU (reset_after) or LSTM -> ReLU -> Dense 64 + ReLU -> Dense 10
// read out at every step as if it were the last. Weights keep Keras's layouts: a Dense kernel is
// (inputs, outputs); the GRU's kernels are (inputs, 3 units) in blocks z, r, h with a bias (2, 3 units)
// (input bias, recurrent bias); the LSTM's are (inputs, 4 units) in blocks i, f, c, o with one bias.
// An image is a flat array of rows of 28 pixels: 28 rows, or more when blank rows are appended.
"use strict";

(() => {
  const T = 28, WIDTH = 28, CLASSES = 10;
  const sigmoid = (x) => 1 / (1 + Math.exp(-x));
  const relu = (x) => (x > 0 ? x : 0);

  // y (outputs) = x (inputs) @ kernel (inputs x outputs, row-major) + bias
  function affine(x, kernel, bias, outputs) {
    const y = bias ? Float64Array.from(bias) : new Float64Array(outputs);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const row = i * outputs;
      for (let j = 0; j < outputs; j++) y[j] += xi * kernel[row + j];
    }
    return y;
  }

  // A model's weights as Float64Arrays (made once per model, kept beside it); the GRU's bias split into
  // its input and recurrent halves.
  const TYPED = new WeakMap();
  function typed(model) {
    if (!TYPED.has(model)) {
      const w = Object.fromEntries(Object.entries(model.weights).map(([key, value]) => [key, Float64Array.from(value)]));
      if (model.cell === "gru") { w.inputBias = w.bias.slice(0, 3 * model.units); w.recurrentBias = w.bias.slice(3 * model.units); }
      TYPED.set(model, w);
    }
    return TYPED.get(model);
  }

  // One network over every row of `image` (rows x 28 numbers). Returns, per step, the logits (10), the
  // hidden state h (units) and the gates: z, r for the GRU; i, f, o and the cell state c for the LSTM.
  // `from` (optional) starts at step from.step + 1 (0-based row from.step) with the state {h, c} after
  // step from.step; the steps returned are then those from row from.step on. `lastOnly`: the head (the
  // logits) at the last step only, the others' logits left out (for row importance, which reads the last).
  function run(model, image, from = null, lastOnly = false) {
    if (!ArrayBuffer.isView(image)) image = Float64Array.from(image);
    const u = model.units, w = typed(model), rows = image.length / WIDTH;
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`an image is rows of ${WIDTH} pixels; got ${image.length} numbers`);
    let h = from ? from.h : new Float64Array(u), c = from && from.c ? from.c : new Float64Array(u);
    const steps = [];
    for (let t = from ? from.step : 0; t < rows; t++) {
      const x = affine(image.subarray(t * WIDTH, (t + 1) * WIDTH), w.projection_kernel, w.projection_bias, u);
      const step = {};
      if (model.cell === "gru") {
        const a = affine(x, w.kernel, w.inputBias, 3 * u); // input part, with the input bias
        const b = affine(h, w.recurrent_kernel, w.recurrentBias, 3 * u); // recurrent part, recurrent bias
        const next = new Float64Array(u), z = new Float64Array(u), r = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          z[j] = sigmoid(a[j] + b[j]);
          r[j] = sigmoid(a[u + j] + b[u + j]);
          const candidate = Math.tanh(a[2 * u + j] + r[j] * b[2 * u + j]); // reset after the product
          next[j] = z[j] * h[j] + (1 - z[j]) * candidate;
        }
        h = next;
        Object.assign(step, { z, r });
      } else {
        const a = affine(x, w.kernel, w.bias, 4 * u);
        const b = affine(h, w.recurrent_kernel, null, 4 * u);
        const nextH = new Float64Array(u), nextC = new Float64Array(u);
        const i = new Float64Array(u), f = new Float64Array(u), o = new Float64Array(u);
        for (let j = 0; j < u; j++) {
          i[j] = sigmoid(a[j] + b[j]);
          f[j] = sigmoid(a[u + j] + b[u + j]);
          const g = Math.tanh(a[2 * u + j] + b[2 * u + j]);
          o[j] = sigmoid(a[3 * u + j] + b[3 * u + j]);
          nextC[j] = f[j] * c[j] + i[j] * g;
          nextH[j] = o[j] * Math.tanh(nextC[j]);
        }
        h = nextH;
        c = nextC;
        Object.assign(step, { i, f, o, c });
      }
      if (!lastOnly || t === rows - 1) {
        const hidden = affine(h.map(relu), w.hidden_kernel, w.hidden_bias, w.hidden_bias.length).map(relu);
        step.logits = affine(hidden, w.logits_kernel, w.logits_bias, CLASSES);
      }
      step.h = h;
      steps.push(step);
    }
    return steps;
  }

  function softmax(logits) {
    const top = Math.max(...logits);
    const e = Array.from(logits, (v) => Math.exp(v - top));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  }

  const argmax = (values) => Array.from(values).reduce((best, v, k, all) => (v > all[best] ? k : best), 0);

  // The first step (1..steps) from which the predicted class never changes again.
  function decisionStep(steps) {
    const final = argmax(steps[steps.length - 1].logits);
    let step = steps.length;
    while (step > 1 && argmax(steps[step - 2].logits) === final) step--;
    return step;
  }

  // --- The Q3 experiments on an input (as hw3/controls.py and hw3/data.py do them) ------------------
  const rowsOf = (image) => image.length / WIDTH;

  // Moved `down` rows down (< 0: up) and `right` columns right (< 0: left); vacated pixels blank, ink
  // pushed out of the frame lost (controls.shift_rows, controls.shift_columns).
  function shifted(image, down, right) {
    const rows = rowsOf(image), moved = new Float64Array(image.length);
    for (let r = 0; r < rows; r++) {
      const source = r - down;
      if (source < 0 || source >= rows) continue;
      for (let col = 0; col < WIDTH; col++) {
        const from = col - right;
        if (from >= 0 && from < WIDTH) moved[r * WIDTH + col] = image[source * WIDTH + from];
      }
    }
    return moved;
  }

  // The rows in `blanked` (0-based) set to zero (controls.row_occlusion_accuracy, one row at a time).
  function withRowsBlanked(image, blanked) {
    const copy = Float64Array.from(image);
    for (const r of blanked) if (r >= 0 && r < rowsOf(image)) copy.fill(0, r * WIDTH, (r + 1) * WIDTH);
    return copy;
  }

  // `extra` blank rows after the image's rows (data.with_blank_rows).
  function withAppendedRows(image, extra) {
    const longer = new Float64Array(image.length + extra * WIDTH);
    longer.set(image);
    return longer;
  }

  // The input a reader sees: moved, then rows blanked, then blank rows appended.
  function experimentInput(image, { down = 0, right = 0, blanked = [], appended = 0 } = {}) {
    return withAppendedRows(withRowsBlanked(shifted(image, down, right), blanked), appended);
  }

  // Per row: how much the probability of class `reference` (default: the class named after the last row)
  // drops when that row alone is blanked (a blank row costs nothing). Blanking row r changes nothing
  // before it, so each pass starts from the unblanked run's state after row r - 1.
  // Returns {final, reference, probability (of the reference), drops (rows)}.
  function rowImportance(model, image, reference = null, steps = null) {
    const last = (s) => softmax(s[s.length - 1].logits);
    image = Float64Array.from(image);
    steps = steps || run(model, image);
    const base = last(steps), final = argmax(base), k = reference === null ? final : reference, rows = rowsOf(image);
    const drops = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      if (!image.subarray(r * WIDTH, (r + 1) * WIDTH).some((v) => v !== 0)) continue;
      const blanked = withRowsBlanked(image, [r]);
      const from = r ? { step: r, h: steps[r - 1].h, c: steps[r - 1].c } : null;
      drops[r] = base[k] - last(run(model, blanked, from, true))[k];
    }
    return { final, reference: k, probability: base[k], drops: Array.from(drops) };
  }

  // One unit's update at one step (1-based t, unit j), with every number that goes into it: for the GRU
  // the input and state parts of z, r and the candidate (biases included as Keras adds them), h(t-1)
  // and h(t); for the LSTM those of i, f, o and g, c(t-1), c(t) and h(t).
  function unitUpdate(model, image, t, j) {
    const u = model.units, w = typed(model), steps = run(model, Float64Array.from(image).subarray(0, t * WIDTH));
    const before = t > 1 ? steps[t - 2] : null, hPrev = before ? before.h : new Float64Array(u);
    const x = affine(Float64Array.from(image).subarray((t - 1) * WIDTH, t * WIDTH), w.projection_kernel, w.projection_bias, u);
    const now = steps[t - 1];
    if (model.cell === "gru") {
      const a = affine(x, w.kernel, w.inputBias, 3 * u), b = affine(hPrev, w.recurrent_kernel, w.recurrentBias, 3 * u);
      return { cell: "gru", t, j, zIn: a[j], zState: b[j], z: now.z[j], rIn: a[u + j], rState: b[u + j], r: now.r[j],
               candidateIn: a[2 * u + j], candidateState: b[2 * u + j], candidate: Math.tanh(a[2 * u + j] + now.r[j] * b[2 * u + j]),
               hPrev: hPrev[j], h: now.h[j] };
    }
    const a = affine(x, w.kernel, w.bias, 4 * u), b = affine(hPrev, w.recurrent_kernel, null, 4 * u);
    const cPrev = before ? before.c[j] : 0;
    return { cell: "lstm", t, j, iIn: a[j], iState: b[j], i: now.i[j], fIn: a[u + j], fState: b[u + j], f: now.f[j],
             gIn: a[2 * u + j], gState: b[2 * u + j], g: Math.tanh(a[2 * u + j] + b[2 * u + j]), oIn: a[3 * u + j], oState: b[3 * u + j],
             o: now.o[j], cPrev, c: now.c[j], hPrev: hPrev[j], h: now.h[j] };
  }

  // For the tests: logits (N, rows, 10) of many images, as plain nested arrays.
  function stepwiseLogits(modelName, images) {
    const model = globalThis.HW3_DATA.models[modelName];
    return images.map((image) => run(model, Float64Array.from(image)).map((step) => Array.from(step.logits)));
  }

  globalThis.hw3 = Object.assign(globalThis.hw3 || {}, {
    T, WIDTH, CLASSES, run, softmax, argmax, decisionStep, shifted, withRowsBlanked, withAppendedRows,
    experimentInput, rowImportance, unitUpdate, stepwiseLogits,
  });
})();
