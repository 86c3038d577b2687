/* The account page's "push notifications on this device" panel. */
"use strict";

(function () {
  const panel = document.getElementById("push-panel");
  if (!panel) return;
  const status = document.getElementById("push-status");
  const enableButton = document.getElementById("push-enable");
  const disableButton = document.getElementById("push-disable");
  const csrf = panel.querySelector("input[name=csrfmiddlewaretoken]").value;
  const text = (name) => panel.dataset[name] || "";

  function say(message) {
    status.textContent = message;
  }

  function keyBytes(base64url) {
    const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
    const raw = atob(padded);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (!response.ok) throw new ServerRefusal(data.error || text("failed"));
    return data;
  }

  // Schoolbrug's own (translated) refusal; a browser's error messages are English and technical.
  class ServerRefusal extends Error {}

  function explain(error) {
    return error instanceof ServerRefusal ? error.message : text("failed");
  }

  async function registration() {
    return navigator.serviceWorker.register(panel.dataset.serviceWorker, { scope: "/" });
  }

  async function refresh() {
    const reg = await navigator.serviceWorker.getRegistration("/");
    const subscription = reg ? await reg.pushManager.getSubscription() : null;
    enableButton.hidden = Boolean(subscription);
    disableButton.hidden = !subscription;
  }

  async function enable() {
    enableButton.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say(text("denied"));
        return;
      }
      const reg = await registration();
      await navigator.serviceWorker.ready;
      const subscription = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(panel.dataset.key),
      });
      await post(panel.dataset.subscribeUrl, subscription.toJSON());
      say(text("enabled"));
      window.location.reload();
    } catch (error) {
      say(explain(error));
    } finally {
      enableButton.disabled = false;
    }
  }

  async function disable() {
    disableButton.disabled = true;
    try {
      const reg = await navigator.serviceWorker.getRegistration("/");
      const subscription = reg ? await reg.pushManager.getSubscription() : null;
      if (subscription) {
        await post(panel.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      say(text("disabled"));
      window.location.reload();
    } catch (error) {
      say(explain(error));
    } finally {
      disableButton.disabled = false;
    }
  }

  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported || !panel.dataset.key) {
    say(panel.dataset.key ? text("unsupported") : text("unavailable"));
    return;
  }
  enableButton.addEventListener("click", enable);
  disableButton.addEventListener("click", disable);
  refresh().catch(() => undefined);
})();
