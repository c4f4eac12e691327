/**
 * Test support shared by every module: records which tests are tagged with which privacy requirement (PR-xx) and
 * how they ended, and turns those records into the traceability report.
 */
package org.mqcgm.testkit;
