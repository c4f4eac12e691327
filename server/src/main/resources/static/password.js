// Password fields of the sign-up, change and reset forms (issue 16): a show-password control and a strength meter.
// Progressive enhancement: without this script the forms work as before (the controls stay hidden), and the server
// always judges the password itself (nbvcxz, the user's own e-mail and phone refused, at most 128 characters).
// The estimate here is a small heuristic so the meter reacts while typing: character variety times an effective
// length (repeats and runs such as "aaaa" or "1234" count little), and a short list of the most common passwords.
(function () {
  'use strict';

  var MAX = 128;
  var COMMON = /^(?:password|passw0rd|p@ssw0rd|123456|1234567|12345678|123456789|1234567890|qwerty|qwertyuiop|abc123|111111|000000|iloveyou|admin|welcome|letmein|monkey|dragon|sunshine|princess|football|baseball|master|shadow|trustno1|woaini|woaini1314|5201314|aini1314|qazwsx|1q2w3e4r|zxcvbnm)\d{0,4}[!.]?$/;

  function chars(s) {
    return Array.from ? Array.from(s) : s.split('');
  }

  /** 0 (very weak) to 4 (strong). */
  function score(pw) {
    if (!pw) {
      return 0;
    }
    var cs = chars(pw);
    var pool = 0;
    if (/[a-z]/.test(pw)) { pool += 26; }
    if (/[A-Z]/.test(pw)) { pool += 26; }
    if (/[0-9]/.test(pw)) { pool += 10; }
    if (/[^A-Za-z0-9]/.test(pw)) { pool += 33; }
    var effective = 0;
    for (var i = 0; i < cs.length; i++) {
      var prev = i > 0 ? cs[i - 1].codePointAt(0) : -10;
      var d = cs[i].codePointAt(0) - prev;
      effective += (d >= -1 && d <= 1) ? 0.25 : 1;
    }
    var bits = effective * Math.log2(Math.max(pool, 10));
    if (COMMON.test(pw.toLowerCase())) {
      bits = Math.min(bits, 10);
    }
    if (pw.replace(/ {2,}/g, " ").length < 12) {
      bits = Math.min(bits, 20);
    }
    return bits < 28 ? 0 : bits < 36 ? 1 : bits < 50 ? 2 : bits < 64 ? 3 : 4;
  }

  var fields = document.querySelectorAll('input[data-strength]');
  Array.prototype.forEach.call(fields, function (input) {
    var box = document.getElementById(input.getAttribute('data-strength'));
    if (!box) {
      return;
    }
    var meter = box.querySelector('meter');
    var text = box.querySelector('[data-strength-text]');
    var labels = (box.getAttribute('data-labels') || '').split('|');
    var update = function () {
      var pw = input.value;
      var tooLong = chars(pw).length > MAX;
      var s = tooLong ? 0 : score(pw);
      meter.value = pw ? s + 1 : 0;
      box.setAttribute('data-score', pw ? String(s) : '');
      text.textContent = !pw ? '' : tooLong ? box.getAttribute('data-too-long') : (labels[s] || '');
    };
    box.hidden = false;
    input.addEventListener('input', update);
    update();
  });

  var toggles = document.querySelectorAll('button[data-show-password]');
  Array.prototype.forEach.call(toggles, function (button) {
    var input = document.getElementById(button.getAttribute('data-show-password'));
    if (!input) {
      return;
    }
    button.hidden = false;
    button.addEventListener('click', function () {
      var show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      button.setAttribute('aria-pressed', show ? 'true' : 'false');
      button.textContent = button.getAttribute(show ? 'data-hide' : 'data-show');
      input.focus();
    });
  });
}());
