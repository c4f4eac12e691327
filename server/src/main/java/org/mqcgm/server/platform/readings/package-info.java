/** Readings as other features see them arrive: the port through which the glucose feature announces stored uploads. */
package org.mqcgm.server.platform.readings;
