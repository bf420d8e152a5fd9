// The dashboard: pages over the admin API (/api/v1/), live charts from /api/v1/nodes polled
// every few seconds, and the MQTT-over-WebSocket page. Untrusted text (client ids, topics,
// payloads) only ever goes into textContent, never into HTML.
"use strict";
const POLL_MILLIS = 3000;
const HISTORY = 100; // points kept per series (5 minutes)
const PAGE = 50;
const state = { me: null, history: new Map(), total: [], timer: null, offsets: {}, loads: {}, self: null };

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(child == null ? "" : String(child)));
  }
  return node;
}

async function api(method, path, params) {
  const options = { method, credentials: "same-origin", headers: {} };
  let url = "/api/v1/" + path;
  if (method !== "GET") {
    options.headers["X-Starling-Admin"] = "1";
    if (params) {
      options.body = new URLSearchParams(params);
    }
  } else if (params) {
    url += "?" + new URLSearchParams(params);
  }
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({ error: "no JSON answer" }));
  if (response.status === 401 && path !== "login") {
    showLogin();
  }
  if (!response.ok) {
    throw new Error(body.error || ("HTTP " + response.status));
  }
  return body;
}

function showError(error) {
  $("error").textContent = error ? String(error.message || error) : "";
}

// ---- login

function showLogin() {
  state.me = null;
  clearInterval(state.timer);
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  document.querySelectorAll(".page").forEach((page) => (page.hidden = page.id !== "page-login"));
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    await api("POST", "login", { user: $("login-user").value, password: $("login-password").value });
    $("login-password").value = "";
    await start();
  } catch (error) {
    $("login-error").textContent = error.message;
  }
});

$("logout").addEventListener("click", async () => {
  await api("POST", "logout").catch(() => {});
  showLogin();
});

async function start() {
  state.me = await api("GET", "me");
  $("who").textContent = "logged in as " + state.me.user;
  $("nav").hidden = false;
  $("logout").hidden = false;
  clearInterval(state.timer);
  state.timer = setInterval(() => {
    poll().catch(showError);
    if (currentPage() === "topics") loadTopics().catch(showError);
  }, POLL_MILLIS);
  await poll().catch(showError);
  route();
}

// ---- pages

function currentPage() {
  return (location.hash || "#overview").substring(1);
}

function route() {
  if (!state.me) return;
  const page = currentPage();
  document.querySelectorAll(".page").forEach((section) => (section.hidden = section.id !== "page-" + page));
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.dataset.page === page));
  const loaders = { clients: loadClients, sessions: loadSessions, subscriptions: loadSubscriptions, retained: loadRetained, topics: loadTopics, mqtt: prepareMqtt };
  if (loaders[page]) loaders[page]().catch(showError);
}
window.addEventListener("hashchange", route);

// ---- overview

