// Opened from a file, the page cannot start Python: browsers run module scripts and Web
// Workers only from a web server. This plain script still runs from a file, and says what to do.
if (location.protocol === "file:") {
  const page = location.pathname.split("/").pop() || "playground.html";
  const status = document.getElementById("status");
  status.textContent = "This page runs Python in a Web Worker, which browsers allow only from "
    + "a web server, not from a file. In the folder that holds this page, run: "
    + `python3 -m http.server 8000 — then open http://127.0.0.1:8000/${page}`;
  status.dataset.needsServer = "true";
}
