/** Alerts: a wearer's alert rules (the rules themselves are {@code org.mqcgm.core.alerts}); more to come (issue 13). */
package org.mqcgm.server.alerts;
