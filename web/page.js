// The hw3 explorer, part 3 of 3: the page. One digit is shown at a time, a test image or your drawing;
// one step control drives it; the Q3 experiments (move, blank rows, appended rows) change the input
// both networks read, and everything is recomputed in the page. The state lives in the URL hash.
"use strict";

(() => {
  const data = window.HW3_DATA, hw3 = window.hw3;
  const NAMES = ["gru_1x32", "lstm_1x32"];
  const COLOURS = { gru_1x32: "#e08214", lstm_1x32: "#2c7fb8" };
  const PANELS = { // what each network's panel shows beside the input: [key, title, colour scale]
    gru_1x32: [["h", "hidden state h", "state"], ["z", "update gate z", "gate"], ["r", "reset gate r", "gate"]],
    lstm_1x32: [["h", "output h", "state"], ["c", "cell state c", "cell"], ["i", "input gate i", "gate"],
                ["f", "forget gate f", "gate"], ["o", "output gate o", "gate"]],
  };
  const $ = (id) => document.getElementById(id);
  const ROW_PX = 8, UNIT_PX = 3, CLASS_PX = 11, LEFT = 26, TOP = 4, BOTTOM = 44; // heatmap geometry (CSS px)

  // --- Colour scales: value -> css colour, and their legends --------------------------------------
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  const SCALES = {
    state: { low: -1, high: 1, colour: (v) => { // blue negative, white 0, red positive
      const x = clamp(v, -1, 1), a = Math.round(255 * (1 - Math.abs(x)));
      return x >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`; } },
    cell: { low: -3, high: 3, colour: (v) => SCALES.state.colour(v / 3) },
    gate: { low: 0, high: 1, colour: (v) => { const a = Math.round(255 * (1 - clamp(v, 0, 1))); return `rgb(${a},${a},${a})`; } },
    probability: { low: 0, high: 1, colour: (v) => { const x = clamp(v, 0, 1);
      return `rgb(${Math.round(255 - 235 * x)},${Math.round(255 - 135 * x)},${Math.round(255 - 200 * x)})`; } },
  };

  // --- State: what is shown, kept in the URL hash ---------------------------------------------------
  const state = { source: "test", image: 0, step: 28, down: 0, right: 0, appended: 0, blanked: [], drawing: null };
  const encodeImage = (image) => btoa(String.fromCharCode(...Array.from({ length: 98 }, (_, b) =>
    Array.from({ length: 8 }, (_, k) => (image[8 * b + k] ? 1 << k : 0)).reduce((s, v) => s | v, 0))));
  const decodeImage = (text) => { const bytes = atob(text);
    return Float64Array.from({ length: 784 }, (_, p) => (bytes.charCodeAt(p >> 3) >> (p & 7)) & 1); };
  function writeHash() {
    const parts = [`source=${state.source}`, `image=${state.image}`, `step=${state.step}`, `down=${state.down}`,
      `right=${state.right}`, `append=${state.appended}`, `blank=${state.blanked.map((r) => r + 1).join(",")}`];
    if (state.source === "drawing" && state.drawing) parts.push(`drawing=${encodeURIComponent(encodeImage(state.drawing))}`);
    history.replaceState(null, "", `#${parts.join("&")}`);
  }
  function readHash() {
    const fields = Object.fromEntries(location.hash.slice(1).split("&").filter(Boolean).map((p) => p.split("=")));
    const whole = (key, lo, hi, fallback) => { const v = Number(fields[key]); return Number.isInteger(v) ? clamp(v, lo, hi) : fallback; };
    state.image = whole("image", 0, data.images.length - 1, 0);
    state.down = whole("down", -6, 6, 0);
    state.right = whole("right", -6, 6, 0);
    state.appended = whole("append", 0, 8, 0);
    state.blanked = (fields.blank || "").split(",").map(Number).filter((r) => Number.isInteger(r) && r >= 1 && r <= 28).map((r) => r - 1);
    state.source = fields.source === "drawing" ? "drawing" : "test";
    if (state.source === "drawing" && fields.drawing) {
      try { state.drawing = decodeImage(decodeURIComponent(fields.drawing)); } catch (error) { state.drawing = null; }
    }
    state.step = whole("step", 1, 28 + state.appended, 28 + state.appended);
  }

  // --- The digit shown and what the networks make of it (cached per input) -------------------------
  const cache = new Map();
  function baseImage() {
    return state.source === "drawing" ? state.drawing : Float64Array.from(data.images[state.image].pixels);
  }
  function experiment() { return { down: state.down, right: state.right, blanked: state.blanked, appended: state.appended }; }
  function readings() { // {input, rows, name: {steps, probabilities, decision, importance}} or null
    const image = baseImage();
    if (!image) return null;
    const key = `${state.source}:${state.source === "drawing" ? encodeImage(image) : state.image}:${JSON.stringify(experiment())}`;
    if (!cache.has(key)) {
      const input = hw3.experimentInput(image, experiment());
      const found = { input, rows: input.length / 28 };
      for (const name of NAMES) {
        const steps = hw3.run(data.models[name], input);
        found[name] = { steps, probabilities: steps.map((s) => hw3.softmax(s.logits)), decision: hw3.decisionStep(steps),
                        importance: hw3.rowImportance(data.models[name], input) };
      }
      if (cache.size > 200) cache.clear();
      cache.set(key, found);
    }
    return cache.get(key);
  }

  function describeDigit() {
    const moved = [];
    if (state.down) moved.push(`moved ${Math.abs(state.down)} row${Math.abs(state.down) > 1 ? "s" : ""} ${state.down > 0 ? "down" : "up"}`);
    if (state.right) moved.push(`moved ${Math.abs(state.right)} column${Math.abs(state.right) > 1 ? "s" : ""} ${state.right > 0 ? "right" : "left"}`);
    if (state.blanked.length) moved.push(`row${state.blanked.length > 1 ? "s" : ""} ${state.blanked.map((r) => r + 1).join(", ")} blanked`);
    if (state.appended) moved.push(`${state.appended} blank row${state.appended > 1 ? "s" : ""} appended`);
    const what = state.source === "drawing" ? "your drawing" : `test image ${data.images[state.image].index} (a ${data.images[state.image].label})`;
    return what + (moved.length ? `, ${moved.join(", ")}` : "");
  }

  // --- Drawing on canvases ---------------------------------------------------------------------------
  function context(canvas, width, height) { // a canvas sized in CSS pixels, sharp on any screen
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`; canvas.style.height = `${height}px`;
    }
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "10px system-ui, sans-serif";
    return g;
  }
  function stepAxis(g, rows, x) { // step numbers down the left edge
    g.fillStyle = "#444"; g.textAlign = "right"; g.textBaseline = "middle";
    for (const t of [1, 5, 10, 15, 20, 25, 28, 32, 36].filter((t) => t <= rows)) g.fillText(String(t), x - 3, TOP + (t - 0.5) * ROW_PX);
  }
  function dimUnread(g, left, width, rows, shown) { // rows not yet read, washed out
    if (shown < rows) { g.fillStyle = "rgba(255,255,255,0.72)"; g.fillRect(left, TOP + shown * ROW_PX, width, (rows - shown) * ROW_PX); }
  }
  function legend(g, scale, left, width, y, label) { // the colour scale under a heatmap
    for (let k = 0; k < width; k++) { g.fillStyle = SCALES[scale].colour(SCALES[scale].low + (SCALES[scale].high - SCALES[scale].low) * k / (width - 1)); g.fillRect(left + k, y, 1, 6); }
    g.fillStyle = "#444"; g.textBaseline = "top"; g.textAlign = "left"; g.fillText(String(SCALES[scale].low), left, y + 7);
    g.textAlign = "right"; g.fillText(String(SCALES[scale].high), left + width, y + 7);
    g.textAlign = "center"; g.fillText(label, left + width / 2, y + 18);
  }

  // rows: per step an array of values; columns labelled by `columnLabels` (every k-th)
  function drawHeatmap(canvas, rows, scale, shown, columnLabel, decision) {
    const columns = rows[0].length, cell = columns === 10 ? CLASS_PX : UNIT_PX, width = columns * cell;
    const g = context(canvas, LEFT + width + 4, TOP + rows.length * ROW_PX + BOTTOM);
    for (let t = 0; t < rows.length; t++) for (let j = 0; j < columns; j++) {
      g.fillStyle = SCALES[scale].colour(rows[t][j]); g.fillRect(LEFT + j * cell, TOP + t * ROW_PX, cell, ROW_PX);
    }
    dimUnread(g, LEFT, width, rows.length, shown);
    g.strokeStyle = "#999"; g.strokeRect(LEFT - 0.5, TOP - 0.5, width + 1, rows.length * ROW_PX + 1);
    if (decision) { g.strokeStyle = "#d62728"; g.setLineDash([3, 2]); g.beginPath(); g.moveTo(LEFT - 4, TOP + (decision - 1) * ROW_PX); g.lineTo(LEFT + width + 3, TOP + (decision - 1) * ROW_PX); g.stroke(); g.setLineDash([]); }
    stepAxis(g, rows.length, LEFT);
    g.fillStyle = "#444"; g.textBaseline = "top"; g.textAlign = "center";
    const y = TOP + rows.length * ROW_PX + 1;
    if (columns === 10) for (let k = 0; k < 10; k++) g.fillText(String(k), LEFT + (k + 0.5) * cell, y);
    else for (const j of [1, columns / 2, columns]) g.fillText(String(j), LEFT + (j - 0.5) * cell, y);
    legend(g, scale, LEFT, width, y + 11, columnLabel);
    canvas.hw3Hover = { rows, columns, cell, label: columnLabel };
  }

  function drawInput(canvas, input, rows, shown, importance) {
    const width = 28 * ROW_PX, barLeft = LEFT + width + 6, barWidth = 40;
    const g = context(canvas, barLeft + barWidth + 4, TOP + rows * ROW_PX + BOTTOM);
    for (let r = 0; r < rows; r++) for (let c = 0; c < 28; c++) {
      g.fillStyle = input[r * 28 + c] > 0 ? "#111" : (r >= 28 ? "#eef3ff" : "#fff");
      g.fillRect(LEFT + c * ROW_PX, TOP + r * ROW_PX, ROW_PX, ROW_PX);
    }
    g.fillStyle = "rgba(214,39,40,0.18)";
    for (const r of state.blanked) g.fillRect(LEFT, TOP + r * ROW_PX, width, ROW_PX);
    dimUnread(g, LEFT, width, rows, shown);
    g.strokeStyle = "#999"; g.strokeRect(LEFT - 0.5, TOP - 0.5, width + 1, rows * ROW_PX + 1);
    if (shown >= 1) { g.strokeStyle = "#d62728"; g.lineWidth = 2; g.strokeRect(LEFT, TOP + (shown - 1) * ROW_PX, width, ROW_PX); g.lineWidth = 1; }
    stepAxis(g, rows, LEFT);
    const largest = Math.max(0.05, ...importance.map(Math.abs)); // bars: the drop of the final class's probability
    g.fillStyle = "#7b3294";
    importance.forEach((drop, r) => { if (drop > 0) g.fillRect(barLeft, TOP + r * ROW_PX + 1, barWidth * drop / largest, ROW_PX - 2); });
    g.strokeStyle = "#bbb"; g.beginPath(); g.moveTo(barLeft - 0.5, TOP); g.lineTo(barLeft - 0.5, TOP + rows * ROW_PX); g.stroke();
    g.fillStyle = "#444"; g.textBaseline = "top"; g.textAlign = "center";
    const y = TOP + rows * ROW_PX + 3;
    g.fillText("pixel 1-28 (click a row to blank it)", LEFT + width / 2, y);
    g.fillText("row", barLeft + barWidth / 2, y);
    g.fillText(`importance`, barLeft + barWidth / 2, y + 11);
    g.fillText(`(max ${(100 * largest).toFixed(0)} pts)`, barLeft + barWidth / 2, y + 21);
    canvas.hw3Hover = { rows: Array.from({ length: rows }, (_, r) => [importance[r]]), columns: 1, importance: true };
  }

  function drawBars(canvas, found, shown) { // P(class) at the current step, both networks
    const width = 300, height = 130, left = 30, bottom = 22, plot = height - bottom - 8;
    const g = context(canvas, width, height);
    g.strokeStyle = "#ccc"; g.fillStyle = "#444"; g.textAlign = "right"; g.textBaseline = "middle";
    for (const p of [0, 0.5, 1]) { const y = 8 + plot * (1 - p); g.beginPath(); g.moveTo(left, y); g.lineTo(width - 4, y); g.stroke(); g.fillText(`${p * 100}%`, left - 3, y); }
    const slot = (width - left - 4) / 10;
    g.textAlign = "center"; g.textBaseline = "top";
    for (let k = 0; k < 10; k++) {
      NAMES.forEach((name, m) => {
        const p = found ? found[name].probabilities[shown - 1][k] : 0;
        g.fillStyle = COLOURS[name]; g.fillRect(left + k * slot + 3 + m * (slot - 6) / 2, 8 + plot * (1 - p), (slot - 6) / 2, plot * p);
      });
      g.fillStyle = "#222"; g.fillText(String(k), left + (k + 0.5) * slot, height - bottom + 4);
    }
  }

  // --- The panels --------------------------------------------------------------------------------
  function makePanels() {
    const root = $("panels");
    for (const name of NAMES) {
      const model = data.models[name];
      const canvases = [["input", "the input, and each row's importance"]].concat(
        PANELS[name].map(([key, title]) => [key, title]), [["readout", "P(class) after each step"]]);
      const box = document.createElement("section");
      box.className = "model"; box.dataset.model = name;
      box.innerHTML = `<h3 class="panel-title"></h3><div class="figures">` + canvases.map(([key, title]) =>
        `<figure><figcaption>${title}</figcaption><canvas class="${key}" role="img" aria-label="${model.title}: ${title}"></canvas></figure>`).join("") +
        "</div>";
      root.appendChild(box);
    }
    root.addEventListener("mousemove", hover);
    root.addEventListener("mouseleave", () => { $("tooltip").hidden = true; });
    root.addEventListener("click", (event) => { // a click on an input row blanks or restores it
      if (!event.target.classList.contains("input")) return;
      const rect = event.target.getBoundingClientRect(), x = event.clientX - rect.left, row = Math.floor((event.clientY - rect.top - TOP) / ROW_PX);
      if (x >= LEFT && x < LEFT + 28 * ROW_PX && row >= 0 && row < 28) toggleRow(row);
    });
  }

  function hover(event) {
    const canvas = event.target, info = canvas.hw3Hover, tip = $("tooltip");
    if (!info) { tip.hidden = true; return; }
    const rect = canvas.getBoundingClientRect(), x = event.clientX - rect.left, y = event.clientY - rect.top;
    const t = Math.floor((y - TOP) / ROW_PX);
    const j = info.importance ? 0 : Math.floor((x - LEFT) / info.cell);
    if (t < 0 || t >= info.rows.length || j < 0 || j >= info.columns) { tip.hidden = true; return; }
    const value = info.rows[t][j];
    tip.textContent = info.importance ? `row ${t + 1}: blanking it lowers the final class's probability by ${(100 * value).toFixed(1)} points`
      : `step ${t + 1}, ${info.columns === 10 ? "class" : "unit"} ${info.columns === 10 ? j : j + 1}: ${value.toFixed(3)}`;
    tip.hidden = false;
    tip.style.left = `${event.pageX + 12}px`; tip.style.top = `${event.pageY + 12}px`;
  }

  // --- Showing the state ---------------------------------------------------------------------------
  function show() {
    const found = readings(), rows = 28 + state.appended;
    state.step = clamp(state.step, 1, rows);
    const slider = $("step-slider");
    slider.max = String(rows); slider.value = String(state.step);
    slider.setAttribute("aria-valuetext", `step ${state.step} of ${rows}`);
    $("step-label").textContent = `step ${state.step} of ${rows}`;
    const sample = data.images[state.image];
    $("image-slider").value = String(state.image);
    $("image-slider").setAttribute("aria-valuetext", `test image ${sample.index} of ${data.images.length}, a ${sample.label}`);
    $("image-label").textContent = `test image ${sample.index}, a ${sample.label}`;
    for (const [id, value, unit] of [["down", state.down, "rows"], ["right", state.right, "columns"], ["append", state.appended, "blank rows"]]) {
      $(id).value = String(value);
      const way = id === "down" ? (value < 0 ? "up" : "down") : (value < 0 ? "left" : "right");
      $(id).setAttribute("aria-valuetext", id === "append" ? `${value} blank rows appended` : `moved ${Math.abs(value)} ${unit} ${way}`);
      $(`${id}-value`).textContent = String(value);
    }
    $("source-test").checked = state.source === "test";
    $("source-drawing").checked = state.source === "drawing";
    $("blank-list").textContent = state.blanked.length ? state.blanked.map((r) => r + 1).join(", ") : "none";
    for (const name of NAMES) {
      const box = document.querySelector(`#panels [data-model="${name}"]`);
      box.querySelector(".panel-title").textContent = `${data.models[name].title} reading ${describeDigit()}`;
      const canvases = ["input", ...PANELS[name].map(([key]) => key), "readout"].map((key) => box.querySelector(`.${key}`));
      if (!found) { for (const canvas of canvases) { context(canvas, 10, 10); canvas.hw3Hover = null; } continue; }
      const mine = found[name];
      drawInput(box.querySelector(".input"), found.input, rows, state.step, mine.importance.drops);
      for (const [key, , scale] of PANELS[name]) drawHeatmap(box.querySelector(`.${key}`), mine.steps.map((s) => Array.from(s[key])), scale, state.step, "unit", null);
      drawHeatmap(box.querySelector(".readout"), mine.probabilities, "probability", state.step, "class", mine.decision);
    }
    drawBars($("bars"), found, state.step);
    $("reading").textContent = found ? readingText(found) : (state.source === "drawing" ? $("pad-status").textContent || "Draw a digit on the pad." : "");
    document.body.dataset.state = JSON.stringify({ ...experiment(), source: state.source, image: state.image, step: state.step });
    writeHash();
  }

  function readingText(found) {
    const rows = found.rows, final = NAMES.map((name) => {
      const p = found[name].probabilities[rows - 1], k = hw3.argmax(p);
      return `${name.startsWith("gru") ? "GRU" : "LSTM"}: ${k} (${(100 * p[k]).toFixed(0)}%), decided at step ${found[name].decision}`;
    });
    const now = NAMES.map((name) => { const p = found[name].probabilities[state.step - 1], k = hw3.argmax(p);
      return `${name.startsWith("gru") ? "GRU" : "LSTM"} ${k} (${(100 * p[k]).toFixed(0)}%)`; });
    return `${describeDigit()}. After row ${rows}: ${final.join("; ")}. At step ${state.step}: ${now.join(", ")}.`;
  }

  function toggleRow(row) {
    state.blanked = state.blanked.includes(row) ? state.blanked.filter((r) => r !== row) : [...state.blanked, row].sort((a, b) => a - b);
    show();
  }

  // --- Drawing pad ---------------------------------------------------------------------------------
  const pad = $("pad"), padContext = pad.getContext("2d");
  let strokes = [], drawing = false;
  function padPoint(event) {
    const rect = pad.getBoundingClientRect();
    return [(event.clientX - rect.left) * pad.width / rect.width, (event.clientY - rect.top) * pad.height / rect.height];
  }
  function redrawPad() {
    const g = padContext;
    g.fillStyle = "#fff"; g.fillRect(0, 0, pad.width, pad.height);
    g.strokeStyle = "#000"; g.lineWidth = hw3.STROKE; g.lineCap = "round"; g.lineJoin = "round";
    for (const stroke of strokes) {
      g.beginPath(); g.moveTo(...stroke[0]);
      for (const p of stroke.slice(1)) g.lineTo(...p);
      if (stroke.length === 1) g.lineTo(stroke[0][0] + 0.01, stroke[0][1]);
      g.stroke();
    }
    if (!strokes.length) { // an empty pad says what it is for (light grey: no ink for the reading)
      g.fillStyle = "#bbb"; g.font = "16px system-ui, sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
      g.fillText("draw a digit here, large", pad.width / 2, pad.height / 2);
    }
  }
  pad.addEventListener("contextmenu", (event) => event.preventDefault());
  pad.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return; // only the main button (or a finger) draws
    event.preventDefault(); pad.setPointerCapture(event.pointerId);
    drawing = true; strokes.push([padPoint(event)]); redrawPad();
  });
  pad.addEventListener("pointermove", (event) => { if (!drawing) return; event.preventDefault(); strokes[strokes.length - 1].push(padPoint(event)); redrawPad(); });
  const lift = (event) => {
    if (!drawing) return; drawing = false; event.preventDefault();
    const started = performance.now();
    const verdict = hw3.drawingVerdict(strokes, data.inkLimit);
    state.source = "drawing";
    state.drawing = verdict.read ? verdict.image : null;
    $("pad-status").textContent = verdict.read ? "Read: your drawing, prepared as MNIST was." : verdict.reason;
    $("pad-status").dataset.read = String(verdict.read);
    if (verdict.read) state.step = 28 + state.appended;
    show();
    $("pad-status").dataset.readMs = String(performance.now() - started);
  };
  pad.addEventListener("pointerup", lift);
  pad.addEventListener("pointercancel", lift);
  $("clear").addEventListener("click", () => {
    strokes = []; redrawPad(); state.drawing = null; state.source = "drawing";
    $("pad-status").textContent = "Draw a digit on the pad."; delete $("pad-status").dataset.readMs; delete $("pad-status").dataset.read;
    show();
  });

  // --- Controls ------------------------------------------------------------------------------------
  let timer = null;
  function stopPlay() { if (timer) { clearInterval(timer); timer = null; } $("play").textContent = "Play"; $("play").setAttribute("aria-pressed", "false"); }
  function play() {
    if (timer) { stopPlay(); return; }
    $("play").textContent = "Pause"; $("play").setAttribute("aria-pressed", "true");
    if (state.step >= 28 + state.appended) state.step = 1;
    show();
    timer = setInterval(() => { if (state.step >= 28 + state.appended) { stopPlay(); return; } state.step += 1; show(); }, 300);
  }
  $("play").addEventListener("click", play);
  $("step-slider").addEventListener("input", () => { stopPlay(); state.step = Number($("step-slider").value); show(); });
  $("image-slider").max = String(data.images.length - 1);
  $("image-slider").addEventListener("input", () => { state.source = "test"; state.image = Number($("image-slider").value); show(); });
  $("source-test").addEventListener("change", () => { state.source = "test"; show(); });
  $("source-drawing").addEventListener("change", () => { state.source = "drawing"; show(); });
  for (const [id, key] of [["down", "down"], ["right", "right"], ["append", "appended"]]) {
    $(id).addEventListener("input", () => {
      const atEnd = state.step >= 28 + state.appended;
      state[key] = Number($(id).value);
      if (key === "appended" && atEnd) state.step = 28 + state.appended; // stay on the last row read
      show();
    });
  }
  for (let r = 1; r <= 28; r++) $("blank-row").add(new Option(`row ${r}`, String(r - 1)));
  $("blank-toggle").addEventListener("click", () => toggleRow(Number($("blank-row").value)));
  $("reset").addEventListener("click", () => { Object.assign(state, { down: 0, right: 0, appended: 0, blanked: [] }); state.step = 28; show(); });
  const GUIDES = {
    1: () => { Object.assign(state, { source: "test", image: 0, down: 0, right: 0, appended: 0, blanked: [], step: 1 }); show(); $("step-slider").focus(); },
    2: () => { Object.assign(state, { appended: 4, step: 32 }); show(); $("append").focus(); },
    3: () => { state.source = "drawing"; show(); $("pad").scrollIntoView({ block: "center" }); $("pad").focus(); },
  };
  document.querySelectorAll("[data-guide]").forEach((button) => button.addEventListener("click", () => { stopPlay(); GUIDES[button.dataset.guide](); }));
  window.addEventListener("hashchange", () => { readHash(); show(); });

  $("source").textContent = data.source;
  $("pad-status").textContent = "Draw a digit on the pad.";
  makePanels();
  redrawPad();
  readHash();
  show();
  // For the tests: the state, what the networks read, and a view opened from a URL fragment.
  window.hw3Page = { state, show, readings, toggleRow, open: (fragment) => { history.replaceState(null, "", fragment); readHash(); show(); } };
})();
