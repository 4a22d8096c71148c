// The preview page: an SSML/NCCO editor linted as you type, render options, a player and the engine's timeline.
// Everything it loads comes from this server (no CDN, no build step): POST /lint, POST /render, GET /voices,
// GET /dialects, and the API twins' calls (GET /_twin/calls…).
"use strict";

const $ = (id) => document.getElementById(id);
const input = $("input"), gutter = $("gutter"), bands = $("bands");
const player = $("player"), timeline = $("timeline");

const EXAMPLES = {
  "Greeting (SSML)": '<speak>\n  Welcome to <emphasis>Acme</emphasis>.\n  <break time="300ms"/>\n  Your code is <say-as interpret-as="characters">A7X9</say-as>.\n</speak>\n',
  "seven.io fragment": 'Hello! <break time="500ms"/> Your parcel arrives <say-as interpret-as="date" format="ymd">2025-03-14</say-as>.\n<voice name="de-de-female" loop="2">Auf Wiederhören.</voice>\n',
  "Vonage NCCO": '[\n  { "action": "talk", "text": "Thanks for calling.", "language": "en-GB", "style": 1 },\n  { "action": "talk", "text": "<speak>Press <say-as interpret-as=\\"digits\\">1</say-as> for sales.</speak>" },\n  { "action": "input", "type": ["dtmf"], "dtmf": { "maxDigits": 1, "timeOut": 2 } }\n]\n',
  "Polly limits (lint)": '<speak>\n  Tom & Jerry <break time="30s"/>\n  <prosody rate="400%">fast</prosody>\n</speak>\n',
};

// The page's state: the last findings (by line) from lint and from the last render.
const state = { lintFindings: [], renderFindings: [], lintTimer: 0, lintAbort: null, renderAbort: null, audioURL: null, clickedAt: 0, playhead: null, duration: 0 };

function isNCCO(text) { return text.trimStart().startsWith("["); }

// ---- Editor: line numbers, markers and bands at the lines that have findings ---------------------------------

function severityRank(severity) { return severity === "error" ? 3 : severity === "warning" ? 2 : 1; }

function refreshEditor() {
  const lines = input.value.split("\n").length;
  const marks = new Map();
  for (const finding of state.lintFindings.concat(state.renderFindings)) {
    if (!finding.line) continue;
    const known = marks.get(finding.line);
    const rank = severityRank(finding.severity);
    if (!known) marks.set(finding.line, { severity: finding.severity, rank, messages: [finding.message] });
    else {
      known.messages.push(finding.message);
      if (rank > known.rank) { known.severity = finding.severity; known.rank = rank; }
    }
  }
  const gutterLines = [], bandLines = [];
  for (let line = 1; line <= lines; line++) {
    const mark = marks.get(line);
    const attributes = mark ? ` class="${mark.severity}" title="${escapeHTML(mark.messages.join("\n"))}"` : "";
    gutterLines.push(`<div data-line="${line}"${attributes}>${line}</div>`);
    bandLines.push(mark ? `<div class="${mark.severity}"></div>` : "<div></div>");
  }
  gutter.innerHTML = gutterLines.join("");
  bands.innerHTML = bandLines.join("");
  syncScroll();
  $("kind").textContent = isNCCO(input.value) ? "NCCO" : "SSML";
}

function syncScroll() {
  gutter.scrollTop = input.scrollTop;
  bands.style.transform = `translate(${-input.scrollLeft}px, ${-input.scrollTop}px)`;
}

function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function goToLine(line, column) {
  const lines = input.value.split("\n");
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  offset += Math.max(0, (column || 1) - 1);
  input.focus();
  input.setSelectionRange(offset, offset);
  const top = (line - 3) * parseFloat(getComputedStyle(input).lineHeight);
  input.scrollTop = Math.max(0, top);
  syncScroll();
}

// ---- Lint: debounced as you type; a fix is applied by its edits (byte offsets into the UTF-8 of the input) ----

function scheduleLint(delay = 250) {
  clearTimeout(state.lintTimer);
  state.lintTimer = setTimeout(lint, delay);
}

