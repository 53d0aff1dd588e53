// The playground page: wires the form, the steppers and the buttons to the worker, and draws
// what it answers. Every number shown was computed by micrograd_notes in the worker
// (web/bridge.py); this file only places it.
import { exercises } from "./exercises.js";
import { $, connect, escapeHtml } from "./site.js";

const frames = new Map(); // "backward:3" -> frame, for the expression on the page
let shown = null; // the expression on the page: its summary from the worker
let active = "backward"; // which pass the picture shows
let restartNote = null; // why the worker was restarted, shown once it is back
let typed = false; // the learner typed before Python was ready: keep their text
let keepInputs = false; // after a restart: keep what is typed, show the last good graph
let pending = 0; // requests the worker has not answered yet
let busyTimer = null;
// The code boxes below the graph; `connection` is looked up when they post, after it exists.
const exercise = exercises({
  post: (message) => connection?.post(message),
  restart: (reason) => connection?.restart(reason),
});

const connection = connect({
  graphviz: true,
  handlers: {
    ...exercise.handlers,
    shown: onShown,
    frame: showAnswer,
    checked: showCheck,
    error({ message }) {
      settle();
      showError(message);
    },
  },
  onReady() {
    exercise.ready();
    for (const id of ["draw", "check"]) $(id).disabled = false;
    if (typed) request({ type: "show", expr: $("expr").value, values: $("values").value });
    else request({ type: "open", query: location.search });
  },
  onCrash(message) {
    exercise.crashed(message);
    restartNote = `Python stopped (${message}); it was restarted.`;
    keepInputs = true;
    settle();
    showError(restartNote);
    clearGraph();
    for (const id of ["draw", "check"]) $(id).disabled = true;
  },
});

// A message that gets an answer; "Working…" shows if the answer is slow to come.
function request(message) {
  if (!connection) return;
  pending += 1;
  $("graph-panel").setAttribute("aria-busy", "true");
  clearTimeout(busyTimer);
  busyTimer = setTimeout(() => { $("busy").hidden = pending === 0; }, 150);
  connection.post(message);
}

function settle() {
  pending = Math.max(0, pending - 1);
  if (pending > 0) return;
  clearTimeout(busyTimer);
  $("busy").hidden = true;
  $("graph-panel").removeAttribute("aria-busy");
}

function onShown(msg) {
  settle();
  if (!keepInputs && msg.opened) {
    $("expr").value = msg.expr;
    $("values").value = msg.values_text;
  }
  keepInputs = false;
  typed = false;
  if (msg.error) {
    showError(msg.error);
    clearGraph(); // no picture of an earlier expression beside this one's error
    return;
  }
  showError(restartNote);
  restartNote = null;
  // The address becomes the link to this graph: a new graph is a new place to go back to.
  // One opened from the address (a link, Back, Forward) only tidies it.
  if (location.search !== msg.query) {
    if (msg.opened) window.history.replaceState(null, "", msg.query);
    else window.history.pushState(null, "", msg.query);
  }
  shown = msg;
  frames.clear();
  frames.set("backward:0", msg);
  $("note").hidden = msg.unused.length === 0;
  $("note").textContent = `Not in the expression, so not used: ${msg.unused.join(", ")}.`;
  setStepper("", msg.steps, 0);
  setStepper("f", msg.forward_steps, 0);
  $("value-line").textContent = `${msg.expr.trim()} = ${msg.value_text}`;
  $("check-table").hidden = true;
  $("check-summary").textContent = "";
  fillNodes(msg.nodes);
  active = "backward";
  showFrame(msg, true);
}

function setStepper(prefix, count, value) {
  const slider = $(`${prefix}step`);
  slider.max = String(count);
  slider.value = String(value);
  for (const id of [`${prefix}step`, `${prefix}prev`, `${prefix}next`]) $(id).disabled = count === 0;
}

