"use strict";
const NS = "http://www.w3.org/2000/svg";
const board = { net: null, dispatch: null, engineers: null, offset: 0, pending: false, changes: 0 };

async function getJson(path) {
  const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}

function el(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function serverNow() { return Date.now() + board.offset; }

function hhmm(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toISOString().slice(5, 16).replace("T", " ");
}

function countdown(iso) {
  if (!iso) return "";
  let minutes = Math.round((Date.parse(iso) - serverNow()) / 60000);
  const sign = minutes < 0 ? "-" : "";
  minutes = Math.abs(minutes);
  return sign + Math.floor(minutes / 60) + "h" + String(minutes % 60).padStart(2, "0");
}

function projector() {
  const points = board.net.depots.concat(board.net.sites);
  const lats = points.map(p => p.lat), lons = points.map(p => p.lon);
  const minLat = Math.min(...lats), maxLat = Math.max(...lats);
  const minLon = Math.min(...lons), maxLon = Math.max(...lons);
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const w = Math.max((maxLon - minLon) * k, 1e-6), h = Math.max(maxLat - minLat, 1e-6);
  const scale = Math.min(760 / w, 480 / h);
  return p => [20 + (p.lon - minLon) * k * scale, 500 - (p.lat - minLat) * scale];
}

function renderMap() {
  const svg = document.getElementById("map");
  svg.replaceChildren(el("rect", { x: 0, y: 0, width: 800, height: 520, class: "land" }));
  const at = projector();
  const open = new Map();
  for (const i of board.dispatch.incidents) {
    const bad = i.status === "late" || i.status === "unassigned";
    open.set(i.site, (open.get(i.site) || false) || bad);
  }
  for (const s of board.net.sites) {
    const [x, y] = at(s);
    const cls = open.has(s.id) ? (open.get(s.id) ? "site late" : "site") : "site quiet";
    const dot = el("circle", { cx: x, cy: y, r: open.has(s.id) ? 5 : 2, class: cls });
    dot.appendChild(el("title", {}, s.id + " " + s.customer));
    svg.appendChild(dot);
  }
  for (const d of board.net.depots) {
    const [x, y] = at(d);
    const box = el("rect", { x: x - 4, y: y - 4, width: 8, height: 8, class: "depot" });
    box.appendChild(el("title", {}, d.id + " " + d.name));
    svg.appendChild(box);
  }
  const sites = new Map(board.net.sites.map(s => [s.id, s]));
  const incidents = new Map(board.dispatch.incidents.map(i => [i.id, i]));
  for (const e of board.engineers.engineers) {
    const [x, y] = at(e.location);
    const next = e.jobs.length ? incidents.get(e.jobs[0].incident) : null;
    if (next && sites.has(next.site)) {
      const [tx, ty] = at(sites.get(next.site));
      svg.appendChild(el("line", { x1: x, y1: y, x2: tx, y2: ty, class: "route" }));
    }
    if (!e.jobs.length && e.location.kind === "depot") continue;
    const mark = el("circle", { cx: x, cy: y, r: 4, class: "eng" });
    mark.appendChild(el("title", {}, e.id + " " + e.name));
    svg.appendChild(mark);
  }
}

function renderTable() {
  const body = document.querySelector("#incidents tbody");
  body.replaceChildren();
  const rows = board.dispatch.incidents.slice().sort((a, b) =>
    (a.deadline || "").localeCompare(b.deadline || ""));
  for (const i of rows) {
    const row = document.createElement("tr");
    row.id = "incident-" + i.id;
    row.className = i.status || "";
    cell(row, i.id);
    cell(row, i.site + " " + (i.customer || ""));
    cell(row, i.part);
    cell(row, i.state + (i.pinned ? " (pinned)" : ""));
    cell(row, i.engineer || "none");
    cell(row, hhmm(i.arrive));
    const left = cell(row, countdown(i.deadline), "countdown");
    left.dataset.deadline = i.deadline || "";
    cell(row, i.reason || "", "reason");
    body.appendChild(row);
  }
  const late = rows.filter(i => i.status === "late").length;
  const unassigned = rows.filter(i => i.status === "unassigned").length;
  document.getElementById("summary").textContent =
    rows.length + " open, " + late + " late, " + unassigned + " unassigned";
}

function renderGantt() {
  const svg = document.getElementById("gantt");
  const busy = board.engineers.engineers.filter(e => e.jobs.length);
  const start = serverNow() - 3600e3, end = start + 24 * 3600e3;
  const x = t => 120 + (Math.min(Math.max(t, start), end) - start) / (end - start) * 870;
  const height = 24 + busy.length * 18;
  svg.setAttribute("viewBox", "0 0 1000 " + height);
  svg.replaceChildren();
  for (let h = 0; h <= 24; h += 2) {
    const t = start + h * 3600e3;
    svg.appendChild(el("line", { x1: x(t), y1: 14, x2: x(t), y2: height, class: "tick" }));
    svg.appendChild(el("text", { x: x(t) + 2, y: 10, class: "lbl" }, new Date(t).toISOString().slice(11, 16)));
  }
  const incidents = new Map(board.dispatch.incidents.map(i => [i.id, i]));
  busy.forEach((e, k) => {
    const y = 18 + k * 18;
    svg.appendChild(el("text", { x: 2, y: y + 11, class: "lbl" }, e.id));
    for (const job of e.jobs) {
      const i = incidents.get(job.incident) || {};
      const x0 = x(Date.parse(job.depart)), x1 = x(Date.parse(job.finish));
      const cls = "bar" + (i.status === "late" ? " late" : "") + (i.pinned ? " pinned" : "");
      const bar = el("rect", { x: x0, y: y, width: Math.max(x1 - x0, 2), height: 14, class: cls });
      bar.appendChild(el("title", {}, job.incident + " arrive " + hhmm(job.arrive)));
      svg.appendChild(bar);
    }
  });
  svg.appendChild(el("line", { x1: x(serverNow()), y1: 14, x2: x(serverNow()), y2: height, class: "now" }));
}

function render() {
  renderMap();
  renderTable();
  renderGantt();
  document.body.dataset.version = String(board.dispatch.version);
}

async function refresh() {
  if (board.pending) { board.again = true; return; }
  board.pending = true;
  try {
    const [dispatch, engineers] = await Promise.all([getJson("/api/dispatch"), getJson("/api/engineers")]);
    board.dispatch = dispatch;
    board.engineers = engineers;
    board.offset = Date.parse(dispatch.now) - Date.now();
    render();
  } catch (error) {
    document.getElementById("summary").textContent = "cannot load: " + error.message;
  } finally {
    board.pending = false;
    if (board.again) { board.again = false; setTimeout(refresh, 250); }
  }
}

function tick() {
  document.getElementById("clock").textContent = new Date(serverNow()).toISOString().slice(0, 19).replace("T", " ") + " UTC";
  for (const td of document.querySelectorAll("td.countdown")) {
    td.textContent = countdown(td.dataset.deadline);
    td.classList.toggle("neg", td.dataset.deadline !== "" && Date.parse(td.dataset.deadline) < serverNow());
  }
}

async function start() {
  try {
    board.net = await getJson("/api/network");
  } catch (error) {
    document.getElementById("summary").textContent = "cannot load: " + error.message;
    return;
  }
  await refresh();
  const link = document.getElementById("link");
  const stream = new EventSource("/api/events");
  stream.addEventListener("open", () => { link.textContent = "live"; link.className = "up"; });
  stream.addEventListener("error", () => { link.textContent = "reconnecting"; link.className = "down"; });
  stream.addEventListener("hello", () => refresh());
  stream.addEventListener("change", () => { board.changes += 1; refresh(); });
  setInterval(tick, 1000);
  tick();
}

start();