async function lint() {
  const text = input.value;
  if (state.lintAbort) state.lintAbort.abort();
  if (isNCCO(text) || text.trim() === "") {
    // Lint reads SSML; an NCCO is checked when it renders (its errors name the line).
    state.lintFindings = [];
    $("lintSummary").textContent = isNCCO(text) ? "NCCO: checked when it renders." : "";
    $("findings").innerHTML = "";
    $("fixAll").disabled = true;
    refreshEditor();
    return;
  }
  const abort = new AbortController();
  state.lintAbort = abort;
  try {
    const response = await fetch("/lint", {
      method: "POST", signal: abort.signal, headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ input: text, dialect: $("dialect").value || "w3c" }),
    });
    const report = await response.json();
    if (text !== input.value) return;
    if (!response.ok) {
      $("lintSummary").textContent = report.error ? report.error.message : `lint failed (${response.status})`;
      return;
    }
    state.lintFindings = report.findings;
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    $("lintSummary").textContent = `${plural(report.errors, "error")}, ${plural(report.warnings, "warning")}, ${plural(report.notes, "note")} for ${report.service}`;
    showFindings($("findings"), report.findings, true);
    $("fixAll").disabled = !report.findings.some((f) => f.fix && f.fix.applies);
    refreshEditor();
  } catch (error) {
    if (error.name !== "AbortError") $("lintSummary").textContent = `lint failed: ${error.message}`;
  }
}

function showFindings(list, findings, fixable) {
  list.innerHTML = "";
  for (const finding of findings) {
    const item = document.createElement("li");
    const where = finding.line ? `${finding.line}:${finding.column}` : "";
    item.innerHTML = `<span class="where">${where}</span><span class="sev ${finding.severity}">${finding.severity}</span>` +
      `<span class="message">${escapeHTML(finding.message)}</span>` + (finding.rule ? `<span class="rule">${escapeHTML(finding.rule)}</span>` : "");
    if (finding.line) item.querySelector(".where").addEventListener("click", () => goToLine(finding.line, finding.column));
    if (fixable && finding.fix && finding.fix.applies !== false) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Fix";
      button.title = finding.fix.description;
      button.addEventListener("click", () => applyFix(finding.fix));
      item.appendChild(button);
    }
    list.appendChild(item);
  }
}

function applyEdits(text, edits) {
  const bytes = new TextEncoder().encode(text);
  const sorted = edits.slice().sort((a, b) => b.start - a.start);
  let result = bytes;
  for (const edit of sorted) {
    const replacement = new TextEncoder().encode(edit.replacement);
    const next = new Uint8Array(result.length - (edit.end - edit.start) + replacement.length);
    next.set(result.subarray(0, edit.start), 0);
    next.set(replacement, edit.start);
    next.set(result.subarray(edit.end), edit.start + replacement.length);
    result = next;
  }
  return new TextDecoder().decode(result);
}

function replaceText(text) {
  // Through the editing commands where the browser has them, so that undo brings the old text back.
  input.focus();
  input.select();
  if (!document.execCommand || !document.execCommand("insertText", false, text)) input.value = text;
  state.renderFindings = [];
  refreshEditor();
  scheduleLint(0);
}

function applyFix(fix) { replaceText(applyEdits(input.value, fix.edits)); }

async function fixAll() {
  const response = await fetch("/lint", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ input: input.value, dialect: $("dialect").value || "w3c", fix: true }),
  });
  const report = await response.json();
  if (response.ok && report.changed) replaceText(report.fixed);
}

// ---- Render: one request, the audio back in base64 with the timeline and its SVG ---------------------------

function renderRequest() {
  const body = {
    input: input.value,
    voice: $("voice").value.trim() || "en-us-female",
    rate: Number($("rate").value),
    encoding: $("encoding").value,
    format: $("format").value,
    strict: $("strict").checked,
    voiceFallback: $("voiceFallback").checked,
    timeline: true,
    timelineSVG: true,
  };
  if ($("readAs").checked && $("dialect").value) body.dialect = $("dialect").value;
  const loudness = $("loudness").value.trim();
  if (loudness !== "") body.loudness = Number(loudness);
  return body;
}

async function render() {
  if (state.renderAbort) state.renderAbort.abort();
  const abort = new AbortController();
  state.renderAbort = abort;
  state.clickedAt = performance.now();
  const status = $("renderStatus");
  status.className = "status";
  status.textContent = "rendering…";
  $("render").disabled = true;
  try {
    const response = await fetch("/render", {
      method: "POST", signal: abort.signal, headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(renderRequest()),
    });
    const result = await response.json();
    if (!response.ok) return showRenderError(result, response);
    const received = performance.now();
    const diagnostics = result.diagnostics.concat(result.warnings.map((message) => ({ severity: "warning", message })));
    state.renderFindings = diagnostics.filter((d) => d.line);
    showFindings($("diagnostics"), diagnostics.concat(result.notes.map((message) => ({ severity: "note", message }))), false);
    refreshEditor();
    play(result);
    showTimeline(result);
    const timing = response.headers.get("Server-Timing") || "";
    const rendered = /render;dur=([\d.]+)/.exec(timing);
    status.textContent = `${result.duration.toFixed(2)} s at ${result.sampleRate} Hz, ${result.contentType}` +
      (rendered ? ` — rendered in ${Math.round(Number(rendered[1]))} ms` : "") + `, answered after ${Math.round(received - state.clickedAt)} ms`;
  } catch (error) {
    if (error.name !== "AbortError") {
      status.className = "status error";
      status.textContent = `render failed: ${error.message}`;
    }
  } finally {
    if (state.renderAbort === abort) $("render").disabled = false;
  }
}

