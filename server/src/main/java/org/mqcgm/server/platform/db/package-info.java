/** The PostgreSQL connection pool, Flyway migrations, JDBI, and the embedded PostgreSQL used by the demo and tests. */
package org.mqcgm.server.platform.db;
