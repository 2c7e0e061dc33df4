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
  const announce = (text) => { $("announce").textContent = ""; setTimeout(() => { $("announce").textContent = text; }, 50); }; // said once, even when said again
  const FONT = "12px system-ui, sans-serif";
  const ROW_PX = 7, UNIT_PX = 3, CLASS_PX = 10, LEFT = 24, TOP = 3, BOTTOM = 36; // heatmap geometry (CSS px)
  let DIGIT_ROW = 8; const DIGIT_LEFT = 24, BAR_HALF = 30; // the digit picture: 8 px per pixel (7 on a phone), two signed bar columns
  const BAR_POINTS = 100; // one fixed importance scale for every image and both networks: BAR_HALF px = 100 points
  const EXPERIMENTS = ["down", "right", "appended", "blanked"];
  const NO_EXPERIMENT = { down: 0, right: 0, appended: 0, blanked: [] };

  // --- Colour scales: value -> css colour ------------------------------------------------------------
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  // Each scale: value -> [r, g, b] (rgb), and as a css colour (colour).
  const SCALES = {
    state: { low: -1, high: 1, rgb: (v) => { // blue negative, white 0, red positive
      const x = clamp(v, -1, 1), a = Math.round(255 * (1 - Math.abs(x)));
      return x >= 0 ? [255, a, a] : [a, a, 255]; } },
    cell: { low: -3, high: 3, rgb: (v) => SCALES.state.rgb(v / 3) },
    gate: { low: 0, high: 1, rgb: (v) => { const a = Math.round(255 * (1 - clamp(v, 0, 1))); return [a, a, a]; } },
    probability: { low: 0, high: 1, rgb: (v) => { const x = clamp(v, 0, 1);
      return [Math.round(255 - 235 * x), Math.round(255 - 135 * x), Math.round(255 - 200 * x)]; } },
  };
  for (const scale of Object.values(SCALES)) scale.colour = (v) => `rgb(${scale.rgb(v).join(",")})`;
  // A (rows x columns) grid of values as an image, one pixel a cell: drawn scaled up, without smoothing.
  const cellImage = document.createElement("canvas");
  function drawCells(g, rows, scale, left, top, cellWidth, cellHeight) {
    const columns = rows[0].length, pixels = new ImageData(columns, rows.length);
    for (let t = 0; t < rows.length; t++) for (let j = 0; j < columns; j++) {
      const [r, gr, b] = SCALES[scale].rgb(rows[t][j]), k = 4 * (t * columns + j);
      pixels.data[k] = r; pixels.data[k + 1] = gr; pixels.data[k + 2] = b; pixels.data[k + 3] = 255;
    }
    cellImage.width = columns; cellImage.height = rows.length;
    cellImage.getContext("2d").putImageData(pixels, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(cellImage, left, top, columns * cellWidth, rows.length * cellHeight);
  }

  // --- State: what is shown, kept in the URL hash (all but the tour and the highlighted step) ----------
  let linkAsAdjusted = null; // the hash as the page wrote it right after reading a link
  // The digit's row pointed at (mouse) or focused (keys): it means what blanking that row does, and only that;
  // the bars and the charts stay on the step (a row of a unit picture pointed at moves them: state.hot).
  let digitRow = null;
  const state = { source: "test", image: 0, step: 28, down: 0, right: 0, appended: 0, blanked: [], drawing: null,
                  refused: "", order: "index", hot: null, unit: 0, pick: null };
  // pick: the (network, unit, step) cell whose arithmetic is shown, its unit's column marked in every picture
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
    if (tour) parts.push(`tour=${tour.stop}`);
    if (state.pick) parts.push(`cell=${SHORT[state.pick.name].toLowerCase()}.${state.pick.key || "h"}.${state.pick.unit + 1}.${state.pick.step}`);
    history.replaceState(null, "", `#${parts.join("&")}`);
  }
  const LINK_KEYS = ["source", "image", "step", "down", "right", "append", "blank", "order", "drawing", "tour", "cell"];
  function readHash() {
    linkAsAdjusted = null; // set once the page has written the link's view back
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
      if (fields[key] !== String(shown)) adjusted.push(`${key}=${fields[key]} became ${shown} (${lo} to ${hi}, written as a whole number)`);
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
    if (fields.drawing === undefined && linkRefusal) { linkRefusal = false; setPadStatus("Draw a digit on the pad."); redrawPad(); }
    if (fields.drawing !== undefined && !(state.drawing && fields.drawing === encodeURIComponent(encodeImage(state.drawing)))) {
      let text = null;
      try { text = decodeURIComponent(fields.drawing); } catch (error) { text = null; }
      const decoded = text === null ? { image: null, why: "it is not valid URL text" } : decodeImage(text);
      state.drawing = decoded.image;
      if (!decoded.image) state.refused = `Refused: this link's drawing cannot be read (${decoded.why}), so nothing is shown for it. Draw a digit on the pad, or choose a test image.`;
      if (!decoded.image && state.source !== "drawing") adjusted.push(`its drawing was refused (${decoded.why}; the pad says more), so test image ${state.image} is shown`);
      padRefused = false;
      strokes = []; restored = Boolean(decoded.image); grid = decoded.image ? Float64Array.from(decoded.image) : new Float64Array(784);
      setPadStatus(decoded.image ? "A shared drawing, shown as the networks read it (28 x 28). Clear the pad to draw your own." : state.refused, decoded.image ? "true" : "false");
      linkRefusal = !decoded.image;
      redrawPad();
    }
    state.step = whole("step", 1, 28 + state.appended, 28 + state.appended);
    // the cell whose arithmetic is open: network.picture.unit.step ("gru.h.5.12"), and the tour stop shown
    state.pick = null;
    if (fields.cell !== undefined) {
      const m = /^(gru|lstm)\.([a-z]+)\.(\d+)\.(\d+)$/.exec(fields.cell), name = m && (m[1] === "gru" ? "gru_1x32" : "lstm_1x32");
      if (m && PANELS[name].some(([key]) => key === m[2]) && Number(m[3]) >= 1 && Number(m[3]) <= 32 && Number(m[4]) >= 1 && Number(m[4]) <= 28 + state.appended)
        state.pick = { name, key: m[2], unit: Number(m[3]) - 1, step: Number(m[4]) };
      else adjusted.push(`cell=${fields.cell} left out (a network, a picture, a unit 1 to 32 and a step, as in gru.h.5.12)`);
    }
    const stop = fields.tour === undefined ? null : whole("tour", 0, STOPS.length - 1, 0);
    if (stop === null) { if (tour) dropTour(); } else startStop(stop, new Set(Object.keys(fields)));
    $("url-note").textContent = adjusted.length ? `This link was adjusted: ${adjusted.join("; ")}.` : "";
    $("url-note").hidden = !adjusted.length;
  }

  // --- The digit shown and what the networks make of it (cached per input) -------------------------
  const cache = new Map();
  function baseImage() {
    return state.source === "drawing" ? state.drawing : Float64Array.from(data.images[state.image].pixels);
  }
  const experiment = () => ({ down: state.down, right: state.right, blanked: state.blanked, appended: state.appended });
  // Both networks on `image` under the experiment `on`, cached: {input, rows, name: {steps, probabilities, decision}}.
  function analysed(image, on) {
    const key = `${state.source}:${state.source === "drawing" ? encodeImage(image) : state.image}:${JSON.stringify(on)}`;
    if (!cache.has(key)) {
      const input = hw3.experimentInput(image, on), found = { input, rows: input.length / 28, importance: {} };
      for (const name of NAMES) {
        const steps = hw3.run(data.models[name], input);
        found[name] = { steps, probabilities: steps.map((s) => hw3.softmax(s.logits)), decision: hw3.decisionStep(steps) };
      }
      if (cache.size > 300) cache.clear();
      cache.set(key, found);
    }
    return cache.get(key);
  }
  function importanceOf(found, name, reference) { // cached with its input
    const key = `${name}:${reference}`;
    if (!found.importance[key]) found.importance[key] = hw3.rowImportance(data.models[name], found.input, reference, found[name].steps);
    return found.importance[key];
  }
  // What the networks make of the digit shown: {input, rows, reference (class per network), name: {steps,
  // probabilities, decision, importance}, clean: the same without the blanked rows (when some are), plain:
  // with no experiment at all (when one is on)}. Row importance is measured on the probability of the true
  // class (a test image) or of the class the network names with no row blanked (a drawing).
  function readings() {
    const image = baseImage();
    if (!image) return null;
    const on = experiment(), current = analysed(image, on);
    const clean = state.blanked.length ? analysed(image, { ...on, blanked: [] }) : current;
    const plain = state.down || state.right || state.appended || state.blanked.length ? analysed(image, { ...NO_EXPERIMENT, blanked: [] }) : current;
    const found = { input: current.input, rows: current.rows, reference: {}, label: state.source === "test" ? data.images[state.image].label : null,
                    clean: clean === current ? null : { rows: clean.rows }, plain: plain === current ? null : plain };
    for (const name of NAMES) {
      const reference = found.label !== null ? found.label : hw3.argmax(clean[name].probabilities[clean.rows - 1]);
      found.reference[name] = reference;
      found[name] = { ...current[name], importance: importanceOf(current, name, reference) };
      if (found.clean) found.clean[name] = { importance: importanceOf(clean, name, reference) };
    }
    return found;
  }

  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  function experimentsOn() { // each experiment on, in words, with who set it
    const on = [], by = (key) => (tour && tour.owned.has(key) && tour.set.has(key) ? ` (set by tour stop ${tour.stop})` : "");
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
    drawCells(g, rows, scale, LEFT, TOP, cell, ROW_PX);
    dimUnread(g, LEFT, width, rows.length, shown, TOP, ROW_PX);
    g.strokeStyle = "#999"; g.strokeRect(LEFT - 0.5, TOP - 0.5, width + 1, rows.length * ROW_PX + 1);
    g.fillStyle = "rgba(214,39,40,0.55)"; // blanked rows: a red tick at the left edge, as the digit shades them
    for (const r of state.blanked) if (r < rows.length) g.fillRect(LEFT - 4, TOP + r * ROW_PX, 3, ROW_PX);
    canvas.hw3Blanked = state.blanked.filter((r) => r < rows.length).map((r) => r + 1);
    if (decision) { g.strokeStyle = "#d62728"; g.setLineDash([3, 2]); g.beginPath(); g.moveTo(LEFT - 4, TOP + (decision - 1) * ROW_PX); g.lineTo(LEFT + width + 3, TOP + (decision - 1) * ROW_PX); g.stroke(); g.setLineDash([]); }
    outlineStep(g, LEFT, width, shown, TOP, ROW_PX, "#d62728", 1.5);
    if (state.hot) outlineStep(g, LEFT, width, state.hot, TOP, ROW_PX, "#000", 2);
    canvas.hw3Marked = null; canvas.hw3Pointed = null;
    if (hotUnit && labels && hotUnit.name === info.name && !(state.pick && state.pick.name === info.name && state.pick.unit === hotUnit.unit)) {
      const col = labels.indexOf(hotUnit.unit); // the unit pointed at: its column, in every picture of its network
      if (col >= 0) { g.strokeStyle = "#000"; g.setLineDash([2, 2]); g.strokeRect(LEFT + col * cell - 0.5, TOP - 0.5, cell + 1, rows.length * ROW_PX + 1); g.setLineDash([]); canvas.hw3Pointed = hotUnit.unit; }
    }
    if (state.pick && labels && state.pick.name === info.name) { // the picked unit's column, and its cell
      const col = labels.indexOf(state.pick.unit);
      if (col >= 0) {
        g.strokeStyle = "#1f5f8b"; g.lineWidth = 1.5; g.strokeRect(LEFT + col * cell - 1, TOP - 1, cell + 2, rows.length * ROW_PX + 2);
        if (state.pick.step <= rows.length) { g.strokeStyle = "#000"; g.strokeRect(LEFT + col * cell - 2, TOP + (state.pick.step - 1) * ROW_PX - 2, cell + 4, ROW_PX + 4); }
        g.lineWidth = 1; canvas.hw3Marked = state.pick.unit;
      }
    }
    canvas.hw3Axis = stepAxis(g, rows.length, LEFT, TOP, ROW_PX);
    drawTourMark(g, canvas, LEFT, width, TOP, ROW_PX);
    g.fillStyle = "#444"; g.textBaseline = "top"; g.textAlign = "center";
    const y = TOP + rows.length * ROW_PX + 2;
    canvas.hw3Groups = null; canvas.hw3Labels = [];
    const label = (text, x, align) => { g.textAlign = align; g.fillText(text, x, y); canvas.hw3Labels.push(text); };
    if (columns === 10) for (let k = 0; k < 10; k++) label(String(k), LEFT + (k + 0.5) * cell, "center");
    else if (state.order === "class") classGroups(g, canvas, labels, info.name, rows.length, cell, label);
    else if (state.order === "change") { label("early", LEFT, "left"); label("late", LEFT + width, "right"); }
    else { label("unit 1", LEFT, "left"); label("32", LEFT + width, "right"); }
    const scaleInfo = SCALES[scale], legendY = y + 14; // the colour scale
    drawCells(g, [Array.from({ length: width }, (_, k) => scaleInfo.low + (scaleInfo.high - scaleInfo.low) * k / (width - 1))], scale, LEFT, legendY, 1, 6);
    g.fillStyle = "#444"; g.textBaseline = "top"; g.textAlign = "left"; g.fillText(String(scaleInfo.low), LEFT, legendY + 7);
    g.textAlign = "right"; g.fillText(String(scaleInfo.high), LEFT + width, legendY + 7);
    canvas.hw3Hover = { ...info, rows, columns, cell, labels, top: TOP, rowPx: ROW_PX, left: LEFT };
  }

  // The tour stop's mark on the picture its claim is about: a magenta frame around the rows it speaks of
  // (canvas.hw3TourMark: [first row, last row], for the tests).
  function drawTourMark(g, canvas, left, width, top, rowPx) {
    canvas.hw3TourMark = null;
    if (!tour || !STOPS[tour.stop].pictures.some((selector) => canvas.matches(selector))) return;
    const rows = STOPS[tour.stop].mark();
    if (!rows || rows[1] < rows[0]) return;
    g.strokeStyle = "#c51b7d"; g.lineWidth = 2.5; g.setLineDash([]);
    g.strokeRect(left - 3, top + (rows[0] - 1) * rowPx - 2, width + 6, (rows[1] - rows[0] + 1) * rowPx + 4); g.lineWidth = 1;
    canvas.hw3TourMark = rows;
  }
  // Units ordered by the class each favours: a line between two classes' groups, and under each group its
  // class (a group too narrow for its digit shares a label with its neighbours: "2-4").
  function classGroups(g, canvas, units, name, rows, cell, label) {
    const groups = [];
    units.forEach((j, m) => { const k = favouredClass(name, j); if (groups.length && groups[groups.length - 1][0] === k) groups[groups.length - 1][2] = m; else groups.push([k, m, m]); });
    canvas.hw3Groups = groups;
    g.strokeStyle = "rgba(0,0,0,0.45)"; // thin lines across the picture, a darker tick under it
    for (const [, from] of groups.slice(1)) { g.beginPath(); g.moveTo(LEFT + from * cell, TOP); g.lineTo(LEFT + from * cell, TOP + rows * ROW_PX + 4); g.stroke(); }
    // labels: [first class, last class, first column, last column], each centred on its columns and no wider
    const text = ([a, b]) => (a === b ? String(a) : `${a}-${b}`), fits = (l) => (l[3] + 1 - l[2]) * cell >= g.measureText(text(l)).width + 2;
    const labels = [];
    let pending = null; // groups not yet labelled
    for (const [k, from, to] of groups) {
      pending = pending ? [pending[0], k, pending[2], to] : [k, k, from, to];
      if (fits(pending)) { labels.push(pending); pending = null; }
    }
    if (pending) labels.push(pending);
    while (labels.length > 1 && !fits(labels[labels.length - 1])) { // the last too narrow: merged into the one before, never over it
      const last = labels.pop(), before = labels.pop();
      labels.push([before[0], last[1], before[2], last[3]]);
    }
    canvas.hw3LabelBoxes = labels.map((l) => { const w = g.measureText(text(l)).width, x = LEFT + (l[2] + l[3] + 1) * cell / 2; return [x - w / 2, x + w / 2]; });
    for (const l of labels) label(text(l), LEFT + (l[2] + l[3] + 1) * cell / 2, "center");
  }

  // The digit being read, and beside it each row's importance for both networks on one fixed scale (the same
  // for every image): the points by which blanking that row alone lowers (bar to the right) or raises (to the
  // left) the probability of the reference class (found.reference). With rows blanked, outlined bars give
  // the same costs on the digit with no row blanked.
  let importanceBars = [];
  function drawDigit(canvas, found, rows, shown) {
    const width = 28 * DIGIT_ROW, barLeft = DIGIT_LEFT + width + 8, column = 2 * BAR_HALF + 4;
    const g = context(canvas, barLeft + 2 * column + 2, TOP + Math.max(rows, 28) * DIGIT_ROW + 18);
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
    if (digitRow || state.hot) outlineStep(g, DIGIT_LEFT, width, digitRow || state.hot, TOP, DIGIT_ROW, "#000", 2);
    canvas.hw3Axis = stepAxis(g, rows, DIGIT_LEFT, TOP, DIGIT_ROW);
    drawTourMark(g, canvas, DIGIT_LEFT, width, TOP, DIGIT_ROW);
    importanceBars = [];
    const px = (drop) => BAR_HALF * drop * 100 / BAR_POINTS;
    NAMES.forEach((name, m) => {
      const zero = barLeft + m * column + BAR_HALF;
      g.strokeStyle = "#bbb"; g.beginPath(); g.moveTo(zero + 0.5, TOP); g.lineTo(zero + 0.5, TOP + rows * DIGIT_ROW); g.stroke();
      g.strokeStyle = "#e4e4e4"; g.setLineDash([2, 2]); // 50 points either way
      for (const side of [-1, 1]) { g.beginPath(); g.moveTo(zero + 0.5 + side * BAR_HALF / 2, TOP); g.lineTo(zero + 0.5 + side * BAR_HALF / 2, TOP + rows * DIGIT_ROW); g.stroke(); }
      g.setLineDash([]);
      g.fillStyle = COLOURS[name];
      if (found) found[name].importance.drops.forEach((drop, r) => {
        const length = px(drop);
        if (drop !== 0) g.fillRect(drop > 0 ? zero + 1 : zero + length, TOP + r * DIGIT_ROW + 1, Math.abs(length), DIGIT_ROW - 2);
        importanceBars.push({ name, row: r + 1, drop, length, clean: found.clean ? found.clean[name].importance.drops[r] : null });
      });
      if (found && found.clean) { // the digit with no row blanked: outlined bars
        g.strokeStyle = "#222"; g.lineWidth = 1;
        found.clean[name].importance.drops.forEach((drop, r) => {
          const length = px(drop);
          if (Math.abs(length) >= 1) g.strokeRect((drop > 0 ? zero + 1 : zero + length) + 0.5, TOP + r * DIGIT_ROW + 1.5, Math.abs(length) - 1, DIGIT_ROW - 3);
        });
      }
      g.fillStyle = "#444"; g.textAlign = "center"; g.textBaseline = "top";
      g.fillText(SHORT[name], zero, TOP + rows * DIGIT_ROW + 4);
    });
    canvas.hw3Hint = found ? `${touchOnly.matches ? "tap" : "click"} a row to blank it` : null; // nothing read: nothing to blank
    if (found) { g.textAlign = "center"; g.fillText(canvas.hw3Hint, DIGIT_LEFT + width / 2, TOP + rows * DIGIT_ROW + 4); }
    canvas.hw3Digit = { rows, found };
    // A network whose bars are all under 2 px is said in words: no row matters much to it.
    const flat = found ? NAMES.filter((name) => Math.max(...found[name].importance.drops.map((d) => Math.abs(px(d)))) < 2) : [];
    const atMost = (name) => (Math.ceil(1000 * Math.max(...found[name].importance.drops.map(Math.abs))) / 10).toFixed(1);
    $("importance-note").textContent = found
      ? `Bars: blank that row alone and ${found.label !== null ? `P(${found.label}), the true class,` : "P(each network's answer)"} falls (bar to the right) or rises (left), in percentage points. ` +
        `One scale for every image: half a column is ${BAR_POINTS} points.` + (found.clean ? " Outlined: with no row blanked." : "") +
        flat.map((name) => ` The ${SHORT[name]}'s column looks empty: no row moves it more than ${atMost(name)} points.`).join("")
      : "";
  }

  function drawBars(canvas, found, shown) { // P(class) at the step shown (the slider's, or the one pointed at), both networks
    const width = 184, height = 100, bottom = 16, plot = height - bottom - 8;
    const g = context(canvas, width, height), left = Math.ceil(g.measureText("100%").width) + 6; // the labels fit left of the plot
    g.strokeStyle = "#ccc"; g.fillStyle = "#444"; g.textAlign = "right"; g.textBaseline = "middle";
    for (const p of [0, 0.5, 1]) { const y = 8 + plot * (1 - p); g.beginPath(); g.moveTo(left, y); g.lineTo(width - 4, y); g.stroke(); g.fillText(`${p * 100}%`, left - 3, y); }
    const slot = (width - left - 2) / 10;
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
  // A line chart: {width, height, xs (values), xLabel, yLabel, yMax, yTicks, series: [{label, colour, values, dash, axis}],
  // markers: [{x, colour, dash, label}], right: {min, max, ticks, format, colour} (a second axis, on the right, for
  // the series whose axis is "right")}. x runs over xs evenly; a null value leaves a gap. The legend names every
  // series and every labelled marker, laid out entry by entry so that no two overlap (wrapped to new lines).
  function lineChart(canvas, chart) {
    const { width } = chart;
    let height = chart.height, g = context(canvas, width, height);
    const labels = (chart.yTicks || [0, (chart.yMax || 1) / 2, chart.yMax || 1]).map((v) => (chart.yFormat ? chart.yFormat(v) : String(v)));
    const right2 = chart.right, rightLabels = right2 ? right2.ticks.map(right2.format) : [];
    const left = Math.ceil(Math.max(...labels.map((text) => g.measureText(text).width))) + 8;
    const right = width - (right2 ? Math.ceil(Math.max(...rightLabels.map((text) => g.measureText(text).width))) + 8 : 8);
    // the legend: series (a line) and labelled markers (a short upright line), entry by entry, wrapped
    const entries = [...chart.series.map((line) => ({ kind: "series", ...line })), ...(chart.markers || []).filter((m) => m.label).map((m) => ({ kind: "marker", ...m }))];
    const legend = []; let lx = 4, line = 0;
    const key = chart.compact ? 12 : 20, space = chart.compact ? 8 : 14; // compact: shorter keys, closer entries
    for (const entry of entries) {
      const w = key + Math.ceil(g.measureText(entry.label).width);
      if (lx > 4 && lx + w > width - 4) { lx = 4; line += 1; }
      legend.push({ entry, x: lx, y: 4 + 16 * line, w, h: 14, key }); lx += w + space;
    }
    if (line > 1) { height += 16 * (line - 1); g = context(canvas, width, height); } // a legend of more than two lines: the chart grows, the plot keeps its height
    const top = 8 + 16 * (entries.length ? line + 1 : 0), bottom = height - 30;
    const xs = chart.xs, X = (k) => left + (right - left) * k / Math.max(1, xs.length - 1);
    const yMax = chart.yMax || 1, yMin = chart.yMin || 0, Y = (v) => bottom - (bottom - top) * (clamp(v, yMin, yMax) - yMin) / (yMax - yMin);
    const YR = right2 ? (v) => bottom - (bottom - top) * (clamp(v, right2.min, right2.max) - right2.min) / (right2.max - right2.min) : Y;
    g.strokeStyle = "#ddd"; g.fillStyle = "#444"; g.textAlign = "right"; g.textBaseline = "middle";
    for (const v of chart.yTicks || [0, yMax / 2, yMax]) { g.beginPath(); g.moveTo(left, Y(v)); g.lineTo(right, Y(v)); g.stroke(); g.fillText(chart.yFormat ? chart.yFormat(v) : String(v), left - 3, Y(v)); }
    if (right2) { g.fillStyle = right2.colour || "#444"; g.textAlign = "left"; right2.ticks.forEach((v, k) => g.fillText(rightLabels[k], right + 4, YR(v))); }
    g.fillStyle = "#444"; g.textAlign = "center"; g.textBaseline = "top";
    const xLabels = []; let roomUntil = Infinity; // right to left: a label that would touch the one right of it is left out
    for (let k = xs.length - 1; k >= 0; k--) {
      if (chart.xTicks && !chart.xTicks.includes(xs[k])) continue;
      const w = g.measureText(String(xs[k])).width, from = X(k) - w / 2, to = X(k) + w / 2;
      if (to + 3 > roomUntil) continue;
      g.fillText(String(xs[k]), X(k), bottom + 3); xLabels.unshift({ text: String(xs[k]), from, to }); roomUntil = from;
    }
    g.fillText(chart.xLabel, (left + right) / 2, bottom + 16);
    const markerStyle = (marker) => { g.strokeStyle = marker.colour; g.lineWidth = marker.width || 1.5; g.setLineDash(marker.dash || []); };
    for (const marker of chart.markers || []) {
      const k = xs.indexOf(marker.x); if (k < 0) continue;
      markerStyle(marker);
      g.beginPath(); g.moveTo(X(k), top - 4); g.lineTo(X(k), bottom); g.stroke(); g.setLineDash([]); g.lineWidth = 1;
    }
    chart.series.forEach((series) => {
      const y = series.axis === "right" ? YR : Y;
      g.strokeStyle = series.colour; g.fillStyle = series.colour; g.lineWidth = series.width || 2; g.setLineDash(series.dash || []);
      g.beginPath(); let open = false;
      series.values.forEach((v, k) => { if (v === null || v === undefined) { open = false; return; } if (open) g.lineTo(X(k), y(v)); else g.moveTo(X(k), y(v)); open = true; });
      g.stroke(); g.setLineDash([]); g.lineWidth = 1;
    });
    for (const { entry, x, y, key } of legend) {
      if (entry.kind === "series") { g.strokeStyle = entry.colour; g.lineWidth = 2; g.setLineDash(entry.dash || []); g.beginPath(); g.moveTo(x, y + 7); g.lineTo(x + key - 4, y + 7); g.stroke(); }
      else { markerStyle(entry); g.beginPath(); g.moveTo(x + key / 2 - 2, y); g.lineTo(x + key / 2 - 2, y + 14); g.stroke(); }
      g.setLineDash([]); g.lineWidth = 1;
      g.fillStyle = "#333"; g.textAlign = "left"; g.textBaseline = "top"; g.fillText(entry.label, x + key, y);
    }
    g.strokeStyle = "#999"; g.strokeRect(left - 0.5, top - 4.5, right - left + 1, bottom - top + 4.5);
    canvas.hw3Chart = { xs, series: chart.series.map((series) => ({ label: series.label, values: series.values, axis: series.axis || "left" })),
                        markers: (chart.markers || []).map((m) => m.x), markerLabels: (chart.markers || []).map((m) => m.label || null),
                        legend: legend.map(({ entry, x, y, w, h }) => ({ label: entry.label, x, y, w, h })), width, xLabels, plot: { top, bottom },
                        left: { min: yMin, max: yMax, ticks: labels }, right: right2 ? { min: right2.min, max: right2.max, ticks: rightLabels } : null };
    canvas.setAttribute("aria-label", chart.describe || chart.series.map((series) => series.label).join(", "));
  }

  // P(true class) (a test image) or P(each network's final answer) (a drawing) after each step, both networks,
  // the step shown marked: linked to the slider and to the step pointed at.
  function drawTrueChart(canvas, found, shown) {
    if (!found) { lineChart(canvas, { width: 222, height: 100, xs: [1, 28], xLabel: "step", yTicks: [0, 0.5, 1], yFormat: (v) => `${100 * v}%`, series: [], describe: "nothing read" }); return; }
    const xs = Array.from({ length: found.rows }, (_, t) => t + 1);
    const series = NAMES.map((name) => { const k = found.label !== null ? found.label : hw3.argmax(found[name].probabilities[found.rows - 1]);
      return { label: SHORT[name], colour: COLOURS[name], values: found[name].probabilities.map((p) => p[k]), k }; });
    lineChart(canvas, { width: 222, height: 100, xs, xLabel: found.label !== null ? `step: P(${found.label}), the true class` : "step: P(final answer)",
      yTicks: [0, 0.5, 1], yFormat: (v) => `${100 * v}%`, xTicks: [1, 10, 20, 28, found.rows], series, compact: true,
      markers: [{ x: state.step, colour: "#d62728", label: "step" }, ...(state.hot && state.hot !== state.step ? [{ x: state.hot, colour: "#000", dash: [3, 2], label: "pointed" }] : [])],
      describe: `Line chart: ${series.map((line) => `${line.label} P(${line.k}) at step ${shown}: ${(100 * line.values[shown - 1]).toFixed(0)}%`).join("; ")}` });
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
      box.innerHTML = `<h3 class="panel-title"></h3><div class="figures">` + canvases.map(([key, title], m) =>
        `<figure><figcaption>${title}</figcaption><canvas class="${key}" tabindex="${m ? -1 : 0}" role="application" aria-roledescription="interactive picture" aria-label="${model.title}: ${title} (picture ${m + 1} of ${canvases.length}); arrow keys move the step and the unit, Page Down and Page Up go to the next or previous picture, Enter opens the cell's arithmetic"></canvas></figure>`).join("") +
        `</div><p class="tip-slot"><span class="tip-hint">${touchOnly.matches ? "Tap a cell: its value here; tap it again for its arithmetic." : "Point at a cell: its value here; click it for its arithmetic."}</span></p><div class="arithmetic" hidden></div>`;
      root.appendChild(box);
    }
    for (const canvas of [...root.querySelectorAll("canvas"), $("digit")]) {
      canvas.addEventListener("mousemove", hover);
      canvas.addEventListener("mouseleave", () => { if (tipFor === canvas) $("tooltip").hidden = true; if (canvas.id === "digit") { describeRow(null); if (document.activeElement !== canvas) { digitRow = null; drawPictures(); } } else setHot(null); });
      // focus alone opens nothing: Enter (or a click) opens a cell's arithmetic, the arrow keys then move it
      canvas.addEventListener("focus", () => { const t = canvas.id === "digit" ? (digitRow || state.step) : state.hot || state.step;
        if (canvas.id !== "digit") canvas.closest(".figures").querySelectorAll("canvas").forEach((other) => { other.tabIndex = other === canvas ? 0 : -1; }); // Tab comes back here
        if (canvas.id === "digit") { digitRow = t; drawPictures(); } else setHot(t); announceProbe(canvas, true); });
      canvas.addEventListener("blur", () => { if (tipFor === canvas) $("tooltip").hidden = true; if (canvas.id === "digit") { digitRow = null; drawPictures(); } else setHot(null); });
      if (canvas.id !== "digit" && !canvas.classList.contains("readout")) {
        // The cell is the one under the pointer when it went down: the focus that follows may change the page
        // around it before the click arrives. The picture stays where it is on the screen as the cards change.
        let down = null;
        canvas.addEventListener("pointerdown", (event) => {
          const info = canvas.hw3Hover, rect = canvas.getBoundingClientRect(); down = null; if (!info) return;
          const t = Math.floor((event.clientY - rect.top - TOP) / ROW_PX) + 1, j = Math.floor((event.clientX - rect.left - LEFT) / info.cell);
          if (t >= 1 && t <= info.rows.length && j >= 0 && j < info.columns) down = { t, j, info, touch: event.pointerType === "touch" };
        });
        canvas.addEventListener("click", () => { // a cell: its arithmetic (a finger: its value first, the arithmetic at a second tap)
          if (!down) return;
          const { t, j, info, touch } = down; down = null;
          if (touch && !(tappedCell && tappedCell.canvas === canvas && tappedCell.t === t && tappedCell.j === j)) {
            tappedCell = { canvas, t, j }; setHot(t);
            $("tooltip").textContent = describeAt(canvas, t, j) + ". Tap again: its arithmetic."; $("tooltip").hidden = false; placeTip(canvas, t, j);
            return;
          }
          tappedCell = null;
          state.unit = j; keepInPlace(canvas, () => { state.pick = { name: info.name, unit: info.labels[j], step: t, key: canvas.classList[0] }; drawPictures(); }); writeHash();
        });
      }
      canvas.addEventListener("keydown", (event) => probeKey(event, canvas));
    }
    $("digit").addEventListener("click", (event) => { // a click on a row of the digit blanks or restores it
      const rect = event.target.getBoundingClientRect(), x = event.clientX - rect.left, row = Math.floor((event.clientY - rect.top - TOP) / DIGIT_ROW);
      if (x >= DIGIT_LEFT && x < DIGIT_LEFT + 28 * DIGIT_ROW && row >= 0 && row < 28) { toggleRow(row); describeRow(row + 1); }
    });
    for (const box of root.querySelectorAll(".arithmetic")) box.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button || !state.pick) return;
      if (button.dataset.unit) { // the next or the previous unit, by number, at the same step
        state.pick = { ...state.pick, unit: clamp(state.pick.unit + Number(button.dataset.unit), 0, data.models[state.pick.name].units - 1) };
        keepInPlace(box, () => drawPictures());
        const again = box.querySelector(`button[data-unit="${button.dataset.unit}"]`); if (again && !again.disabled) again.focus({ preventScroll: true });
        writeHash(); return;
      }
      const picture = box.closest(".model").querySelector(`canvas.${state.pick.key || "h"}`); // focus goes back to the picture
      state.pick = null; drawPictures(); writeHash(); picture.focus({ preventScroll: true });
    });
    for (const box of root.querySelectorAll(".arithmetic")) box.addEventListener("keydown", (event) => { // arrows on the card's title move its cell
      if (!state.pick || !event.target.classList.contains("arith-title") || !event.key.startsWith("Arrow")) return;
      const picture = box.closest(".model").querySelector(`canvas.${state.pick.key || "h"}`), info = picture.hw3Hover;
      if (!info) return;
      state.hot = state.pick.step; state.unit = Math.max(0, info.labels.indexOf(state.pick.unit));
      probeKey(event, picture);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !state.pick) return;
      const inCard = document.activeElement && document.activeElement.closest(".arithmetic");
      const picture = inCard && document.activeElement.closest(".model").querySelector(`canvas.${state.pick.key || "h"}`);
      state.pick = null; drawPictures(); writeHash();
      if (picture) picture.focus({ preventScroll: true }); // focus goes back to the picture, not to the page
    });
  }
  // A picture focused with the keyboard: the cell at step t and the keyboard's unit column is picked.
  function pickAt(canvas, t) {
    const info = canvas.hw3Hover;
    if (!info || canvas.id === "digit" || info.columns === 10) return;
    state.unit = clamp(state.unit, 0, info.columns - 1);
    state.pick = { name: info.name, unit: info.labels[state.unit], step: t, key: canvas.classList[0] };
  }
  // The line under the digit: what blanking the row pointed at does (kept up to date as the digit changes).
  let describedRow = null;
  const touchOnly = window.matchMedia("(hover: none)"); // a touch screen: nothing to point with
  function describeRow(row) {
    describedRow = row;
    const read = $("digit").hw3Digit && $("digit").hw3Digit.found;
    $("row-info").textContent = row ? describeAt($("digit"), row, 0) : !read && $("digit").hw3Digit ? ""
      : touchOnly.matches ? "Tap a row to blank or restore it: this line then says what that did, in percentage points."
      : "Point at a row: what blanking it does, in percentage points; click (or Enter) blanks or restores it.";
  }
  // The clicked unit's cell as a diagram (SVG), drawn from the same numbers as its arithmetic (a: hw3.unitUpdate):
  // each arrow carries one number, its width and colour that number's size and sign (red positive, blue negative,
  // as in the state pictures), written beside it; each gate is shaded by its value as in the gate pictures (white 0,
  // black 1), the candidate and the states by the state pictures' colours. Every node and arrow holds its number in
  // data-value (for the tests). Returns the SVG's markup.
  const esc = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  function cellDiagram(a, ink) {
    const gru = a.cell === "gru", W = 530, H = 250, parts = [];
    const tone = (v, scale) => { const [r, g, b] = SCALES[scale].rgb(v); return { fill: `rgb(${r},${g},${b})`, ink: 0.299 * r + 0.587 * g + 0.114 * b < 140 ? "#fff" : "#111" }; };
    const flow = (v, full) => { const x = clamp(Math.abs(v) / full, 0, 1), [r, g, b] = v >= 0 ? [214, 39, 40] : [31, 95, 200];
      return { colour: `rgba(${r},${g},${b},${(0.35 + 0.65 * x).toFixed(2)})`, width: (1 + 4 * x).toFixed(1) }; };
    // an arrow along the points, carrying `v` (its number written at `at`, or nowhere when at is null)
    const arrow = (key, points, v, at, full = 1, label = num(v)) => {
      const { colour, width } = flow(v, full), d = points.map(([x, y], k) => `${k ? "L" : "M"}${x},${y}`).join(" ");
      parts.push(`<g class="edge" data-edge="${key}" data-value="${v}"><title>${esc(`${key}: ${num(v)}`)}</title><path d="${d}" fill="none" stroke="${colour}" stroke-width="${width}" marker-end="url(#head-${a.cell})"/>` +
        (at ? `<text x="${at[0]}" y="${at[1]}" class="edge-number">${esc(label)}</text>` : "") + "</g>");
    };
    // a node: a box (a gate or a tanh) or a circle (× or +), shaded by its value
    const node = (key, x, y, v, scale, title, shape = "box", caption = "") => {
      const { fill, ink } = tone(v, scale);
      const body = shape === "box" ? `<rect x="${x - 30}" y="${y - 19}" width="60" height="38" rx="6" fill="${fill}" stroke="#1f5f8b"/>`
        : `<circle cx="${x}" cy="${y}" r="${title.length > 1 ? 17 : 15}" fill="${fill}" stroke="#1f5f8b"/>`;
      parts.push(`<g class="node" data-node="${key}" data-value="${v}" data-fill="${fill}"><title>${esc(`${title} = ${num(v)}`)}</title>${body}` +
        `<text x="${x}" y="${y - (shape === "box" ? 4 : 0)}" fill="${ink}" class="node-name"${shape !== "box" && title.length > 1 ? ' style="font-size: 10px"' : ""}>${title}</text>` +
        (shape === "box" ? `<text x="${x}" y="${y + 11}" fill="${ink}" class="node-value">${num(v)}</text>` : "") +
        (caption ? `<text x="${x}" y="${y + (shape === "box" ? 32 : 27)}" class="node-caption gate-caption">${esc(caption)}</text>` : "") + "</g>");
    };
    const bus = (x, y, label) => parts.push(`<g class="bus"><rect x="${x - 130}" y="${y - 14}" width="260" height="24" rx="12" fill="#eef3f8" stroke="#888"/><text x="${x}" y="${y + 3}" class="node-caption">${esc(label)}</text></g>`);
    const port = (key, x, y, label, v, scale) => { // an input or an output: its name and number
      const { fill, ink } = tone(v, scale);
      parts.push(`<g class="node" data-node="${key}" data-value="${v}" data-fill="${fill}"><title>${esc(`${label} = ${num(v)}`)}</title>` +
        `<rect x="${x - 40}" y="${y - 15}" width="80" height="30" rx="15" fill="${fill}" stroke="#888"/>` +
        `<text x="${x}" y="${y - 3}" fill="${ink}" class="node-name">${label}</text><text x="${x}" y="${y + 10}" fill="${ink}" class="node-value">${num(v)}</text></g>`);
    };
    if (gru) {
      const zh = a.z * a.hPrev, cand = (1 - a.z) * a.candidate, pre = { z: a.zIn + a.zState, r: a.rIn + a.rState, c: a.candidateIn + a.r * a.candidateState };
      // the state's path along the top: h(t-1) -> × z -> + -> h(t)
      arrow("hPrev→×z", [[85, 40], [183, 40]], a.hPrev, [135, 32]);
      arrow("z·hPrev→+", [[215, 40], [403, 40]], zh, [300, 32]);
      arrow("+→h", [[435, 40], [436, 40]], a.h, null);
      // the gates' inputs: x(t) and h(t-1), summed inside σ or tanh (the number written is that sum)
      arrow("hPrev→gates", [[45, 55], [45, 226], [118, 226]], a.hPrev, null);
      arrow("z input", [[150, 214], [150, 185], [130, 185], [130, 142]], pre.z, [108, 180], 3);
      arrow("r input", [[200, 214], [244, 196], [244, 142]], pre.r, [266, 190], 3); // right of the "reset" caption, never through it
      arrow("h̃ input", [[250, 214], [330, 214], [330, 142]], pre.c, [352, 190], 3);
      arrow("r→h̃", [[250, 121], [298, 121]], a.r, [275, 113]);
      arrow("z→×z", [[130, 100], [130, 75], [187, 50]], a.z, [108, 84]);
      arrow("1−z→×", [[160, 104], [311, 80]], 1 - a.z, [232, 84], 1, `1−z ${num(1 - a.z)}`);
      arrow("h̃→×", [[330, 100], [330, 96]], a.candidate, null);
      arrow("(1−z)·h̃→+", [[341, 68], [407, 51]], cand, [392, 72]);
      port("hPrev", 45, 40, "h(t−1)", a.hPrev, "state");
      bus(200, 228, `x(t) = row ${a.t} (${ink} ink pixels), and h(t−1)`);
      node("×z", 200, 40, zh, "state", "×", "circle");
      node("+", 420, 40, a.h, "state", "+", "circle");
      node("(1−z)×", 330, 80, cand, "state", "×", "circle");
      node("z", 130, 121, a.z, "gate", "σ: z", "box", "update");
      node("r", 220, 121, a.r, "gate", "σ: r", "box", "reset");
      node("candidate", 330, 121, a.candidate, "state", "tanh: h̃", "box", "candidate");
      port("h", 478, 40, "h(t)", a.h, "state");
    } else {
      const fc = a.f * a.cPrev, ig = a.i * a.g, tc = Math.tanh(a.c);
      // the cell state's path along the top: c(t-1) -> × f -> + -> c(t); then tanh, × o -> h(t)
      arrow("cPrev→×f", [[85, 40], [153, 40]], a.cPrev, [120, 32], 3);
      arrow("f·cPrev→+", [[185, 40], [283, 40]], fc, [234, 32], 3);
      arrow("+→c", [[315, 40], [436, 40]], a.c, [376, 32], 3);
      arrow("c→tanh", [[476, 55], [476, 78]], a.c, null, 3);
      arrow("tanh→×o", [[476, 108], [476, 138]], tc, [504, 126]);
      arrow("×o→h", [[476, 170], [476, 208]], a.h, null);
      // the gates' inputs: x(t) and h(t-1), summed inside σ or tanh
      arrow("hPrev→gates", [[45, 207], [45, 226], [150, 226]], a.hPrev, null);
      arrow("f input", [[170, 214], [170, 150]], a.fIn + a.fState, [150, 190], 3);
      arrow("i input", [[230, 214], [240, 150]], a.iIn + a.iState, [220, 190], 3);
      arrow("g input", [[290, 214], [310, 150]], a.gIn + a.gState, [290, 180], 3);
      arrow("o input", [[340, 214], [380, 150]], a.oIn + a.oState, [378, 190], 3);
      arrow("f→×f", [[170, 112], [170, 57]], a.f, [150, 84]);
      arrow("i→×", [[245, 112], [264, 93]], a.i, [232, 96]);
      arrow("g→×", [[305, 112], [286, 93]], a.g, [318, 96]);
      arrow("i·g→+", [[283, 66], [294, 55]], ig, [316, 64], 3);
      arrow("o→×o", [[410, 131], [460, 150]], a.o, [432, 130]);
      port("cPrev", 45, 40, "c(t−1)", a.cPrev, "cell");
      port("hPrev", 45, 190, "h(t−1)", a.hPrev, "state");
      bus(270, 228, `x(t) = row ${a.t} (${ink} ink pixels), and h(t−1)`);
      node("×f", 170, 40, fc, "cell", "×", "circle");
      node("+", 300, 40, a.c, "cell", "+", "circle");
      node("i×g", 275, 80, ig, "cell", "×", "circle");
      node("tanh(c)", 476, 93, tc, "state", "tanh", "circle");
      node("×o", 476, 155, a.h, "state", "×", "circle");
      node("f", 170, 131, a.f, "gate", "σ: f", "box", "forget");
      node("i", 240, 131, a.i, "gate", "σ: i", "box", "input");
      node("g", 310, 131, a.g, "state", "tanh: g", "box", "candidate");
      node("o", 380, 131, a.o, "gate", "σ: o", "box", "output");
      port("c", 478, 40, "c(t)", a.c, "cell");
      port("h", 476, 226, "h(t)", a.h, "state");
    }
    return `<svg class="cell-diagram" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(`${a.cell === "gru" ? "GRU" : "LSTM"} cell, unit ${a.j + 1} at step ${a.t}: ` +
      (gru ? `z ${num(a.z)}, r ${num(a.r)}, candidate ${num(a.candidate)}, h from ${num(a.hPrev)} to ${num(a.h)}` : `i ${num(a.i)}, f ${num(a.f)}, o ${num(a.o)}, g ${num(a.g)}, c from ${num(a.cPrev)} to ${num(a.c)}, h ${num(a.h)}`))}">` +
      `<defs><marker id="head-${a.cell}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>` +
      parts.join("") + "</svg>";
  }
  // One unit's update at one step, with its numbers, under its network's pictures.
  const num = (v) => `${v < 0 ? "−" : ""}${Math.abs(v).toFixed(3)}`, term = (v) => (v < 0 ? `(${num(v)})` : num(v));
  let shownArithmetic = null;
  function drawArithmetic(found) {
    shownArithmetic = null;
    for (const name of NAMES) {
      const box = document.querySelector(`#panels [data-model="${name}"] .arithmetic`), pick = state.pick;
      if (!found || !pick || pick.name !== name || pick.step > found.rows) { box.hidden = true; box.innerHTML = ""; box.dataset.html = ""; continue; }
      const a = hw3.unitUpdate(data.models[name], found.input, pick.step, pick.unit), t = pick.step, u = pick.unit + 1;
      shownArithmetic = a;
      const sub = (k) => `<sub>${k}</sub>`, prev = `h${sub("t−1")}`;
      const line = (label, formula, numbers) => `<div>${label} <span class="eq">${formula}</span> = ${numbers}</div>`;
      const gate = (label, g, In, St, v) => line(label, `${g}${sub("t")} = σ(W${sub(g)} x${sub("t")} + b${sub(g)} + U${sub(g)} ${prev}${a.cell === "gru" ? ` + b′${sub(g)}` : ""})`,
        `σ(${num(In)} + ${term(St)}) = σ(${num(In + St)}) = <b>${num(v)}</b>`);
      let html = `<div class="arith-lines"><div><b class="arith-title" tabindex="-1">${SHORT[name]} unit ${u}, step ${t}</b> (row ${t} read; ${prev} = ${num(a.hPrev)} is the unit's ${name === "gru_1x32" ? "state" : "output"} after step ${t - 1}` +
        `${t === 1 ? ", zero at the start" : ""}). <button type="button" class="close" aria-label="Close the ${SHORT[name]}'s arithmetic (unit ${u}, step ${t})">Close</button></div>` +
        `<div class="row"><button type="button" data-unit="-1"${u === 1 ? " disabled" : ""}>◀ unit ${u - 1 || ""}</button><button type="button" data-unit="1"${u === data.models[name].units ? " disabled" : ""}>unit ${u < data.models[name].units ? u + 1 : ""} ▶</button>` +
        `<span class="note">this card stays on unit ${u} and follows the step slider, Play, the image and the experiments</span></div>`;
      if (a.cell === "gru") {
        html += gate("update gate", "z", a.zIn, a.zState, a.z) + gate("reset gate", "r", a.rIn, a.rState, a.r) +
          line("candidate", `h̃${sub("t")} = tanh(W${sub("h")} x${sub("t")} + b${sub("h")} + r${sub("t")} ⊙ (U${sub("h")} ${prev} + b′${sub("h")}))`,
               `tanh(${num(a.candidateIn)} + ${num(a.r)} × ${term(a.candidateState)}) = tanh(${num(a.candidateIn + a.r * a.candidateState)}) = <b>${num(a.candidate)}</b>`) +
          line("state", `h${sub("t")} = z${sub("t")} ⊙ ${prev} + (1 − z${sub("t")}) ⊙ h̃${sub("t")}`,
               `${num(a.z)} × ${term(a.hPrev)} + ${num(1 - a.z)} × ${term(a.candidate)} = <b>${num(a.h)}</b>`) +
          `<div class="note">z near 1 keeps the old value; here ${(100 * a.z).toFixed(0)}% of h${sub("t")} is the old state and ${(100 * (1 - a.z)).toFixed(0)}% the candidate.</div>`;
      } else {
        html += gate("input gate", "i", a.iIn, a.iState, a.i) + gate("forget gate", "f", a.fIn, a.fState, a.f) + gate("output gate", "o", a.oIn, a.oState, a.o) +
          line("candidate", `g${sub("t")} = tanh(W${sub("c")} x${sub("t")} + b${sub("c")} + U${sub("c")} ${prev})`, `tanh(${num(a.gIn)} + ${term(a.gState)}) = tanh(${num(a.gIn + a.gState)}) = <b>${num(a.g)}</b>`) +
          line("cell state", `c${sub("t")} = f${sub("t")} ⊙ c${sub("t−1")} + i${sub("t")} ⊙ g${sub("t")}`, `${num(a.f)} × ${term(a.cPrev)} + ${num(a.i)} × ${term(a.g)} = <b>${num(a.c)}</b>`) +
          line("output", `h${sub("t")} = o${sub("t")} ⊙ tanh(c${sub("t")})`, `${num(a.o)} × tanh(${num(a.c)}) = ${num(a.o)} × ${term(Math.tanh(a.c))} = <b>${num(a.h)}</b>`);
      }
      html += `<figure class="unit-figure"><figcaption>${SHORT[name]} unit ${u} over the steps of this digit</figcaption><canvas class="unit-chart" role="img"></canvas></figure>`;
      html += `</div><figure class="arith-figure">${cellDiagram(a, found.input.subarray((t - 1) * 28, t * 28).reduce((n, v) => n + (v > 0), 0))}<figcaption class="note">The same numbers as a picture: each arrow's width and colour is the number it carries ` +
        "(red positive, blue negative); a gate is shaded by its value (white 0, black 1), as in the gate pictures; the states by the state pictures' colours. " +
        "An arrow into a σ or tanh box carries the sum inside it, the x(t) and h(t−1) parts added.</figcaption></figure>";
      // rewritten only when it changes: a focused Close button stays (Tab from the pictures lands on it and stays)
      if (box.dataset.html !== html) {
        const titleFocused = document.activeElement && document.activeElement.classList.contains("arith-title") && box.contains(document.activeElement);
        box.innerHTML = html; box.dataset.html = html;
        if (titleFocused) box.querySelector(".arith-title").focus({ preventScroll: true });
      }
      box.hidden = false;
      drawUnitChart(box.querySelector(".unit-chart"), name, found, pick);
    }
  }

  // The picked unit over every step of the digit: each of its pictures' values as a line (the LSTM's cell state c
  // on its own axis, right), the picked step marked: one unit followed, wider than its 3 px column.
  const UNIT_COLOURS = { h: "#d62728", c: "#1f77b4", z: "#555", r: "#9467bd", i: "#2ca02c", f: "#9467bd", o: "#8c564b" };
  function drawUnitChart(canvas, name, found, pick) {
    const steps = found[name].steps, xs = stepsOf(found.rows), j = pick.unit;
    const cMax = Math.max(1, Math.ceil(Math.max(...steps.map((s) => Math.abs(s.c ? s.c[j] : 0)))));
    const room = canvas.closest(".arith-lines").clientWidth;
    lineChart(canvas, { width: Math.max(220, Math.min(360, room || 360)), height: 150, xs, xLabel: "step", xTicks: [1, 10, 20, 28, found.rows], yMin: -1, yMax: 1, yTicks: [-1, 0, 1], compact: true,
      series: PANELS[name].map(([key, title]) => ({ label: title, colour: UNIT_COLOURS[key], values: steps.map((s) => s[key][j]), axis: key === "c" ? "right" : "left", width: key === "h" ? 2.5 : 1.5 })),
      right: name === "lstm_1x32" ? { min: -cMax, max: cMax, ticks: [-cMax, 0, cMax], format: (v) => `c ${v}`, colour: UNIT_COLOURS.c } : null,
      markers: [{ x: pick.step, colour: "#000", dash: [3, 2], label: `step ${pick.step}` }],
      describe: `Line chart: ${SHORT[name]} unit ${j + 1} over the ${found.rows} steps: ` + PANELS[name].map(([key, title]) => `${title} ${steps[pick.step - 1] ? num(steps[pick.step - 1][key][j]) : ""} at step ${pick.step}`).join(", ") });
  }

  // A finger's tap on a picture leaves no hover to end it: once the page scrolls, its tip and outline go.
  let hotUnit = null; // the unit pointed at: {name, unit}
  let lastPointer = "", tappedCell = null; // tappedCell: the cell a finger last tapped (its value shown)
  document.addEventListener("pointerdown", (event) => { lastPointer = event.pointerType; }, true);
  window.addEventListener("scroll", () => {
    if (lastPointer !== "touch") return; // a mouse gets a fresh hover from the browser, the keyboard keeps its step
    $("tooltip").hidden = true;
    if (document.activeElement instanceof HTMLCanvasElement) document.activeElement.blur();
    setHot(null);
  }, { passive: true });
  // The step pointed at, and the unit (network and unit number): its column is marked in that network's every picture.
  function setHot(step, unit = null) {
    const same = (a, b) => (a && b ? a.name === b.name && a.unit === b.unit : a === b);
    if (state.hot !== step || !same(hotUnit, unit)) { state.hot = step; hotUnit = step ? unit : null; drawPictures(); }
  }
  // The step shown, changed by the slider or Play: an open arithmetic card follows it (its unit stays).
  function setStep(t) { state.step = t; if (state.pick) state.pick = { ...state.pick, step: t }; }

  // What a picture holds at the highlighted step (and unit): for the tooltip and the keyboard.
  function describeAt(canvas, t, j) {
    if (canvas.id === "digit") {
      const info = canvas.hw3Digit; if (!info || !info.found) return "";
      const found = info.found, blanked = state.blanked.includes(t - 1);
      // the class each number is about: the reference the bars measure (the true class, or each network's answer)
      const whose = (name) => `the ${SHORT[name]}'s P(${found.reference[name]})`;
      const by = (v) => `by ${Math.abs(100 * v).toFixed(1)} points`;
      let parts;
      if (blanked) { // what restoring the row would do: the digit read again with that row back
        const restored = analysed(baseImage(), { ...experiment(), blanked: state.blanked.filter((r) => r !== t - 1) });
        parts = NAMES.map((name) => {
          const k = found.reference[name], now = found[name].probabilities[found.rows - 1][k], back = restored[name].probabilities[restored.rows - 1][k], change = back - now;
          if (Math.abs(100 * change) < 0.05) return `barely changes ${whose(name)} (under 0.05 points)`;
          const [a, b] = fine(now, back);
          return `${change > 0 ? "raises" : "lowers"} ${whose(name)} ${by(change)} (${a} to ${b})`;
        });
      } else {
        parts = NAMES.map((name) => {
          const drop = found[name].importance.drops[t - 1];
          if (!drop) return `changes nothing for the ${SHORT[name]}`;
          if (Math.abs(100 * drop) < 0.05) return `barely changes ${whose(name)} (under 0.05 points)`;
          return `${drop > 0 ? "lowers" : "raises"} ${whose(name)} ${by(drop)}`;
        });
      }
      const of = found.label !== null ? `${found.label} is the true class` : "each network's answer with no row blanked";
      return `row ${t}${t > 28 ? " (appended, blank)" : ""}${blanked ? " (blanked)" : ""}: ${blanked ? "restoring" : "blanking"} it ${parts[0]} and ${parts[1]} (${of}; after row ${found.rows})`;
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
    if (digit) { // said under the digit (no tip over its rows); the bars and the charts stay on the step
      tip.hidden = true;
      const row = t >= 1 && t <= rows ? t : null;
      if (row !== digitRow) { digitRow = row; drawPictures(); }
      describeRow(row); return;
    }
    if (t < 1 || t > rows || j < 0 || j >= info.columns) { tip.hidden = true; setHot(null); return; }
    setHot(t, info.columns === 10 ? null : { name: info.name, unit: info.labels[j] });
    tip.textContent = describeAt(canvas, t, j);
    tip.hidden = false;
    placeTip(canvas, t, j);
  }
  // The tip is a line of its own under the network's pictures (a slot kept for it, so that nothing moves and it
  // covers nothing); it is rewritten whenever the pictures change under it (the unit order, the digit).
  let tipFor = null, tipCell = null; // the picture the tip speaks of (leaving another picture leaves it), and its cell
  function placeTip(canvas, t, j) {
    tipFor = canvas; tipCell = [t, j];
    const slot = canvas.closest(".model").querySelector(".tip-slot");
    if ($("tooltip").parentElement !== slot) slot.prepend($("tooltip"));
  }
  // The keyboard's cell, said (for screen readers) and shown beside the cell (a tip) or, for the digit, under it.
  function announceProbe(canvas, keyboard) {
    const t = canvas.id === "digit" ? digitRow || state.step : state.hot || state.step, j = canvas.id === "digit" ? 0 : clamp(state.unit, 0, (canvas.hw3Hover || { columns: 1 }).columns - 1);
    const text = describeAt(canvas, t, j);
    $("probe").textContent = text;
    if (canvas.id === "digit") { describeRow(t); return; }
    if (!keyboard || !text || !canvas.matches(":focus-visible")) return;
    const tip = $("tooltip");
    tip.textContent = text; tip.hidden = false;
    placeTip(canvas, t, j);
    const box = tip.getBoundingClientRect(); if (box.bottom > window.innerHeight) window.scrollBy(0, box.bottom - window.innerHeight + 4);
  }
  function probeKey(event, canvas) { // arrow keys move the highlighted step (up, down) and unit (left, right)
    const rows = 28 + state.appended, columns = canvas.id === "digit" ? 1 : (canvas.hw3Hover || { columns: 1 }).columns;
    let t = canvas.id === "digit" ? digitRow || state.step : state.hot || state.step;
    if (event.key === "ArrowUp") t = Math.max(1, t - 1);
    else if (event.key === "ArrowDown") t = Math.min(rows, t + 1);
    else if (event.key === "ArrowLeft") state.unit = Math.max(0, Math.min(state.unit, columns - 1) - 1);
    else if (event.key === "ArrowRight") state.unit = Math.min(columns - 1, state.unit + 1);
    else if ((event.key === "Enter" || event.key === " ") && canvas.id === "digit" && t <= 28) {
      event.preventDefault(); quietOnce = true; toggleRow(t - 1); // said once, by the probe line below
      const found = readings(), now = NAMES.map((name) => `${SHORT[name]} ${said(answer(found, name, found.rows))}`).join(", ");
      $("probe").textContent = `Row ${t} ${state.blanked.includes(t - 1) ? "blanked" : "restored"}: after row ${found.rows} now ${now}. ${describeAt(canvas, t, 0)}`;
      describeRow(t); return;
    }
    else if ((event.key === "PageDown" || event.key === "PageUp") && canvas.id !== "digit") { // the network's next or previous picture
      event.preventDefault();
      const all = [...canvas.closest(".figures").querySelectorAll("canvas")], next = all[all.indexOf(canvas) + (event.key === "PageDown" ? 1 : -1)];
      if (next) { next.focus(); setHot(t); announceProbe(next, true); }
      return;
    }
    else if ((event.key === "Enter" || event.key === " ") && canvas.id !== "digit" && columns !== 10) {
      event.preventDefault();
      const open = state.pick && state.pick.name === canvas.hw3Hover.name;
      keepInPlace(canvas, () => { if (open) state.pick = null; else pickAt(canvas, t); drawPictures(); }); writeHash();
      if (open) { announceProbe(canvas, true); return; }
      // the card opened: focus on its title (Close is the next Tab), and said
      const card = canvas.closest(".model").querySelector(".arithmetic"), title = card.querySelector(".arith-title");
      if (title) { title.focus({ preventScroll: true }); const r = card.getBoundingClientRect(); if (r.top > window.innerHeight - 80) window.scrollBy(0, r.top - window.innerHeight / 3); }
      announce(`Arithmetic opened: ${title ? title.textContent : ""}. Tab to Close; Escape closes; arrow keys move the cell.`);
      return;
    }
    else return;
    event.preventDefault();
    if (canvas.id === "digit") { digitRow = t; drawPictures(); announceProbe(canvas, true); return; } // the digit's rows: what blanking does
    keepInPlace(canvas, () => {
      if (state.pick && canvas.hw3Hover && state.pick.name === canvas.hw3Hover.name) pickAt(canvas, t); // an open card follows the keys
      state.hot = t; drawPictures(); // the outlined step, the picked cell and its arithmetic
    });
    if (state.pick) writeHash();
    announceProbe(canvas, true);
  }

  // --- Showing the state ---------------------------------------------------------------------------
  function drawPictures() {
    DIGIT_ROW = narrow.matches ? 7 : state.appended > 4 ? 6 : state.appended ? 7 : 8; // smaller rows with rows appended: the bars, the charts and their notes stay in view under it
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
    const shown = clamp(state.hot || state.step, 1, rows);
    drawBars($("bars"), found, shown);
    $("bars-title").textContent = `P(class) at step ${shown}${state.hot && state.hot !== state.step ? " (pointed at)" : ""}`;
    drawTrueChart($("true-chart"), found, shown);
    drawArithmetic(found);
    describeRow(describedRow && describedRow <= rows ? describedRow : null);
    $("status-line").textContent = liveText(found, false, shown).text;
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
    for (const [id, value, unit] of [["down", state.down, "row"], ["right", state.right, "column"], ["append", state.appended, "blank row"]]) {
      $(id).value = String(value);
      const way = id === "down" ? (value < 0 ? "up" : "down") : (value < 0 ? "left" : "right");
      $(id).setAttribute("aria-valuetext", id === "append" ? `${plural(value, "blank row")} appended` : `moved ${plural(Math.abs(value), unit)} ${way}`);
      $(`${id}-value`).textContent = String(value);
    }
    $("source-test").checked = state.source === "test";
    $("source-drawing").checked = state.source === "drawing";
    $("order").value = state.order;
    $("blank-list").textContent = state.blanked.length ? state.blanked.map((r) => r + 1).join(", ") : "none";
    const on = experimentsOn();
    const without = found && found.plain ? ` With no experiment: ${NAMES.map((name) => `${SHORT[name]} ${said(answer(found.plain, name, found.plain.rows))}`).join(", ")}.` : "";
    $("experiments-on").textContent = !found ? "" : on.length ? `Experiment on: ${on.join("; ")}.${without}` : "No experiment on: the digit as it is.";
    $("experiments-on").className = on.length ? "" : "none";
    $("why").textContent = whyText(found);
    $("why").hidden = !$("why").textContent;
    for (const name of NAMES) {
      document.querySelector(`#panels [data-model="${name}"] .panel-title`).textContent = `${data.models[name].title} reading ${describeDigit()}`;
    }
    drawPictures();
    $("reading").textContent = found ? readingText(found) : (state.source === "drawing" ? state.refused || $("pad-status").textContent || "Draw a digit on the pad." : "");
    if (tour) { $("tour-now").textContent = STOPS[tour.stop].now(); drawTourChart(); }
    sayTourNow();
    if (!$("tooltip").hidden && tipFor && tipCell && tipFor.hw3Hover) $("tooltip").textContent = describeAt(tipFor, ...tipCell); // never stale
    const focused = document.activeElement;  // the keyboard's line says what is under it now, or nothing
    if (focused instanceof HTMLCanvasElement && (focused.hw3Hover || focused.id === "digit")) announceProbe(focused, false); else $("probe").textContent = "";
    drawThumb(found);
    $("pad-reading").textContent = found ? `${digitName()[0].toUpperCase()}${digitName().slice(1)}, after row ${found.rows}: ` +
      NAMES.map((name) => `${SHORT[name]} ${said(answer(found, name, found.rows))}`).join(", ") + "." : "";
    if (tour || state.source === "drawing") $("play-hint").hidden = true;
    updateLive(found);
    document.body.dataset.state = JSON.stringify({ ...experiment(), source: state.source, image: state.image, step: state.step });
    writeHash();
    if (linkAsAdjusted !== null && location.hash !== linkAsAdjusted) $("url-note").hidden = true; // the note spoke of the link's view, not of this one
  }
  // On a phone, beside the pad: the digit as the networks read it (the input, experiments included), 3 px a pixel.
  function drawThumb(found) {
    const canvas = $("pad-thumb"), rows = found ? found.rows : 28;
    canvas.classList.toggle("empty", !found);
    const g = context(canvas, 84, 3 * rows);
    g.fillStyle = "#fff"; g.fillRect(0, 0, 84, 3 * rows);
    g.fillStyle = "#111";
    if (found) for (let p = 0; p < found.input.length; p++) if (found.input[p] > 0) g.fillRect((p % 28) * 3, Math.floor(p / 28) * 3, 3, 3);
    canvas.hw3Ink = found ? found.input.reduce((n, v) => n + (v > 0), 0) : 0;
  }
  // What the experiments on did to the reading, and what they did to the input that explains it: each sentence
  // true of this digit (its ink rows counted), and "nothing changed" when nothing did (within half a point).
  function inkRows(image) { const rows = []; for (let r = 0; r < 28; r++) if (image.subarray(r * 28, r * 28 + 28).some((v) => v > 0)) rows.push(r + 1); return rows; }
  function whyText(found) {
    if (!found || !found.plain) return "";
    const plain = found.plain, before = (name) => answer(plain, name, plain.rows), after = (name) => answer(found, name, found.rows);
    const pOf = (f, name, k) => f[name].probabilities[f.rows - 1][k];
    const changed = NAMES.filter((name) => before(name)[0] !== after(name)[0]);
    const shift = (name) => Math.abs(100 * (pOf(found, name, before(name)[0]) - pOf(plain, name, before(name)[0])));
    if (!changed.length && NAMES.every((name) => shift(name) < 0.5))
      return `Nothing changed: both networks answer as with no experiment (${NAMES.map((name) => `${SHORT[name]} ${said(after(name))}`).join(", ")}), within half a point.`;
    const what = NAMES.map((name) => { const k = before(name)[0], [a, b] = fine(pOf(plain, name, k), pOf(found, name, k));
      return changed.includes(name) ? `the ${SHORT[name]} answers ${said(after(name))} instead of ${said(before(name))}` : `the ${SHORT[name]} keeps ${k} (${a} to ${b})`; });
    const image = baseImage(), ink = inkRows(image), first = ink[0], last = ink[ink.length - 1], why = [];
    const lostRows = (n) => `${plural(n, "ink row")} fall${n === 1 ? "s" : ""} off the picture`;
    if (state.down < 0) { const n = -state.down, lost = Math.max(0, n - (first - 1));
      why.push(`Moved up ${plural(n, "row")}: the ink now ends at row ${Math.max(1, last - n)}, so the networks read ${plural(28 - Math.max(1, last - n), "blank row")} after it instead of ${28 - last}` +
        `${lost ? ` (and ${lostRows(lost)})` : ""}; blank rows after the ink still change the state, as appended rows do (tour stop 3).`); }
    if (state.down > 0) { const n = state.down, lost = Math.max(0, last + n - 28);
      why.push(`Moved down ${plural(n, "row")}: the strokes arrive ${n} step${n === 1 ? "" : "s"} later than in the centred digits the networks were trained on` +
        `${lost ? `, and ${lostRows(lost)}` : ""}; the head answers ${plural(28 - Math.min(28, last + n), "row")} after the last ink instead of ${28 - last}.`); }
    if (state.right) { const n = Math.abs(state.right);
      why.push(`Moved ${state.right > 0 ? "right" : "left"} ${plural(n, "column")}: each row's strokes reach other input pixels than in the centred training digits, and each pixel has its own weights.`); }
    if (state.blanked.length) { const inked = state.blanked.filter((r) => ink.includes(r + 1)).map((r) => r + 1);
      why.push(inked.length ? `Blanked: the networks never see the ink of row${inked.length > 1 ? "s" : ""} ${inked.join(", ")}, and every later step builds on the changed state.`
        : `Blanked: row${state.blanked.length > 1 ? "s" : ""} ${state.blanked.map((r) => r + 1).join(", ")} held no ink, so the input is the same there.`); }
    if (state.appended) why.push(`Appended: after row 28 the networks read ${plural(state.appended, "more blank row")}; the head was trained to answer right after row 28 (tour stop 3).`);
    return `With ${experimentsOn().length > 1 ? "these experiments" : "this experiment"}, ${what.join(" and ")}. ${why.join(" ")}`;
  }
  // Two probabilities as percentages with just enough decimals to tell them apart (at most 3): "99.85%", "99.95%".
  function fine(a, b) { let d = 0; while (d < 3 && (100 * a).toFixed(d) === (100 * b).toFixed(d)) d += 1; return [`${(100 * a).toFixed(d)}%`, `${(100 * b).toFixed(d)}%`]; }

  // A network's answer at a step (1-based): [class, its probability]; said: "7 (98%)".
  const answer = (found, name, step) => { const p = found[name].probabilities[step - 1], k = hw3.argmax(p); return [k, p[k]]; };
  const said = ([k, p]) => `${k} (${(100 * p).toFixed(0)}%)`;
  function readingText(found) {
    const rows = found.rows, on = experimentsOn();
    const final = NAMES.map((name) => `${SHORT[name]}: ${said(answer(found, name, rows))}, decided at step ${found[name].decision}`);
    const now = NAMES.map((name) => `${SHORT[name]} ${said(answer(found, name, state.step))}`);
    const name = digitName();
    return `Reading ${name}, ${on.length ? "experiment on (named below)" : "no experiment on"}. After row ${rows}: ${final.join("; ")}.` +
      (state.step !== rows ? ` At step ${state.step}: ${now.join(", ")}.` : "") + // at the last step: the same as after the last row
      (state.source === "drawing" ? " The networks always name one of the ten digits, even for a shape that is none: a high percentage does not say it is a digit." : "");
  }

  // The status line under the step control says at once what the networks read at the step shown; the
  // live region beside it (for screen readers) speaks at most once a second, and while playing only what
  // changed since it last spoke.
  let lastLive = 0, liveTimer = null, spoken = {}, quietOnce = false;
  function liveText(found, onlyChanges, step = state.step, nameDigit = false) { // {text, tops}: the step and each network's answer at it
    if (!found) return { text: state.source !== "drawing" ? "" : state.refused ? "Refused: the link's drawing."
      : padRefused ? "Nothing read: drawing refused, see the pad." : "Nothing read: draw a digit.", tops: null };
    const tops = Object.fromEntries(NAMES.map((name) => [name, answer(found, name, step)]));
    const changed = NAMES.filter((name) => !spoken.tops || spoken.tops[name][0] !== tops[name][0]);
    // while playing: what changed ("now"), and what did not in a word ("still"), never a bare step number
    const parts = NAMES.map((name) => (!onlyChanges ? `${SHORT[name]} ${said(tops[name])}` : changed.includes(name) ? `${SHORT[name]} now ${said(tops[name])}` : `${SHORT[name]} still ${tops[name][0]}`));
    const digit = nameDigit && !onlyChanges && spoken.digit !== describeDigit() ? `${describeDigit()[0].toUpperCase()}${describeDigit().slice(1)}. ` : ""; // a new digit is named
    const pointed = step !== state.step ? " (pointed at)" : "";
    return { text: `${digit}Step ${step}${pointed} of ${found.rows}${parts.length ? `: ${parts.join(", ")}` : ""}.`, tops };
  }
  function updateLive(found) {
    $("status-line").textContent = liveText(found, false, clamp(state.hot || state.step, 1, found ? found.rows : 28)).text;
    if (quietOnce) { // said by the pad's own line: recorded as spoken, not said twice
      quietOnce = false; clearTimeout(liveTimer); liveTimer = null; lastLive = performance.now();
      const next = liveText(found, false, state.step, true); spoken = { tops: next.tops, digit: describeDigit() }; return;
    }
    const wait = 1000 - (performance.now() - lastLive);
    if (wait > 0) { if (!liveTimer) liveTimer = setTimeout(() => { liveTimer = null; updateLive(readings()); }, wait); return; }
    const next = liveText(found, Boolean(timer), state.step, true);
    if (next.text === $("live").textContent) return;
    $("live").textContent = next.text; lastLive = performance.now();
    spoken = { tops: next.tops, digit: describeDigit() };
  }

  // The stop's sentence on its image, for screen readers: said once the view rests after the stop opens (never
  // during Play, where it would be rewritten at every step).
  // Said once per stop, when it opens: a step changed afterwards is said by the step bar alone.
  let tourLiveTimer = null, tourToSay = false;
  function sayTourNow() {
    clearTimeout(tourLiveTimer); tourLiveTimer = null;
    if (!tour) { $("tour-live").textContent = ""; tourToSay = false; return; }
    if (timer || !tourToSay) return; // playing: said when Play stops, if the stop has not been said yet
    tourLiveTimer = setTimeout(() => { tourLiveTimer = null; if (tour && !timer && tourToSay) { tourToSay = false; $("tour-live").textContent = $("tour-now").textContent; } }, 800);
  }
  function toggleRow(row) {
    state.blanked = state.blanked.includes(row) ? state.blanked.filter((r) => r !== row) : [...state.blanked, row].sort((a, b) => a - b);
    visitorSet("blanked");
    show();
  }

  // --- The tour: five stops along the report's Q3 answers ------------------------------------------
  const pct = (v) => `${Math.round(100 * v)}%`, pct1 = (v) => `${(100 * v).toFixed(1)}%`, pts = (v) => (100 * v).toFixed(1);
  const whole = (v) => String(Math.round(v));
  function firstInkRow(index) { const p = data.images[index].pixels; for (let r = 0; r < 28; r++) if (p.slice(r * 28, r * 28 + 28).some((v) => v)) return r + 1; return 1; }
  // Each stop names the pictures it talks about (`pictures`): its text is shown right above them (above the
  // first, on a narrow screen).
  const GRU = "#panels [data-model='gru_1x32']", LSTM = "#panels [data-model='lstm_1x32']";
  const series = data.series || {}, computed = data.computed || {};
  const APPENDED_IMAGE = computed.appended_rows_example && computed.appended_rows_example.image !== null ? computed.appended_rows_example.image : 3;
  const ranges = (values) => { // [1, 1, 7, 7, 7] -> "1 at steps 1-2, 7 at steps 3-5"
    const parts = []; values.forEach((v, t) => { const last = parts[parts.length - 1]; if (last && last[0] === v) last[2] = t + 1; else parts.push([v, t + 1, t + 1]); });
    return parts.map(([v, a, b]) => `${v} at step${a === b ? ` ${a}` : `s ${a}-${b}`}`).join(", ");
  };
  const gruSays = (found, step) => said(answer(found, "gru_1x32", step));
  const stepsOf = (n) => Array.from({ length: n }, (_, t) => t + 1);
  const percentAxis = { yTicks: [0, 0.5, 1], yFormat: (v) => `${Math.round(100 * v)}%` };
  const STOPS = [
    { title: "How to read the pictures", setup: { image: 0, step: 12 }, pictures: [`${GRU} canvas.h`], markedOn: "the GRU's state h: the row just read",
      claim: () => `Each picture shows one network (seed 0) reading the digit: one row per step, one column per unit`,
      mark: () => [state.step, state.step],
      text: () => `Step t reads row t of the digit, so each picture's rows line up with the digit's. The state h is the network's memory, 32 numbers (one per unit) updated after every row; the head turns it into ten probabilities, one per digit: the picture P(class). Colours: in a state picture red is positive, blue negative, white near 0; in a gate picture (a gate is a number from 0, closed, to 1, open) white is closed, black open; in P(class) the greener the cell, the likelier that digit. Rows below the step shown are washed out: not read yet.`,
      now: () => {
        const found = readings();
        return `This image, ${digitName()}: at step ${state.step} rows 1 to ${state.step} are read; the GRU says ${gruSays(found, state.step)} and the LSTM ${said(answer(found, "lstm_1x32", state.step))}. After row 28 they say ${gruSays(found, 28)} and ${said(answer(found, "lstm_1x32", 28))}. The chart: this image's probability of ${data.images[state.image].label} step by step (solid), and how often each network is right at that step over the 10,000 test images (dashed).`;
      },
      chartTitle: "This image step by step, and the test set (seed 0)",
      chart: () => { const found = readings(), k = data.images[state.image].label;
        return { xs: stepsOf(found.rows), xLabel: "step", xTicks: [1, 5, 10, 15, 20, 25, 28], ...percentAxis,
          series: [{ label: `GRU: P(${k}), this image`, colour: COLOURS.gru_1x32, values: found.gru_1x32.probabilities.map((p) => p[k]) },
                   { label: `LSTM: P(${k}), this image`, colour: COLOURS.lstm_1x32, values: found.lstm_1x32.probabilities.map((p) => p[k]) },
                   { label: "GRU right, test set", colour: COLOURS.gru_1x32, values: series.gru_head_by_step, dash: [4, 3], width: 1.5 },
                   { label: "LSTM right, test set", colour: COLOURS.lstm_1x32, values: series.lstm_head_by_step, dash: [4, 3], width: 1.5 }],
          markers: [{ x: state.step, colour: "#d62728", label: "step shown" }],
          describe: "Line chart over the steps: this image's probability of its true class for the GRU and the LSTM (solid), and the share of test images each head names right at that step (dashed); red: the step shown" }; },
      watch: "Drag the step slider at the top (or press Play): the outlined row moves down every picture, and P(class), each network's last picture, gives its ten probabilities after that row. Then click or tap any cell for that unit's arithmetic." },
    { title: "The first rows", setup: { image: 0, step: 4 }, pictures: [`${GRU} canvas.readout`], markedOn: "the GRU's P(class): the blank rows",
      claim: () => `While the top rows are blank, every image gives the GRU the same input and so gets the same answer: "${whole(facts.blank_path_first_class)}", then "${whole(facts.blank_path_settled_class)}" (seed 0)`,
      mark: () => [1, firstInkRow(state.image) - 1],
      text: () => `Both networks start from the same state (all zeros), and a blank row is the same input for every image, so until the ink begins every image's pictures are the same. Most tops are blank: row 3 is blank in ${pct(facts.blank_row_3)} of the test images (the chart's grey line). The orange line is how far apart the test images' GRU states are at each step (0: all the same; the standard deviation across images, averaged over the 32 units): ${facts.spread_step_3.toFixed(2)} at step 3, ${facts.spread_step_24.toFixed(2)} at step 24 (seed 0). On blank rows the GRU answers "${whole(facts.blank_path_first_class)}", then from step ${whole(facts.blank_path_settled_from)} "${whole(facts.blank_path_settled_class)}", whatever the digit.`,
      now: () => {
        const found = readings(), first = firstInkRow(state.image), blankShare = first > 1 ? series.blank_row_fraction[first - 2] : 0;
        const said1 = first > 1 ? ` On its blank rows the GRU says ${ranges(found.gru_1x32.probabilities.slice(0, first - 1).map((p) => hw3.argmax(p)))}.` : "";
        return `This image, ${digitName()}: its ink starts at row ${first}.${said1} Row ${Math.max(1, first - 1)} is blank in ${pct(blankShare)} of the test images, so its blank top is ${blankShare >= 0.5 ? "a common one" : "longer than most"}. At step ${state.step} the GRU says ${gruSays(found, state.step)}.`;
      },
      chartTitle: "Over the 10,000 test images, by row (GRU seed 0)",
      chart: () => ({ xs: stepsOf(28), xLabel: "row (step)", xTicks: [1, 5, 10, 15, 20, 25, 28], ...percentAxis,
        series: [{ label: "images with this row blank (left axis)", colour: "#777", values: series.blank_row_fraction },
                 { label: "how far apart the images' GRU states are (right axis)", colour: COLOURS.gru_1x32, values: series.gru_state_spread, axis: "right" }],
        right: spreadAxis(), markers: [{ x: state.step, colour: "#d62728", label: "step shown" }, { x: firstInkRow(state.image), colour: "#000", dash: [3, 2], label: "this image's first ink row" }],
        describe: `Line chart over the 28 rows: the share of test images whose row is blank (left axis, 0 to 100%), and how much the GRU's state differs across images at each step (right axis: the standard deviation over images, mean over units, 0 to ${spreadAxis().max}); red: the step shown, dashed: this image's first ink row` }),
      watch: "Step back and forth over rows 1 to 8 with the step slider at the top, then show the next test image (the button below): the top of every picture stays the same until the ink begins.",
      action: ["Show the next test image", () => { state.image = (state.image + 1) % data.images.length; }] },
    { title: "When the decision is made", setup: { image: 2, step: 16 }, pictures: [`${GRU} canvas.readout`], markedOn: "the GRU's P(class): step 16",
      claim: () => `The GRU's memory holds the digit before its answer shows it: after row 16 a simple classifier reading only its memory is right for ${pct(facts.probe_step_16)} of the test images, its own answer for ${pct(facts.head_step_16)} (seed 0)`,
      mark: () => [16, 16],
      text: () => `The simple classifier is linear (one weighted sum of the 32 state numbers per digit; such a reader is called a probe), trained on the GRU's states, the GRU unchanged; the chart's green line is its accuracy at each step (seed 0). The GRU's head was trained only on its answer after row 28, so before then that answer is often wrong, sometimes with high confidence. Half the test images have their final answer by step ${whole(facts.median_decision_step)}, and half their last ink by row ${whole(facts.median_last_ink_row)} (medians, seed 0). GRUs trained to answer after every row are right on ${pct(facts.every_step_loss_step_16_min)}-${pct(facts.every_step_loss_step_16_max)} of them at step 16 (the lowest and highest of five trainings).`,
      now: () => {
        const found = readings(), [k] = answer(found, "gru_1x32", state.step), label = data.images[state.image].label;
        return `This image, ${digitName()}, at step ${state.step}: the GRU's head says ${gruSays(found, state.step)}, ${k === label ? "right" : "wrong"}; over the test set at this step its answer is right for ${pct(series.gru_head_by_step[state.step - 1])} of the images, the simple classifier on its state for ${pct(series.gru_probe_by_step[state.step - 1])}. Here the answer stops changing at step ${found.gru_1x32.decision}; the last ink is in row ${lastInkRow(state.image)}.`;
      },
      chartTitle: "Right answers by step, 10,000 test images (seed 0)",
      chart: () => ({ xs: stepsOf(28), xLabel: "step", xTicks: [1, 5, 10, 16, 20, 25, 28], ...percentAxis,
        series: [{ label: "simple classifier on the GRU's state", colour: "#2ca02c", values: series.gru_probe_by_step },
                 { label: "GRU's head", colour: COLOURS.gru_1x32, values: series.gru_head_by_step },
                 { label: "LSTM's head", colour: COLOURS.lstm_1x32, values: series.lstm_head_by_step }],
        markers: [{ x: 16, colour: "#999", dash: [3, 2], label: "step 16 (the text's)" }, { x: state.step, colour: "#d62728", label: "step shown" }],
        describe: "Line chart over the 28 steps: the share of test images a simple linear classifier on the GRU's state reads right, and the share the GRU's and the LSTM's heads name right; red: the step shown" }),
      watch: "The chart: green, the simple classifier; orange, the GRU's head. Press Play or drag the step from 16 to 28 and watch P(class): the red dashed line marks where the answer stops changing." },
    { title: "Blank rows after the digit", setup: { image: APPENDED_IMAGE, step: 28, appended: 4 }, pictures: [`${GRU} canvas.readout`], markedOn: "the GRU's P(class): the blank rows appended",
      claim: () => `Blank rows added after row 28 hold no ink, yet they change the answer: with 4 of them the GRU is right on ${pct1(facts.gru_appended_4)} of the test images instead of ${pct1(facts.gru_accuracy)} (seed 0)`,
      mark: () => (state.appended ? [29, 28 + state.appended] : null),
      text: () => `The networks were trained to answer right after row 28; each added row still updates their memory, and the head then reads that changed memory. With 4 blank rows added, the GRU falls from ${pct1(facts.gru_accuracy)} to ${pct1(facts.gru_appended_4)} right (seed 0; the mean of five trainings: ${pct1(facts.gru_accuracy_mean)} to ${pct1(facts.gru_appended_4_mean)}), the LSTM from ${pct1(facts.lstm_accuracy)} to ${pct1(facts.lstm_appended_4)} (seed 0; the mean of five: ${pct1(facts.lstm_accuracy_mean)} to ${pct1(facts.lstm_appended_4_mean)}). A GRU trained with blank rows after its digits keeps ${pct1(facts.gru_trailing_blanks_appended_4)} (seed 0).`,
      now: () => {
        const found = readings(), example = computed.appended_rows_example || {}, after = found.rows;
        const at = (step) => NAMES.map((name) => `${SHORT[name]} ${said(answer(found, name, step))}`).join(", ");
        const own = state.image === APPENDED_IMAGE ? `This image, ${digitName()}, is one where the GRU loses its answer and the LSTM keeps it. ` : `This image, ${digitName()}. `;
        return `${own}After row 28: ${at(28)}${after > 28 ? `; after row ${after}: ${at(after)}` : ""}. On this page's ${example.images} images 4 rows cost each network ${example.gru_lost === example.lstm_lost ? example.gru_lost : `${example.gru_lost} (GRU) and ${example.lstm_lost} (LSTM)`} answers: too few images to tell them apart.`;
      },
      chartTitle: "Right answers on 10,000 test images, by blank rows appended",
      chart: () => ({ xs: stepsOf(9).map((k) => k - 1), xLabel: "blank rows appended", yMin: 0.5, yMax: 1, yTicks: [0.5, 0.75, 1], yFormat: (v) => `${Math.round(100 * v)}%`,
        series: [{ label: "GRU, seed 0", colour: COLOURS.gru_1x32, values: series.gru_appended },
                 { label: "GRU, mean of 5 seeds", colour: COLOURS.gru_1x32, values: series.gru_appended_mean, dash: [4, 3] },
                 { label: "LSTM, seed 0", colour: COLOURS.lstm_1x32, values: series.lstm_appended },
                 { label: "LSTM, mean of 5 seeds", colour: COLOURS.lstm_1x32, values: series.lstm_appended_mean, dash: [4, 3] },
                 { label: "GRU trained with blank rows", colour: "#2ca02c", values: series.gru_trailing_blanks_appended }],
        markers: [{ x: state.appended, colour: "#d62728", label: "rows appended now" }],
        describe: "Line chart: test accuracy against the number of blank rows appended, 0 to 8, for the GRU and the LSTM (seed 0 and the mean over five seeds) and a GRU trained with blank rows; red: the rows appended now" }),
      watch: "Step from 28 to 32 (or press Play) and watch the bottom rows of P(class) and of each state: the answer moves on rows that hold no ink." },
    { title: "What a missing row costs", setup: { image: 7, step: 28, blanked: [Math.round(facts.gru_worst_row || 12) - 1] }, pictures: ["#digit"], markedOn: "the digit: the row blanked",
      claim: () => `One missing row can cost a lot: with row ${whole(facts.gru_worst_row)} blanked in every test image, the GRU is right ${pts(facts.gru_worst_row_cost)} percentage points less often (seed 0)`,
      mark: () => (state.blanked.length ? [state.blanked[0] + 1, state.blanked[state.blanked.length - 1] + 1] : null),
      text: () => `Blanking a row turns its 28 pixels white. Row ${whole(facts.gru_worst_row)} is the GRU's worst: ${pts(facts.gru_worst_row_cost)} points of accuracy lost over the test set; the LSTM's worst row (${whole(facts.lstm_worst_row)}) costs it ${pts(facts.lstm_worst_row_cost)}, and the worst row of a convolutional network (a CNN, which sees the whole image at once) ${pts(facts.cnn_worst_row_cost)} (all seed 0; the chart). Here row ${whole(facts.gru_worst_row)} of test image 7, a ${data.images[7].label}, is blanked (shaded red).`,
      now: () => {
        const found = readings(), rows = state.blanked.map((r) => r + 1);
        const at = (f) => NAMES.map((name) => `the ${SHORT[name]} ${said(answer(f, name, f.rows))}`).join(", ");
        if (!rows.length) return `This image, ${digitName()}, with no row blanked: ${at(found)}.`;
        const plain = found.plain || found, lost = answer(plain, "gru_1x32", plain.rows)[0] !== answer(found, "gru_1x32", found.rows)[0];
        const costs = found.clean ? NAMES.map((name, n) => `${Math.round(100 * found.clean[name].importance.drops[rows[0] - 1])}${n ? "" : " points"} for the ${SHORT[name]}`).join(", ") : "";
        return `This image, ${digitName()}, with row${rows.length > 1 ? "s" : ""} ${rows.join(", ")} blanked: ${at(found)}; with no row blanked, ${at(plain)}. ` +
          (costs ? `On the whole digit, blanking row ${rows[0]} alone lowers the probability of ${found.label !== null ? found.label : "the answer"} by ${costs} (the outlined bars). ` : "") +
          (rows.length === 1 && state.source === "test" ? `Here the GRU's answer ${lost ? "changes" : "stays"}${rows[0] === Math.round(facts.gru_worst_row) ? "." : `; over the test set blanking row ${rows[0]} costs the GRU ${pts(facts.gru_accuracy - series.gru_row_occlusion[rows[0] - 1])} points of accuracy (seed 0).`}` : "");
      },
      chartTitle: "Accuracy lost by blanking one row, 10,000 test images (seed 0)",
      chart: () => ({ xs: stepsOf(28), xLabel: "row blanked", xTicks: [1, 5, 10, 15, 20, 25, 28], yMax: 25, yTicks: [0, 10, 20], yFormat: (v) => `${v} pts`,
        series: [["GRU", COLOURS.gru_1x32, series.gru_row_occlusion, facts.gru_accuracy], ["LSTM", COLOURS.lstm_1x32, series.lstm_row_occlusion, facts.lstm_accuracy],
                 ["CNN (whole image)", "#555", series.cnn_row_occlusion, facts.cnn_accuracy]]
          .map(([label, colour, values, full]) => ({ label, colour, values: values.map((v) => 100 * (full - v)) })),
        markers: state.blanked.map((r, n) => ({ x: r + 1, colour: "#d62728", label: n ? "" : `row${state.blanked.length > 1 ? "s" : ""} blanked now` })),
        describe: "Line chart over the 28 rows: the points of test accuracy lost when that row alone is blanked, for the GRU, the LSTM and a CNN; red: the rows blanked now" }),
      watch: `The bars beside the digit: how much blanking each row alone lowers each network's probability of the true digit, in percentage points (outlined: on the whole digit). ${touchOnly.matches ? "Tap" : "Click"} rows of the digit to blank or restore them.` },
    { title: "The gates (bonus)", setup: { image: 0, step: firstInkRow(0) + 2 }, pictures: ["i", "f", "o"].map((key) => `${LSTM} canvas.${key}`), // on a phone, its text above i, f and o
      markedOn: "the LSTM's gates: the rows around the first ink",
      claim: () => `When the ink begins, the LSTM opens its output gate wider: on average ${facts.lstm_o_before_ink.toFixed(2)} one row before the first ink row, ${facts.lstm_o_after_ink.toFixed(2)} two rows after (test set, seed 0)`,
      mark: () => [Math.max(1, firstInkRow(state.image) - 1), firstInkRow(state.image) + 2],
      text: () => `Each unit has three gates, each a number from 0 (closed) to 1 (open) at every step: the input gate i lets new information into the memory c, the forget gate f keeps the old memory, the output gate o sets how much of the memory the head sees. Above the ink the gates barely change: a unit's gate varies by ${facts.lstm_i_sd_above_ink.toFixed(3)} (i), ${facts.lstm_f_sd_above_ink.toFixed(3)} (f) and ${facts.lstm_o_sd_above_ink.toFixed(3)} (o) across images and steps (standard deviations, averaged over the units). The output gate averages ${facts.lstm_o_before_ink.toFixed(2)} one row before the first ink, ${facts.lstm_o_at_ink.toFixed(2)} at it and ${facts.lstm_o_after_ink.toFixed(2)} two rows after; the forget gate is ${facts.lstm_f_at_ink.toFixed(2)} at the first ink row (all seed 0, test set).`,
      now: () => {
        const gates = imageGates(), o = gates.o, at = (offset) => o[computedOffsets().indexOf(offset)];
        const jump = at(2) - at(-1), usual = facts.lstm_o_after_ink - facts.lstm_o_before_ink;
        return `This image, ${digitName()}, ink from row ${firstInkRow(state.image)}: its output gate, averaged over the 32 units, is ${at(-1) === null ? "not defined" : at(-1).toFixed(2)} one row before the ink and ${at(2) === null ? "not defined" : at(2).toFixed(2)} two rows after (test set: ${facts.lstm_o_before_ink.toFixed(2)} and ${facts.lstm_o_after_ink.toFixed(2)}), ${jump >= 0.5 * usual ? "a rise like the average image's" : "a weaker rise than the average image's"}. The chart: solid lines this image, dashed the test set.`;
      },
      chartTitle: "LSTM gates around the first ink row, mean over units (seed 0)",
      chart: () => { const gates = imageGates(), mean = computed.lstm_gates_around_first_ink || {}, xs = computedOffsets();
        const colours = { i: "#2ca02c", f: "#9467bd", o: "#8c564b" };
        return { xs, xLabel: "row − first ink row", xTicks: xs.filter((x) => x % 2 === 0), ...percentAxis, yFormat: (v) => v.toFixed(1),
          series: ["i", "f", "o"].flatMap((key) => [{ label: `${key}, this image`, colour: colours[key], values: gates[key] },
                                                    { label: `${key}, test set`, colour: colours[key], values: mean[key] || [], dash: [4, 3], width: 1.5 }]),
          markers: [{ x: 0, colour: "#000", dash: [3, 2], label: "first ink row" }, { x: state.step - firstInkRow(state.image), colour: "#d62728", label: "step shown" }],
          describe: "Line chart: the LSTM's input, forget and output gates, mean over units, by row relative to the first ink row, for this image and over the test set; red: the step shown" }; },
      watch: `Test image 0's ink starts at row ${firstInkRow(0)}: compare the LSTM's i, f and o pictures above and below it, and read the equations below for each gate's job.` },
  ];
  function spreadAxis() { // the state's spread: a plain number (a standard deviation), on its own axis
    const max = Math.ceil(10 * Math.max(...series.gru_state_spread)) / 10;
    return { min: 0, max, ticks: [0, max / 2, max], format: (v) => String(Number(v.toFixed(2))), colour: COLOURS.gru_1x32 };
  }
  function computedOffsets() { return (computed.lstm_gates_around_first_ink || { offsets: [] }).offsets; }
  function lastInkRow(index) { const p = data.images[index].pixels; for (let r = 27; r >= 0; r--) if (p.slice(r * 28, r * 28 + 28).some((v) => v)) return r + 1; return 28; }
  function imageGates() { // this image's LSTM gates, mean over units, at the chart's offsets from its first ink row
    const found = readings(), steps = found.lstm_1x32.steps, first = firstInkRow(state.image), gates = {};
    for (const key of ["i", "f", "o"]) gates[key] = computedOffsets().map((offset) => { const t = first - 1 + offset;
      return t >= 0 && t < steps.length ? steps[t][key].reduce((a, v) => a + v, 0) / steps[t][key].length : null; });
    return gates;
  }
  function drawTourChart() {
    if (!tour) return;
    const stop = STOPS[tour.stop], width = narrow.matches ? Math.min(360, document.documentElement.clientWidth - 40) : 380;
    $("tour-chart-title").textContent = stop.chartTitle;
    lineChart($("tour-chart"), { width, height: 190, ...stop.chart() });
  }
  // A stop from a link (linkKeys: the keys the link gives): the stop sets up its view and its experiment as its
  // button does, but for what the link gives itself (a link the page wrote gives all: its view is kept as it is);
  // ending the tour goes to the plain view.
  function startStop(k, linkKeys = null) {
    stopPlay();
    const stop = STOPS[k], setup = stop.setup, fromLink = Boolean(linkKeys), mine = (key) => !linkKeys || !linkKeys.has(key);
    const saved = tour ? tour.saved : fromLink ? { source: "test", image: 0, step: 28, ...NO_EXPERIMENT, blanked: [] }
      : { source: state.source, image: state.image, step: state.step, ...experiment(), blanked: [...state.blanked] };
    if (mine("source")) state.source = "test";
    if (mine("image")) state.image = setup.image;
    for (const [key, linkKey] of [["down", "down"], ["right", "right"], ["appended", "append"], ["blanked", "blank"]]) {
      if (mine(linkKey)) state[key] = setup[key] === undefined ? (key === "blanked" ? [] : 0) : Array.isArray(setup[key]) ? [...setup[key]] : setup[key];
    }
    if (mine("step")) state.step = setup.step;
    tourToSay = true; // the stop's sentence is said once, when the stop opens
    tour = { stop: k, owned: new Set(["view", ...EXPERIMENTS]), set: new Set(EXPERIMENTS.filter((key) => setup[key] !== undefined)), saved };
    state.step = clamp(state.step, 1, 28 + state.appended);
    $("tour-title").textContent = k ? `Stop ${k} of ${STOPS.length - 1}: ${stop.title}` : `Stop 0, before the tour: ${stop.title}`;
    $("tour-body").textContent = stop.text();
    $("tour-claim").textContent = stop.claim().replace(/\.$/, ""); // one sentence, ending with where it is marked
    const key = document.createElement("span"); key.className = "mark-key"; key.setAttribute("aria-hidden", "true");
    $("tour-claim").append(" (magenta frame", key, ` on ${stop.markedOn}).`);
    $("tour-details").open = false;
    $("tour-now").textContent = "";
    $("tour-hand-over").textContent = `What to watch: ${stop.watch}`;
    $("tour-text").hidden = false;
    placeTourText();
    $("tour-next").hidden = k === STOPS.length - 1;
    $("tour-image").hidden = !stop.action;
    if (stop.action) $("tour-image").textContent = stop.action[0];
    document.querySelectorAll("#tour-stops button").forEach((button, m) => { if (m === k) button.setAttribute("aria-current", "step"); else button.removeAttribute("aria-current"); });
    if (!fromLink) { quietOnce = true; show(); } // the stop's own sentence speaks (tour-live), not the step bar too
  }
  function endTour() { // the visitor's own view comes back, but for what the visitor set during the tour
    if (!tour) return;
    const saved = tour.saved;
    for (const key of tour.owned) {
      if (key === "view") Object.assign(state, { source: saved.source, image: saved.image, step: saved.step });
      else state[key] = key === "blanked" ? [...saved.blanked] : saved[key];
    }
    dropTour();
  }
  function dropTour() {
    tour = null;
    $("tour-text").hidden = true;
    placeTourText();
    document.querySelectorAll("#tour-stops button").forEach((button) => button.removeAttribute("aria-current"));
  }
  function visitorSet(key) { if (tour) tour.owned.delete(key); }
  STOPS.forEach((stop, k) => {
    const button = document.createElement("button");
    button.type = "button"; button.dataset.stop = String(k); button.textContent = `${k}. ${stop.title}`;
    button.addEventListener("click", () => { startStop(k); showTourText(); });
    $("tour-stops").appendChild(button);
  });
  $("tour-title").tabIndex = -1;
  // The stop's text sits right above the pictures it talks about: above their network's panel, or on a
  // narrow screen above the first of them; in the tour's card when they are the digit (always in view
  // beside it on a wide screen, right under it on a narrow one).
  const narrow = window.matchMedia("(max-width: 900px)");
  // On a narrow screen the text goes right above the first picture (the digit's card when it is the digit) and
  // the chart of the stop's evidence right below the last one: text, pictures and chart follow one another.
  function placeTourText() {
    const text = $("tour-text"), figure = $("tour-figure"), pictures = tour ? STOPS[tour.stop].pictures.map((selector) => document.querySelector(selector)) : [];
    const first = pictures[0], last = pictures[pictures.length - 1], inView = first && $("view").contains(first);
    let before = null;
    if (first && narrow.matches) before = inView ? $("row-info") : first.closest("figure"); // the digit: its text right under it
    else if (first && !inView) before = first.closest(".model");
    else if (first) before = $("inside"); // the digit, sticky on the left: the text at the top of the column beside it
    if (before) { if (text.nextElementSibling !== before) before.before(text); }
    else if (text.parentElement !== $("tour")) $("tour-stops").after(text);
    if (first && narrow.matches) { const after = inView ? $("view").querySelector(".card") : last.closest("figure"); if (after.nextElementSibling !== figure) after.after(figure); }
    else if (figure.parentElement !== $("tour-evidence")) $("tour-evidence").appendChild(figure);
    figure.hidden = !tour;
  }
  narrow.addEventListener("change", () => { placeTourText(); show(); });
  function showTourText() { // the stop's text and its pictures at the top of the screen, under the step bar, whichever comes first
    const text = $("tour-text"), pictures = STOPS[tour.stop].pictures.map((selector) => document.querySelector(selector));
    const first = [text, ...pictures].reduce((a, b) => (b.getBoundingClientRect().top < a.getBoundingClientRect().top ? b : a));
    first.scrollIntoView({ block: "start" });
    const bottom = Math.max(text.getBoundingClientRect().bottom, ...pictures.map((picture) => picture.getBoundingClientRect().bottom));
    const below = bottom + 4 - window.innerHeight, room = first.getBoundingClientRect().top - $("stepbar").getBoundingClientRect().bottom - 4;
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
  $("tour-end").addEventListener("click", (event) => {
    keepInPlace($("tour"), () => { endTour(); show(); });
    announce("Tour ended: your own view is back. Start the tour again with the button above.");
    if (event.detail === 0) $("start-tour").focus(); // the keyboard's (a click with no pointer): focus never drops to the page
  });

  // --- Drawing pad ---------------------------------------------------------------------------------
  const pad = $("pad"), PAD = 280;
  let strokes = [], drawing = null, restored = false, ignoredPointers = new Set();
  let padRefused = false; // the pad's last drawing was refused (the pad says why)
  let linkRefusal = false; // the pad's line is a link's drawing refused
  let newDrawing = false; // the stroke being drawn is a new drawing's first
  // The pad's line (shown) and, for screen readers, a short form of it (said once: the same words are not said again).
  function setPadStatus(text, read, spoken = text) {
    linkRefusal = false; // a new line: no longer a link's refusal (readHash sets it again after its own)
    $("pad-status").textContent = text;
    if (read === undefined) delete $("pad-status").dataset.read; else $("pad-status").dataset.read = read;
    if ($("pad-live").textContent !== spoken) $("pad-live").textContent = spoken;
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
    if (restored) { // a shared drawing or one set with the keys: its 28 x 28 image, 10 px a pixel
      g.fillStyle = "#000";
      grid.forEach((v, p) => { if (v) g.fillRect((p % 28) * 10, Math.floor(p / 28) * 10, 10, 10); });
      drawCursor(g);
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
    drawCursor(g);
  }
  // The keyboard's way to draw: a square cursor on the 28 x 28 grid the networks read, shown while the pad has
  // the focus. Arrow keys move it, Space inks or clears its pixel, L loads the digit shown (a test image) to edit.
  // The grid is read as it is (not re-centred as a pen's strokes are); a pen drawing is edited as it was read.
  let grid = new Float64Array(784), cursor = [14, 14];
  function drawCursor(g) {
    if (document.activeElement !== pad) return;
    g.strokeStyle = "#d62728"; g.lineWidth = 2; g.strokeRect(cursor[1] * 10 + 1, cursor[0] * 10 + 1, 8, 8); g.lineWidth = 1;
  }
  pad.addEventListener("focus", redrawPad);
  pad.addEventListener("blur", redrawPad);
  pad.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }, key = event.key;
    const at = () => `row ${cursor[0] + 1}, column ${cursor[1] + 1}: ${grid[cursor[0] * 28 + cursor[1]] ? "ink" : "blank"}`;
    if (moves[key]) {
      event.preventDefault();
      cursor = [clamp(cursor[0] + moves[key][0], 0, 27), clamp(cursor[1] + moves[key][1], 0, 27)];
      redrawPad(); $("pad-live").textContent = at(); return;
    }
    if (key !== " " && key.toLowerCase() !== "l") return;
    event.preventDefault();
    const started = performance.now();
    keepInPlace(pad, () => {
      const fresh = !restored && !strokes.length; // a new drawing: from no experiment, as a pen's is
      if (key.toLowerCase() === "l") grid = Float64Array.from(baseImage() || new Float64Array(784), (v) => (v > 0 ? 1 : 0));
      else if (!restored && strokes.length && state.drawing) grid = Float64Array.from(state.drawing); // the pen's drawing, as read
      if (!restored) { strokes = []; restored = true; }
      if (key === " ") grid[cursor[0] * 28 + cursor[1]] = grid[cursor[0] * 28 + cursor[1]] ? 0 : 1;
      endTour(); stopPlay();
      let turnedOff = "";
      if (fresh || key.toLowerCase() === "l") { turnedOff = experimentsOn().join(", "); Object.assign(state, NO_EXPERIMENT, { blanked: [] }); }
      const ink = grid.reduce((n, v) => n + v, 0);
      state.source = "drawing"; state.refused = "";
      state.drawing = ink && ink <= data.inkLimit ? Float64Array.from(grid) : null; padRefused = ink > data.inkLimit;
      state.step = 28 + state.appended;
      const found = state.drawing ? readings() : null, read = found ? NAMES.map((name) => `${SHORT[name]} ${said(answer(found, name, found.rows))}`).join(", ") : "";
      const text = !ink ? "No ink on the grid yet: Space inks the square." : padRefused ? `Refused: ${ink} ink pixels, more than any digit this page reads (${data.inkLimit}).`
        : `Read as set with the keys (28 x 28, not re-centred): ${read}.`;
      setPadStatus(text + (turnedOff ? ` A new drawing starts with no experiment on (turned off: ${turnedOff}).` : ""), String(Boolean(found)),
        key === " " ? `${at()}. ${found ? read : text}` : `Loaded to edit. ${found ? read : text}`);
      quietOnce = true; show();
      redrawPad();
    });
    $("pad-status").dataset.readMs = String(performance.now() - started);
  });
  pad.addEventListener("contextmenu", (event) => event.preventDefault());
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    if (document.activeElement instanceof HTMLCanvasElement) document.activeElement.blur(); // its probe would speak of another picture
    $("probe").textContent = "";
    if (event.isPrimary) ignoredPointers.clear(); // a new gesture
    if (drawing !== null && event.pointerId !== drawing) { // a second finger: the gesture is not a drawing
      strokes.pop(); ignoredPointers.add(drawing).add(event.pointerId); drawing = null; redrawPad();
      setPadStatus("Two fingers on the pad: ignored. Draw with one finger.", "false");
      return;
    }
    if (ignoredPointers.size) { ignoredPointers.add(event.pointerId); return; } // a further finger of that gesture
    if (event.button !== 0) return; // only the main button (or a finger) draws
    if (restored) { setPadStatus("The pad holds a 28 x 28 drawing (a link's, or set with the keys): press Clear to draw with the pen.", "true"); return; }
    try { pad.setPointerCapture(event.pointerId); } catch (error) { /* a pointer the browser no longer tracks */ }
    if (!strokes.length) newDrawing = true; // its first stroke: the drawing starts from no experiment
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
      let turnedOff = "";
      if (newDrawing) { // a new drawing is read as it is: any experiment on is turned off, and said
        turnedOff = experimentsOn().join(", ");
        Object.assign(state, NO_EXPERIMENT, { blanked: [] });
        newDrawing = false;
      }
      state.source = "drawing"; state.refused = "";
      state.drawing = verdict.read ? verdict.image : null; padRefused = !verdict.read;
      if (verdict.read) state.step = 28 + state.appended;
      const found = verdict.read ? readings() : null, read = found ? ` ${NAMES.map((name) => `${SHORT[name]} ${said(answer(found, name, found.rows))}`).join(", ")}.` : "";
      setPadStatus((verdict.read ? `Read: your drawing, prepared as MNIST was (28 x 28: see The digit being read).${read} The networks always name a digit, even for a shape that is none.` : verdict.reason) +
        (turnedOff ? ` A new drawing starts with no experiment on (turned off: ${turnedOff}); set one below to try it on your drawing.` : ""), String(verdict.read),
        verdict.read ? `Read:${read}` : verdict.reason); // said: the reading alone, not the long line again
      quietOnce = true; // the pad's line says it all: the step bar's live region keeps quiet this once
      show();
    });
    $("pad-status").dataset.readMs = String(performance.now() - started);
  };
  pad.addEventListener("pointerup", lift);
  pad.addEventListener("pointercancel", lift);
  $("clear").addEventListener("click", () => keepInPlace(pad, () => { // clearing ends the tour, as drawing does
    strokes = []; drawing = null; restored = false; ignoredPointers.clear(); newDrawing = false; grid = new Float64Array(784);
    endTour(); stopPlay();
    state.drawing = null; state.source = "drawing"; state.refused = ""; padRefused = false;
    redrawPad();
    setPadStatus("Draw a digit on the pad."); delete $("pad-status").dataset.readMs;
    show();
  }));

  // --- Controls ------------------------------------------------------------------------------------
  // A finger's tap on a button acts when the finger lifts: Chrome may drop the click of a tap that comes
  // right after a stroke on the pad. The click that may still follow that tap is dropped, whatever it lands
  // on: the button may have scrolled the page (a tour stop does), and the browser's click of the same tap
  // then hits what is under the finger now ("End the tour" ended the stop just opened).
  let pressed = null, tapped = null;
  document.addEventListener("pointerdown", (event) => { tapped = null; pressed = event.pointerType === "touch" ? event.target.closest("button") : null; }, true);
  document.addEventListener("pointercancel", () => { pressed = null; }, true);
  document.addEventListener("pointerup", (event) => {
    const button = pressed; pressed = null;
    if (!button || event.pointerType !== "touch" || button.disabled) return;
    const under = document.elementFromPoint(event.clientX, event.clientY);
    if (!under || under.closest("button") !== button) return; // the finger slid off the button
    tapped = { button, at: performance.now() };
    button.click();
  }, true);
  document.addEventListener("mousedown", (event) => { // nor does that tap's mousedown move the focus the button set
    if (event.isTrusted && tapped && performance.now() - tapped.at < 1000) event.preventDefault();
  }, true);
  document.addEventListener("click", (event) => {
    if (!event.isTrusted || !tapped) return;
    if (performance.now() - tapped.at < 1000) { event.stopImmediatePropagation(); event.preventDefault(); } // the tap's own click
    tapped = null;
  }, true);
  let timer = null;
  function stopPlay() { if (timer) { clearInterval(timer); timer = null; sayTourNow(); } $("play").textContent = "Play"; $("play").setAttribute("aria-pressed", "false"); }
  function hidePlayHint() { $("play-hint").hidden = true; }
  // the callout asks for Play once: any scroll, touch, click or key of the visitor's sends it away
  for (const type of ["scroll", "pointerdown", "keydown", "wheel", "touchstart"]) window.addEventListener(type, hidePlayHint, { passive: true, capture: true });
  function play() {
    hidePlayHint();
    if (timer) { stopPlay(); return; }
    $("play").textContent = "Pause"; $("play").setAttribute("aria-pressed", "true");
    if (state.step >= 28 + state.appended) setStep(1);
    timer = setInterval(() => { if (state.step >= 28 + state.appended) { stopPlay(); show(); return; } setStep(state.step + 1); show(); }, 300);
    spoken = {};
    show();
  }
  $("play").addEventListener("click", play);
  $("step-slider").addEventListener("input", () => { stopPlay(); $("play-hint").hidden = true; setStep(Number($("step-slider").value)); show(); });
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
      if (key === "appended" && atEnd) setStep(28 + state.appended); // stay on the last row read
      show();
    }));
  }
  for (let r = 1; r <= 28; r++) $("blank-row").add(new Option(`row ${r}`, String(r - 1)));
  $("blank-toggle").addEventListener("click", () => toggleRow(Number($("blank-row").value)));
  $("reset").addEventListener("click", () => keepInPlace($("reset"), () => { Object.assign(state, NO_EXPERIMENT, { blanked: [] }); EXPERIMENTS.forEach(visitorSet); state.step = 28; show(); }));
  // "#pad" and the like name a place on the page, not a view: the page goes there and keeps the view (and the link).
  const anchorOf = (hash) => { const id = hash.slice(1); return id && !id.includes("=") && !id.includes("&") ? document.getElementById(id) : null; };
  function goTo(element) { hidePlayHint(); (element.closest("section, fieldset") || element).scrollIntoView({ block: "start" }); }
  window.addEventListener("hashchange", () => {
    const anchor = anchorOf(location.hash);
    if (anchor) { writeHash(); goTo(anchor); return; }
    readHash(); show(); linkAsAdjusted = location.hash;
  });
  $("to-pad").addEventListener("click", (event) => { event.preventDefault(); goTo(pad); });

  const barHeight = () => document.documentElement.style.setProperty("--bar", `${$("stepbar").getBoundingClientRect().height}px`);
  new ResizeObserver(barHeight).observe($("stepbar"));
  $("source").textContent = data.source;
  $("intro-verb").textContent = touchOnly.matches ? "tap twice on" : "click";
  setPadStatus("Draw a digit on the pad.");
  makePanels();
  redrawPad();
  const openedAt = anchorOf(location.hash); // "#pad": a first visit, opened at the pad
  if (openedAt) history.replaceState(null, "", location.pathname + location.search);
  const firstVisit = !location.hash; // no link: the page opens at step 1, asking for Play
  readHash();
  if (firstVisit) { state.step = 1; $("play-hint").hidden = false; }
  show();
  if (openedAt) goTo(openedAt);
  linkAsAdjusted = location.hash;
  describeRow(null);
  // For the tests: the state, what the networks read, the importance bars as drawn, a view opened from a
  // URL fragment, and the tour.
  window.hw3Page = { state, show, readings, toggleRow, importanceBars: () => importanceBars, stops: STOPS.length - 1,
                     tour: () => tour && { stop: tour.stop, owned: [...tour.owned] },
                     open: (fragment) => { history.replaceState(null, "", fragment); readHash(); show(); linkAsAdjusted = location.hash; },
                     arithmetic: () => shownArithmetic, trueChart: () => $("true-chart").hw3Chart, tourChart: () => $("tour-chart").hw3Chart };
})();
