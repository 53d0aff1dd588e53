// The playground page: wires the form, slider and buttons to the worker, and draws what it
// answers. Every number shown was computed by micrograd_notes in the worker (web/bridge.py).
const $ = (id) => document.getElementById(id);
let worker = null;
let restartNote = null; // why the worker was restarted, shown once it is back
const frames = new Map(); // step -> frame, for the expression on the page
let steps = 0;
let trained = { loss: [], accuracy: [] }; // loss and accuracy after each step
let data = null; // the training points and labels
let lastBoundary = null;

function startWorker() {
  worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
  worker.onmessage = ({ data: msg }) => handlers[msg.type](msg);
}

const handlers = {
  ready(msg) {
    $("status").textContent = `Ready (Python loaded in ${msg.seconds.toFixed(1)} s).`;
    $("status").dataset.ready = "true";
    $("versions").textContent = "Running in your browser: " + Object.entries(msg.versions)
      .map(([name, version]) => `${name} ${version}`).join(", ") + ".";
    for (const id of ["draw", "train", "reset"]) $(id).disabled = false;
    worker.postMessage({ type: "open", query: location.search });
  },
  failed(msg) {
    $("status").textContent = `Python could not start: ${msg.message}`;
  },
  error(msg) {
    showError(msg.message);
  },
  crashed(msg) {
    // Python in the worker cannot go on: start a new one, and show the last good graph.
    worker.terminate();
    restartNote = `Python stopped (${msg.message}); it was restarted.`;
    showError(restartNote);
    clearGraph();
    handlers.reset();
    for (const id of ["draw", "train", "reset"]) $(id).disabled = true;
    $("status").textContent = "Restarting Python…";
    delete $("status").dataset.ready;
    startWorker();
  },
  shown(msg) {
    $("expr").value = msg.expr;
    $("values").value = msg.values_text;
    if (msg.error) {
      showError(msg.error);
      clearGraph(); // no picture of an earlier expression beside this one's error
      return;
    }
    showError(restartNote);
    restartNote = null;
    // The address becomes the link to this graph: share it, and it opens this graph.
    if (location.search !== msg.query) window.history.replaceState(null, "", msg.query);
    frames.clear();
    steps = msg.steps;
    frames.set(0, msg);
    $("step").max = String(steps);
    $("step").value = "0";
    for (const id of ["step", "prev", "next"]) $(id).disabled = steps === 0;
    $("step-table").querySelector("thead").innerHTML =
      "<tr>" + msg.header.map((h) => `<th>${escape(h)}</th>`).join("") + "</tr>";
    $("value-line").textContent = `${msg.expr.trim()} = ${msg.value_text}`;
    fillNodes(msg.nodes);
    showFrame(msg);
  },
  frame(msg) {
    if (msg.error) {
      showError(msg.error);
      return;
    }
    frames.set(msg.step, msg);
    if (Number($("step").value) === msg.step) showFrame(msg);
  },
  data(msg) {
    data = msg;
    drawBoundary(null);
  },
  progress(msg) {
    $("train").disabled = true;
    $("stop").disabled = false;
    trained.loss.push(msg.loss);
    trained.accuracy.push(msg.accuracy);
    $("train-step").textContent = String(msg.step);
    $("train-loss").textContent = msg.loss.toFixed(4);
    $("train-accuracy").textContent = `${Math.round(msg.accuracy * 100)}%`;
    if (msg.boundary) drawBoundary(msg.boundary);
    drawCurves();
  },
  stopped(msg) {
    $("train").disabled = false;
    $("stop").disabled = true;
    $("train").textContent = msg.step < msg.steps ? "Resume" : "Train";
    $("train-status").dataset.finished = String(msg.step === msg.steps);
  },
  reset() {
    trained = { loss: [], accuracy: [] };
    data = null;
    lastBoundary = null;
    $("train-step").textContent = "0";
    $("train-loss").textContent = "–";
    $("train-accuracy").textContent = "–";
    $("train").textContent = "Train";
    $("train").disabled = false;
    $("stop").disabled = true;
    $("train-status").dataset.finished = "false";
    drawBoundary(null);
    drawCurves();
  },
};

function escape(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message ?? "";
}

function clearGraph() {
  frames.clear();
  steps = 0;
  $("step").value = "0";
  for (const id of ["step", "prev", "next"]) $(id).disabled = true;
  $("graph").innerHTML = "";
  $("value-line").textContent = "";
  $("step-table").hidden = true;
  $("step-label").textContent = "";
  $("step-title").textContent = "";
  $("nodes").hidden = true;
  $("nodes").querySelector("tbody").innerHTML = "";
}

