/** Marks on a person's glucose curve from other parts of their data (the logbook's entries). */
package org.mqcgm.server.platform.marks;
