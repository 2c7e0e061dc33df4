// The hw3 explorer, part 3 of 3: the page. One digit is shown at a time, a test image or your drawing;
// one sticky step control drives every picture; the Q3 experiments (move, blank rows, appended rows)
// change the input both networks read, and everything is recomputed in the page. A tour of five stops
// follows the report's Q3 answers, quoting numbers the build took from results/results.json. The view
// lives in the URL hash.
"use strict";

(() => {
  const data = window.HW3_DATA, hw3 = window.hw3, facts = data.facts || {};
  const NAMES = ["gru_1x32", "lstm_1x32"];
  const SHORT = { gru_1x32: "GRU", lstm_1x32: "LSTM" };
  const COLOURS = { gru_1x32: "#e08214", lstm_1x32: "#2c7fb8" };
  const PANELS = { // what each network's panel shows: [key, title, colour scale]
    gru_1x32: [["h", "state h", "state"], ["z", "update gate z", "gate"], ["r", "reset gate r", "gate"]],
    lstm_1x32: [["h", "output h", "state"], ["c", "cell state c", "cell"], ["i", "input gate i", "gate"],
                ["f", "forget gate f", "gate"], ["o", "output gate o", "gate"]],
  };
  const $ = (id) => document.getElementById(id);
  const FONT = "12px system-ui, sans-serif";
  const ROW_PX = 7, UNIT_PX = 3, CLASS_PX = 10, LEFT = 24, TOP = 3, BOTTOM = 36; // heatmap geometry (CSS px)
  const DIGIT_ROW = 8, DIGIT_LEFT = 24, BAR_HALF = 22; // the digit picture: 8 px per pixel, two signed bar columns
  const EXPERIMENTS = ["down", "right", "appended", "blanked"];
  const NO_EXPERIMENT = { down: 0, right: 0, appended: 0, blanked: [] };

  // --- Colour scales: value -> css colour ------------------------------------------------------------
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

  // --- State: what is shown, kept in the URL hash (all but the tour and the highlighted step) ----------
  const state = { source: "test", image: 0, step: 28, down: 0, right: 0, appended: 0, blanked: [], drawing: null,
                  refused: "", order: "index", hot: null, unit: 0 };
  // The tour: {stop, owned, saved}. `saved` is the visitor's own view when the tour started; `owned` the parts
  // of it the tour has taken over and the visitor has not touched since ("view": the digit and the step).
  let tour = null;
  const encodeImage = (image) => btoa(String.fromCharCode(...Array.from({ length: 98 }, (_, b) =>
    Array.from({ length: 8 }, (_, k) => (image[8 * b + k] ? 1 << k : 0)).reduce((s, v) => s | v, 0))));
  // A drawing from a URL: 98 bytes of base64, 784 bits, with some ink and no more than a digit has.
  function decodeImage(text) {
    let bytes;
    try { bytes = atob(text); } catch (error) { return { image: null, why: "it is not base64 text" }; }
    if (bytes.length !== 98) return { image: null, why: `it holds ${bytes.length} bytes, not the 98 of a 28 x 28 drawing` };
    const image = Float64Array.from({ length: 784 }, (_, p) => (bytes.charCodeAt(p >> 3) >> (p & 7)) & 1);
    const ink = image.reduce((s, v) => s + v, 0);
    if (ink === 0) return { image: null, why: "it has no ink" };
    if (ink > data.inkLimit) return { image: null, why: `it has ${ink} ink pixels, more than any digit this page reads (${data.inkLimit})` };
    return { image, why: "" };
  }
  function writeHash() {
    const parts = [`source=${state.source}`, `image=${state.image}`, `step=${state.step}`, `down=${state.down}`,
      `right=${state.right}`, `append=${state.appended}`, `blank=${state.blanked.map((r) => r + 1).join(",")}`];
    if (state.order !== "index") parts.push(`order=${state.order}`);
    if (state.drawing) parts.push(`drawing=${encodeURIComponent(encodeImage(state.drawing))}`); // kept while a test image is shown
    history.replaceState(null, "", `#${parts.join("&")}`);
  }
  const LINK_KEYS = ["source", "image", "step", "down", "right", "append", "blank", "order", "drawing"];
  function readHash() {
    const adjusted = [], parts = location.hash.slice(1).split("&").filter(Boolean); // adjusted: what in the link could not be shown as it was, in words
    const known = parts.filter((p) => LINK_KEYS.includes(p.split("=")[0]) && p.includes("="));
    if (known.length < parts.length) adjusted.push(`${parts.filter((p) => !known.includes(p)).map((p) => `"${p}"`).join(", ")} not understood, left out`);
    const fields = Object.fromEntries(known.map((p) => p.split("=")));
    const oneOf = (key, values) => { // a word from `values`, the first when the link has another
      if (fields[key] !== undefined && !values.includes(fields[key])) adjusted.push(`${key}=${fields[key]} became ${values[0]} (${values.join(" or ")})`);
      return values.includes(fields[key]) ? fields[key] : values[0];
    };
    const whole = (key, lo, hi, fallback) => {
      if (fields[key] === undefined) return fallback;
      const v = Number(fields[key]), shown = fields[key] !== "" && Number.isInteger(v) ? clamp(v, lo, hi) : fallback;
      if (!(fields[key] !== "" && v === shown)) adjusted.push(`${key}=${fields[key]} became ${shown} (${lo} to ${hi})`);
      return shown;
    };
    state.image = whole("image", 0, data.images.length - 1, 0);
    state.down = whole("down", -6, 6, 0);
    state.right = whole("right", -6, 6, 0);
    state.appended = whole("append", 0, 8, 0);
    const rows = (fields.blank || "").split(",").filter(Boolean), kept = rows.filter((r) => Number.isInteger(Number(r)) && r >= 1 && r <= 28);
    if (kept.length < rows.length) adjusted.push(`blank rows ${rows.filter((r) => !kept.includes(r)).join(", ")} left out (rows 1 to 28)`);
    state.blanked = [...new Set(kept.map(Number))].map((r) => r - 1).sort((a, b) => a - b);
    state.order = oneOf("order", ["index", "change", "class"]);
    state.source = oneOf("source", ["test", "drawing"]);
    state.refused = "";
    if (fields.drawing !== undefined && !(state.drawing && fields.drawing === encodeURIComponent(encodeImage(state.drawing)))) {
      let text = null;
      try { text = decodeURIComponent(fields.drawing); } catch (error) { text = null; }
      const decoded = text === null ? { image: null, why: "it is not valid URL text" } : decodeImage(text);
      state.drawing = decoded.image;
      if (!decoded.image) state.refused = `Refused: this link's drawing cannot be read (${decoded.why}), so nothing is shown for it. Draw a digit on the pad, or choose a test image.`;
      padRefused = false;
      strokes = []; restored = Boolean(decoded.image);
      setPadStatus(decoded.image ? "A shared drawing, shown as the networks read it (28 x 28). Clear the pad to draw your own." : state.refused, decoded.image ? "true" : "false");
      redrawPad();
    }
    state.step = whole("step", 1, 28 + state.appended, 28 + state.appended);
    $("url-note").textContent = adjusted.length ? `This link was adjusted: ${adjusted.join("; ")}.` : "";
    $("url-note").hidden = !adjusted.length;
  }

  // --- The digit shown and what the networks make of it (cached per input) -------------------------
  const cache = new Map();
  function baseImage() {
    return state.source === "drawing" ? state.drawing : Float64Array.from(data.images[state.image].pixels);
  }
  const experiment = () => ({ down: state.down, right: state.right, blanked: state.blanked, appended: state.appended });
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

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  function experimentsOn() { // each experiment on, in words, with who set it
    const on = [], by = (key) => (tour && tour.owned.has(key) && tour.set.has(key) ? ` (set by tour stop ${tour.stop + 1})` : "");
    if (state.down) on.push(`moved ${plural(Math.abs(state.down), "row")} ${state.down > 0 ? "down" : "up"}${by("down")}`);
    if (state.right) on.push(`moved ${plural(Math.abs(state.right), "column")} ${state.right > 0 ? "right" : "left"}${by("right")}`);
    if (state.blanked.length) on.push(`row${state.blanked.length > 1 ? "s" : ""} ${state.blanked.map((r) => r + 1).join(", ")} blanked${by("blanked")}`);
    if (state.appended) on.push(`${plural(state.appended, "blank row")} appended${by("appended")}`);
    return on;
  }
  function digitName() {
    if (state.source === "drawing") return "your drawing";
    const sample = data.images[state.image];
    return `test image ${sample.index} (a ${sample.label})`;
  }
  function describeDigit() { const on = experimentsOn(); return digitName() + (on.length ? `, ${on.join(", ")}` : ""); }

  // --- Drawing on canvases ---------------------------------------------------------------------------
  function context(canvas, width, height) { // a canvas sized in CSS pixels, drawn at the screen's pixel ratio
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    }
    canvas.style.width = `${width}px`; canvas.style.height = `${height}px`;
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = FONT;
    return g;
  }
  function stepAxis(g, rows, x, top, rowPx) { // step numbers down the left edge, the last one too; returns them
    const marks = [1, 10, 20, 28];
    if (rows > 28) { if ((rows - 28) * rowPx < 14) marks.pop(); marks.push(rows); } // 28 gives way when too close to read
    g.fillStyle = "#444"; g.textAlign = "right"; g.textBaseline = "middle";
    for (const t of marks) g.fillText(String(t), x - 3, top + (t - 0.5) * rowPx);
    return marks;
  }
  function dimUnread(g, left, width, rows, shown, top, rowPx) { // rows not yet read, washed out
    if (shown < rows) { g.fillStyle = "rgba(255,255,255,0.72)"; g.fillRect(left, top + shown * rowPx, width, (rows - shown) * rowPx); }
  }
  function outlineStep(g, left, width, t, top, rowPx, colour, lineWidth) {
    g.strokeStyle = colour; g.lineWidth = lineWidth; g.strokeRect(left - 1, top + (t - 1) * rowPx - 0.5, width + 2, rowPx + 1); g.lineWidth = 1;
  }

  // The unit order of one network: by number, by the step at which the unit's state changes most on
  // this input, or by the class it favours (classPull).
  function unitOrder(name, found) {
    const units = data.models[name].units, index = Array.from({ length: units }, (_, j) => j);
    if (state.order === "change" && found) {
      const steps = found[name].steps, when = index.map((j) => {
        let best = 0, at = 0;
        steps.forEach((s, t) => { const change = Math.abs(s.h[j] - (t ? steps[t - 1].h[j] : 0)); if (change > best) { best = change; at = t; } });
        return at;
      });
      return index.sort((a, b) => when[a] - when[b] || a - b);
    }
    if (state.order === "class") {
      const favour = index.map((j) => { const pull = classPull(name, j), k = hw3.argmax(pull); return [k, pull[k]]; });
      return index.sort((a, b) => favour[a][0] - favour[b][0] || favour[b][1] - favour[a][1]);
    }
    return index;
  }
  // How unit j pushes each class's logit through the head's two dense layers, their ReLUs left out.
  function classPull(name, j) {
    const w = data.models[name].weights, hiddenUnits = w.hidden_bias.length;
    return Array.from({ length: 10 }, (_, k) => { let s = 0; for (let m = 0; m < hiddenUnits; m++) s += w.hidden_kernel[j * hiddenUnits + m] * w.logits_kernel[m * 10 + k]; return s; });
  }
  const favouredClass = (name, j) => hw3.argmax(classPull(name, j));

  // rows: per step an array of values (already in display order); `labels`: the unit (or class) of each column
  function drawHeatmap(canvas, rows, scale, shown, labels, decision, info) {
    const columns = rows[0].length, cell = columns === 10 ? CLASS_PX : UNIT_PX, width = columns * cell;
    const g = context(canvas, LEFT + width + 4, TOP + rows.length * ROW_PX + BOTTOM);
    for (let t = 0; t < rows.length; t++) for (let j = 0; j < columns; j++) {
      g.fillStyle = SCALES[scale].colour(rows[t][j]); g.fillRect(LEFT + j * cell, TOP + t * ROW_PX, cell, ROW_PX);
    }
    dimUnread(g, LEFT, width, rows.length, shown, TOP, ROW_PX);
    g.strokeStyle = "#999"; g.strokeRect(LEFT - 0.5, TOP - 0.5, width + 1, rows.length * ROW_PX + 1);
    if (decision) { g.strokeStyle = "#d62728"; g.setLineDash([3, 2]); g.beginPath(); g.moveTo(LEFT - 4, TOP + (decision - 1) * ROW_PX); g.lineTo(LEFT + width + 3, TOP + (decision - 1) * ROW_PX); g.stroke(); g.setLineDash([]); }
    outlineStep(g, LEFT, width, shown, TOP, ROW_PX, "#d62728", 1.5);
    if (state.hot) outlineStep(g, LEFT, width, state.hot, TOP, ROW_PX, "#000", 2);
    canvas.hw3Axis = stepAxis(g, rows.length, LEFT, TOP, ROW_PX);
    g.fillStyle = "#444"; g.textBaseline = "top"; g.textAlign = "center";
    const y = TOP + rows.length * ROW_PX + 2;
    canvas.hw3Groups = null; canvas.hw3Labels = [];
    const label = (text, x, align) => { g.textAlign = align; g.fillText(text, x, y); canvas.hw3Labels.push(text); };
    if (columns === 10) for (let k = 0; k < 10; k++) label(String(k), LEFT + (k + 0.5) * cell, "center");
    else if (state.order === "class") classGroups(g, canvas, labels, info.name, rows.length, cell, label);
    else if (state.order === "change") { label("early", LEFT, "left"); label("late", LEFT + width, "right"); }
    else { label("unit 1", LEFT, "left"); label("32", LEFT + width, "right"); }
    const scaleInfo = SCALES[scale], legendY = y + 14; // the colour scale
    for (let k = 0; k < width; k++) { g.fillStyle = scaleInfo.colour(scaleInfo.low + (scaleInfo.high - scaleInfo.low) * k / (width - 1)); g.fillRect(LEFT + k, legendY, 1, 6); }
    g.fillStyle = "#444"; g.textBaseline = "top"; g.textAlign = "left"; g.fillText(String(scaleInfo.low), LEFT, legendY + 7);
    g.textAlign = "right"; g.fillText(String(scaleInfo.high), LEFT + width, legendY + 7);
    canvas.hw3Hover = { ...info, rows, columns, cell, labels, top: TOP, rowPx: ROW_PX, left: LEFT };
  }

  // Units ordered by the class each favours: a line between two classes' groups, and under each group its
  // class (a group too narrow for its digit shares a label with its neighbours: "2-4").
  function classGroups(g, canvas, units, name, rows, cell, label) {
    const groups = [];
    units.forEach((j, m) => { const k = favouredClass(name, j); if (groups.length && groups[groups.length - 1][0] === k) groups[groups.length - 1][2] = m; else groups.push([k, m, m]); });
    canvas.hw3Groups = groups;
    g.strokeStyle = "rgba(0,0,0,0.45)"; // thin lines across the picture, a darker tick under it
    for (const [, from] of groups.slice(1)) { g.beginPath(); g.moveTo(LEFT + from * cell, TOP); g.lineTo(LEFT + from * cell, TOP + rows * ROW_PX + 4); g.stroke(); }
    let pending = null; // groups not yet labelled: [first class, last class, first column]
    groups.forEach(([k, from, to], n) => {
      pending = pending ? [pending[0], k, pending[2]] : [k, k, from];
      const text = pending[0] === pending[1] ? String(k) : `${pending[0]}-${pending[1]}`;
      if ((to + 1 - pending[2]) * cell >= g.measureText(text).width + 2 || n === groups.length - 1) {
        label(text, LEFT + (pending[2] + to + 1) * cell / 2, "center"); pending = null;
      }
    });
  }

  // The digit being read, and beside it each row's importance for both networks on one scale: the
  // points by which blanking that row alone lowers (bar to the right) or raises (to the left) the
  // probability of the network's final class.
  let importanceBars = [];
  function drawDigit(canvas, found, rows, shown) {
    const width = 28 * DIGIT_ROW, barLeft = DIGIT_LEFT + width + 8, column = 2 * BAR_HALF + 4;
    const g = context(canvas, barLeft + 2 * column + 2, TOP + Math.max(rows, 28) * DIGIT_ROW + 20);
    const input = found ? found.input : new Float64Array(rows * 28);
    for (let r = 0; r < rows; r++) for (let c = 0; c < 28; c++) {
      g.fillStyle = input[r * 28 + c] > 0 ? "#111" : (r >= 28 ? "#eef3ff" : "#fff");
      g.fillRect(DIGIT_LEFT + c * DIGIT_ROW, TOP + r * DIGIT_ROW, DIGIT_ROW, DIGIT_ROW);
    }
    g.fillStyle = "rgba(214,39,40,0.18)";
    for (const r of state.blanked) g.fillRect(DIGIT_LEFT, TOP + r * DIGIT_ROW, width, DIGIT_ROW);
    dimUnread(g, DIGIT_LEFT, width, rows, shown, TOP, DIGIT_ROW);
    g.strokeStyle = "#999"; g.strokeRect(DIGIT_LEFT - 0.5, TOP - 0.5, width + 1, rows * DIGIT_ROW + 1);
    outlineStep(g, DIGIT_LEFT, width, shown, TOP, DIGIT_ROW, "#d62728", 2);
    if (state.hot) outlineStep(g, DIGIT_LEFT, width, state.hot, TOP, DIGIT_ROW, "#000", 2);
    canvas.hw3Axis = stepAxis(g, rows, DIGIT_LEFT, TOP, DIGIT_ROW);
    importanceBars = [];
    const largest = found ? Math.max(0.01, ...NAMES.flatMap((name) => found[name].importance.drops.map(Math.abs))) : 0.01;
    NAMES.forEach((name, m) => {
      const zero = barLeft + m * column + BAR_HALF;
      g.strokeStyle = "#bbb"; g.beginPath(); g.moveTo(zero + 0.5, TOP); g.lineTo(zero + 0.5, TOP + rows * DIGIT_ROW); g.stroke();
      g.fillStyle = COLOURS[name];
      if (found) found[name].importance.drops.forEach((drop, r) => {
        const length = BAR_HALF * drop / largest;
        if (drop !== 0) g.fillRect(drop > 0 ? zero + 1 : zero + length, TOP + r * DIGIT_ROW + 1, Math.abs(length), DIGIT_ROW - 2);
        importanceBars.push({ name, row: r + 1, drop, length });
      });
      g.fillStyle = "#444"; g.textAlign = "center"; g.textBaseline = "top";
      g.fillText(SHORT[name], zero, TOP + rows * DIGIT_ROW + 4);
    });
    g.textAlign = "center"; g.fillText("click a row to blank it", DIGIT_LEFT + width / 2, TOP + rows * DIGIT_ROW + 4);
    canvas.hw3Digit = { rows, found };
    // A network whose bars are all under 2 px is said in words: no row matters much to it.
    const flat = found ? NAMES.filter((name) => BAR_HALF * Math.max(...found[name].importance.drops.map(Math.abs)) / largest < 2) : [];
    const atMost = (name) => (Math.ceil(1000 * Math.max(...found[name].importance.drops.map(Math.abs))) / 10).toFixed(1);
    $("importance-note").textContent = found
      ? "Bars beside each row: how much the probability of a network's final answer falls (bar to the right) or rises (to the left) " +
        "when that row alone is blanked, in percentage points (from 100% to 60% is 40 points). GRU and LSTM on one scale: " +
        `the longest bar, half a column wide, is ${(100 * largest).toFixed(1)} points.` +
        flat.map((name) => ` The ${SHORT[name]}'s column looks empty: no single row changes the ${SHORT[name]}'s answer by more than ${atMost(name)} points.`).join("")
      : "";
  }

  function drawBars(canvas, found, shown) { // P(class) at the current step, both networks
    const width = 320, height = 118, bottom = 20, plot = height - bottom - 8;
    const g = context(canvas, width, height), left = Math.ceil(g.measureText("100%").width) + 6; // the labels fit left of the plot
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
    canvas.setAttribute("aria-label", found ? `At step ${shown}: ` + NAMES.map((name) => `${SHORT[name]} ` + topClasses(found[name].probabilities[shown - 1])).join("; ")
      : "Bar chart of each class's probability: nothing read yet");
    canvas.title = canvas.getAttribute("aria-label");
  }
  const topClasses = (p, n = 3) => Array.from(p, (v, k) => [v, k]).sort((a, b) => b[0] - a[0]).slice(0, n)
    .map(([v, k]) => `${k} ${(100 * v).toFixed(0)}%`).join(", ");

  // --- The panels --------------------------------------------------------------------------------
  function makePanels() {
    const root = $("panels");
    for (const name of NAMES) {
      const model = data.models[name];
      const canvases = PANELS[name].map(([key, title]) => [key, title]).concat([["readout", "P(class) after each step"]]);
      const box = document.createElement("section");
      box.className = "model"; box.dataset.model = name;
      box.innerHTML = `<h3 class="panel-title"></h3><div class="figures">` + canvases.map(([key, title]) =>
        `<figure><figcaption>${title}</figcaption><canvas class="${key}" tabindex="0" role="img" aria-label="${model.title}: ${title}; arrow keys move the step and the unit"></canvas></figure>`).join("") +
        "</div>";
      root.appendChild(box);
    }
    for (const canvas of [...root.querySelectorAll("canvas"), $("digit")]) {
      canvas.addEventListener("mousemove", hover);
      canvas.addEventListener("mouseleave", () => { $("tooltip").hidden = true; setHot(null); });
      canvas.addEventListener("focus", () => { setHot(state.hot || state.step); announceProbe(canvas); });
      canvas.addEventListener("blur", () => setHot(null));
      canvas.addEventListener("keydown", (event) => probeKey(event, canvas));
    }
    $("digit").addEventListener("click", (event) => { // a click on a row of the digit blanks or restores it
      const rect = event.target.getBoundingClientRect(), x = event.clientX - rect.left, row = Math.floor((event.clientY - rect.top - TOP) / DIGIT_ROW);
      if (x >= DIGIT_LEFT && x < DIGIT_LEFT + 28 * DIGIT_ROW && row >= 0 && row < 28) toggleRow(row);
    });
  }

  // A finger's tap on a picture leaves no hover to end it: once the page scrolls, its tip and outline go.
  let lastPointer = "";
  document.addEventListener("pointerdown", (event) => { lastPointer = event.pointerType; }, true);
  window.addEventListener("scroll", () => {
    if (lastPointer !== "touch") return; // a mouse gets a fresh hover from the browser, the keyboard keeps its step
    $("tooltip").hidden = true;
    if (document.activeElement instanceof HTMLCanvasElement) document.activeElement.blur();
    setHot(null);
  }, { passive: true });
  function setHot(step) { if (state.hot !== step) { state.hot = step; drawPictures(); } }

  // What a picture holds at the highlighted step (and unit): for the tooltip and the keyboard.
  function describeAt(canvas, t, j) {
    if (canvas.id === "digit") {
      const info = canvas.hw3Digit; if (!info || !info.found) return "";
      const parts = NAMES.map((name) => {
        const { drops, final } = info.found[name].importance, drop = drops[t - 1];
        if (!drop) return `changes nothing for the ${SHORT[name]}`;
        if (Math.abs(100 * drop) < 0.05) return `barely changes the ${SHORT[name]}'s final class (${final}: under 0.05 points)`;
        return `${drop > 0 ? "lowers" : "raises"} the ${SHORT[name]}'s final class (${final}) by ${Math.abs(100 * drop).toFixed(1)} points`;
      });
      return `row ${t}${t > 28 ? " (appended, blank)" : ""}${state.blanked.includes(t - 1) ? " (blanked)" : ""}: blanking it ${parts[0]} and ${parts[1]}`;
    }
    const info = canvas.hw3Hover; if (!info) return "";
    const value = info.rows[t - 1][j];
    if (info.columns === 10) return `${info.title}, step ${t}: class ${j} ${(100 * value).toFixed(1)}% (highest: ${topClasses(info.rows[t - 1])})`;
    const unit = info.labels[j];
    return `${info.title}, step ${t}, unit ${unit + 1}${state.order === "class" ? ` (favours ${favouredClass(info.name, unit)})` : ""}: ${value.toFixed(3)}`;
  }
  function hover(event) {
    const canvas = event.currentTarget, tip = $("tooltip"), rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left, y = event.clientY - rect.top;
    const digit = canvas.id === "digit", info = digit ? canvas.hw3Digit : canvas.hw3Hover;
    if (!info || (digit && !info.found)) { tip.hidden = true; return; }
    const rowPx = digit ? DIGIT_ROW : ROW_PX, rows = digit ? info.rows : info.rows.length;
    const t = Math.floor((y - TOP) / rowPx) + 1, j = digit ? 0 : Math.floor((x - LEFT) / info.cell);
    if (t < 1 || t > rows || (!digit && (j < 0 || j >= info.columns))) { tip.hidden = true; setHot(null); return; }
    setHot(t);
    tip.textContent = describeAt(canvas, t, j);
    tip.hidden = false;
    // beside the cursor, but inside the picture's own card: the digit's tip never covers the controls beside it
    const card = canvas.closest("#view, .model").getBoundingClientRect(), right = card.right + window.scrollX - tip.offsetWidth;
    tip.style.left = `${Math.max(card.left + window.scrollX, Math.min(event.pageX + 12, right))}px`; tip.style.top = `${event.pageY + 14}px`;
  }
  function announceProbe(canvas) { $("probe").textContent = describeAt(canvas, state.hot || state.step, canvas.id === "digit" ? 0 : clamp(state.unit, 0, (canvas.hw3Hover || { columns: 1 }).columns - 1)); }
  function probeKey(event, canvas) { // arrow keys move the highlighted step (up, down) and unit (left, right)
    const rows = 28 + state.appended, columns = canvas.id === "digit" ? 1 : (canvas.hw3Hover || { columns: 1 }).columns;
    let t = state.hot || state.step;
    if (event.key === "ArrowUp") t = Math.max(1, t - 1);
    else if (event.key === "ArrowDown") t = Math.min(rows, t + 1);
    else if (event.key === "ArrowLeft") state.unit = Math.max(0, Math.min(state.unit, columns - 1) - 1);
    else if (event.key === "ArrowRight") state.unit = Math.min(columns - 1, state.unit + 1);
    else if ((event.key === "Enter" || event.key === " ") && canvas.id === "digit" && t <= 28) { event.preventDefault(); toggleRow(t - 1); announceProbe(canvas); return; }
    else return;
    event.preventDefault();
    setHot(t);
    announceProbe(canvas);
  }

  // --- Showing the state ---------------------------------------------------------------------------
  function drawPictures() {
    const found = readings(), rows = 28 + state.appended;
    drawDigit($("digit"), found, rows, state.step);
    for (const name of NAMES) {
      const box = document.querySelector(`#panels [data-model="${name}"]`);
      const canvases = [...PANELS[name].map(([key]) => key), "readout"].map((key) => box.querySelector(`.${key}`));
      if (!found) { // nothing read: empty frames of the same size, so that nothing below moves
        canvases.forEach((canvas, m) => {
          const width = (m === canvases.length - 1 ? 10 * CLASS_PX : data.models[name].units * UNIT_PX), height = rows * ROW_PX;
          const g = context(canvas, LEFT + width + 4, TOP + height + BOTTOM);
          g.strokeStyle = "#ccc"; g.strokeRect(LEFT - 0.5, TOP - 0.5, width + 1, height + 1);
          g.fillStyle = "#888"; g.textAlign = "center"; g.textBaseline = "middle"; g.fillText("nothing", LEFT + width / 2, TOP + height / 2 - 8);
          g.fillText("read", LEFT + width / 2, TOP + height / 2 + 8);
          canvas.hw3Hover = null;
        });
        continue;
      }
      const mine = found[name], order = unitOrder(name, found);
      for (const [key, title, scale] of PANELS[name]) {
        drawHeatmap(box.querySelector(`.${key}`), mine.steps.map((s) => order.map((j) => s[key][j])), scale, state.step, order, null,
                    { name, title: `${SHORT[name]} ${title}` });
      }
      drawHeatmap(box.querySelector(".readout"), mine.probabilities, "probability", state.step, null, mine.decision,
                  { name, title: `${SHORT[name]} P(class)` });
    }
    drawBars($("bars"), found, state.step);
  }

  function show() {
    const found = readings(), rows = 28 + state.appended;
    state.step = clamp(state.step, 1, rows);
    const slider = $("step-slider");
    slider.max = String(rows); slider.value = String(state.step);
    slider.setAttribute("aria-valuetext", `step ${state.step} of ${rows}`);
    $("step-label").textContent = `${state.step} of ${rows} rows`;
    const sample = data.images[state.image];
    $("image-slider").value = String(state.image);
    $("image-slider").setAttribute("aria-valuetext", `test image ${sample.index} of ${data.images.length}, a ${sample.label}`);
    $("image-label").textContent = state.source === "drawing" ? "reading your drawing" : `test image ${sample.index}, a ${sample.label}`;
    $("digit-title").textContent = state.source === "drawing" ? "Your drawing, as the networks read it" : `Test image ${sample.index}, a ${sample.label}`;
    for (const [id, value, unit] of [["down", state.down, "rows"], ["right", state.right, "columns"], ["append", state.appended, "blank rows"]]) {
      $(id).value = String(value);
      const way = id === "down" ? (value < 0 ? "up" : "down") : (value < 0 ? "left" : "right");
      $(id).setAttribute("aria-valuetext", id === "append" ? `${value} blank rows appended` : `moved ${Math.abs(value)} ${unit} ${way}`);
      $(`${id}-value`).textContent = String(value);
    }
    $("source-test").checked = state.source === "test";
    $("source-drawing").checked = state.source === "drawing";
    $("order").value = state.order;
    $("blank-list").textContent = state.blanked.length ? state.blanked.map((r) => r + 1).join(", ") : "none";
    const on = experimentsOn();
    $("experiments-on").textContent = on.length ? `Experiment on: ${on.join("; ")}.` : "No experiment on: the digit as it is.";
    $("experiments-on").className = on.length ? "" : "none";
    for (const name of NAMES) {
      document.querySelector(`#panels [data-model="${name}"] .panel-title`).textContent = `${data.models[name].title} reading ${describeDigit()}`;
    }
    drawPictures();
    $("reading").textContent = found ? readingText(found) : (state.source === "drawing" ? state.refused || $("pad-status").textContent || "Draw a digit on the pad." : "");
    $("pad-reading").textContent = found ? `${digitName()[0].toUpperCase()}${digitName().slice(1)}, after row ${found.rows}: ` +
      NAMES.map((name) => `${SHORT[name]} ${said(answer(found, name, found.rows))}`).join(", ") + "." : "";
    updateLive(found);
    document.body.dataset.state = JSON.stringify({ ...experiment(), source: state.source, image: state.image, step: state.step });
    writeHash();
  }

  // A network's answer at a step (1-based): [class, its probability]; said: "7 (98%)".
  const answer = (found, name, step) => { const p = found[name].probabilities[step - 1], k = hw3.argmax(p); return [k, p[k]]; };
  const said = ([k, p]) => `${k} (${(100 * p).toFixed(0)}%)`;
  function readingText(found) {
    const rows = found.rows, on = experimentsOn();
    const final = NAMES.map((name) => `${SHORT[name]}: ${said(answer(found, name, rows))}, decided at step ${found[name].decision}`);
    const now = NAMES.map((name) => `${SHORT[name]} ${said(answer(found, name, state.step))}`);
    return `Reading ${digitName()}, ${on.length ? `with ${on.join(", ")}` : "no experiment on"}. After row ${rows}: ${final.join("; ")}. ` +
      `At step ${state.step}: ${now.join(", ")}.`;
  }

  // The status line under the step control says at once what the networks read at the step shown; the
  // live region beside it (for screen readers) speaks at most once a second, and while playing only what
  // changed since it last spoke.
  let lastLive = 0, liveTimer = null, spoken = {};
  function liveText(found, onlyChanges) { // {text, tops}: the step and each network's answer at it
    if (!found) return { text: state.source !== "drawing" ? "" : state.refused ? "Refused: the link's drawing."
      : padRefused ? "Nothing read: drawing refused, see the pad." : "Nothing read: draw a digit.", tops: null };
    const tops = Object.fromEntries(NAMES.map((name) => [name, answer(found, name, state.step)]));
    const changed = NAMES.filter((name) => !spoken.tops || spoken.tops[name][0] !== tops[name][0]);
    const parts = (onlyChanges ? changed : NAMES).map((name) => `${SHORT[name]} ${onlyChanges ? "now " : ""}${said(tops[name])}`);
    return { text: `Step ${state.step} of ${found.rows}${parts.length ? `: ${parts.join(", ")}` : ""}.`, tops };
  }
  function updateLive(found) {
    $("status-line").textContent = liveText(found, false).text;
    const wait = 1000 - (performance.now() - lastLive);
    if (wait > 0) { if (!liveTimer) liveTimer = setTimeout(() => { liveTimer = null; updateLive(readings()); }, wait); return; }
    const next = liveText(found, Boolean(timer));
    if (next.text === $("live").textContent) return;
    $("live").textContent = next.text; lastLive = performance.now();
    spoken = { tops: next.tops };
  }

  function toggleRow(row) {
    state.blanked = state.blanked.includes(row) ? state.blanked.filter((r) => r !== row) : [...state.blanked, row].sort((a, b) => a - b);
    visitorSet("blanked");
    show();
  }

  // --- The tour: five stops along the report's Q3 answers ------------------------------------------
  const pct = (v) => `${Math.round(100 * v)}%`, acc = (v) => Number(v).toFixed(3), pts = (v) => (100 * v).toFixed(1);
  const whole = (v) => String(Math.round(v));
  function firstInkRow(index) { const p = data.images[index].pixels; for (let r = 0; r < 28; r++) if (p.slice(r * 28, r * 28 + 28).some((v) => v)) return r + 1; return 1; }
  // Each stop names the pictures it talks about (`pictures`): its text is shown right above them (above the
  // first, on a narrow screen).
  const GRU = "#panels [data-model='gru_1x32']", LSTM = "#panels [data-model='lstm_1x32']";
  const STOPS = [
    { title: "The first rows", setup: { image: 0, step: 4 }, pictures: [`${GRU} canvas.readout`],
      text: () => `Every digit starts on the same path. The top rows are blank (row 3 in ${pct(facts.blank_row_3)} of the test images) and both networks start from a zero state, so the top rows of the pictures look alike for every image (across test images the GRU's states differ by ${facts.spread_step_3.toFixed(2)} at step 3). On those blank rows the GRU's head answers "${whole(facts.blank_path_first_class)}", then from step ${whole(facts.blank_path_settled_from)} "${whole(facts.blank_path_settled_class)}", whatever the digit.`,
      watch: "Step back and forth over rows 1 to 8 with the step slider at the top, then show the next test image (the button below): the top of every picture stays the same until the ink begins.",
      action: ["Show the next test image", () => { state.image = (state.image + 1) % data.images.length; }] },
    { title: "When the decision is made", setup: { image: 2, step: 16 }, pictures: [`${GRU} canvas.readout`],
      text: () => `The state knows long before the head says. After row 16 a simple probe reads the right class from the GRU's state for ${pct(facts.probe_step_16)} of the test images, yet the head names it for only ${pct(facts.head_step_16)}: it was trained to answer after row 28 only, so it waits. In the median image its answer settles at step ${whole(facts.median_decision_step)}, against row ${whole(facts.median_last_ink_row)} for the last ink; trained to answer after every row, it reads ${pct(facts.every_step_loss_step_16_min)}-${pct(facts.every_step_loss_step_16_max)} at step 16.`,
      watch: "Press Play or drag the step from 16 to 28 and watch P(class): the red dashed line marks the step from which the answer stops changing." },
    { title: "What the head reads after the digit", setup: { image: 3, step: 28, appended: 4 }, pictures: [`${GRU} canvas.readout`],
      text: () => `Four blank rows are appended after row 28. Over the test set the head's read-out falls: the GRU from ${acc(facts.gru_accuracy)} to ${acc(facts.gru_appended_4)} correct, the LSTM from ${acc(facts.lstm_accuracy)} to ${acc(facts.lstm_appended_4)}. The head was trained to read the state right after row 28, not later; a GRU trained with blank rows after its digits keeps ${acc(facts.gru_trailing_blanks_appended_4)}.`,
      watch: "Step from 28 to 32 (or press Play) and watch the bottom rows of P(class) and of each state: the answer moves on rows that hold no ink." },
    { title: "What a missing row costs", setup: { image: 7, step: 28, blanked: [Math.round(facts.gru_worst_row || 12) - 1] }, pictures: ["#digit"],
      text: () => `One missing row can cost a lot. Over the test set, blanking row ${whole(facts.gru_worst_row)} alone costs the GRU ${pts(facts.gru_worst_row_cost)} points of accuracy; the LSTM's worst row (${whole(facts.lstm_worst_row)}) costs it ${pts(facts.lstm_worst_row_cost)}, a convolutional network's ${pts(facts.cnn_worst_row_cost)}. Here row ${whole(facts.gru_worst_row)} of test image 7, a ${data.images[7].label}, is blanked (shaded red): ${finalWords()}.`,
      watch: "The bars beside the digit show, for this image, what blanking each row alone costs each network's final class, both on one scale. Click rows of the digit to blank or restore them." },
    { title: "The gates (bonus)", setup: { image: 0, step: firstInkRow(0) + 2 }, pictures: ["f", "o", "i"].map((key) => `${LSTM} canvas.${key}`), // on a phone, its text above f and o
      text: () => `Above the ink the LSTM's gates hardly move: a unit's spread over images and steps averages ${facts.lstm_i_sd_above_ink.toFixed(3)} (input i), ${facts.lstm_f_sd_above_ink.toFixed(3)} (forget f) and ${facts.lstm_o_sd_above_ink.toFixed(3)} (output o). At the first row with ink they switch: the output gate averages ${facts.lstm_o_before_ink.toFixed(2)} one step before it, ${facts.lstm_o_at_ink.toFixed(2)} at it and ${facts.lstm_o_after_ink.toFixed(2)} two steps after, while the forget gate stays high (${facts.lstm_f_at_ink.toFixed(2)}).`,
      watch: `Test image 0's ink starts at row ${firstInkRow(0)}: compare the LSTM's i, f and o pictures above and below it, and read the equations below for each gate's job.` },
  ];
  function finalWords() { // what each network ends on for the input shown
    const found = readings();
    return NAMES.map((name) => `the ${SHORT[name]} now reads ${said(answer(found, name, found.rows))}`).join(", ");
  }
  function startStop(k) {
    stopPlay();
    const stop = STOPS[k], setup = stop.setup;
    const saved = tour ? tour.saved : { source: state.source, image: state.image, step: state.step, ...experiment(), blanked: [...state.blanked] };
    Object.assign(state, { source: "test", image: setup.image, ...NO_EXPERIMENT, blanked: [] });
    for (const key of EXPERIMENTS) if (setup[key] !== undefined) state[key] = Array.isArray(setup[key]) ? [...setup[key]] : setup[key];
    state.step = setup.step;
    tour = { stop: k, owned: new Set(["view", ...EXPERIMENTS]), set: new Set(EXPERIMENTS.filter((key) => setup[key] !== undefined)), saved };
    state.step = clamp(state.step, 1, 28 + state.appended);
    $("tour-title").textContent = `Stop ${k + 1} of ${STOPS.length}: ${stop.title}`;
    $("tour-body").textContent = stop.text();
    $("tour-hand-over").textContent = `What to watch: ${stop.watch} The controls are yours now.`;
    $("tour-text").hidden = false;
    placeTourText();
    $("tour-next").hidden = k === STOPS.length - 1;
    $("tour-image").hidden = !stop.action;
    if (stop.action) $("tour-image").textContent = stop.action[0];
    document.querySelectorAll("#tour-stops button").forEach((button, m) => { if (m === k) button.setAttribute("aria-current", "step"); else button.removeAttribute("aria-current"); });
    show();
  }
  function endTour() { // the visitor's own view comes back, but for what the visitor set during the tour
    if (!tour) return;
    const saved = tour.saved;
    for (const key of tour.owned) {
      if (key === "view") Object.assign(state, { source: saved.source, image: saved.image, step: saved.step });
      else state[key] = key === "blanked" ? [...saved.blanked] : saved[key];
    }
    tour = null;
    $("tour-text").hidden = true;
    placeTourText();
    document.querySelectorAll("#tour-stops button").forEach((button) => button.removeAttribute("aria-current"));
  }
  function visitorSet(key) { if (tour) tour.owned.delete(key); }
  STOPS.forEach((stop, k) => {
    const button = document.createElement("button");
    button.type = "button"; button.dataset.stop = String(k + 1); button.textContent = `${k + 1}. ${stop.title}`;
    button.addEventListener("click", () => { startStop(k); showTourText(); });
    $("tour-stops").appendChild(button);
  });
  $("tour-title").tabIndex = -1;
  // The stop's text sits right above the pictures it talks about: above their network's panel, or on a
  // narrow screen above the first of them; in the tour's card when they are the digit (always in view
  // beside it on a wide screen, right under it on a narrow one).
  const narrow = window.matchMedia("(max-width: 900px)");
  function placeTourText() {
    const text = $("tour-text"), first = tour && document.querySelector(STOPS[tour.stop].pictures[0]);
    const before = first && !$("view").contains(first) ? first.closest(narrow.matches ? "figure" : ".model") : null;
    if (before) { if (text.nextElementSibling !== before) before.before(text); }
    else if (text.parentElement !== $("tour")) $("tour-stops").after(text);
  }
  narrow.addEventListener("change", placeTourText);
  function showTourText() { // the stop's text at the top of the screen, under the step bar, and its pictures in view below it
    const text = $("tour-text");
    text.scrollIntoView({ block: "start" });
    const bottom = Math.max(...STOPS[tour.stop].pictures.map((selector) => document.querySelector(selector).getBoundingClientRect().bottom));
    const below = bottom + 4 - window.innerHeight, room = text.getBoundingClientRect().top - $("stepbar").getBoundingClientRect().bottom - 4;
    if (below > 0) window.scrollBy(0, Math.min(below, Math.max(0, room)));
    $("tour-title").focus({ preventScroll: true });
  }
  // What the visitor is touching stays where it is on the screen while the page above it changes
  // (the tour's text going away, rows appended or taken away).
  function keepInPlace(element, update) {
    const before = element.getBoundingClientRect().top;
    update();
    const moved = element.getBoundingClientRect().top - before;
    if (Math.abs(moved) >= 0.5) window.scrollBy(0, moved);
  }
  $("start-tour").addEventListener("click", () => { startStop(0); showTourText(); });
  $("tour-image").addEventListener("click", () => { if (tour && STOPS[tour.stop].action) { STOPS[tour.stop].action[1](); show(); } });
  $("tour-next").addEventListener("click", () => { if (tour && tour.stop < STOPS.length - 1) { startStop(tour.stop + 1); showTourText(); } });
  $("tour-end").addEventListener("click", () => keepInPlace($("tour"), () => { endTour(); show(); }));

  // --- Drawing pad ---------------------------------------------------------------------------------
  const pad = $("pad"), PAD = 280;
  let strokes = [], drawing = null, restored = false, ignoredPointers = new Set();
  let padRefused = false; // the pad's last drawing was refused (the pad says why)
  function setPadStatus(text, read) {
    $("pad-status").textContent = text;
    if (read === undefined) delete $("pad-status").dataset.read; else $("pad-status").dataset.read = read;
  }
  function padPoint(event) {
    const rect = pad.getBoundingClientRect();
    return [(event.clientX - rect.left) * PAD / rect.width, (event.clientY - rect.top) * PAD / rect.height];
  }
  function redrawPad() {
    const ratio = window.devicePixelRatio || 1;
    if (pad.width !== Math.round(PAD * ratio)) { pad.width = Math.round(PAD * ratio); pad.height = Math.round(PAD * ratio); }
    const g = pad.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.fillStyle = "#fff"; g.fillRect(0, 0, PAD, PAD);
    if (restored && state.drawing) { // a shared drawing: its 28 x 28 prepared image, 10 px a pixel
      g.fillStyle = "#000";
      state.drawing.forEach((v, p) => { if (v) g.fillRect((p % 28) * 10, Math.floor(p / 28) * 10, 10, 10); });
      return;
    }
    g.strokeStyle = "#000"; g.lineWidth = hw3.STROKE; g.lineCap = "round"; g.lineJoin = "round";
    for (const stroke of strokes) {
      g.beginPath(); g.moveTo(...stroke[0]);
      for (const p of stroke.slice(1)) g.lineTo(...p);
      if (stroke.length === 1) g.lineTo(stroke[0][0] + 0.01, stroke[0][1]);
      g.stroke();
    }
    if (!strokes.length) { // an empty pad says what it is for (light grey: no ink for the reading)
      g.fillStyle = "#bbb"; g.font = "16px system-ui, sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
      g.fillText("draw a digit here, large", PAD / 2, PAD / 2);
    }
  }
  pad.addEventListener("contextmenu", (event) => event.preventDefault());
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    if (event.isPrimary) ignoredPointers.clear(); // a new gesture
    if (drawing !== null && event.pointerId !== drawing) { // a second finger: the gesture is not a drawing
      strokes.pop(); ignoredPointers.add(drawing).add(event.pointerId); drawing = null; redrawPad();
      setPadStatus("Two fingers on the pad: ignored. Draw with one finger.", "false");
      return;
    }
    if (ignoredPointers.size) { ignoredPointers.add(event.pointerId); return; } // a further finger of that gesture
    if (event.button !== 0) return; // only the main button (or a finger) draws
    if (restored) { setPadStatus("The pad holds a shared drawing: press Clear to draw your own.", "true"); return; }
    try { pad.setPointerCapture(event.pointerId); } catch (error) { /* a pointer the browser no longer tracks */ }
    drawing = event.pointerId; strokes.push([padPoint(event)]); redrawPad();
  });
  pad.addEventListener("pointermove", (event) => {
    if (drawing === null || event.pointerId !== drawing) return;
    event.preventDefault(); strokes[strokes.length - 1].push(padPoint(event)); redrawPad();
  });
  const lift = (event) => {
    if (ignoredPointers.has(event.pointerId)) { ignoredPointers.delete(event.pointerId); return; }
    if (drawing === null || event.pointerId !== drawing) return;
    drawing = null; event.preventDefault();
    if (ignoredPointers.size) return;
    const started = performance.now();
    const verdict = hw3.drawingVerdict(strokes, data.inkLimit);
    keepInPlace(pad, () => {
      endTour(); stopPlay();
      state.source = "drawing"; state.refused = "";
      state.drawing = verdict.read ? verdict.image : null; padRefused = !verdict.read;
      setPadStatus(verdict.read ? "Read: your drawing, prepared as MNIST was (28 x 28: see The digit being read)." : verdict.reason, String(verdict.read));
      if (verdict.read) state.step = 28 + state.appended;
      show();
    });
    $("pad-status").dataset.readMs = String(performance.now() - started);
  };
  pad.addEventListener("pointerup", lift);
  pad.addEventListener("pointercancel", lift);
  $("clear").addEventListener("click", () => keepInPlace(pad, () => { // clearing ends the tour, as drawing does
    strokes = []; drawing = null; restored = false; ignoredPointers.clear();
    endTour(); stopPlay();
    state.drawing = null; state.source = "drawing"; state.refused = ""; padRefused = false;
    redrawPad();
    setPadStatus("Draw a digit on the pad."); delete $("pad-status").dataset.readMs;
    show();
  }));

  // --- Controls ------------------------------------------------------------------------------------
  // A finger's tap on a button acts when the finger lifts: Chrome may drop the click of a tap that comes
  // right after a stroke on the pad. The click that may still follow that tap is dropped.
  let pressed = null, tapped = null;
  document.addEventListener("pointerdown", (event) => { pressed = event.pointerType === "touch" ? event.target.closest("button") : null; }, true);
  document.addEventListener("pointercancel", () => { pressed = null; }, true);
  document.addEventListener("pointerup", (event) => {
    const button = pressed; pressed = null;
    if (!button || event.pointerType !== "touch" || button.disabled) return;
    const under = document.elementFromPoint(event.clientX, event.clientY);
    if (!under || under.closest("button") !== button) return; // the finger slid off the button
    tapped = { button, at: performance.now() };
    button.click();
  }, true);
  document.addEventListener("click", (event) => {
    if (!event.isTrusted || !tapped) return;
    if (event.target.closest("button") === tapped.button && performance.now() - tapped.at < 1000) { event.stopImmediatePropagation(); event.preventDefault(); }
    tapped = null;
  }, true);
  let timer = null;
  function stopPlay() { if (timer) { clearInterval(timer); timer = null; } $("play").textContent = "Play"; $("play").setAttribute("aria-pressed", "false"); }
  function play() {
    if (timer) { stopPlay(); return; }
    $("play").textContent = "Pause"; $("play").setAttribute("aria-pressed", "true");
    if (state.step >= 28 + state.appended) state.step = 1;
    timer = setInterval(() => { if (state.step >= 28 + state.appended) { stopPlay(); show(); return; } state.step += 1; show(); }, 300);
    spoken = {};
    show();
  }
  $("play").addEventListener("click", play);
  $("step-slider").addEventListener("input", () => { stopPlay(); state.step = Number($("step-slider").value); show(); });
  $("image-slider").max = String(data.images.length - 1);
  $("image-slider").addEventListener("input", () => { state.source = "test"; state.image = Number($("image-slider").value); visitorSet("view"); show(); });
  $("source-test").addEventListener("change", () => { state.source = "test"; visitorSet("view"); show(); });
  $("source-drawing").addEventListener("change", () => keepInPlace($("source-drawing"), () => { endTour(); state.source = "drawing"; show(); }));
  $("order").addEventListener("change", () => { state.order = $("order").value; show(); });
  for (const [id, key] of [["down", "down"], ["right", "right"], ["append", "appended"]]) {
    $(id).addEventListener("input", () => keepInPlace($(id), () => {
      const atEnd = state.step >= 28 + state.appended;
      state[key] = Number($(id).value);
      visitorSet(key);
      if (key === "appended" && atEnd) state.step = 28 + state.appended; // stay on the last row read
      show();
    }));
  }
  for (let r = 1; r <= 28; r++) $("blank-row").add(new Option(`row ${r}`, String(r - 1)));
  $("blank-toggle").addEventListener("click", () => toggleRow(Number($("blank-row").value)));
  $("reset").addEventListener("click", () => keepInPlace($("reset"), () => { Object.assign(state, NO_EXPERIMENT, { blanked: [] }); EXPERIMENTS.forEach(visitorSet); state.step = 28; show(); }));
  window.addEventListener("hashchange", () => { readHash(); show(); });

  const barHeight = () => document.documentElement.style.setProperty("--bar", `${$("stepbar").getBoundingClientRect().height}px`);
  new ResizeObserver(barHeight).observe($("stepbar"));
  $("source").textContent = data.source;
  setPadStatus("Draw a digit on the pad.");
  makePanels();
  redrawPad();
  readHash();
  show();
  // For the tests: the state, what the networks read, the importance bars as drawn, a view opened from a
  // URL fragment, and the tour.
  window.hw3Page = { state, show, readings, toggleRow, importanceBars: () => importanceBars, stops: STOPS.length,
                     tour: () => tour && { stop: tour.stop, owned: [...tour.owned] },
                     open: (fragment) => { history.replaceState(null, "", fragment); readHash(); show(); } };
})();
