// The hw3 explorer: the trained GRU (1x32) and LSTM (1x32) running in the page, with no server and no
// library. exporter data (weights, test images) is inlined by hw3/explorer.py as window.HW3_DATA.
//
// The forward pass is the project's architecture, the same computation as Keras's layers:
//   row (28) -> Dense projection (units) -> GRU (reset_after) or LSTM -> ReLU -> Dense 64 + ReLU -> Dense 10
// read out at every step as if it were the last. Weights keep Keras's layouts: a Dense kernel is
// (inputs, outputs); the GRU's kernels are (inputs, 3 units) in blocks z, r, h with a bias (2, 3 units)
// (input bias, recurrent bias); the LSTM's are (inputs, 4 units) in blocks i, f, c, o with one bias.
// The drawing pad prepares a drawing as hw3/data.py does: strokes_to_canvas, then canvas_to_mnist
// (bounding box scaled to 20 px with Pillow's Lanczos filter, centre of mass centred, threshold 0.1).
"use strict";

const hw3 = (() => {
  const T = 28, WIDTH = 28, CLASSES = 10;
  const sigmoid = (x) => 1 / (1 + Math.exp(-x));
  const relu = (x) => (x > 0 ? x : 0);

  // --- Linear algebra on flat arrays ------------------------------------------------------------
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

  // --- The two networks -------------------------------------------------------------------------
  // image: 784 numbers (28 rows of 28 pixels). Returns, per step t = 1..28, the logits (10), the
  // hidden state h_t (units) and, for the LSTM, its gates i, f, o and cell state c.
  function run(model, image) {
    const u = model.units, w = model.weights;
    let h = new Float64Array(u), c = new Float64Array(u);
    const steps = [];
    for (let t = 0; t < T; t++) {
      const x = affine(image.slice(t * WIDTH, (t + 1) * WIDTH), w.projection_kernel, w.projection_bias, u);
      const step = {};
      if (model.cell === "gru") {
        const a = affine(x, w.kernel, w.bias.slice(0, 3 * u), 3 * u); // input part, with the input bias
        const b = affine(h, w.recurrent_kernel, w.bias.slice(3 * u), 3 * u); // recurrent part, recurrent bias
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
      const hidden = affine(h.map(relu), w.hidden_kernel, w.hidden_bias, w.hidden_bias.length).map(relu);
      step.logits = affine(hidden, w.logits_kernel, w.logits_bias, CLASSES);
      step.h = h;
      steps.push(step);
    }
    return steps;
  }

  function softmax(logits) {
    const top = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - top));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  }

  const argmax = (values) => values.reduce((best, v, k) => (v > values[best] ? k : best), 0);

  // The first step (1..28) from which the predicted class never changes again.
  function decisionStep(steps) {
    const final = argmax(steps[T - 1].logits);
    let step = T;
    while (step > 1 && argmax(steps[step - 2].logits) === final) step--;
    return step;
  }

  // For the tests: logits (N, 28, 10) of many images, as plain nested arrays.
  function stepwiseLogits(modelName, images) {
    const model = window.HW3_DATA.models[modelName];
    return images.map((image) => run(model, Float64Array.from(image)).map((step) => Array.from(step.logits)));
  }

  // --- Drawing pad preprocessing, as hw3/data.py ------------------------------------------------
  const CANVAS = 280, STROKE = 22;

  // strokes: [[[x, y], ...], ...] in pad pixels -> Float32Array(280 * 280) of ink in [0, 1]
  function strokesToCanvas(strokes) {
    const canvas = new Float64Array(CANVAS * CANVAS);
    const radius = STROKE / 2, reach = Math.ceil(radius + 1.5);
    for (const stroke of strokes) {
      if (!stroke.length) continue;
      const segments = stroke.length > 1 ? stroke.slice(1).map((p, k) => [stroke[k], p]) : [[stroke[0], stroke[0]]];
      for (const [[x0, y0], [x1, y1]] of segments) {
        const top = Math.max(0, Math.trunc(Math.min(y0, y1)) - reach), bottom = Math.min(CANVAS, Math.trunc(Math.max(y0, y1)) + reach + 1);
        const left = Math.max(0, Math.trunc(Math.min(x0, x1)) - reach), right = Math.min(CANVAS, Math.trunc(Math.max(x0, x1)) + reach + 1);
        const dx = x1 - x0, dy = y1 - y0, length = dx * dx + dy * dy;
        for (let row = top; row < bottom; row++) {
          for (let column = left; column < right; column++) {
            const px = column + 0.5, py = row + 0.5;
            const along = length ? Math.min(1, Math.max(0, ((px - x0) * dx + (py - y0) * dy) / length)) : 0;
            const distance = Math.hypot(px - (x0 + along * dx), py - (y0 + along * dy));
            const ink = Math.min(1, Math.max(0, radius + 0.5 - distance));
            const index = row * CANVAS + column;
            if (ink > canvas[index]) canvas[index] = ink;
          }
        }
      }
    }
    return Float32Array.from(canvas);
  }

  // Pillow's Lanczos resampling of an 8-bit image, integer arithmetic and all (libImaging/Resample.c).
  const PRECISION = 22;
  const lanczos = (x) => {
    const sinc = (v) => (v === 0 ? 1 : Math.sin(v * Math.PI) / (v * Math.PI));
    return -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0;
  };
  function coefficients(inSize, outSize) {
    const scale = inSize / outSize, filterscale = Math.max(scale, 1), support = 3 * filterscale, ss = 1 / filterscale;
    const result = [];
    for (let xx = 0; xx < outSize; xx++) {
      const center = (xx + 0.5) * scale;
      const xmin = Math.max(0, Math.trunc(center - support + 0.5));
      const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
      let weights = [], total = 0;
      for (let x = 0; x < xmax; x++) {
        const w = lanczos((x + xmin - center + 0.5) * ss);
        weights.push(w);
        total += w;
      }
      if (total !== 0) weights = weights.map((w) => w / total);
      const fixed = weights.map((w) => Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION) : 0.5 + w * (1 << PRECISION)));
      result.push({ xmin, fixed });
    }
    return result;
  }
  const clip8 = (sum) => Math.min(255, Math.max(0, sum >> PRECISION));
  // One pass along rows (horizontal) or columns (vertical) of a (height x width) 8-bit image.
  function horizontalPass(image, width, rows, rowOffset, newWidth, coefficientsX) {
    const out = new Uint8Array(newWidth * rows);
    for (let y = 0; y < rows; y++) {
      for (let xx = 0; xx < newWidth; xx++) {
        const { xmin, fixed } = coefficientsX[xx];
        let sum = 1 << (PRECISION - 1);
        for (let x = 0; x < fixed.length; x++) sum += image[(y + rowOffset) * width + x + xmin] * fixed[x];
        out[y * newWidth + xx] = clip8(sum);
      }
    }
    return out;
  }
  function verticalPass(image, width, newHeight, coefficientsY, rowShift) {
    const out = new Uint8Array(width * newHeight);
    for (let yy = 0; yy < newHeight; yy++) {
      const { xmin, fixed } = coefficientsY[yy];
      for (let xx = 0; xx < width; xx++) {
        let sum = 1 << (PRECISION - 1);
        for (let y = 0; y < fixed.length; y++) sum += image[(y + xmin - rowShift) * width + xx] * fixed[y];
        out[yy * width + xx] = clip8(sum);
      }
    }
    return out;
  }
  // Pillow 13's two-pass resize: the vertical pass first when the height shrinks by more than twice
  // as many pixels as the width; otherwise the horizontal pass first, over the rows the vertical one uses.
  function resizeLanczos(pixels, width, height, newWidth, newHeight) {
    const needHorizontal = newWidth !== width, needVertical = newHeight !== height;
    const horizontalFirst = !((height - newHeight) > 0 && (height - newHeight) > (width - newWidth) * 2);
    const coefficientsY = coefficients(height, newHeight);
    const coefficientsX = needHorizontal ? coefficients(width, newWidth) : null;
    let image = pixels;
    if (horizontalFirst) {
      let first = 0, rows = height;
      if (needHorizontal) {
        first = coefficientsY[0].xmin;
        rows = coefficientsY[newHeight - 1].xmin + coefficientsY[newHeight - 1].fixed.length - first;
        image = horizontalPass(image, width, rows, first, newWidth, coefficientsX);
      }
      if (needVertical) image = verticalPass(image, needHorizontal ? newWidth : width, newHeight, coefficientsY, first);
    } else {
      if (needVertical) image = verticalPass(image, width, newHeight, coefficientsY, 0);
      if (needHorizontal) image = horizontalPass(image, width, newHeight, 0, newWidth, coefficientsX);
    }
    return image;
  }

  // Float32Array(280 * 280) drawing -> Float64Array(784) binary image, or null for an empty drawing.
  function canvasToMnist(canvas, size = CANVAS, threshold = 0.1) {
    let top = size, bottom = -1, left = size, right = -1;
    for (let row = 0; row < size; row++) {
      for (let column = 0; column < size; column++) {
        if (canvas[row * size + column] > 0) {
          top = Math.min(top, row); bottom = Math.max(bottom, row);
          left = Math.min(left, column); right = Math.max(right, column);
        }
      }
    }
    if (bottom < 0) return null;
    const cropHeight = bottom - top + 1, cropWidth = right - left + 1;
    const crop = new Uint8Array(cropHeight * cropWidth);
    for (let row = 0; row < cropHeight; row++) {
      for (let column = 0; column < cropWidth; column++) {
        const value = Math.min(1, Math.max(0, canvas[(row + top) * size + column + left]));
        crop[row * cropWidth + column] = Math.trunc(Math.fround(Math.fround(value) * 255)); // float32, as numpy
      }
    }
    const scale = 20 / Math.max(cropHeight, cropWidth);
    const roundHalfEven = (v) => { const r = Math.round(v); return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; };
    const height = Math.max(1, roundHalfEven(cropHeight * scale)), width = Math.max(1, roundHalfEven(cropWidth * scale));
    const resized = resizeLanczos(crop, cropWidth, cropHeight, width, height);
    const digit = Array.from(resized, (v) => Math.fround(v / 255)); // float32, as numpy
    // The centre of mass exactly as numpy computes it in hw3/data.py (float32 sums in numpy's order,
    // then float64), so that a drawing whose centre falls on a half pixel is placed the same way.
    const rowSums = [], columnSums = [];
    for (let row = 0; row < height; row++) rowSums.push(pairwiseSum(digit.slice(row * width, (row + 1) * width), Math.fround));
    for (let column = 0; column < width; column++) {
      const values = Array.from({ length: height }, (_, row) => digit[row * width + column]);
      columnSums.push(width === 1 ? pairwiseSum(values, Math.fround) : values.reduce((a, v) => Math.fround(a + v)));
    }
    const total = pairwiseSum(digit, Math.fround);
    if (total === 0) return null;
    const rowMoment = pairwiseSum(rowSums.map((v, k) => v * k), (v) => v);
    const columnMoment = pairwiseSum(columnSums.map((v, k) => v * k), (v) => v);
    const shiftTop = roundHalfEven(13.5 - rowMoment / total), shiftLeft = roundHalfEven(13.5 - columnMoment / total);
    const image = new Float64Array(T * WIDTH);
    for (let row = 0; row < height; row++) {
      for (let column = 0; column < width; column++) {
        const r = row + shiftTop, c = column + shiftLeft;
        if (r >= 0 && r < T && c >= 0 && c < WIDTH && digit[row * width + column] > threshold) image[r * WIDTH + c] = 1;
      }
    }
    return image;
  }

  const prepareDrawing = (strokes) => canvasToMnist(strokesToCanvas(strokes));

  // numpy's pairwise summation (blocks of 8 partial sums, halves beyond 128 values); `round` is
  // Math.fround for float32 arrays, the identity for float64 ones.
  function pairwiseSum(values, round) {
    const n = values.length;
    if (n < 8) return values.reduce((sum, v) => round(sum + v), round(0));
    if (n <= 128) {
      const partial = values.slice(0, 8).map(round);
      let i = 8;
      for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) partial[j] = round(partial[j] + values[i + j]);
      let sum = round(round(round(partial[0] + partial[1]) + round(partial[2] + partial[3]))
                      + round(round(partial[4] + partial[5]) + round(partial[6] + partial[7])));
      for (; i < n; i++) sum = round(sum + values[i]);
      return sum;
    }
    let half = Math.floor(n / 2);
    half -= half % 8;
    return round(pairwiseSum(values.slice(0, half), round) + pairwiseSum(values.slice(half), round));
  }

  return { run, softmax, argmax, decisionStep, stepwiseLogits, strokesToCanvas, canvasToMnist, prepareDrawing, resizeLanczos, pairwiseSum, T, WIDTH, CLASSES };
})();
window.hw3 = hw3;

