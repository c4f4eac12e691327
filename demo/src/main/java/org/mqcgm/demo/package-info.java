/**
 * {@code mqcgm demo}: an embedded PostgreSQL in a local folder, a demo account with 14 days of simulated
 * history, and a simulated sensor that keeps adding readings — the whole product on one machine with one command.
 */
package org.mqcgm.demo;
