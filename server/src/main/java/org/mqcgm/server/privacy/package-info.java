/** Privacy: the published policy now; the privacy-rights engine (consents, exports, deletion) grows here. */
package org.mqcgm.server.privacy;
