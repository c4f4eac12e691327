/**
 * Reports: consensus CGM metrics, targets, the ambulatory glucose profile (AGP), daily profiles, episodes and the
 * comparison with the previous period, computed by {@code org.mqcgm.core.metrics} from the stored readings of a
 * period of local days; served as JSON ({@code /api/v1/reports}), as a web page ({@code /reports}) and as a
 * one-page PDF modelled on the IDC AGP report ({@code /api/v1/reports/agp.pdf}). Every report is logged with
 * its algorithm version ({@code report_log}).
 */
package org.mqcgm.server.reports;
