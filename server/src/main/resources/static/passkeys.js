// mqcgm passkeys (WebAuthn): registering one in Settings, signing in with one, and using one as the second factor.
// Plain JavaScript, no framework; loaded as an external file (the Content-Security-Policy forbids inline scripts).
// The server makes the options and verifies every answer; this file only carries bytes between it and the browser.
(function () {
  'use strict';

  if (window.mqcgmPasskeys) {
    return; // included by more than one block of a page
  }
  window.mqcgmPasskeys = true;
  var supported = !!(window.PublicKeyCredential && navigator.credentials && window.fetch);

  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) { b64 += '='; }
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function toText(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      return { type: d.type, id: toBytes(d.id), transports: d.transports };
    });
  }

  // A JSON request with the page's CSRF token. A redirect (the password must be confirmed again) is followed by
  // the whole page, which then shows the confirmation form.
  function post(url, body, csrf, again) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.type === 'opaqueredirect' || r.status === 0) {
        window.location.href = again;
        return new Promise(function () {});
      }
      return r.json().then(function (json) {
        if (!r.ok) {
          var e = new Error(json && json.detail || 'failed');
          e.problem = json;
          throw e;
        }
        return json;
      });
    });
  }

  function fail(box, e) {
    var note = box.querySelector('[data-passkey-error]');
    if (!note) { return; }
    var cancelled = e && (e.name === 'NotAllowedError' || e.name === 'AbortError');
    note.textContent = cancelled ? note.getAttribute('data-cancelled') : note.getAttribute('data-failed');
    note.hidden = false;
  }

  function assertionBody(cred, extra) {
    var body = {
      id: toText(cred.rawId),
      clientDataJSON: toText(cred.response.clientDataJSON),
      authenticatorData: toText(cred.response.authenticatorData),
      signature: toText(cred.response.signature),
      userHandle: toText(cred.response.userHandle)
    };
    for (var k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) { body[k] = extra[k]; } }
    return body;
  }

  function getOptions(o) {
    return {
      challenge: toBytes(o.challenge),
      rpId: o.rpId,
      timeout: o.timeout,
      userVerification: o.userVerification,
      allowCredentials: descriptors(o.allowCredentials)
    };
  }

  function busy(button, on) {
    button.disabled = on;
    button.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  // Sign in with a passkey (a discoverable credential, user verification required).
  var login = document.querySelector('[data-passkey-login]');
  if (login && supported) {
    login.hidden = false;
    var loginButton = login.querySelector('button');
    loginButton.addEventListener('click', function () {
      var csrf = login.getAttribute('data-csrf');
      busy(loginButton, true);
      post('/login/passkey/options', {}, csrf, '/login').then(function (o) {
        return navigator.credentials.get({ publicKey: getOptions(o) });
      }).then(function (cred) {
        return post('/login/passkey', assertionBody(cred, { next: login.getAttribute('data-next') }), csrf, '/login');
      }).then(function (done) {
        window.location.href = done.redirect;
      }).catch(function (e) {
        busy(loginButton, false);
        fail(login, e);
      });
    });
  }

  // A passkey instead of the authenticator app's code on the two-factor step.
  var second = document.querySelector('[data-passkey-second-factor]');
  if (second && supported) {
    second.hidden = false;
    var secondButton = second.querySelector('button');
    secondButton.addEventListener('click', function () {
      var csrf = second.getAttribute('data-csrf');
      var challenge = second.getAttribute('data-challenge');
      busy(secondButton, true);
      post('/login/2fa/passkey/options', { challenge: challenge }, csrf, '/login').then(function (o) {
        return navigator.credentials.get({ publicKey: getOptions(o) });
      }).then(function (cred) {
        return post('/login/2fa/passkey', assertionBody(cred, {
          challenge: challenge, next: second.getAttribute('data-next')
        }), csrf, '/login');
      }).then(function (done) {
        window.location.href = done.redirect;
      }).catch(function (e) {
        busy(secondButton, false);
        fail(second, e);
      });
    });
  }

  // Settings → Passkeys: add one.
  var register = document.querySelector('[data-passkey-register]');
  var unsupported = document.querySelector('[data-passkey-unsupported]');
  if (register && !supported && unsupported) {
    unsupported.hidden = false;
  }
  if (register && supported) {
    register.hidden = false;
    var addButton = register.querySelector('button');
    var nameInput = register.querySelector('input');
    addButton.addEventListener('click', function () {
      var csrf = register.getAttribute('data-csrf');
      var name = nameInput.value.trim();
      if (!name) {
        var note = register.querySelector('[data-passkey-error]');
        note.textContent = note.getAttribute('data-name');
        note.hidden = false;
        nameInput.focus();
        return;
      }
      busy(addButton, true);
      var here = '/settings/passkeys';
      post('/settings/passkeys/options', {}, csrf, here).then(function (o) {
        return navigator.credentials.create({ publicKey: {
          challenge: toBytes(o.challenge),
          rp: o.rp,
          user: { id: toBytes(o.user.id), name: o.user.name, displayName: o.user.displayName },
          pubKeyCredParams: o.pubKeyCredParams,
          timeout: o.timeout,
          attestation: o.attestation,
          authenticatorSelection: o.authenticatorSelection,
          excludeCredentials: descriptors(o.excludeCredentials)
        } });
      }).then(function (cred) {
        var transports = cred.response.getTransports ? cred.response.getTransports() : [];
        return post(here, {
          name: name,
          id: toText(cred.rawId),
          clientDataJSON: toText(cred.response.clientDataJSON),
          attestationObject: toText(cred.response.attestationObject),
          transports: transports
        }, csrf, here);
      }).then(function () {
        window.location.href = here;
      }).catch(function (e) {
        busy(addButton, false);
        fail(register, e);
      });
    });
  }
})();
