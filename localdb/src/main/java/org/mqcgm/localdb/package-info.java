/**
 * A local PostgreSQL server from binaries packaged in a Maven artifact, for the demo, the tests and the benchmarks.
 * The production server never depends on this module (an enforcer rule in the server's build keeps it so).
 */
package org.mqcgm.localdb;
