/** Server-rendered pages: JTE templates, English and Simplified Chinese messages, CSRF tokens, UI preferences,
 * static files under content-hashed names ({@link org.mqcgm.server.platform.web.StaticAssets}). */
package org.mqcgm.server.platform.web;
