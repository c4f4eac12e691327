/**
 * Log redaction and log files (PR-33): contact details in any log line or exception message are masked by the
 * layout itself, and the optional log files roll daily and are kept 30 days.
 */
package org.mqcgm.server.platform.logging;
