// The playground's exercises: a code box per exercise, checked in the worker by the notebooks'
// own checker (web/bridge.py's check_exercise). The starters and every verdict come from
// micrograd_notes; this file only wires the boxes, and keeps the learner's code in the browser.

const SAVED = "micrograd_notes.exercise."; // + an exercise's name: the learner's code
// The checker stops Python code at its own time limit (10 s). A check still running well past
// that is stuck where Python cannot stop it (one endless call into C, or a loop that swallows
// the checker's stop): the page then starts a fresh Python.
const WATCHDOG_S = 25;
const INDENT = "    ";

function load(name) {
  try {
    return localStorage.getItem(SAVED + name);
  } catch {
    return null; // storage refused (a private window, a locked-down browser): nothing kept
  }
}

function save(name, code) {
  try {
    localStorage.setItem(SAVED + name, code);
  } catch {
    // as above: the code stays in the box for this visit
  }
}

// Type `text` over the selection the way a keystroke would, so that Ctrl+Z undoes it.
function type(box, text) {
  if (!document.execCommand(text ? "insertText" : "delete", false, text)) {
    box.setRangeText(text, box.selectionStart, box.selectionEnd, "end");
    box.dispatchEvent(new Event("input"));
  }
}

// Keys that make a plain text box fit for Python: Tab indents, Shift+Tab unindents the line,
// Enter keeps the indentation (one more level after a colon). Esc, then Tab, leaves the box.
function edit(event) {
  const box = event.target;
  const leaving = box.dataset.leaving === "true";
  delete box.dataset.leaving;
  if (event.key === "Escape") {
    box.dataset.leaving = "true";
    return;
  }
  if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing || leaving) return;
  const before = box.value.slice(0, box.selectionStart);
  const lineStart = before.lastIndexOf("\n") + 1;
  const indent = before.slice(lineStart).match(/^ */)[0];
  if (event.key === "Tab" && !event.shiftKey) {
    event.preventDefault();
    type(box, INDENT);
  } else if (event.key === "Tab") {
    event.preventDefault();
    const cut = Math.min(indent.length, INDENT.length);
    if (cut === 0) return;
    const [start, end] = [box.selectionStart - cut, box.selectionEnd - cut];
    box.setSelectionRange(lineStart, lineStart + cut);
    type(box, "");
    box.setSelectionRange(Math.max(lineStart, start), Math.max(lineStart, end));
  } else if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    type(box, "\n" + indent + (before.trimEnd().endsWith(":") ? INDENT : ""));
  }
}

// Wire every `article.exercise` of the page to the worker. Returns the worker's message
// handlers, and what to do when Python is ready and when it stopped.
export function exercises(connection) {
  const boxes = new Map(); // exercise name -> its elements and starter
  let checking = null; // the check under way: { name, timer }

  function show(box, status, text) {
    box.verdict.dataset.status = status;
    box.verdict.textContent = text;
  }

  function enable(on) {
    for (const box of boxes.values()) {
      box.check.disabled = !on || checking !== null || box.starter === null;
      box.reset.disabled = box.starter === null;
    }
  }

  function check(name) {
    const box = boxes.get(name);
    const timer = setTimeout(() => {
      checking.stuck = true;
      connection.restart(`the check of your code did not end in ${WATCHDOG_S} s`);
    }, WATCHDOG_S * 1000);
    checking = { name, timer, stuck: false };
    enable(false);
    box.article.setAttribute("aria-busy", "true");
    show(box, "checking", "Checking…");
    connection.post({ type: "exercise", name, source: box.code.value });
  }

  // The check under way is over: its box, and whether the watchdog stopped it (or null).
  function done() {
    if (!checking) return [null, false];
    const box = boxes.get(checking.name);
    const { stuck } = checking;
    clearTimeout(checking.timer);
    checking = null;
    box.article.removeAttribute("aria-busy");
    return [box, stuck];
  }

  for (const article of document.querySelectorAll("article.exercise")) {
    const name = article.dataset.name;
    const box = {
      article,
      code: article.querySelector("textarea"),
      check: article.querySelector(".check-code"),
      reset: article.querySelector(".reset-code"),
      verdict: article.querySelector(".verdict"),
      starter: null, // known once Python is ready
    };
    boxes.set(name, box);
    box.code.value = load(name) ?? "";
    box.code.addEventListener("input", () => save(name, box.code.value));
    box.code.addEventListener("keydown", edit);
    box.check.addEventListener("click", () => check(name));
    box.reset.addEventListener("click", () => {
      box.code.focus();
      box.code.select();
      type(box.code, box.starter); // Ctrl+Z brings the code back
      box.code.setSelectionRange(0, 0);
      box.code.scrollTop = 0;
      show(box, "", "");
    });
  }

  return {
    handlers: {
      // The starters: each fills its box unless the learner's code is there already.
      exercises({ list }) {
        for (const { name, starter } of list) {
          const box = boxes.get(name);
          if (!box) continue;
          box.starter = starter;
          if (!box.code.value.trim()) box.code.value = starter;
        }
        enable(true);
      },
      "exercise-checked"({ name, status, message }) {
        const box = done()[0] ?? boxes.get(name);
        show(box, status, `${name}: ${message}`); // the line the notebook's check prints
        enable(true);
      },
    },
    ready() {
      connection.post({ type: "exercises" });
    },
    // Python stopped (or was stopped by the watchdog): say so where the learner is looking.
    crashed(message) {
      const [box, stuck] = done();
      if (box) {
        show(box, "error", `${box.article.dataset.name}: Python stopped (${message}) and is `
          + `being restarted; your code is kept.${stuck ? " Does it loop forever?" : ""}`);
      }
      enable(false);
    },
  };
}
