/** What every feature shares: HTTP plumbing, the database, keys and encryption, page rendering, access control. */
package org.mqcgm.server.platform;
