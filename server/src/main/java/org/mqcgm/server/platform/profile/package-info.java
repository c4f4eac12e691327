/** The profile port: what features may know about a signed-in person (name to show, language, unit, zone). */
package org.mqcgm.server.platform.profile;