function showRenderError(result, response) {
  const error = result.error || { message: `HTTP ${response.status}` };
  const status = $("renderStatus");
  status.className = "status error";
  const where = error.line ? `line ${error.line}:${error.column}: ` : error.field ? `${error.field}: ` : "";
  status.textContent = `${where}${error.message}`;
  if (response.status === 503) status.textContent += ` (retry after ${response.headers.get("Retry-After")} s)`;
  const diagnostics = (result.diagnostics || []).concat(error.line ? [{ severity: "error", message: error.message, line: error.line, column: error.column }] : []);
  state.renderFindings = diagnostics.filter((d) => d.line);
  showFindings($("diagnostics"), diagnostics, false);
  refreshEditor();
}

function play(result) {
  const bytes = Uint8Array.from(atob(result.audio), (c) => c.charCodeAt(0));
  const blob = new Blob([bytes], { type: result.contentType.split(";")[0] });
  if (state.audioURL) URL.revokeObjectURL(state.audioURL);
  state.audioURL = URL.createObjectURL(blob);
  const link = $("download");
  link.href = state.audioURL;
  link.download = `render.${$("format").value}`;
  link.hidden = false;
  state.duration = result.duration;
  player.src = state.audioURL;
  const playing = player.play();
  if (playing) playing.catch((error) => {
    $("timing").textContent = player.canPlayType(blob.type) ? `press play (${error.name})` : `this browser cannot play ${blob.type}; download it`;
  });
}

// Click to sound: from the click to the player's first "playing" event.
player.addEventListener("playing", () => {
  if (!state.clickedAt) return;
  const elapsed = Math.round(performance.now() - state.clickedAt);
  $("timing").textContent = `click to sound: ${elapsed} ms`;
  document.body.dataset.clickToSound = String(elapsed);
  state.clickedAt = 0;
});

function showTimeline(result) {
  timeline.innerHTML = result.timelineSVG || "";
  const svg = timeline.querySelector("svg");
  state.playhead = null;
  if (!svg) return;
  // The engine draws time from x = 70 to width - 30 (TimelineSVG's margins).
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  const plot = { left: 70, width: width - 100 };
  const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
  line.setAttribute("y1", "50");
  line.setAttribute("y2", String(height - 10));
  line.setAttribute("stroke", "#e53935");
  line.setAttribute("stroke-width", "1.5");
  svg.appendChild(line);
  state.playhead = { line, plot };
  movePlayhead();
  svg.addEventListener("click", (event) => {
    const box = svg.getBoundingClientRect();
    const x = (event.clientX - box.left) * (width / box.width);
    const time = ((x - plot.left) / plot.width) * state.duration;
    if (time >= 0 && time <= state.duration) {
      player.currentTime = time;
      player.play();
    }
  });
}

function movePlayhead() {
  if (!state.playhead || !state.duration) return;
  const { line, plot } = state.playhead;
  const x = plot.left + (Math.min(player.currentTime, state.duration) / state.duration) * plot.width;
  line.setAttribute("x1", String(x));
  line.setAttribute("x2", String(x));
  if (!player.paused) requestAnimationFrame(movePlayhead);
}
player.addEventListener("play", movePlayhead);
player.addEventListener("seeked", movePlayhead);

// ---- Pickers and wiring -----------------------------------------------------------------------------------

async function loadPickers() {
  try {
    const [dialects, voices] = await Promise.all([fetch("/dialects").then((r) => r.json()), fetch("/voices").then((r) => r.json())]);
    const dialect = $("dialect");
    for (const entry of dialects.dialects) dialect.add(new Option(`${entry.service} (${entry.name})`, entry.name, entry.name === "seven", entry.name === "seven"));
    const list = $("voices");
    const names = [];
    for (const voice of voices.voices) names.push(voice.name, ...voice.aliases);
    list.innerHTML = names.map((name) => `<option value="${escapeHTML(name)}">`).join("");
  } catch (error) {
    $("lintSummary").textContent = `the server's lists could not be loaded: ${error.message}`;
  }
  scheduleLint(0);
}

for (const name of Object.keys(EXAMPLES)) $("examples").add(new Option(name, name));
$("examples").addEventListener("change", (event) => {
  const text = EXAMPLES[event.target.value];
  event.target.value = "";
  if (text) replaceText(text);
});
input.addEventListener("input", () => { state.renderFindings = []; refreshEditor(); scheduleLint(); });
input.addEventListener("scroll", syncScroll);
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); render(); }
  if (event.key === "Tab" && !event.shiftKey) { event.preventDefault(); document.execCommand("insertText", false, "  "); }
});
gutter.addEventListener("click", (event) => {
  const line = Number(event.target.dataset.line);
  if (line) goToLine(line, 1);
});
$("dialect").addEventListener("change", () => scheduleLint(0));
$("render").addEventListener("click", render);
$("fixAll").addEventListener("click", fixAll);