async function poll() {
  const answer = await api("GET", "nodes");
  const now = Date.now();
  const totals = { connections: 0, sessions: 0, in: 0, out: 0, dropped: 0, queued: 0 };
  const rows = [];
  for (const node of answer.nodes) {
    if (node.self) state.self = node;
    const row = el("tr", { className: "node-row" });
    const name = node.id.substring(0, 8) + (node.self ? " (this node)" : "");
    if (!node.healthy) {
      row.append(el("td", {}, name), el("td", { className: "bad" }, "unreachable"), el("td", { colSpan: 11, className: "wrap" }, node.error));
      rows.push(row);
      continue;
    }
    totals.connections += node.connections; totals.sessions += node.sessions;
    totals.in += node.receivedPerSecond; totals.out += node.sentPerSecond;
    totals.dropped += node.droppedPerSecond; totals.queued += node.queued;
    let history = state.history.get(node.id);
    if (!history) state.history.set(node.id, (history = []));
    history.push({ t: now, connections: node.connections, in: node.receivedPerSecond, out: node.sentPerSecond, dropped: node.droppedPerSecond, queued: node.queued });
    if (history.length > HISTORY) history.shift();
    const listeners = Object.entries(node.listeners).map(([kind, port]) => kind + ":" + port).join(" ");
    row.append(
      el("td", {}, name), el("td", { className: "ok" }, "up"), el("td", {}, node.version),
      el("td", {}, duration(node.uptimeSeconds)), el("td", {}, node.connections), el("td", {}, node.sessions),
      el("td", {}, Charts.format(node.receivedPerSecond)), el("td", {}, Charts.format(node.sentPerSecond)),
      el("td", {}, node.queued), el("td", {}, node.retained), el("td", {}, bytes(node.storeBytes)),
      el("td", {}, node.forwardingLagMillis.toFixed(1) + " ms"), el("td", { className: "wrap" }, listeners));
    rows.push(row);
  }
  state.total.push({ t: now, ...totals });
  if (state.total.length > HISTORY) state.total.shift();
  $("nodes-table").tBodies[0].replaceChildren(...rows);
  $("total-nodes").textContent = answer.nodes.filter((n) => n.healthy).length + " / " + answer.nodes.length;
  $("total-connections").textContent = totals.connections;
  $("total-sessions").textContent = totals.sessions;
  $("total-in").textContent = Charts.format(totals.in);
  $("total-out").textContent = Charts.format(totals.out);
  $("total-dropped").textContent = Charts.format(totals.dropped);
  $("total-queued").textContent = totals.queued;
  $("updated").textContent = new Date(now).toLocaleTimeString();
  if (!$("page-overview").hidden) drawCharts();
}

function drawCharts() {
  const charts = { connections: "chart-connections", in: "chart-in", out: "chart-out", dropped: "chart-dropped", queued: "chart-queued" };
  for (const [field, id] of Object.entries(charts)) {
    const series = [{ name: "total", total: true, points: state.total.map((p) => [p.t, p[field]]) }];
    for (const [node, history] of state.history) {
      series.push({ name: node.substring(0, 8), points: history.map((p) => [p.t, p[field]]) });
    }
    Charts.draw($(id), series);
  }
}

function duration(seconds) {
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24, m = Math.floor(seconds / 60) % 60;
  return (d ? d + "d " : "") + (h ? h + "h " : "") + m + "m " + (seconds % 60) + "s";
}

function bytes(n) {
  return n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + " MiB" : n >= 1024 ? (n / 1024).toFixed(1) + " KiB" : n + " B";
}

// ---- lists

function pager(name, load) {
  state.offsets[name] = 0;
  $(name + "-search").addEventListener("submit", (event) => { event.preventDefault(); state.offsets[name] = 0; load().catch(showError); });
  $(name + "-prev").addEventListener("click", () => { state.offsets[name] = Math.max(0, state.offsets[name] - PAGE); load().catch(showError); });
  $(name + "-next").addEventListener("click", () => { state.offsets[name] += PAGE; load().catch(showError); });
}

/**
 * The answer of a list's call, or null when a newer call of the same list started meanwhile
 * (a search typed while the page was loading): only the newest call's answer is shown.
 */
async function latest(name, call) {
  const seq = (state.loads[name] = (state.loads[name] || 0) + 1);
  const answer = await call;
  return seq === state.loads[name] ? answer : null;
}

function showTotal(name, page) {
  const to = Math.min(page.total, page.offset + page.items.length);
  const unreachable = page.unreachable && page.unreachable.length ? " (" + page.unreachable.length + " node(s) did not answer)" : "";
  $(name + "-total").textContent = (page.total ? page.offset + 1 : 0) + "-" + to + " of " + page.total + unreachable;
  $(name + "-prev").disabled = page.offset === 0;
  $(name + "-next").disabled = to >= page.total;
}

function button(label, action) {
  return el("button", { textContent: label, onclick: (event) => { event.stopPropagation(); action().catch(showError); } });
}

