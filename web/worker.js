// The site's worker: Python (Pyodide) and, for the playground, Graphviz (viz.js) run here, off
// the page's thread, so nothing the engine does can freeze the tab. Every answer is computed
// by web/bridge.py (the playground) or web/lab.py (the training lab) with micrograd_notes;
// this file only loads them, passes messages and paces the training loop.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";

const site = (path) => new URL(path, import.meta.url).href;
const withGraphviz = new URL(import.meta.url).searchParams.get("graphviz") !== "no";
let bridge = null;
let lab = null;
let PythonError = null; // kept at start: after a fatal error every pyodide property throws

// ---- loading, with progress ---------------------------------------------------------------

const progress = { received: 0, expected: 0, counting: true };

function loading(text) {
  postMessage({ type: "loading", text, received: progress.received, expected: progress.expected });
}

// Every file Python's start fetches goes through here, so the page can show bytes arriving.
const plainFetch = globalThis.fetch.bind(globalThis);
globalThis.fetch = async (input, init) => {
  const response = await plainFetch(input, init);
  if (!progress.counting || !response.ok || !response.body) return response;
  let last = 0;
  const counted = response.body.pipeThrough(new TransformStream({
    transform(chunk, controller) {
      progress.received += chunk.byteLength;
      const now = performance.now();
      if (now - last > 100) { // a message per tenth of a second is plenty
        last = now;
        loading("Downloading Python");
      }
      controller.enqueue(chunk);
    },
  }));
  return new Response(counted, { status: response.status, statusText: response.statusText,
    headers: response.headers });
};

async function start() {
  const started = performance.now();
  const startup = await (await plainFetch(site("startup.json"))).json();
  progress.expected = startup.bytes;
  loading("Downloading Python");
  const graphviz = withGraphviz ? import("./vendor/viz/viz.js").then((viz) => viz.instance())
    : Promise.resolve(null);
  const pyodide = await loadPyodide({ indexURL: site("./vendor/pyodide/") });
  // A worker has no keyboard (nor the prompt() Pyodide would ask): a learner's input() reads
  // the end of the input, an EOFError, at once.
  pyodide.setStdin({ stdin: () => null });
  loading("Installing micrograd_notes");
  // The wheels come from the site itself: unpacked straight into site-packages (micropip
  // would look for their dependencies on the network).
  for (const name of startup.wheels) {
    const bytes = await (await fetch(site(`wheels/${name}`))).arrayBuffer();
    pyodide.unpackArchive(bytes, "wheel");
  }
  for (const module of ["bridge.py", "lab.py"]) {
    const text = await (await fetch(site(module))).text();
    pyodide.FS.writeFile(`/home/pyodide/${module}`, text);
  }
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide')");
  progress.counting = false;
  loading("Importing the engine");
  bridge = pyodide.pyimport("bridge");
  lab = pyodide.pyimport("lab");
  PythonError = pyodide.ffi.PythonError;
  const versions = toJs(bridge.versions());
  if (withGraphviz) {
    loading("Starting Graphviz");
    const viz = await graphviz;
    bridge.use_viz_js((source) => viz.renderString(source, { format: "svg" }));
    versions["Graphviz (viz.js)"] = viz.graphvizVersion;
  }
  return { versions, seconds: (performance.now() - started) / 1000 };
}

