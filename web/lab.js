// The training lab: wires the controls to the worker and draws what it answers. Every number
// shown was computed by micrograd_notes in the worker (web/lab.py), settings checked there too.
import { $, connect } from "./site.js";
import { COLOURS, el, frame, heatmap, legend } from "./charts.js";

const FIELDS = ["dataset", "noise", "test", "layers", "activation", "lr", "l2", "batch", "seed",
  "steps"];
const control = (name) => $(name === "steps" ? "train-steps" : name);
let settings = null; // the current run's settings, as text
let points = null; // the current run's data
let history = []; // metrics after each reported step
let picture = null; // the latest picture of the network
let playing = false;

const connection = connect({
  graphviz: false,
  handlers: {
    "lab-ready"(msg) {
      settings = msg.settings;
      points = msg.data;
      history = [];
      if (!playing) $("train").textContent = "Train";
      // The controls already say what the learner chose; settings from the address (a link)
      // are shown in them. The bad ones a link holds keep their defaults, and are named.
      if (msg.fromAddress) showSettings(settings);
      if (!msg.fromAddress) showError(null);
      // The address is the link to this run; settings are tweaks, not places to go back to.
      if (location.search !== settings.query) history_(settings.query);
      progress(msg);
    },
    "lab-progress": progress,
    "lab-playing"({ playing: now, finished }) {
      playing = now;
      const started = Number($("train-step").textContent) > 0;
      $("train").textContent = now ? "Pause" : finished ? "Train again" : started ? "Resume"
        : "Train";
      $("train-status").dataset.finished = String(Boolean(finished));
      // Said once when a run stops, not at every step: the status line changes too often.
      if (!now) $("lab-announce").textContent = $("train-status").textContent;
    },
    "lab-problems"({ problems }) {
      showError(problems.join(" · "));
    },
    error({ message }) {
      showError(message);
    },
  },
  onReady() {
    for (const id of ["train", "one-step", "reset"]) $(id).disabled = false;
    connection.post({ type: "lab-speed", speed: $("speed").value });
    connection.post({ type: "lab-settings", query: location.search, fromAddress: true });
  },
  onCrash(message) {
    showError(`Python stopped (${message}); it was restarted.`);
  },
});

function history_(query) {
  window.history.replaceState(null, "", query);
}

function showSettings(view) {
  for (const name of FIELDS) control(name).value = view[name];
  $("train-total").textContent = view.steps;
}

// The query the controls say, for the worker to check.
function controlsQuery() {
  const query = new URLSearchParams();
  for (const name of FIELDS) query.set(name, control(name).value);
  return "?" + query.toString().replaceAll("%2C", ",");
}

function showError(message) {
  $("lab-error").hidden = !message;
  $("lab-error").textContent = message ?? "";
}

const percent = (x) => `${Math.round(x * 100)}%`;

function progress({ metrics, picture: drawn, finished }) {
  if (history.length && history[history.length - 1].step >= metrics.step) history = [];
  history.push(metrics);
  $("train-step").textContent = String(metrics.step);
  for (const [id, key, text] of [["train-loss", "train_loss", metrics.train_loss.toFixed(3)],
    ["test-loss", "test_loss", metrics.test_loss.toFixed(3)],
    ["train-accuracy", "train_accuracy", percent(metrics.train_accuracy)],
    ["test-accuracy", "test_accuracy", percent(metrics.test_accuracy)]]) {
    $(id).textContent = text;
    $(id).dataset.value = String(metrics[key]); // full precision, for checking
  }
  $("train-status").dataset.finished = String(Boolean(finished));
  if (finished) $("train").textContent = "Train again";
  if (drawn) {
    picture = drawn;
    drawNetwork();
    drawBoundary();
  }
  drawCurves();
}

// ---- the controls ----