function showAnswer(msg) {
  settle();
  if (msg.error) {
    showError(msg.error);
    return;
  }
  frames.set(`${msg.pass}:${msg.step}`, msg);
  const slider = msg.pass === "forward" ? $("fstep") : $("step");
  if (active === msg.pass && Number(slider.value) === msg.step) showFrame(msg, false);
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message ?? "";
}

function clearGraph() {
  frames.clear();
  shown = null;
  setStepper("", 0, 0);
  setStepper("f", 0, 0);
  $("graph").innerHTML = "";
  $("graph").style.height = "";
  $("graph").setAttribute("aria-label", "the graph");
  $("value-line").textContent = "";
  $("note").hidden = true;
  $("step-table").hidden = true;
  $("step-label").textContent = "";
  $("fstep-label").textContent = "";
  $("step-title").textContent = "";
  $("zoom-label").textContent = "";
  $("check-table").hidden = true;
  $("check-summary").textContent = "";
  $("nodes").hidden = true;
  $("nodes").querySelector("tbody").innerHTML = "";
  for (const id of ["forward-stepper", "backward-stepper"]) $(id).classList.remove("active");
}

function fillNodes(nodes) {
  $("nodes").hidden = false;
  const body = $("nodes").querySelector("tbody");
  body.innerHTML = "";
  for (const node of nodes) {
    const row = body.insertRow();
    row.dataset.name = node.name;
    row.dataset.ids = node.id;
    row.tabIndex = 0;
    for (const [text, raw] of [[node.name], [node.op], [node.data_text, node.data],
      [node.grad_text, node.grad]]) {
      const cell = row.insertCell();
      cell.textContent = text;
      if (raw !== undefined) cell.dataset.value = String(raw); // full precision, for checking
    }
  }
}

const BACKWARD_INTRO = "Move the backward slider to replay backward() one node at a time: each "
  + "step sends down_diff = local_diff · up_diff to the node's parents.";

function showFrame(frame, fresh) {
  $("graph").innerHTML = frame.svg; // SVG from Graphviz (viz.js), built from the package's DOT
  const forward = frame.pass === "forward";
  $("forward-stepper").classList.toggle("active", forward);
  $("backward-stepper").classList.toggle("active", !forward);
  $("step-label").textContent = `${$("step").value} of ${shown.steps}`
    + (Number($("step").value) === 0 ? " (after backward())" : "");
  $("fstep-label").textContent = `${$("fstep").value} of ${shown.forward_steps}`;
  let title = BACKWARD_INTRO;
  if (forward) {
    title = frame.step === 0 ? "Before the forward pass: only the leaves have data."
      : `Forward step ${frame.step}: ${frame.node} is computed from its inputs.`;
  } else if (frame.step > 0) {
    title = `Backward step ${frame.step}: ${frame.node} has its whole grad (its up_diff) and `
      + "passes it on.";
  }
  $("step-title").textContent = title;
  $("graph").setAttribute("aria-label", `graph of ${shown.expr.trim()}: ${shown.nodes.length} `
    + `nodes${frame.step > 0 ? `, ${frame.pass} step ${frame.step}` : ""}`);
  const table = $("step-table");
  table.hidden = frame.step === 0;
  table.dataset.node = frame.node ?? "";
  table.dataset.pass = frame.pass;
  const header = forward ? shown.forward_header : shown.header;
  table.querySelector("thead").innerHTML =
    "<tr>" + header.map((h) => `<th>${escapeHtml(h)}</th>`).join("") + "</tr>";
  const body = table.querySelector("tbody");
  body.innerHTML = "";
  frame.rows.forEach((row, k) => {
    const tr = body.insertRow();
    tr.tabIndex = 0;
    tr.dataset.ids = frame.row_nodes[k].map((i) => `v${i}`).join(" ");
    for (const text of row) tr.insertCell().textContent = text;
  });
  for (const node of $("graph").querySelectorAll("g.node")) node.setAttribute("tabindex", "0");
  placeGraph(fresh);
}

