// Small SVG charts for the lab: axes with round ticks, heatmaps, lines, points. They draw the
// numbers the worker sends and compute nothing else. SVG scales with the page and stays sharp
// at any pixel density, and its text is text: readable, selectable, accessible.
const NS = "http://www.w3.org/2000/svg";

// Colours: class 0 and negative values blue, class 1 and positive values orange. Both pass
// 3:1 against white (lines and points); chart text is dark grey (over 4.5:1).
export const COLOURS = { negative: "#1f6fb4", positive: "#d9650b", text: "#222222",
  muted: "#555555", grid: "#e4e4e4" };

export function el(name, attributes = {}, parent = null, text = null) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

// Round ticks over [lo, hi]: steps of 1, 2 or 5 times a power of ten.
export function ticks(lo, hi, count = 5) {
  const raw = (hi - lo) / count || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  const step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
  const values = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    values.push(k * step);
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const label = (v) => {
    const text = v.toFixed(decimals);
    return Number(text) === 0 ? "0" : text; // never "-0.0"
  };
  return values.map((value) => ({ value, label: label(value) }));
}

// A chart's frame: title, axes with ticks and labels. Returns the scales and the layer to
// draw the data in (under the axes' frame).
export function frame(svg, { width, height, x, y, xLabel, yLabel, title, description,
  below = 0 }) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  el("title", {}, svg, description ?? title);
  const area = { left: 56, right: width - 12, top: 30, bottom: height - 48 - below };
  const px = (v) => area.left + (v - x[0]) / (x[1] - x[0]) * (area.right - area.left);
  const py = (v) => area.bottom - (v - y[0]) / (y[1] - y[0]) * (area.bottom - area.top);
  const text = { fill: COLOURS.text, "font-size": 14, "font-family": "system-ui, sans-serif" };
  el("text", { ...text, x: (area.left + area.right) / 2, y: 19, "text-anchor": "middle",
    "font-weight": 600, "font-size": 15 }, svg, title);
  const data = el("g", { class: "data" }, svg);
  const axes = el("g", { class: "axes" }, svg);
  for (const tick of ticks(x[0], x[1])) {
    el("line", { x1: px(tick.value), x2: px(tick.value), y1: area.bottom, y2: area.bottom + 5,
      stroke: COLOURS.text }, axes);
    el("text", { ...text, x: px(tick.value), y: area.bottom + 19, "text-anchor": "middle",
      class: "tick x-tick" }, axes, tick.label);
  }
  for (const tick of ticks(y[0], y[1])) {
    el("line", { x1: area.left - 5, x2: area.left, y1: py(tick.value), y2: py(tick.value),
      stroke: COLOURS.text }, axes);
    el("text", { ...text, x: area.left - 8, y: py(tick.value) + 4, "text-anchor": "end",
      class: "tick y-tick" }, axes, tick.label);
  }
  el("rect", { x: area.left, y: area.top, width: area.right - area.left,
    height: area.bottom - area.top, fill: "none", stroke: COLOURS.text }, axes);
  el("text", { ...text, x: (area.left + area.right) / 2, y: area.bottom + 40,
    "text-anchor": "middle" }, axes, xLabel);
  const middle = (area.top + area.bottom) / 2;
  el("text", { ...text, x: 14, y: middle, "text-anchor": "middle",
    transform: `rotate(-90 14 ${middle})` }, axes, yLabel);
  return { px, py, area, data, axes, text };
}

// A colour for t in [-1, 1]: white at 0, blue towards -1, orange towards +1.
export function colourAt(t) {
  const clamped = Math.max(-1, Math.min(1, t));
  const end = clamped < 0 ? [31, 111, 180] : [217, 101, 11];
  const a = Math.abs(clamped) * 0.85; // never quite the full colour: points stay visible
  return end.map((c) => Math.round(255 + (c - 255) * a));
}

// A grid of values (rows from the bottom) as an image, each value mapped to [-1, 1] by
// `toUnit`; drawn smooth by the browser when stretched.
export function heatmap(grid, toUnit) {
  const n = grid.length;
  const canvas = document.createElement("canvas");
  canvas.width = grid[0].length;
  canvas.height = n;
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, n);
  grid.forEach((row, j) => row.forEach((value, i) => {
    const [r, g, b] = colourAt(toUnit(value));
    const at = ((n - 1 - j) * canvas.width + i) * 4; // row 0 is the bottom of the plane
    image.data.set([r, g, b, 255], at);
  }));
  context.putImageData(image, 0, 0);
  return canvas.toDataURL();
}

// A legend of [label, colour, kind] entries, kind "line", "dashed", "point" or "ring": in a
// boxed column at (x, y), or in one row there when `row` is set (under a chart, say).
export function legend(parent, x, y, entries, text, row = false) {
  const box = el("g", { class: "legend" }, parent);
  const widths = entries.map(([label]) => 36 + label.length * 7.5);
  const width = row ? widths.reduce((a, b) => a + b, 0) : Math.max(...widths);
  el("rect", { x, y, width, height: row ? 26 : 20 * entries.length + 6, fill: "white",
    "fill-opacity": 0.9, stroke: COLOURS.grid }, box);
  let left = x;
  entries.forEach(([label, colour, kind], k) => {
    const cy = row ? y + 13 : y + 14 + 20 * k;
    const cx = row ? left : x;
    if (kind === "line" || kind === "dashed") {
      el("line", { x1: cx + 6, x2: cx + 26, y1: cy, y2: cy, stroke: colour, "stroke-width": 2.5,
        "stroke-dasharray": kind === "dashed" ? "5 3" : "" }, box);
    } else {
      el("circle", { cx: cx + 16, cy, r: 4.5, fill: kind === "ring" ? "white" : colour,
        stroke: kind === "ring" ? colour : "white", "stroke-width": kind === "ring" ? 2 : 1 }, box);
    }
    el("text", { ...text, x: cx + 30, y: cy + 4.5, "font-size": 13 }, box, label);
    left += widths[k];
  });
  return box;
}