$("lab-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (playing) {
    connection.post({ type: "lab-pause" });
    return;
  }
  connection.post({ type: "lab-settings", query: controlsQuery() });
  connection.post({ type: "lab-play" });
});
$("one-step").addEventListener("click", () => {
  connection.post({ type: "lab-settings", query: controlsQuery() });
  connection.post({ type: "lab-step" });
});
$("reset").addEventListener("click", () => connection.post({ type: "lab-reset" }));
$("speed").addEventListener("change", () => {
  connection.post({ type: "lab-speed", speed: $("speed").value });
});
for (const name of FIELDS) {
  control(name).addEventListener("change", () => {
    connection.post({ type: "lab-settings", query: controlsQuery() });
  });
}

// ---- the pictures: SVG drawn from the numbers the worker sent ----

// How each activation's output maps to [-1, 1] for colouring (0 is white).
const UNIT_SCALE = {
  tanh: (a) => a,
  sigmoid: (a) => 2 * a - 1,
  relu: (a) => Math.tanh(a),
};
const SCORE_SCALE = (s) => Math.tanh(s / 2); // = 2·sigmoid(s) - 1: the predicted probability

function drawBoundary() {
  const svg = $("boundary");
  const description = `The decision boundary after step ${history.at(-1)?.step ?? 0}: `
    + `test accuracy ${percent(history.at(-1)?.test_accuracy ?? 0)}, `
    + `${points.train.length} training and ${points.test.length} test points.`;
  const chart = frame(svg, { width: 400, height: 440, x: picture.x, y: picture.y,
    xLabel: "x1", yLabel: "x2", title: "decision boundary", description, below: 30 });
  svg.setAttribute("aria-label", description);
  const { px, py, area, data, text } = chart;
  el("image", { href: heatmap(picture.score, SCORE_SCALE), x: area.left, y: area.top,
    width: area.right - area.left, height: area.bottom - area.top,
    preserveAspectRatio: "none" }, data);
  const dot = (p, label, test) => el("circle", { cx: px(p[0]), cy: py(p[1]), r: 3.6,
    fill: test ? "white" : label ? COLOURS.positive : COLOURS.negative,
    stroke: test ? (label ? COLOURS.positive : COLOURS.negative) : "white",
    "stroke-width": test ? 2 : 0.8 }, data);
  points.train.forEach((p, k) => dot(p, points.train_labels[k], false));
  points.test.forEach((p, k) => dot(p, points.test_labels[k], true));
  legend(svg, area.left - 10, area.bottom + 50, [
    ["class 0", COLOURS.negative, "point"], ["class 1", COLOURS.positive, "point"],
    ["test point", COLOURS.text, "ring"]], text, true);
}

function drawCurves() {
  const svg = $("curves");
  const last = history.at(-1);
  const top = Math.max(0.1, ...history.map((m) => Math.max(m.train_loss, m.test_loss)));
  const total = Math.max(Number(settings?.steps) || 1, last?.step ?? 1);
  const description = last ? `Loss after step ${last.step}: training ${last.train_loss.toFixed(3)}`
    + `, test ${last.test_loss.toFixed(3)}.` : "No steps yet.";
  const chart = frame(svg, { width: 400, height: 300, x: [0, total], y: [0, top * 1.05],
    xLabel: "step", yLabel: "loss (cross-entropy)", title: "loss", description });
  svg.setAttribute("aria-label", description);
  const { px, py, area, data, text } = chart;
  for (const [key, dash] of [["train_loss", ""], ["test_loss", "6 4"]]) {
    el("polyline", { points: history.map((m) => `${px(m.step)},${py(m[key])}`).join(" "),
      fill: "none", stroke: key === "train_loss" ? COLOURS.negative : COLOURS.positive,
      "stroke-width": 2.2, "stroke-dasharray": dash }, data);
  }
  legend(svg, area.right - 118, area.top + 6, [["training", COLOURS.negative, "line"],
    ["test", COLOURS.positive, "dashed"]], text);
}

