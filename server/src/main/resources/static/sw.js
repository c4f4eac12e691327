// mqcgm service worker, served at /sw.js (scope /). It shows push notifications (see the end) and keeps an offline
// shell only: the stylesheet, the language of the last page seen and — only when the person turned it on for this
// browser (Settings → Devices; off by default) — the last own reading seen (value, unit, trend, time), written by
// app.js from their Today page. Pages and API answers are never cached; app.js deletes what is stored when no one is
// signed in (after logout).
'use strict';

var SHELL = 'mqcgm-shell-v1';
var LAST = 'mqcgm-last';

var TEXT = {
  'en': {
    title: 'Offline',
    reading: function (v, u, t, m) { return 'Last reading ' + v + ' ' + u + (t ? ' ' + t : '') + ', ' + m + ' min ago — offline'; },
    none: 'No reading saved on this device — offline',
    retry: 'Try again'
  },
  'zh-CN': {
    title: '离线',
    reading: function (v, u, t, m) { return '最近读数 ' + v + ' ' + u + (t ? ' ' + t : '') + '，' + m + ' 分钟前 — 离线'; },
    none: '此设备上没有保存的读数 — 离线',
    retry: '重试'
  }
};

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) { return c.add('/static/app.css'); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== SHELL && k !== LAST; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function read(key) {
  return caches.open(LAST).then(function (c) { return c.match(key); })
    .then(function (r) { return r ? r.json() : null; })
    .catch(function () { return null; });
}

function escape(s) {
  return String(s).replace(/[&<>"']/g, function (ch) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch];
  });
}

function offlinePage() {
  return Promise.all([read('/pwa/last-reading'), read('/pwa/lang')]).then(function (got) {
    var reading = got[0];
    var lang = got[1] && TEXT[got[1].lang] ? got[1].lang : 'en';
    var t = TEXT[lang];
    var line = t.none;
    if (reading && reading.value && reading.at) {
      var minutes = Math.max(0, Math.floor((Date.now() - Number(reading.at) * 1000) / 60000));
      line = t.reading(reading.value, reading.unit, reading.trend, minutes);
    }
    var html = '<!DOCTYPE html><html lang="' + lang + '"><head><meta charset="utf-8">'
      + '<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">'
      + '<meta name="theme-color" content="#0f766e"><title>' + escape(t.title) + ' · mqcgm</title>'
      + '<link rel="stylesheet" href="/static/app.css"></head><body>'
      + '<header class="bar"><a class="brand" href="/today">mqcgm</a></header><main>'
      + '<section class="current stale" data-testid="offline"><p class="offline-reading" data-testid="offline-reading">'
      + escape(line) + '</p></section><p><a href="/today">' + escape(t.retry) + '</a></p></main></body></html>';
    return new Response(html, { status: 200, headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      'Cache-Control': 'no-store'
    } });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === 'navigate') {
    // Pages always come from the network; only when it cannot be reached is the offline page shown.
    event.respondWith(fetch(request).catch(function () { return offlinePage(); }));
  } else if (url.pathname === '/static/app.css') {
    event.respondWith(fetch(request).catch(function () {
      return caches.open(SHELL).then(function (c) { return c.match('/static/app.css'); })
        .then(function (r) { return r || Response.error(); });
    }));
  }
});

// Push (issue 13): the server's message arrives decrypted by the browser as JSON {title, body, tag, url, urgent,
// detail?}; it never carries a glucose value (PR-13). Only when the person chose values on THIS device's lock
// screen (Settings → Notifications; kept in this device's Cache Storage, deleted on logout) does the worker fetch
// the detail path (a same-origin API path such as /api/v1/alerts/ID, signed in with this browser's session) and
// show the alert's own words with the value; whatever fails, the payload's words are shown. An urgent one stays until
// it is dismissed and alerts again even when it replaces an earlier one with the same tag.
function ownPath(url) {
  return typeof url === 'string' && url.charAt(0) === '/' && url.charAt(1) !== '/' && url.charAt(1) !== '\\'
    ? url : '/';
}

function apiPath(path) {
  return typeof path === 'string' && /^\/api\/v1\/[A-Za-z0-9\/_-]+$/.test(path) ? path : null;
}

// The alert's own words ("why", with the value in the person's unit) when this device opted in, else null.
function lockScreenDetail(path) {
  if (!path) { return Promise.resolve(null); }
  return read('/pwa/lock-screen-values').then(function (choice) {
    if (!choice || choice.on !== true) { return null; }
    var timeout = new Promise(function (resolve) { setTimeout(function () { resolve(null); }, 5000); });
    var fetched = fetch(path, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (alert) { return alert && typeof alert.why === 'string' && alert.why ? alert.why : null; })
      .catch(function () { return null; });
    return Promise.race([fetched, timeout]);
  });
}

self.addEventListener('push', function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var urgent = data.urgent === true;
  var title = typeof data.title === 'string' && data.title ? data.title : 'mqcgm';
  var options = {
    body: typeof data.body === 'string' ? data.body : '',
    icon: '/static/icon-192.png',
    badge: '/static/icon-192.png',
    requireInteraction: urgent,
    data: { url: ownPath(data.url) }
  };
  if (typeof data.tag === 'string' && data.tag) {
    options.tag = data.tag;
    options.renotify = urgent;
  }
  event.waitUntil(lockScreenDetail(apiPath(data.detail)).then(function (why) {
    if (why) { options.body = why; }
    return self.registration.showNotification(title, options);
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var path = ownPath(event.notification.data && event.notification.data.url);
  var target = new URL(path, self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].url === target && 'focus' in list[i]) { return list[i].focus(); }
    }
    for (var j = 0; j < list.length; j++) {
      if (new URL(list[j].url).origin === self.location.origin && 'navigate' in list[j]) {
        return list[j].navigate(target).then(function (c) { return c && c.focus(); });
      }
    }
    return self.clients.openWindow(target);
  }));
});