async function loadClients() {
  const page = await latest("clients", api("GET", "clients", { q: $("clients-q").value, offset: state.offsets.clients, limit: PAGE }));
  if (!page) return;
  showTotal("clients", page);
  $("clients-table").tBodies[0].replaceChildren(...page.items.map((c) => {
    const row = el("tr", { className: "clickable" },
      el("td", { className: "client-id" }, c.clientId), el("td", {}, c.node.substring(0, 8)), el("td", {}, c.address),
      el("td", {}, c.userName || ""), el("td", {}, c.protocol), el("td", {}, c.keepAlive + " s"),
      el("td", {}, new Date(c.connectedSince).toLocaleString()), el("td", {}, c.subscriptions),
      el("td", {}, c.inFlight), el("td", {}, c.queued),
      el("td", {}, button("Disconnect", () => disconnect(c.clientId))));
    row.dataset.clientId = c.clientId;
    row.addEventListener("click", () => showClient(c.clientId).catch(showError));
    return row;
  }));
}
pager("clients", loadClients);

async function disconnect(clientId) {
  await api("POST", "clients/" + encodeURIComponent(clientId) + "/disconnect");
  $("client-detail").hidden = true;
  await loadClients();
}

async function showClient(clientId) {
  const c = await api("GET", "clients/" + encodeURIComponent(clientId));
  const detail = $("client-detail");
  const fields = [["Client id", c.clientId], ["Node", c.node], ["Address", c.address], ["User", c.userName || "-"],
    ["Protocol", c.protocol], ["Keep alive", c.keepAlive + " s"], ["Connected since", new Date(c.connectedSince).toLocaleString()],
    ["Persistent session", c.persistent], ["In flight", c.inFlight], ["Queued", c.queued]];
  detail.replaceChildren(
    el("h2", {}, "Client " + c.clientId),
    el("table", {}, el("tbody", {}, ...fields.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))))),
    el("h3", {}, "Subscriptions"),
    el("ul", {}, ...c.subscriptionList.map((s) => el("li", {}, s.filter + " (QoS " + s.qos + ")"))),
    button("Disconnect", () => disconnect(c.clientId)));
  detail.hidden = false;
}

async function loadSessions() {
  const page = await latest("sessions", api("GET", "sessions", { q: $("sessions-q").value, offset: state.offsets.sessions, limit: PAGE }));
  if (!page) return;
  showTotal("sessions", page);
  $("sessions-table").tBodies[0].replaceChildren(...page.items.map((s) => el("tr", {},
    el("td", {}, s.clientId), el("td", {}, s.node.substring(0, 8)), el("td", {}, s.connected ? "yes" : "no"),
    el("td", {}, s.persistent ? "yes" : "no"), el("td", {}, s.subscriptions), el("td", {}, s.inFlight), el("td", {}, s.queued),
    el("td", {}, button("Delete", async () => {
      if (!confirm("Delete the session of " + s.clientId + " (its queued messages too)?")) return;
      await api("DELETE", "sessions/" + encodeURIComponent(s.clientId));
      await loadSessions();
    })))));
}
pager("sessions", loadSessions);

async function loadSubscriptions() {
  const params = { q: $("subscriptions-q").value, offset: state.offsets.subscriptions, limit: PAGE };
  if ($("subscriptions-filter").value) params.filter = $("subscriptions-filter").value;
  const page = await latest("subscriptions", api("GET", "subscriptions", params));
  if (!page) return;
  showTotal("subscriptions", page);
  $("subscriptions-table").tBodies[0].replaceChildren(...page.items.map((s) => el("tr", {},
    el("td", {}, s.filter), el("td", {}, s.qos), el("td", {}, s.clientId), el("td", {}, s.node.substring(0, 8)))));
}
pager("subscriptions", loadSubscriptions);

async function loadRetained() {
  const page = await latest("retained", api("GET", "retained", { filter: $("retained-filter").value || "#", offset: state.offsets.retained, limit: PAGE }));
  if (!page) return;
  showTotal("retained", page);
  $("retained-table").tBodies[0].replaceChildren(...page.items.map((m) => el("tr", {},
    el("td", {}, m.topic), el("td", {}, m.qos), el("td", {}, m.size),
    el("td", { className: "wrap" }, m.payload != null ? m.payload : "base64: " + m.payloadBase64, m.truncated ? " ..." : ""),
    el("td", {}, new Date(m.timestamp).toLocaleString()),
    el("td", {}, button("Delete", async () => {
      await api("DELETE", "retained?" + new URLSearchParams({ topic: m.topic }));
      await loadRetained();
    })))));
}
pager("retained", loadRetained);