function fillNodes(nodes) {
  $("nodes").hidden = false;
  const body = $("nodes").querySelector("tbody");
  body.innerHTML = "";
  for (const node of nodes) {
    const row = body.insertRow();
    row.dataset.name = node.name;
    for (const [text, raw] of [[node.name], [node.op], [node.data_text, node.data],
      [node.grad_text, node.grad]]) {
      const cell = row.insertCell();
      cell.textContent = text;
      if (raw !== undefined) cell.dataset.value = String(raw); // full precision, for checking
    }
  }
}

function showFrame(frame) {
  $("graph").innerHTML = frame.svg; // SVG from Graphviz (viz.js), built from the package's DOT
  $("step-label").textContent = frame.step === 0 ? "after backward()" : `step ${frame.step} of ${steps}`;
  const table = $("step-table");
  table.hidden = frame.step === 0;
  $("step-title").textContent = frame.step === 0
    ? "Move the slider to replay backward() one node at a time: each step sends " +
      "down_diff = local_diff · up_diff to the node's parents."
    : `Step ${frame.step}: ${frame.node} has its whole grad (its up_diff) and passes it on.`;
  table.dataset.node = frame.node ?? "";
  const body = table.querySelector("tbody");
  body.innerHTML = "";
  for (const row of frame.rows) {
    const tr = body.insertRow();
    for (const text of row) tr.insertCell().textContent = text;
  }
}

function goTo(k) {
  $("step").value = String(k);
  if (frames.has(k)) showFrame(frames.get(k));
  else worker.postMessage({ type: "frame", k });
}

$("expr-form").addEventListener("submit", (event) => {
  event.preventDefault();
  worker.postMessage({ type: "show", expr: $("expr").value, values: $("values").value });
});
$("step").addEventListener("input", () => goTo(Number($("step").value)));
$("prev").addEventListener("click", () => goTo(Math.max(0, Number($("step").value) - 1)));
$("next").addEventListener("click", () => goTo(Math.min(steps, Number($("step").value) + 1)));

$("train-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const total = Number($("train-steps").value);
  if (!Number.isInteger(total) || total < 1 || total > 1000) {
    showTrainError("steps must be a whole number from 1 to 1000");
    return;
  }
  $("train").disabled = true; // until the worker says it stopped
  worker.postMessage({ type: "train", dataset: $("dataset").value, steps: total });
});
$("stop").addEventListener("click", () => worker.postMessage({ type: "stop" }));
$("reset").addEventListener("click", () => worker.postMessage({ type: "reset" }));
for (const id of ["dataset", "train-steps"]) {
  $(id).addEventListener("change", () => worker.postMessage({ type: "reset" }));
}

function showTrainError(message) {
  $("train-status").textContent = message;
}

// ---- pictures of training: canvas only draws the numbers the worker sent ----

const CLASS_COLOURS = ["#3b6fd8", "#d8453b"]; // class 0 (y = -1), class 1 (y = +1)
const PLANE_COLOURS = ["rgba(59,111,216,0.18)", "rgba(216,69,59,0.18)"];

function plotArea(canvas) {
  return { left: 52, top: 34, right: canvas.width - 14, bottom: canvas.height - 44 };
}

