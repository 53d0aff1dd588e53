// What the playground and the lab share: starting the worker, showing how its loading goes,
// and starting a fresh one if Python breaks.
export const $ = (id) => document.getElementById(id);

const MB = (bytes) => (bytes / 1e6).toFixed(1);

function setStatus(text, busy) {
  $("status").textContent = text;
  $("load-progress").hidden = !busy;
}

// Start the worker. `handlers` answer its messages by type; `onReady` runs each time Python
// is ready (again, after a restart); `onCrash` gets the one-line reason Python stopped.
// `connection.restart(reason)` stops Python wherever it is (a learner's endless loop) and
// starts a fresh one, as if it had stopped for that reason.
export function connect({ graphviz, handlers, onReady, onCrash }) {
  if (location.protocol === "file:") return null; // needs-server.js says what to do
  const connection = {
    worker: null,
    post(message) {
      this.worker.postMessage(message);
    },
    restart(reason) {
      own.crashed({ message: reason });
    },
  };
  const own = {
    loading({ text, received, expected }) {
      const bar = $("load-progress");
      bar.max = expected || 1;
      bar.value = Math.min(received, bar.max);
      const amount = expected ? `: ${MB(received)} of ${MB(expected)} MB` : "";
      setStatus(`${text}${amount}…`, true);
    },
    ready({ seconds, versions }) {
      setStatus(`Ready (Python loaded in ${seconds.toFixed(1)} s).`, false);
      $("status").dataset.ready = "true";
      $("versions").textContent = "Running in your browser: " + Object.entries(versions)
        .map(([name, version]) => `${name} ${version}`).join(", ") + ".";
      onReady();
    },
    failed({ message }) {
      setStatus(`Python could not start: ${message}`, false);
    },
    crashed({ message }) {
      // Python in the worker cannot go on: start a new one.
      connection.worker.terminate();
      delete $("status").dataset.ready;
      setStatus("Restarting Python…", true);
      onCrash(message);
      start();
    },
  };
  function start() {
    const url = new URL("worker.js", import.meta.url);
    if (!graphviz) url.searchParams.set("graphviz", "no");
    connection.worker = new Worker(url, { type: "module" });
    connection.worker.onmessage = ({ data }) => (own[data.type] ?? handlers[data.type])(data);
    connection.worker.onerror = (event) => own.failed({ message: event.message ?? "unknown" });
  }
  setStatus("Loading Python (Pyodide)…", true);
  start();
  return connection;
}

export function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}
