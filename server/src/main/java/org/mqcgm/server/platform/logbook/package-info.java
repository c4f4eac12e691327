/** The logbook's check-ins as other features write and read them (the Nightscout API's treatments, imports). */
package org.mqcgm.server.platform.logbook;
