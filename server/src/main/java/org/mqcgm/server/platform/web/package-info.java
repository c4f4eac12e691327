/** Server-rendered pages: JTE templates, English and Simplified Chinese messages, CSRF tokens, UI preferences. */
package org.mqcgm.server.platform.web;