function goTo(pass, k) {
  active = pass;
  const slider = pass === "forward" ? $("fstep") : $("step");
  slider.value = String(k);
  const key = `${pass}:${k}`;
  if (frames.has(key)) showFrame(frames.get(key), false);
  else request({ type: pass === "forward" ? "forward" : "frame", k });
}

function stepper(pass, prefix) {
  const slider = $(`${prefix}step`);
  const at = () => Number(slider.value);
  slider.addEventListener("input", () => goTo(pass, at()));
  $(`${prefix}prev`).addEventListener("click", () => goTo(pass, Math.max(0, at() - 1)));
  $(`${prefix}next`).addEventListener("click", () => goTo(pass, Math.min(Number(slider.max),
    at() + 1)));
}
stepper("backward", "");
stepper("forward", "f");

$("expr-form").addEventListener("submit", (event) => {
  event.preventDefault();
  request({ type: "show", expr: $("expr").value, values: $("values").value });
});
for (const id of ["expr", "values"]) {
  $(id).addEventListener("input", () => {
    if (!$("status").dataset.ready) typed = true; // typed while Python loads: keep it
  });
}
window.addEventListener("popstate", () => request({ type: "open", query: location.search }));
for (const link of document.querySelectorAll("a.example")) {
  link.addEventListener("click", (event) => {
    if (!$("status").dataset.ready) return; // not ready: let the link load the page
    event.preventDefault();
    const query = new URLSearchParams(link.search.replaceAll("+", "%2B"));
    $("expr").value = query.get("expr");
    query.delete("expr");
    $("values").value = [...query].map(([name, value]) => `${name}=${value}`).join(" ");
    $("draw").click();
  });
}
$("check").addEventListener("click", () => request({ type: "check" }));

function showCheck(msg) {
  settle();
  if (msg.error) {
    showError(msg.error);
    return;
  }
  const body = $("check-table").querySelector("tbody");
  body.innerHTML = "";
  for (const row of msg.rows) {
    const tr = body.insertRow();
    const cells = row.error ? [row.name, row.error]
      : [row.name, row.data_text, row.analytical_text, row.numerical_text, row.difference_text,
        row.agrees ? "yes" : "NO"];
    cells.forEach((text) => { tr.insertCell().textContent = text; });
    if (row.error) tr.cells[1].colSpan = 5;
    tr.dataset.agrees = String(Boolean(row.agrees));
  }
  $("check-table").hidden = msg.rows.length === 0;
  $("check-summary").textContent = msg.rows.length === 0
    ? "This expression has no named inputs to check."
    : msg.ok ? `All ${msg.rows.length} inputs agree: backward() matches finite differences.`
      : "Not every input agrees: see the rows marked NO (or why one could not be checked).";
}

// ---- the graph: zoom and pan, and finding a node's box from its row and back ----

const zoom = { scale: 1 };
const MIN_READABLE = 0.8; // Graphviz draws 9 to 11 pt text: at 0.8 that is 9.6 to 11.7 px
const ZOOM_STEP = 1.25;

function naturalSize(svg) {
  const points = (value) => parseFloat(value) * (value.endsWith("pt") ? 4 / 3 : 1);
  return { width: points(svg.getAttribute("width")), height: points(svg.getAttribute("height")) };
}

// A new expression gets a readable scale and a box that fits it; its frames keep both, so
// stepping never moves the page.
function placeGraph(fresh) {
  const box = $("graph");
  const svg = box.querySelector("svg");
  if (!svg) return;
  const size = naturalSize(svg);
  if (fresh) {
    const fit = Math.min(1, (box.clientWidth - 4) / size.width);
    zoom.scale = Math.max(MIN_READABLE, fit);
    const tallest = Math.round(0.7 * window.innerHeight);
    box.style.height = `${Math.min(tallest, Math.ceil(size.height * zoom.scale) + 64)}px`;
  }
  svg.style.width = `${size.width * zoom.scale}px`;
  svg.style.height = `${size.height * zoom.scale}px`;
  $("zoom-label").textContent = `zoom ${Math.round(zoom.scale * 100)}%`;
}

