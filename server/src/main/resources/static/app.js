// mqcgm web app. Loaded as an external file: the Content-Security-Policy forbids inline scripts.
(function () {
  'use strict';

  // Sign-up: record the browser's time zone so daily views follow the user's local days.
  var tz = document.getElementById('time_zone');
  if (tz && window.Intl && Intl.DateTimeFormat) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) { tz.value = zone; }
    } catch (e) { /* keep UTC */ }
  }

  // Today: refresh the page every minute so the value, its age and the chart stay current.
  if (document.querySelector('[data-testid="current"]')) {
    window.setInterval(function () {
      if (document.visibilityState === 'visible') { window.location.reload(); }
    }, 60000);
  }

  // Select a freshly created token on focus so it is easy to copy.
  var token = document.querySelector('input.token');
  if (token) {
    token.addEventListener('focus', function () { token.select(); });
  }
})();
