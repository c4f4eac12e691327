/** Benchmarks: JMH micro-benchmarks of the hot pure code, and an HTTP load driver against a running server. */
package org.mqcgm.bench;
