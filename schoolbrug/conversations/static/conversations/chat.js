// The open conversation: new messages, read confirmations and typing over a WebSocket; while the
// socket is down, a refresh every few seconds. Sending keeps one client id per message until the
// server confirms it, so a retry (double click, reconnect) never makes a second message.
(function () {
  "use strict";
  const chat = document.getElementById("chat");
  if (!chat) return;
  const me = Number(chat.dataset.me);
  const conversation = Number(chat.dataset.conversation);
  const list = document.getElementById("messages");
  const form = document.getElementById("message-form");
  const typingLine = document.getElementById("typing");
  const connectionLine = document.getElementById("connection");
  const reads = JSON.parse(document.getElementById("chat-reads").textContent || "{}");
  const refreshMs = Number(chat.dataset.refreshMs) || 5000;
  let socket = null;
  let retryMs = 1000;
  let refreshTimer = null;
  let typingTimer = null;
  let lastTypingSent = 0;

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function lastId() {
    const items = list.querySelectorAll("li[data-id]");
    return items.length ? Number(items[items.length - 1].dataset.id) : 0;
  }

  function readState(id) {
    const names = Object.values(reads).filter((r) => r.up_to >= id).map((r) => r.name);
    return names.length ? `${chat.dataset.textReadBy} ${names.join(", ")}` : chat.dataset.textSent;
  }

  function refreshReadStates() {
    list.querySelectorAll("li.mine[data-id]").forEach((li) => {
      const state = li.querySelector(".read-state");
      if (state) state.textContent = readState(Number(li.dataset.id));
    });
  }

  function addMessage(m) {
    if (m.conversation !== conversation || list.querySelector(`li[data-id="${m.id}"]`)) return;
    const mine = m.sender_id === me;
    const li = document.createElement("li");
    li.className = mine ? "bubble mine" : "bubble";
    li.dataset.id = m.id;
    li.dataset.clientId = m.client_id;
    li.setAttribute("data-testid", "message");
    if (!mine) {
      const who = document.createElement("strong");
      who.className = "sender";
      who.textContent = m.sender;
      li.append(who);
    }
    const body = document.createElement("p");
    body.className = "body";
    body.textContent = m.body;
    const files = document.createElement("ul");
    files.className = "attachments";
    (m.attachments || []).forEach((a) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = a.url;
      if (a.image) {
        const img = document.createElement("img");
        img.src = a.thumbnail;
        img.alt = `${chat.dataset.textPhoto} ${a.name}`;
        link.append(img);
      } else {
        link.textContent = a.name;
      }
      item.append(link);
      files.append(item);
    });
    const meta = document.createElement("small");
    meta.className = "muted";
    meta.textContent = m.time;
    if (mine) {
      const state = document.createElement("span");
      state.className = "read-state";
      state.setAttribute("data-testid", "read-state");
      state.textContent = readState(m.id);
      meta.append(" · ", state);
    }
    if (m.body) li.append(body);
    if (files.children.length) li.append(files);
    li.append(meta);
    list.append(li);
    li.scrollIntoView({ block: "nearest" });
    if (!mine) {
      typingLine.textContent = "";
      markRead(m.id);
    }
  }

  function markRead(id) {
    if (document.visibilityState !== "visible") return;
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "read", up_to: id }));
  }

  function applyRead(r) {
    if (r.conversation !== conversation || r.account_id === me) return;
    const known = reads[r.account_id];
    if (!known || known.up_to < r.up_to) reads[r.account_id] = { name: r.name, up_to: r.up_to };
    refreshReadStates();
  }

  function showTyping(t) {
    typingLine.textContent = `${t.name} ${chat.dataset.textTyping}`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { typingLine.textContent = ""; }, 4000);
  }

  function handle(event) {
    let data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (data.type === "message") addMessage(data);
    else if (data.type === "read") applyRead(data);
    else if (data.type === "typing") showTyping(data);
    else if (data.type === "ack") sent(data.client_id);
    else if (data.type === "error") showError(data.error);
  }

  // --- the fallback: ask the server while the socket is down ---
  async function refresh() {
    try {
      const response = await fetch(`${chat.dataset.updatesUrl}?after=${lastId()}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      data.messages.forEach(addMessage);
      data.reads.forEach(applyRead);
    } catch (e) { /* offline: try again at the next tick */ }
  }

  function startRefreshing() {
    connectionLine.textContent = chat.dataset.textOffline;
    if (!refreshTimer) refreshTimer = setInterval(refresh, refreshMs);
  }

  function stopRefreshing() {
    connectionLine.textContent = "";
    clearInterval(refreshTimer);
    refreshTimer = null;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    try { socket = new WebSocket(`${scheme}//${location.host}${chat.dataset.socket}`); } catch (e) { startRefreshing(); return; }
    socket.addEventListener("open", () => { retryMs = 1000; chat.dataset.live = "on"; stopRefreshing(); refresh(); });
    socket.addEventListener("message", handle);
    socket.addEventListener("close", (event) => {
      socket = null;
      chat.dataset.live = "off";
      // A send that got no answer may be tried again: with the same client id, so never twice.
      if (form && pending) form.querySelector("button[type=submit]").disabled = false;
      startRefreshing();
      if (event.code === 4403) return; // no longer allowed (logged out, left): the refresh tells the rest
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  // --- sending ---
  function clientIdField() { return form.querySelector('input[name="client_id"]'); }
  function bodyField() { return form.querySelector('textarea[name="body"]'); }
  function filesField() { return form.querySelector('input[name="attachments"]'); }
  let pending = null;

  function sent(clientId) {
    if (pending !== clientId) return;
    pending = null;
    bodyField().value = "";
    const picker = filesField();
    if (picker) picker.value = "";
    clientIdField().value = newClientId();
    form.querySelector("button[type=submit]").disabled = false;
  }

  function showError(text) {
    let box = form.querySelector(".field-error.chat-error");
    if (!box) {
      box = document.createElement("small");
      box.className = "field-error chat-error";
      box.setAttribute("role", "alert");
      form.prepend(box);
    }
    box.textContent = text;
    pending = null;
    form.querySelector("button[type=submit]").disabled = false;
  }

  async function sendOverHttp() {
    const response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, credentials: "same-origin" });
    const data = await response.json();
    if (!response.ok) { showError(data.error); return; }
    addMessage(data);
    sent(data.client_id);
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = bodyField().value;
      const picker = filesField();
      const withFiles = picker && picker.files.length > 0;
      if (!body.trim() && !withFiles) return;
      const old = form.querySelector(".chat-error");
      if (old) old.remove();
      pending = clientIdField().value;
      form.querySelector("button[type=submit]").disabled = true;
      // Files go over HTTP (the upload checks); text alone over the socket when it is open.
      if (!withFiles && socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "message", client_id: pending, body }));
      } else {
        sendOverHttp().catch(() => { showError(chat.dataset.textOffline); });
      }
    });
    bodyField().addEventListener("input", () => {
      const now = Date.now();
      if (socket && socket.readyState === WebSocket.OPEN && now - lastTypingSent > 3000) {
        lastTypingSent = now;
        socket.send(JSON.stringify({ type: "typing" }));
      }
    });
  }

  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") markRead(lastId()); });
  connect();
})();
