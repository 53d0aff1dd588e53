// The playground's worker: Python (Pyodide) and Graphviz (viz.js) run here, off the page's
// thread, so nothing the engine does can freeze the tab. Every answer is computed by
// web/bridge.py with micrograd_notes; this file only loads them and passes messages.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";
import { instance as vizInstance } from "./vendor/viz/viz.js";

const site = (path) => new URL(path, import.meta.url).href;
let bridge = null;
let PythonError = null; // kept at start: after a fatal error every pyodide property throws
let datasetsText = null;
let training = null; // { trainer, running, dataset, steps }

async function start() {
  const started = performance.now();
  const [pyodide, viz] = await Promise.all([
    loadPyodide({ indexURL: site("./vendor/pyodide/") }),
    vizInstance(),
  ]);
  // The wheels come from the site itself: unpacked straight into site-packages (micropip
  // would look for their dependencies on the network).
  const wheels = await (await fetch(site("wheels/wheels.json"))).json();
  for (const name of wheels) {
    const bytes = await (await fetch(site(`wheels/${name}`))).arrayBuffer();
    pyodide.unpackArchive(bytes, "wheel");
  }
  pyodide.FS.writeFile("/home/pyodide/bridge.py", await (await fetch(site("bridge.py"))).text());
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide')");
  bridge = pyodide.pyimport("bridge");
  PythonError = pyodide.ffi.PythonError;
  bridge.use_viz_js((source) => viz.renderString(source, { format: "svg" }));
  datasetsText = await (await fetch(site("data/datasets.json"))).text();
  const versions = toJs(bridge.versions());
  versions["Graphviz (viz.js)"] = viz.graphvizVersion;
  return { versions, seconds: (performance.now() - started) / 1000 };
}

// A Python dict (or list of them) as a plain JavaScript object, the proxy freed.
function toJs(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  return value;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

// Drop the current run; a step in progress finishes first, then its loop frees the model.
function discard() {
  if (!training) return;
  training.running = false;
  training.discarded = true;
  if (!training.looping) training.trainer.destroy();
  training = null;
}

async function train(dataset, steps) {
  if (training && (training.dataset !== dataset || training.steps !== steps)) discard();
  if (!training) {
    const [points, labels] = toJs(bridge.load_dataset(datasetsText, dataset));
    const trainer = bridge.Training(points, labels, steps);
    training = { trainer, dataset, steps, running: false, looping: false, discarded: false };
    postMessage({ type: "data", points, labels });
  }
  const run = training;
  if (run.looping) return;
  run.running = run.looping = true;
  while (run.running && run.trainer.done < run.steps) {
    const result = toJs(run.trainer.step());
    const last = result.step === run.steps;
    // The boundary takes 1,600 forward passes: every 5 steps is enough to watch it move.
    const boundary = result.step % 5 === 0 || last || result.step === 1
      ? toJs(run.trainer.boundary(40)) : null;
    postMessage({ type: "progress", ...result, boundary, done: last });
    await pause(); // lets a Stop or Reset message in between two steps
  }
  run.looping = false;
  if (run.discarded) {
    run.trainer.destroy();
    return;
  }
  postMessage({ type: "stopped", step: run.trainer.done, steps: run.steps });
}

const handlers = {
  open: ({ query }) => ({ type: "shown", ...toJs(bridge.explain_query(query)) }),
  show: ({ expr, values }) => ({ type: "shown", expr, values_text: values,
    ...toJs(bridge.explain(expr, values)) }),
  frame: ({ k }) => ({ type: "frame", ...toJs(bridge.frame(k)) }),
  train: ({ dataset, steps }) => { train(dataset, steps).catch(report); return null; },
  stop: () => { if (training) training.running = false; return null; },
  reset: () => { discard(); return { type: "reset" }; },
};

const ready = start();
ready.then(
  (info) => postMessage({ type: "ready", ...info }),
  (err) => postMessage({ type: "failed", message: String(err) }),
);

// An error the bridge did not expect. A Python exception is shown as its last line, never a
// page-long traceback. Anything else means Python itself broke (a WebAssembly stack overflow,
// say, on an absurdly nested expression): the page then starts a fresh worker.
function report(err) {
  const lines = String(err?.message ?? err).trim().split("\n");
  const message = lines[lines.length - 1];
  const fatal = !(PythonError && err instanceof PythonError);
  postMessage({ type: fatal ? "crashed" : "error", message });
}

onmessage = async ({ data }) => {
  try {
    await ready;
    const answer = handlers[data.type](data);
    if (answer) postMessage(answer);
  } catch (err) {
    report(err);
  }
};