// The network: inputs, each hidden unit and the output as small heatmaps over the input
// plane, joined by their weights (colour for the sign, width for the size).
function drawNetwork() {
  const svg = $("network");
  svg.replaceChildren();
  const columns = [picture.inputs, ...picture.units, [picture.score]];
  const most = Math.max(...columns.map((c) => c.length));
  const size = most > 8 ? 26 : 38;
  const gap = size * 0.35;
  const width = 80 + (columns.length - 1) * 100 + size;
  const height = 40 + most * (size + gap);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const described = `The network: 2 inputs, hidden layers of ${picture.units.map((u) => u.length)
    .join(", ") || "no"} units, 1 output. Weights from ${fmt(minWeight())} to ${fmt(maxWeight())}.`;
  svg.setAttribute("aria-label", described);
  el("title", {}, svg, described);
  const place = (c, k) => ({
    x: 40 + c * 100,
    y: 30 + (most - columns[c].length) * (size + gap) / 2 + k * (size + gap),
  });
  const biggest = Math.max(1e-9, maxAbsWeight());
  const edges = el("g", { class: "edges" }, svg);
  picture.weights.forEach((layer, l) => layer.forEach((neuron, j) => neuron.forEach((w, i) => {
    const a = place(l, i);
    const b = place(l + 1, j);
    const x0 = a.x + size;
    const y0 = a.y + size / 2;
    const x1 = b.x;
    const y1 = b.y + size / 2;
    const line = el("path", { d: `M${x0},${y0} C${(x0 + x1) / 2},${y0} ${(x0 + x1) / 2},${y1} `
      + `${x1},${y1}`, fill: "none", stroke: w >= 0 ? COLOURS.positive : COLOURS.negative,
    "stroke-width": 0.4 + 4.6 * Math.abs(w) / biggest, "stroke-opacity": 0.75,
    class: "weight", "data-weight": String(w) }, edges);
    el("title", {}, line, `weight ${fmt(w)}`);
  })));
  const scales = [(v) => v / maxAbs(picture.inputs), ...picture.units.map(() => UNIT_SCALE[
    settings.activation]), SCORE_SCALE];
  const names = [["x1", "x2"], ...picture.units.map((layer, l) => layer.map((_, k) =>
    `layer ${l + 1}, unit ${k + 1}`)), ["output"]];
  columns.forEach((column, c) => column.forEach((grid, k) => {
    const { x, y } = place(c, k);
    const box = el("g", { class: c === 0 ? "input" : c === columns.length - 1 ? "output" : "unit" },
      svg);
    el("image", { href: heatmap(grid, scales[c]), x, y, width: size, height: size,
      preserveAspectRatio: "none" }, box);
    el("rect", { x, y, width: size, height: size, fill: "none", stroke: "#555" }, box);
    const bias = c > 0 ? `, bias ${fmt(picture.biases[c - 1][k])}` : "";
    el("title", {}, box, `${names[c][k]}${bias}`);
  }));
  const label = { fill: COLOURS.text, "font-size": 12, "text-anchor": "middle" };
  el("text", { ...label, x: place(0, 0).x + size / 2, y: 18 }, svg, "inputs");
  picture.units.forEach((_, l) => el("text", { ...label, x: place(l + 1, 0).x + size / 2, y: 18 },
    svg, `layer ${l + 1}`));
  el("text", { ...label, x: place(columns.length - 1, 0).x + size / 2, y: 18 }, svg, "output");
}

const fmt = (x) => Math.abs(x) >= 100 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(2)
  : x.toFixed(3);
const allWeights = () => picture.weights.flat(2);
const minWeight = () => Math.min(...allWeights());
const maxWeight = () => Math.max(...allWeights());
const maxAbsWeight = () => Math.max(...allWeights().map(Math.abs));
const maxAbs = (grids) => Math.max(1e-9, ...grids.flat(2).map(Math.abs));