// ---- topic trees: the nodes count per tree only while this page asks (see docs/DASHBOARD.md)

async function loadTopics() {
  const answer = await latest("topics", api("GET", "topics", { depth: $("topics-depth").value, limit: PAGE }));
  if (!answer) return;
  const unreachable = answer.unreachable.length ? " (" + answer.unreachable.length + " node(s) did not answer)" : "";
  $("topics-status").textContent = (answer.counting ? answer.items.length + " tree(s)" : "counting started, rates follow") + unreachable;
  $("topics-table").tBodies[0].replaceChildren(...answer.items.map((t) => el("tr", {},
    el("td", { className: "wrap" }, t.tree), el("td", {}, t.messagesPerSecond.toFixed(1)))));
}
$("topics-depth").addEventListener("change", () => loadTopics().catch(showError));

// ---- MQTT over WebSocket

let mqtt = null;

function prepareMqtt() {
  if (!$("mqtt-url").value) {
    const port = state.self && state.self.listeners.websockets;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    $("mqtt-url").value = port ? scheme + "://" + location.hostname + ":" + port + state.me.websocketPath : "";
    $("mqtt-client-id").value = "dashboard-" + Math.random().toString(16).substring(2, 10);
    if (!port) log("This node has no WebSocket listener open (starling.websocket.enabled); enter a URL.");
  }
  return Promise.resolve();
}

function log(text) {
  $("mqtt-log").append(el("li", {}, new Date().toLocaleTimeString() + " " + text));
}

function mqttState(connected) {
  $("mqtt-state").textContent = connected ? "connected" : "disconnected";
  $("mqtt-connect-button").disabled = connected;
  $("mqtt-disconnect-button").disabled = !connected;
  $("mqtt-subscribe-button").disabled = !connected;
  $("mqtt-publish-button").disabled = !connected;
}

$("mqtt-connect").addEventListener("submit", async (event) => {
  event.preventDefault();
  mqtt = new MiniMqtt($("mqtt-url").value, { clientId: $("mqtt-client-id").value, username: $("mqtt-user").value, password: $("mqtt-password").value, keepAlive: 30 });
  mqtt.onstate = (s) => { mqttState(s === "connected"); log(s); };
  mqtt.onmessage = (topic, payload, qos, retain) => {
    const li = el("li", { className: "mqtt-message" }, new Date().toLocaleTimeString() + " received " + topic + " (QoS " + qos + (retain ? ", retained" : "") + "): " + payload);
    li.dataset.topic = topic;
    li.dataset.payload = payload;
    $("mqtt-log").append(li);
  };
  try {
    await mqtt.connect();
  } catch (error) {
    log("connect failed: " + error.message);
  }
});

$("mqtt-disconnect-button").addEventListener("click", () => mqtt && mqtt.disconnect());

$("mqtt-subscribe").addEventListener("submit", async (event) => {
  event.preventDefault();
  const filter = $("mqtt-sub-topic").value;
  const granted = await mqtt.subscribe(filter, Number($("mqtt-sub-qos").value));
  log(granted === 128 ? "subscription to " + filter + " refused" : "subscribed to " + filter + " (QoS " + granted + ")");
});

$("mqtt-publish").addEventListener("submit", async (event) => {
  event.preventDefault();
  const topic = $("mqtt-pub-topic").value, qos = Number($("mqtt-pub-qos").value);
  await mqtt.publish(topic, $("mqtt-pub-payload").value, qos, $("mqtt-pub-retain").checked);
  const li = el("li", { className: "mqtt-published" }, new Date().toLocaleTimeString() + " published to " + topic + (qos ? " (acknowledged)" : ""));
  $("mqtt-log").append(li);
});

// ---- start: logged in already (a cookie) or the login form
api("GET", "me").then(start, showLogin);
