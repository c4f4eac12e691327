/**
 * Reading the export files people bring from the systems they used before — Dexcom Clarity CSV, LibreView CSV,
 * Nightscout entries JSON and Tidepool JSON — into readings, with a reason for every row left out.
 *
 * <p>Pure JDK (the core's rule, {@code CoreArchitectureTest}): the parsers take the file's bytes and do no I/O.
 * That is why this package carries its own small RFC 4180 reader ({@link Csv}) and JSON reader ({@link MiniJson})
 * instead of FastCSV and Jackson (which the server has): the parsers stay unit-testable and fuzzable in the core,
 * and the CLI, the server and the benchmark share exactly the same code. Decisions are in {@code docs/imports.md}.
 */
package org.mqcgm.core.imports;
