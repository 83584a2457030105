/* The driver's page offline: a service worker that keeps the page, its scripts and the last
 * answers it read (the user, today's assignment, the roads) and hands them back when the
 * network is gone. Every GET it keeps goes to the network first: online, nothing is stale. */
'use strict';

const CACHE = 'huanwei-driver-v1';
const SHELL = [
  '/web/driver',
  '/web/assets/app.css',
  '/web/assets/i18n.js',
  '/web/assets/common.js',
  '/web/assets/driver.js',
  '/web/assets/vendor/leaflet/leaflet.js',
  '/web/assets/vendor/leaflet/leaflet.css',
];
/** The GETs kept for offline use (path patterns). */
const KEPT = [
  /^\/web\//,
  /^\/users\/me$/,
  /^\/me\/assignment$/,
  /^\/districts\/\d+\/roads$/,
  /^\/districts\/\d+\/crews\/[^/]+\/assignment$/,
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  if (event.data === 'forget') event.waitUntil(caches.delete(CACHE)); // signed out
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (!KEPT.some((pattern) => pattern.test(url.pathname))) return;
  const page = url.pathname.startsWith('/web/');
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
    }
    return response;
  }).catch(() => caches.match(request, { ignoreVary: true, ignoreSearch: page })
    .then((kept) => kept || Response.error())));
});
