/** Text checks shared by features: contact details in a text others would see (PR-90). */
package org.mqcgm.server.platform.text;
