// mqcgm web app. Loaded as an external file: the Content-Security-Policy forbids inline scripts.
(function () {
  'use strict';

  // Cookies blocked (PR-37): the sign-in page says at once that signing in needs the session cookie, instead of
  // failing after the form is sent. The server says the same when a form arrives without any cookie.
  var cookieNote = document.querySelector('[data-cookies-blocked]');
  if (cookieNote && navigator.cookieEnabled === false) {
    cookieNote.hidden = false;
  }

  // Crash reports (PR-50), set up first so that a fault further down is reported too: only while the signed-in
  // person consents to them (the server marks the page), at most five per page, sent to this server only with a
  // random install id kept in this browser, never the account. The server scrubs what it receives.
  var crashToken = document.body && document.body.getAttribute('data-crash-reports');
  if (crashToken && window.fetch) {
    var sent = 0;
    var seen = {};
    var installId = function () {
      var id = null;
      try { id = window.localStorage.getItem('mqcgm.install'); } catch (e) { /* private mode */ }
      if (!id || !/^[0-9a-f-]{36}$/.test(id)) {
        id = window.crypto && crypto.randomUUID ? crypto.randomUUID()
          : 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, function () {
            return (Math.random() * 16 | 0).toString(16);
          });
        try { window.localStorage.setItem('mqcgm.install', id); } catch (e) { /* not kept */ }
      }
      return id;
    };
    var report = function (kind, message, stack) {
      var key = kind + ':' + message;
      if (sent >= 5 || seen[key]) { return; }
      seen[key] = true;
      sent++;
      fetch('/api/v1/crash-reports', {
        method: 'POST', credentials: 'same-origin', keepalive: true,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': crashToken },
        body: JSON.stringify({
          source: 'web', installId: installId(), platform: 'web',
          kind: String(kind || 'Error').slice(0, 100), message: String(message || '').slice(0, 2000),
          stack: String(stack || '').slice(0, 16000)
        })
      }).then(function (r) {
        document.documentElement.setAttribute('data-crash-reported', String(r.status));
      }).catch(function () { /* nothing to do */ });
    };
    window.addEventListener('error', function (event) {
      var e = event.error;
      report(e && e.name, e && e.message || event.message, e && e.stack);
    });
    window.addEventListener('unhandledrejection', function (event) {
      var e = event.reason;
      report(e && e.name || 'UnhandledRejection', e && e.message || String(e), e && e.stack);
    });
  }

  // Installable app (PWA): a service worker keeps an offline shell (the stylesheet and the language of the last page
  // seen). Only when the person turned "keep my last reading on this device" on (Settings → Devices; off by default,
  // a choice of this browser only) is the last own reading of their Today page (never someone else's) kept in Cache
  // Storage to be shown offline with its age. When no one is signed in (after logout) everything is deleted, the
  // choices included. Notification permission is not asked here: only when the user turns alerts on.
  var keepReading = function () { return Promise.resolve(null); };
  if ('serviceWorker' in navigator && window.caches) {
    var signedIn = !!document.querySelector('form[action="/logout"]');
    var keep = function (key, value) {
      return caches.open('mqcgm-last').then(function (c) {
        return c.put(key, new Response(JSON.stringify(value), { headers: { 'Content-Type': 'application/json' } }));
      });
    };
    var stored;
    if (signedIn) {
      // Resolves to 'kept' when the reading on this page was stored, else 'not-kept' (and none is left stored).
      keepReading = function () {
        return caches.open('mqcgm-last').then(function (c) {
          return c.match('/pwa/offline-reading').then(function (r) { return r ? r.json() : null; })
            .then(function (choice) {
              var shown = document.querySelector('[data-live][data-reading-value]');
              if (!choice || choice.on !== true) {
                return c.delete('/pwa/last-reading').then(function () { return 'not-kept'; });
              }
              if (!shown) { return 'kept'; }
              return keep('/pwa/last-reading', {
                value: shown.getAttribute('data-reading-value'), unit: shown.getAttribute('data-reading-unit'),
                trend: shown.getAttribute('data-reading-trend') || '', at: shown.getAttribute('data-reading-at')
              }).then(function () { return 'kept'; });
            });
        });
      };
      stored = keep('/pwa/lang', { lang: document.documentElement.lang || 'en' }).then(keepReading);
      // Logging out: delete at once too (the page that follows deletes again, in case this was cut short).
      document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
        form.addEventListener('submit', function () { caches.delete('mqcgm-last'); });
      });
    } else {
      stored = caches.delete('mqcgm-last').then(function () { return 'cleared'; });
    }
    stored.then(function (state) {
      document.documentElement.setAttribute('data-pwa-stored', state);
    }).catch(function () { /* storage unavailable: nothing kept */ });
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () { /* no offline shell */ });
  }

  // Push notifications (issue 13): every [data-push-enable] button (Settings → Notifications, the Alerts page)
  // asks for the notification permission only when tapped, never on load; then subscribes this browser with the
  // server's VAPID key and hands the subscription to the server. Where the browser cannot subscribe (no push
  // service reachable, no support) the page says so. Logging out unsubscribes the browser too (best effort; the
  // server removes the subscription itself when the session ends).
  var PUSH_TEXT = {
    'en': { on: 'Notifications are on for this browser.', working: 'Turning on notifications…',
      denied: 'Notifications are blocked for this site. Allow them in your browser settings, then try again.',
      unavailable: 'Push notifications are unavailable on this browser.' },
    'zh-CN': { on: '此浏览器的通知已开启。', working: '正在开启通知…',
      denied: '此网站的通知已被阻止。请在浏览器设置中允许通知，然后重试。', unavailable: '此浏览器无法使用推送通知。' }
  };
  var csrfToken = function (button) {
    var field = document.querySelector('input[name="_csrf"]');
    return button.getAttribute('data-csrf') || (field && field.value) || '';
  };
  var applicationServerKey = function (base64url) {
    var s = base64url.replace(/-/g, '+').replace(/_/g, '/');
    var raw = window.atob(s + '==='.slice((s.length + 3) % 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  };
  var withTimeout = function (promise, ms) {
    return Promise.race([promise, new Promise(function (resolve, reject) {
      window.setTimeout(function () { reject(new Error('timeout')); }, ms);
    })]);
  };
  document.querySelectorAll('[data-push-enable]').forEach(function (button) {
    var texts = PUSH_TEXT[document.documentElement.lang] || PUSH_TEXT.en;
    var status = (button.parentNode && button.parentNode.parentNode
      && button.parentNode.parentNode.querySelector('[data-push-status]')) || null;
    if (!status) {
      status = document.createElement('p');
      status.setAttribute('role', 'status');
      status.setAttribute('data-push-status', '');
      button.insertAdjacentElement('afterend', status);
    }
    var say = function (state) {
      status.textContent = button.getAttribute('data-push-' + state) || texts[state];
      document.documentElement.setAttribute('data-push-state', state);
    };
    button.addEventListener('click', function () {
      if (!('serviceWorker' in navigator) || !window.PushManager || !window.Notification) {
        say('unavailable');
        return;
      }
      button.disabled = true;
      say('working');
      Notification.requestPermission().then(function (permission) {
        if (permission !== 'granted') { throw { state: 'denied' }; }
        return withTimeout(navigator.serviceWorker.ready, 10000);
      }).then(function (registration) {
        return fetch('/api/v1/push/vapid-public-key', { credentials: 'same-origin' })
          .then(function (r) { return r.json(); })
          .then(function (key) {
            var wanted = applicationServerKey(key.publicKey);
            // A subscription bound to a replaced VAPID key (mqcgm keys rotate-vapid-key) is ended first: a browser
            // refuses a second subscription with another key.
            return registration.pushManager.getSubscription().then(function (old) {
              var bound = old && old.options && old.options.applicationServerKey
                ? new Uint8Array(old.options.applicationServerKey) : null;
              var same = bound && bound.length === wanted.length
                && Array.prototype.every.call(bound, function (b, i) { return b === wanted[i]; });
              return old && !same ? old.unsubscribe() : true;
            }).then(function () {
              return withTimeout(registration.pushManager.subscribe({
                userVisibleOnly: true, applicationServerKey: wanted
              }), 15000);
            });
          });
      }).then(function (subscription) {
        return fetch('/api/v1/push/subscriptions', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken(button) },
          body: JSON.stringify(subscription.toJSON())
        });
      }).then(function (r) {
        if (!r.ok) { throw { state: 'unavailable' }; }
        say('on');
      }).catch(function (e) {
        say(e && e.state === 'denied' ? 'denied' : 'unavailable');
      }).then(function () { button.disabled = false; });
    });
  });
  // Values on this device's lock screen (PR-13): a choice kept on the device only, in the same Cache Storage as
  // the offline reading (so logging out deletes it). The service worker reads it when an alert arrives and then
  // fetches the alert, signed in, to show the value; the push payload never carries it.
  // Choices of this browser only, kept in its Cache Storage (deleted at logout): values on the lock screen
  // (Settings → Notifications) and keeping the last reading for offline use (Settings → Devices).
  var deviceChoice = function (selector, key, stateAttribute, changed) {
    document.querySelectorAll(selector).forEach(function (box) {
      if (!window.caches) { box.disabled = true; return; }
      var settled = function () {
        box.disabled = false;
        document.documentElement.setAttribute(stateAttribute, box.checked ? 'on' : 'off');
      };
      // Not tappable until the stored choice is read, so that reading it cannot undo a tap.
      box.disabled = true;
      caches.open('mqcgm-last').then(function (c) { return c.match(key); }).then(function (r) {
        return r ? r.json() : null;
      }).then(function (v) { box.checked = !!(v && v.on === true); }).catch(function () { box.checked = false; })
        .then(settled);
      box.addEventListener('change', function () {
        box.disabled = true;
        caches.open('mqcgm-last').then(function (c) {
          return box.checked
            ? c.put(key, new Response(JSON.stringify({ on: true }), { headers: { 'Content-Type': 'application/json' } }))
            : c.delete(key);
        }).then(changed).catch(function () { box.checked = false; }).then(settled);
      });
    });
  };
  deviceChoice('[data-lock-values]', '/pwa/lock-screen-values', 'data-lock-values-state', null);
  deviceChoice('[data-offline-reading]', '/pwa/offline-reading', 'data-offline-reading-state', function () {
    return keepReading();
  });
  if ('serviceWorker' in navigator && window.PushManager) {
    document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
      form.addEventListener('submit', function () {
        navigator.serviceWorker.getRegistration('/').then(function (registration) {
          return registration && registration.pushManager.getSubscription();
        }).then(function (subscription) {
          return subscription && subscription.unsubscribe();
        }).catch(function () { /* the server ends it with the session */ });
      });
    });
  }

  // Sign-up: record the browser's time zone so daily views follow the user's local days.
  var tz = document.getElementById('time_zone');
  if (tz && window.Intl && Intl.DateTimeFormat) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) { tz.value = zone; }
    } catch (e) { /* keep UTC */ }
  }

  // Today: a Server-Sent Events stream announces each new reading; the page content is then fetched again and
  // swapped in place (no reload, no flicker). Without EventSource the page refreshes every minute instead.
  var live = document.querySelector('[data-live]');
  function refresh() {
    // Marked as the page's own background work: it does not keep the session from its idle end (ASVS V3.3.2).
    fetch(window.location.pathname, { credentials: 'same-origin',
      headers: { 'Accept': 'text/html', 'X-Background-Refresh': '1' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var next = new DOMParser().parseFromString(html, 'text/html').querySelector('main');
        var main = document.querySelector('main');
        if (next && main) {
          main.innerHTML = next.innerHTML;
          document.documentElement.setAttribute('data-updated', String(Date.now()));
          keepReading().catch(function () { /* not kept */ });
        }
      })
      .catch(function () { /* try again at the next event */ });
  }
  if (live) {
    if (window.EventSource) {
      var source = new EventSource(live.getAttribute('data-live'));
      source.addEventListener('reading', function (event) {
        // The stream opens with the newest reading, usually the one already on the page; an event's id is its
        // reading's time, so only a reading the page does not show yet (even the very first one) refreshes it.
        var shown = document.querySelector('[data-live]');
        if (shown && event.lastEventId && shown.getAttribute('data-latest') === event.lastEventId) { return; }
        refresh();
      });
      // A stream the server ended for good (the share was revoked, the session ended) is marked, not retried.
      source.addEventListener('error', function () {
        if (source.readyState === 2) { document.documentElement.setAttribute('data-live-closed', 'true'); }
      });
      // The age ("3 min ago") keeps counting between readings.
      window.setInterval(function () { if (document.visibilityState === 'visible') { refresh(); } }, 60000);
    } else {
      window.setInterval(function () {
        if (document.visibilityState === 'visible') { window.location.reload(); }
      }, 60000);
    }
  }

  // Getting started (a new uploader's credential, the collector's token): the page listens to the reading stream
  // and moves on to Today once a reading newer than the one Today showed (data-latest, empty for none) arrives.
  // Without JavaScript the page has a "Check again" link.
  var awaiting = document.querySelector('[data-await-reading]');
  if (awaiting && window.EventSource) {
    var firstReading = new EventSource('/api/v1/readings/stream');
    firstReading.addEventListener('open', function () {
      document.documentElement.setAttribute('data-awaiting', 'listening');
    });
    firstReading.addEventListener('reading', function (event) {
      if (event.lastEventId && awaiting.getAttribute('data-latest') === event.lastEventId) { return; }
      firstReading.close();
      window.location.assign(awaiting.getAttribute('data-await-reading'));
    });
  }

  // Export: while an export is being made its page is fetched again every 2 seconds, showing the progress and
  // then the download link.
  window.setInterval(function () {
    if (document.querySelector('[data-export-pending]') && document.visibilityState === 'visible') { refresh(); }
  }, 2000);

  // Select a freshly created token on focus so it is easy to copy.
  var token = document.querySelector('input.token');
  if (token) {
    token.addEventListener('focus', function () { token.select(); });
  }

  // Copy buttons (hidden without JavaScript): copy the value of the field they name, e.g. a clinician link.
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    if (!field || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(field.value).then(function () { button.setAttribute('data-copied', 'yes'); });
    });
  });
})();
