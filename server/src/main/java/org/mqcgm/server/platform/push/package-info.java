/** Notifications to a person's devices (Web Push), as a port: the push feature implements it, alerts use it. */
package org.mqcgm.server.platform.push;