// A Python dict (or list of them) as a plain JavaScript object, the proxy freed.
function toJs(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  return value;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the training lab ---------------------------------------------------------------------

// Each speed: how long to train between two reports to the page, and how long to wait after
// one. The pictures are redrawn at most every PICTURE_EVERY_MS (a grid of forward passes).
const SPEEDS = {
  slow: { train: 0, wait: 300 }, // one step, then a pause to look at it
  normal: { train: 0, wait: 0 }, // one step per report
  fast: { train: 100, wait: 0 }, // as many steps as fit in a tenth of a second per report
};
const PICTURE_EVERY_MS = 400;
const state = { run: null, query: null, invalid: null, playing: false, speed: "normal" };

// A new run for the settings in `query`; `fromAddress` when they came from the page's address
// (so the page shows them in its controls).
async function newRun(query, fromAddress = false) {
  stopRun();
  const { settings, file } = toJs(lab.look_up(query));
  const text = await (await fetch(site(file))).text();
  state.run = lab.start(settings.query, text);
  state.query = settings.query;
  postMessage({ type: "lab-ready", settings, fromAddress, data: toJs(state.run.data()),
    ...report(true) });
}

function stopRun() {
  state.playing = false;
  if (state.run) state.run.destroy(); // a loop still holding it sees it replaced and stops
  state.run = null;
}

// The numbers after the latest step; with the pictures when asked (they cost a grid of
// forward passes).
function report(withPicture) {
  const metrics = toJs(state.run.metrics());
  const picture = withPicture ? toJs(state.run.picture()) : null;
  return { metrics, picture, finished: state.run.finished };
}

async function play() {
  const run = state.run;
  state.playing = true;
  let drawn = performance.now();
  postMessage({ type: "lab-playing", playing: true });
  while (state.playing && state.run === run && !run.finished) {
    const started = performance.now();
    const speed = SPEEDS[state.speed];
    do {
      toJs(run.step());
    } while (!run.finished && performance.now() - started < speed.train);
    const now = performance.now();
    const picture = run.finished || now - drawn > PICTURE_EVERY_MS;
    if (picture) drawn = now;
    postMessage({ type: "lab-progress", ...report(picture) });
    await pause(speed.wait); // lets Pause, Reset and new settings in between steps
  }
  if (state.run === run) {
    state.playing = false;
    postMessage({ type: "lab-playing", playing: false, finished: run.finished });
  }
}

const labHandlers = {
  // Settings from the page's controls or address: a new run when they differ from the
  // current one's; the problems, one line each, when some cannot be used.
  async "lab-settings"({ query, fromAddress }) {
    // A link's bad values are named and replaced by defaults; the controls' stop the run.
    const { settings, problems } = toJs(lab.look_up(query));
    state.invalid = problems.length && !fromAddress ? problems : null;
    if (!state.invalid && (settings.query !== state.query || !state.run)) {
      await newRun(settings.query, fromAddress);
    }
    return problems.length ? { type: "lab-problems", problems } : null;
  },
  async "lab-play"() {
    if (state.invalid) return { type: "lab-problems", problems: state.invalid };
    if (state.run.finished) await newRun(state.query); // Train after a finished run: again
    play().catch(report_);
    return null;
  },
  async "lab-pause"() {
    state.playing = false;
    return null;
  },
  async "lab-step"() {
    if (state.invalid) return { type: "lab-problems", problems: state.invalid };
    state.playing = false;
    if (state.run.finished) await newRun(state.query);
    toJs(state.run.step());
    return { type: "lab-progress", ...report(true) };
  },
  async "lab-reset"() {
    await newRun(state.query);
    return null;
  },
  async "lab-speed"({ speed }) {
    if (speed in SPEEDS) state.speed = speed;
    return null;
  },
};

// ---- messages -----------------------------------------------------------------------------

const handlers = {
  open: ({ query }) => ({ type: "shown", opened: true, ...toJs(bridge.explain_query(query)) }),
  show: ({ expr, values }) => ({ type: "shown", expr, values_text: values,
    ...toJs(bridge.explain(expr, values)) }),
  frame: ({ k }) => ({ type: "frame", ...toJs(bridge.frame(k)) }),
  forward: ({ k }) => ({ type: "frame", ...toJs(bridge.forward_frame(k)) }),
  check: () => ({ type: "checked", ...toJs(bridge.check()) }),
  exercises: () => ({ type: "exercises", list: toJs(bridge.exercises()) }),
  exercise: ({ name, source }) => ({ type: "exercise-checked", name,
    ...toJs(bridge.check_exercise(name, source)) }),
};

const ready = start();
ready.then(
  (info) => postMessage({ type: "ready", ...info }),
  (err) => postMessage({ type: "failed", message: String(err?.message ?? err) }),
);

// An error the bridge did not expect. A Python exception is shown as its last line, never a
// page-long traceback. Anything else means Python itself broke: the page then starts a
// fresh worker.
function report_(err) {
  const lines = String(err?.message ?? err).trim().split("\n");
  const message = lines[lines.length - 1];
  const fatal = !(PythonError && err instanceof PythonError);
  postMessage({ type: fatal ? "crashed" : "error", message });
}

// The lab's messages run one after another (a new run must exist before Train plays it);
// the graph's are answered at once, also while the lab trains.
let labQueue = Promise.resolve();

onmessage = async ({ data }) => {
  try {
    await ready;
  } catch {
    return; // "failed" has been posted
  }
  if (data.type in labHandlers) {
    labQueue = labQueue.then(() => labHandlers[data.type](data))
      .then((answer) => answer && postMessage(answer), report_);
    return;
  }
  try {
    postMessage({ id: data.id, ...handlers[data.type](data) });
  } catch (err) {
    report_(err);
  }
};