function axes(ctx, area, xRange, yRange, xLabel, yLabel, title) {
  ctx.strokeStyle = "#333";
  ctx.strokeRect(area.left, area.top, area.right - area.left, area.bottom - area.top);
  ctx.fillStyle = "#222";
  ctx.font = "12px sans-serif";
  ctx.textAlign = "center";
  for (let i = 0; i <= 4; i++) {
    const x = area.left + (area.right - area.left) * i / 4;
    ctx.fillText(format(xRange[0] + (xRange[1] - xRange[0]) * i / 4), x, area.bottom + 16);
  }
  ctx.fillText(xLabel, (area.left + area.right) / 2, area.bottom + 34);
  ctx.fillText(title, (area.left + area.right) / 2, 16);
  ctx.textAlign = "right";
  for (let i = 0; i <= 4; i++) {
    const y = area.bottom - (area.bottom - area.top) * i / 4;
    ctx.fillText(format(yRange[0] + (yRange[1] - yRange[0]) * i / 4), area.left - 6, y + 4);
  }
  ctx.save();
  ctx.translate(14, (area.top + area.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

function format(x) {
  return Math.abs(x) >= 10 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x.toFixed(2);
}

function drawBoundary(boundary) {
  boundary = boundary ?? lastBoundary;
  lastBoundary = boundary;
  const canvas = $("boundary");
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!data) {
    ctx.fillStyle = "#666";
    ctx.font = "14px sans-serif";
    ctx.textAlign = "center";
    ctx.fillText("Press Train: the data and the boundary appear here.", canvas.width / 2,
      canvas.height / 2);
    return;
  }
  const area = plotArea(canvas);
  const xs = data.points.map((p) => p[0]);
  const ys = data.points.map((p) => p[1]);
  const xRange = boundary ? boundary.x : [Math.min(...xs) - 0.5, Math.max(...xs) + 0.5];
  const yRange = boundary ? boundary.y : [Math.min(...ys) - 0.5, Math.max(...ys) + 0.5];
  const px = (x) => area.left + (x - xRange[0]) / (xRange[1] - xRange[0]) * (area.right - area.left);
  const py = (y) => area.bottom - (y - yRange[0]) / (yRange[1] - yRange[0]) * (area.bottom - area.top);
  if (boundary) {
    // One cell per grid point, edges on whole pixels so neighbours neither gap nor overlap.
    const n = boundary.scores.length;
    const xAt = (i) => Math.round(area.left + i * (area.right - area.left) / n);
    const yAt = (j) => Math.round(area.bottom - j * (area.bottom - area.top) / n);
    boundary.scores.forEach((row, j) => row.forEach((score, i) => {
      ctx.fillStyle = PLANE_COLOURS[score > 0 ? 1 : 0];
      ctx.fillRect(xAt(i), yAt(j + 1), xAt(i + 1) - xAt(i), yAt(j) - yAt(j + 1));
    }));
  }
  data.points.forEach(([x, y], k) => {
    ctx.beginPath();
    ctx.arc(px(x), py(y), 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = CLASS_COLOURS[data.labels[k]];
    ctx.fill();
    ctx.strokeStyle = "#111";
    ctx.lineWidth = 0.6;
    ctx.stroke();
  });
  ctx.lineWidth = 1;
  axes(ctx, area, xRange, yRange, "x1", "x2", "decision boundary: shaded by the predicted class");
  legend(ctx, area.left + 8, area.top + 8, [["class 0", CLASS_COLOURS[0]], ["class 1", CLASS_COLOURS[1]]]);
}

function legend(ctx, x, y, entries) {
  ctx.font = "12px sans-serif";
  ctx.textAlign = "left";
  ctx.fillStyle = "rgba(255,255,255,0.85)";
  ctx.fillRect(x, y, 78, 18 * entries.length + 6);
  entries.forEach(([label, colour], k) => {
    ctx.fillStyle = colour;
    ctx.fillRect(x + 6, y + 8 + 18 * k, 14, 4);
    ctx.fillStyle = "#222";
    ctx.fillText(label, x + 26, y + 14 + 18 * k);
  });
}

function drawCurves() {
  const canvas = $("curves");
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const area = { ...plotArea(canvas), right: canvas.width - 52 }; // room for a second axis
  const total = Math.max(Number($("train-steps").value) || 1, trained.loss.length);
  const top = Math.max(1, ...trained.loss);
  axes(ctx, area, [0, total], [0, top], "step", "loss (hinge + L2)", "loss and training accuracy");
  // The accuracy's own axis, on the right: 0% at the bottom, 100% at the top.
  ctx.fillStyle = "#2a9d3a";
  ctx.textAlign = "left";
  for (let i = 0; i <= 4; i++) {
    const y = area.bottom - (area.bottom - area.top) * i / 4;
    ctx.fillText(`${i * 25}%`, area.right + 6, y + 4);
  }
  ctx.save();
  ctx.translate(canvas.width - 8, (area.top + area.bottom) / 2);
  ctx.rotate(Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText("training accuracy", 0, 0);
  ctx.restore();
  const series = [[trained.loss, "#7a3fb0", top], [trained.accuracy, "#2a9d3a", 1]];
  for (const [values, colour, scale] of series) {
    ctx.beginPath();
    values.forEach((v, k) => {
      const x = area.left + (k + 1) / total * (area.right - area.left);
      const y = area.bottom - v / scale * (area.bottom - area.top);
      if (k === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.8;
    ctx.stroke();
  }
  ctx.lineWidth = 1;
  legend(ctx, area.right - 96, area.top + 40, [["loss", "#7a3fb0"], ["accuracy", "#2a9d3a"]]);
}

drawBoundary(null);
drawCurves();
startWorker();
