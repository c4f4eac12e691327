/**
 * Messages to people outside the web app: e-mail over SMTP and SMS through a pluggable channel (the bundled one
 * writes to a local outbox folder). Sent asynchronously, so a response's timing never depends on whether a message
 * went out (no account enumeration) and a slow mail server never blocks a request. Bodies never carry glucose
 * values or health notes (PR-55) and have no tracking (PR-38).
 */
package org.mqcgm.server.platform.outbound;
