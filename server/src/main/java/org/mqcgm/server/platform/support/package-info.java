/** The port to customer service: opening tickets on a person's behalf (compromise reports, human reviews). */
package org.mqcgm.server.platform.support;
