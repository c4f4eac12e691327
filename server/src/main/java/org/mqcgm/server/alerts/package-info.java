/**
 * Alerts: a wearer's alert rules (the rules themselves are {@code org.mqcgm.core.alerts}), the alerts raised on
 * ingest once per episode with their inputs, rule version and why, their delivery (push, e-mail, repeats),
 * escalation to followers, signal loss and sensor-ending notices, the Alerts page (issue 13).
 */
package org.mqcgm.server.alerts;
