/** Media people upload (photos): the port the photos feature provides to the features photos are attached to. */
package org.mqcgm.server.platform.media;
