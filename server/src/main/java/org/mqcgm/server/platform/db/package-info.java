/** The PostgreSQL connection pool, Flyway migrations, JDBI (the embedded PostgreSQL of the demo and tests is in {@code localdb}). */
package org.mqcgm.server.platform.db;