// --- The page ----------------------------------------------------------------------------------
(() => {
  const data = window.HW3_DATA;
  const names = ["gru_1x32", "lstm_1x32"];
  const $ = (id) => document.getElementById(id);
  const BLUE_RED = (v) => { // -1 blue, 0 white, +1 red
    const x = Math.max(-1, Math.min(1, v));
    const a = Math.round(255 * (1 - Math.abs(x)));
    return x >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`;
  };
  const GREYS = (v) => { const a = Math.round(255 * (1 - Math.max(0, Math.min(1, v)))); return `rgb(${a},${a},${a})`; };
  const GREENS = (v) => { const x = Math.max(0, Math.min(1, v)); return `rgb(${Math.round(255 - 235 * x)},${Math.round(255 - 135 * x)},${Math.round(255 - 200 * x)})`; };

  function drawImage(canvas, image, row) {
    const g = canvas.getContext("2d"), cell = canvas.width / 28;
    g.clearRect(0, 0, canvas.width, canvas.height);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) {
      g.fillStyle = image[r * 28 + c] > 0 ? "#000" : "#fff";
      g.fillRect(c * cell, r * cell, cell, cell);
    }
    if (row !== null) { g.strokeStyle = "#e4572e"; g.lineWidth = 2; g.strokeRect(0, row * cell, canvas.width, cell); }
  }

  // values: rows (steps) of numbers; only the first `shown` rows are drawn
  function drawHeatmap(canvas, rows, shown, colour) {
    const g = canvas.getContext("2d"), cw = canvas.width / rows[0].length, ch = canvas.height / 28;
    g.fillStyle = "#f4f4f4"; g.fillRect(0, 0, canvas.width, canvas.height);
    for (let t = 0; t < shown; t++) for (let j = 0; j < rows[t].length; j++) {
      g.fillStyle = colour(rows[t][j]); g.fillRect(j * cw, t * ch, Math.ceil(cw), Math.ceil(ch));
    }
  }

  function drawReadout(canvas, steps, shown, decision) {
    const probabilities = steps.map((s) => hw3.softmax(Array.from(s.logits)));
    drawHeatmap(canvas, probabilities, shown, GREENS);
    const g = canvas.getContext("2d"), ch = canvas.height / 28;
    if (decision <= shown) { g.strokeStyle = "#e4572e"; g.setLineDash([4, 3]); g.beginPath(); g.moveTo(0, (decision - 1) * ch); g.lineTo(canvas.width, (decision - 1) * ch); g.stroke(); g.setLineDash([]); }
    return probabilities;
  }

  function panel(root, name, steps, image, shown) {
    const model = data.models[name];
    const box = root.querySelector(`[data-model="${name}"]`);
    drawImage(box.querySelector(".image"), image, shown >= 1 ? shown - 1 : null);
    drawHeatmap(box.querySelector(".state"), steps.map((s) => Array.from(s.h)), shown, BLUE_RED);
    if (model.cell === "lstm") {
      for (const gate of ["i", "f", "o"]) drawHeatmap(box.querySelector(`.gate-${gate}`), steps.map((s) => Array.from(s[gate])), shown, GREYS);
    }
    const decision = hw3.decisionStep(steps);
    const probabilities = drawReadout(box.querySelector(".readout"), steps, shown, decision);
    const now = probabilities[Math.max(0, shown - 1)];
    const best = hw3.argmax(now);
    box.querySelector(".reading").textContent = shown >= 1
      ? `step ${shown}: reads ${best} (${(100 * now[best]).toFixed(0)}%); final ${hw3.argmax(probabilities[27])}, decided at step ${decision}`
      : "";
  }

  // One panel per network: the image with the current row, the state, the LSTM's gates, the read-out.
  function makePanels(container) {
    for (const name of names) {
      const model = data.models[name];
      const box = document.createElement("div");
      box.className = "model";
      box.dataset.model = name;
      const canvases = [["image", "image, current row", 112, 112], ["state", "h_t (units)", model.units * 3, 112]];
      if (model.cell === "lstm") for (const gate of ["i", "f", "o"]) canvases.push([`gate-${gate}`, `${gate}_t`, 48, 112]);
      canvases.push(["readout", "P(class 0..9) per step", 100, 112]);
      box.innerHTML = `<h3>${model.title}</h3><div class="row">` + canvases.map(([cls, label, w, h]) =>
        `<figure><canvas class="${cls}" width="${w}" height="${h}"></canvas><figcaption>${label}</figcaption></figure>`).join("") +
        `</div><div class="reading"></div>`;
      container.appendChild(box);
    }
  }
  makePanels($("explorer"));
  makePanels($("drawn"));

  const cache = {};
  function stepsFor(key, name, image) {
    cache[key] = cache[key] || {};
    if (!cache[key][name]) cache[key][name] = hw3.run(data.models[name], image);
    return cache[key][name];
  }

  function showExplorer() {
    const index = Number($("image-slider").value), shown = Number($("step-slider").value);
    const sample = data.images[index];
    const image = Float64Array.from(sample.pixels);
    $("image-label").textContent = `test image ${sample.index} (label ${sample.label})`;
    $("step-label").textContent = `step ${shown} of 28`;
    for (const name of names) panel($("explorer"), name, stepsFor(`test${index}`, name, image), image, shown);
  }

  // --- Drawing pad ---
  const pad = $("pad"), g = pad.getContext("2d");
  let strokes = [], drawing = false, lastReadMs = null;
  function padPoint(event) {
    const rect = pad.getBoundingClientRect();
    const source = event.touches ? event.touches[0] || event.changedTouches[0] : event;
    return [(source.clientX - rect.left) * pad.width / rect.width, (source.clientY - rect.top) * pad.height / rect.height];
  }
  function redrawPad() {
    g.fillStyle = "#fff"; g.fillRect(0, 0, pad.width, pad.height);
    g.strokeStyle = "#000"; g.lineWidth = 22; g.lineCap = "round"; g.lineJoin = "round";
    for (const stroke of strokes) {
      g.beginPath(); g.moveTo(...stroke[0]);
      for (const p of stroke.slice(1)) g.lineTo(...p);
      if (stroke.length === 1) g.lineTo(stroke[0][0] + 0.01, stroke[0][1]);
      g.stroke();
    }
  }
  function start(event) { event.preventDefault(); drawing = true; strokes.push([padPoint(event)]); redrawPad(); }
  function move(event) { if (!drawing) return; event.preventDefault(); strokes[strokes.length - 1].push(padPoint(event)); redrawPad(); }
  function end(event) {
    if (!drawing) return; drawing = false; event.preventDefault();
    const started = performance.now();
    const image = hw3.prepareDrawing(strokes);
    const drawn = $("drawn");
    if (!image) { drawn.hidden = true; return; }
    drawn.hidden = false;
    for (const name of names) panel(drawn, name, hw3.run(data.models[name], image), image, 28);
    lastReadMs = performance.now() - started;
    $("pad-status").textContent = `read in ${lastReadMs.toFixed(1)} ms`;
    $("pad-status").dataset.readMs = String(lastReadMs);
  }
  pad.addEventListener("mousedown", start); pad.addEventListener("mousemove", move);
  window.addEventListener("mouseup", end);
  pad.addEventListener("touchstart", start, { passive: false }); pad.addEventListener("touchmove", move, { passive: false });
  pad.addEventListener("touchend", end, { passive: false });
  $("clear").addEventListener("click", () => { strokes = []; redrawPad(); $("drawn").hidden = true; $("pad-status").textContent = ""; });

  // --- Sliders and play ---
  $("image-slider").max = String(data.images.length - 1);
  $("image-slider").addEventListener("input", showExplorer);
  $("step-slider").addEventListener("input", showExplorer);
  let timer = null;
  $("play").addEventListener("click", () => {
    if (timer) { clearInterval(timer); timer = null; $("play").textContent = "Play"; return; }
    $("play").textContent = "Pause";
    if (Number($("step-slider").value) >= 28) $("step-slider").value = "1";
    timer = setInterval(() => {
      const next = Number($("step-slider").value) + 1;
      if (next > 28) { clearInterval(timer); timer = null; $("play").textContent = "Play"; return; }
      $("step-slider").value = String(next); showExplorer();
    }, 250);
  });
  $("source").textContent = data.source;
  redrawPad();
  showExplorer();
})();