function setZoom(scale) {
  const box = $("graph");
  const centre = [box.scrollLeft + box.clientWidth / 2, box.scrollTop + box.clientHeight / 2];
  const ratio = Math.min(4, Math.max(0.02, scale)) / zoom.scale;
  zoom.scale *= ratio;
  placeGraph(false);
  box.scrollLeft = centre[0] * ratio - box.clientWidth / 2;
  box.scrollTop = centre[1] * ratio - box.clientHeight / 2;
}

$("zoom-in").addEventListener("click", () => setZoom(zoom.scale * ZOOM_STEP));
$("zoom-out").addEventListener("click", () => setZoom(zoom.scale / ZOOM_STEP));
$("zoom-actual").addEventListener("click", () => setZoom(1));
$("zoom-fit").addEventListener("click", () => {
  const svg = $("graph").querySelector("svg");
  if (!svg) return;
  const size = naturalSize(svg);
  const box = $("graph");
  setZoom(Math.min((box.clientWidth - 4) / size.width, (box.clientHeight - 4) / size.height));
});
$("graph").addEventListener("wheel", (event) => {
  if (!event.ctrlKey && !event.metaKey) return; // a plain wheel scrolls, as everywhere
  event.preventDefault();
  setZoom(zoom.scale * (event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP));
}, { passive: false });

// Drag with the mouse to pan (a finger pans by scrolling the box already).
let drag = null;
$("graph").addEventListener("pointerdown", (event) => {
  if (event.pointerType !== "mouse" || event.button !== 0) return;
  drag = { x: event.clientX, y: event.clientY, left: $("graph").scrollLeft,
    top: $("graph").scrollTop };
});
window.addEventListener("pointermove", (event) => {
  if (!drag) return;
  $("graph").scrollLeft = drag.left - (event.clientX - drag.x);
  $("graph").scrollTop = drag.top - (event.clientY - drag.y);
});
window.addEventListener("pointerup", () => { drag = null; });

// Rows name nodes by their box ids (v3; a repeated leaf's copies are v3_for7...). A row of
// the step table is an edge, node to parent: pointing at one marks both boxes and the rows of
// that same edge; pointing at a box marks every row that names it.
function linkTo(ids, edge = false) {
  const wanted = new Set(ids);
  for (const node of $("graph").querySelectorAll("g.node")) {
    const title = node.querySelector("title")?.textContent ?? "";
    node.classList.toggle("linked", wanted.has(title.split("_for")[0]));
  }
  for (const row of document.querySelectorAll("#nodes tbody tr, #step-table tbody tr")) {
    const named = row.dataset.ids.split(" ");
    const marked = edge && named.length > 1 ? named.every((id) => wanted.has(id))
      : named.some((id) => wanted.has(id));
    row.classList.toggle("linked", marked);
  }
}

for (const table of [$("nodes"), $("step-table")]) {
  for (const kind of ["mouseover", "focusin"]) {
    table.addEventListener(kind, (event) => {
      const row = event.target.closest("tbody tr");
      if (row) linkTo(row.dataset.ids.split(" "), table.id === "step-table");
    });
  }
  for (const kind of ["mouseleave", "focusout"]) table.addEventListener(kind, () => linkTo([]));
}
for (const kind of ["mouseover", "focusin"]) {
  $("graph").addEventListener(kind, (event) => {
    const node = event.target.closest("g.node");
    const title = node?.querySelector("title")?.textContent ?? "";
    linkTo(node && !title.startsWith("legend_") ? [title.split("_for")[0]] : []);
  });
}
$("graph").addEventListener("mouseleave", () => linkTo([]));