// ---- The API twins' calls: each with its audio, keys and webhooks; keys for a caller who waits ------------------

const calls = { known: new Map(), open: new Set(), timer: 0 };

async function refreshCalls() {
  clearTimeout(calls.timer);
  try {
    const list = await fetch("/_twin/calls").then((r) => r.json());
    const section = $("calls");
    section.hidden = list.count === 0;
    if (list.count > 0) drawCalls(list.calls.slice(0, 50));
    // Poll quickly while a call runs, slowly when all have ended.
    calls.timer = setTimeout(refreshCalls, list.calls.some((call) => !call.finished) ? 1000 : 5000);
  } catch (error) {
    calls.timer = setTimeout(refreshCalls, 10000);
  }
}

function drawCalls(list) {
  const section = $("calls");
  let table = section.querySelector("ol");
  if (!table) {
    section.innerHTML = '<h2>Twin calls <span class="muted">(POST /v1/calls, POST /api/voice)</span></h2><ol class="calls"></ol>';
    table = section.querySelector("ol");
  }
  const signature = JSON.stringify(list.map((c) => [c.id, c.status, c.finished, c.listening, c.keys, c.webhookCount]));
  if (table.dataset.signature === signature) return;
  table.dataset.signature = signature;
  table.innerHTML = list.map((call) => `
    <li data-id="${escapeHTML(call.id)}">
      <div class="call-head">
        <span class="badge">${call.service === "seven" ? "seven.io" : "Vonage"}</span>
        <span class="status ${call.finished ? "" : "live"}">${escapeHTML(call.status)}${call.listening ? " · waiting for keys" : ""}</span>
        <span>${escapeHTML(call.from)} → ${escapeHTML(call.to)}</span>
        <span class="muted">${call.seconds.toFixed(1)} s · keys ${escapeHTML(call.keys || "none")} · ${call.webhookCount} webhooks${call.problemCount ? ` · <b class="sev error">${call.problemCount} problems</b>` : ""}</span>
        <span class="muted id">${escapeHTML(call.id)}</span>
      </div>
      ${call.finished ? `<audio controls preload="none" src="${escapeHTML(call.audio)}"></audio>` : `<form class="press"><input name="keys" size="8" placeholder="keys 1#" pattern="[0-9*#]+" aria-label="Keys"><button type="submit">Press</button></form>`}
      <details ${calls.open.has(call.id) ? "open" : ""}><summary>webhooks and transcript</summary><div class="detail">…</div></details>
    </li>`).join("");
  for (const item of table.querySelectorAll("li")) {
    const id = item.dataset.id;
    const details = item.querySelector("details");
    details.addEventListener("toggle", () => {
      if (details.open) { calls.open.add(id); loadCall(id, details.querySelector(".detail")); } else calls.open.delete(id);
    });
    if (details.open) loadCall(id, details.querySelector(".detail"));
    const form = item.querySelector("form.press");
    if (form) form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const keys = form.elements.keys.value.trim();
      if (!keys) return;
      await fetch(`/_twin/calls/${encodeURIComponent(id)}/press`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ keys }) });
      form.elements.keys.value = "";
      refreshCalls();
    });
  }
}

async function loadCall(id, target) {
  try {
    const call = await fetch(`/_twin/calls/${encodeURIComponent(id)}`).then((r) => r.json());
    const hooks = call.webhooks.map((hook) => `<li><span class="where">${hook.time.toFixed(2)} s</span>
      <span class="message"><b>${escapeHTML(hook.method)}</b> ${escapeHTML(hook.url)} <span class="rule">${escapeHTML(hook.purpose)}</span>
      ${hook.body ? `<pre>${escapeHTML(hook.body)}</pre>` : ""}
      <span class="muted">← ${hook.status ? hook.status : escapeHTML(hook.failure || "no answer")}</span>${hook.answer ? `<pre>${escapeHTML(hook.answer)}</pre>` : ""}</span></li>`);
    target.innerHTML = `<ol class="findings">${hooks.join("") || "<li>no webhooks</li>"}</ol><pre class="transcript">${escapeHTML(call.transcript.join("\n"))}</pre>`;
  } catch (error) {
    target.textContent = `the call could not be loaded: ${error.message}`;
  }
}

input.value = EXAMPLES["Greeting (SSML)"];
refreshEditor();
loadPickers();
refreshCalls();
