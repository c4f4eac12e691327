/** A person's anonymised glucose metrics of a recent period, for attaching to what they publish. */
package org.mqcgm.server.platform.snapshot;
