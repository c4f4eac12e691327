/** Search across features: the port through which a person's own private content is searched for them. */
package org.mqcgm.server.platform.search;
