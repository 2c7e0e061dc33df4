// The hw3 explorer, part 2 of 3: a drawing on the pad prepared as hw3/data.py prepares one
// (strokes_to_canvas, then canvas_to_mnist: bounding box scaled to 20 px with Pillow's Lanczos filter,
// centre of mass centred, threshold 0.1), and the rule that decides whether a drawing is read at all.
// No DOM; tests load this file alone.
"use strict";

(() => {
  const T = 28, WIDTH = 28;
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

  const prepareDrawing = (strokes) => canvasToMnist(strokesToCanvas(strokes));

  // Whether a drawing is read. The preprocessing scales the drawing's bounding box to 20 pixels, and
  // the pen with it, so a small drawing becomes thick strokes (a dot becomes a disc): a drawing whose
  // larger side is under MIN_SIDE of the pad is not read. A drawing with more ink pixels, once
  // prepared, than `inkLimit` (the 99.9th percentile over MNIST's training digits, computed by
  // hw3/explorer.py) is a scribble, not a digit. Returns {read, image, reason, side, ink, penPixels}.
  const MIN_SIDE = 0.4;
  function drawingVerdict(strokes, inkLimit) {
    const canvas = strokesToCanvas(strokes);
    let top = CANVAS, bottom = -1, left = CANVAS, right = -1;
    for (let row = 0; row < CANVAS; row++) for (let column = 0; column < CANVAS; column++) {
      if (canvas[row * CANVAS + column] > 0) {
        top = Math.min(top, row); bottom = Math.max(bottom, row); left = Math.min(left, column); right = Math.max(right, column);
      }
    }
    if (bottom < 0) return { read: false, image: null, reason: "Nothing drawn yet.", side: 0, ink: 0 };
    const side = Math.max(bottom - top + 1, right - left + 1);
    const penPixels = (STROKE * 20) / side; // the pen's width on the 28 x 28 grid after scaling
    const image = canvasToMnist(canvas);
    const ink = image ? image.reduce((sum, v) => sum + v, 0) : 0;
    if (side < MIN_SIDE * CANVAS) {
      return { read: false, image, side, ink, penPixels, reason: `Not read: too small (under ${MIN_SIDE * 100}% of the pad). ` +
        "Enlarged to a digit's size, its lines would be blobs the networks never saw. Draw it larger." };
    }
    if (ink > inkLimit) {
      return { read: false, image, side, ink, penPixels, reason: `Not read: ${ink} of 784 pixels are ink, more than in ` +
        `99.9% of MNIST's training digits (${inkLimit}). That is a scribble, not a digit.` };
    }
    return { read: true, image, side, ink, penPixels, reason: "" };
  }

  globalThis.hw3 = Object.assign(globalThis.hw3 || {}, {
    CANVAS, STROKE, MIN_SIDE, strokesToCanvas, canvasToMnist, prepareDrawing, drawingVerdict, resizeLanczos, pairwiseSum,
  });
})();
