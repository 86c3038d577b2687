/* Schoolbrug's service worker: shows push messages and opens their link when tapped.
   Served at /sw.js (scope: the whole site). Nothing is cached here; pages come from the server. */
"use strict";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const title = data.title || "Schoolbrug";
  const options = {
    body: data.body || "",
    // The same tag on a retried message replaces the first copy instead of showing a second one.
    tag: data.tag || undefined,
    renotify: false,
    requireInteraction: Boolean(data.urgent),
    icon: "/static/push/icons/icon-192.png",
    badge: "/static/push/icons/icon-192.png",
    data: { url: data.url || "/" },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Only a page of this site, whatever the message says.
  const target = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin);
  const url = target.origin === self.location.origin ? target.href : self.location.origin + "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === url && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(url);
    })
  );
});
