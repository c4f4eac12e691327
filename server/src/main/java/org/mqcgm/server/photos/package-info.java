/**
 * Photos: uploads recognised by content, re-encoded without any metadata, thumbnailed and stored encrypted under
 * the owner's key; served to the owner, and to followers with the {@code photos} share for the logbook's photos. The
 * logbook and the community attach photos through the {@link org.mqcgm.server.platform.media.Photos} port.
 */
package org.mqcgm.server.photos;
