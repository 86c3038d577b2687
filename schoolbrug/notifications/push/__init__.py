"""Web Push: device subscriptions, VAPID keys, the push transport, service worker and manifest.

A Django app of its own (label "push") inside the notifications package, so its tables and
migrations stay apart from the notification core.
"""
