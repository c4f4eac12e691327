package org.mqcgm.server.reports;

import java.util.List;

/**
 * The model of the {@code /reports} page: the period form (echoing what was asked), the problems with it, and
 * the report when the form was valid.
 *
 * @param from        first day in the form (yyyy-MM-dd)
 * @param to          last day in the form
 * @param populations the choices of target groups
 * @param errors      what is wrong with the form, in the user's language
 * @param view        the report, null when the form has errors
 * @param pdfUrl      the PDF of the same report
 */
public record ReportPage(String from, String to, List<Option> populations, List<String> errors, ReportView view,
                         String pdfUrl) {

    public record Option(String id, String label, boolean selected) {
    }
}
