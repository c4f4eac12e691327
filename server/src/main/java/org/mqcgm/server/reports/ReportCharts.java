package org.mqcgm.server.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.metrics.AmbulatoryGlucoseProfile.Bin;
import org.mqcgm.core.metrics.TimeInRanges;
import org.mqcgm.server.platform.marks.CheckinMarks;

/**
 * The report's server-rendered SVG charts: the stacked time-in-ranges bar, the AGP percentile chart and the daily
 * profiles. Only classes, no inline style and no script (CSP); the web page styles them with {@code app.css}.
 * For the PDF ({@code styled}) each SVG carries its own {@code <style>} with the same rules
 * ({@code reports/charts.css}), since the PDF renderer draws SVG without the page's stylesheet. Texts inside the
 * charts are numbers and times only; words stay in the HTML around them, in the user's language.
 */
final class ReportCharts {

    /** The glucose axis of the AGP and the daily profiles, as on the IDC AGP report: 0–350 mg/dL. */
    static final int AXIS_TOP = 350;
    private static final Duration MAX_JOIN = Duration.ofMinutes(15);
    private static final String CSS = load("/reports/charts.css");

    private final boolean styled;
    private final List<CheckinMarks.Mark> marks;

    /** @param styled true: embed the chart rules in every SVG (PDF); false: classes only (web page) */
    ReportCharts(boolean styled) {
        this(styled, List.of());
    }

    /** @param marks the logbook's entries of the period, drawn on the daily profiles */
    ReportCharts(boolean styled, List<CheckinMarks.Mark> marks) {
        this.styled = styled;
        this.marks = List.copyOf(marks);
    }

    private StringBuilder open(String cls, double w, double h, String label) {
        StringBuilder s = new StringBuilder(4096);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").append(cls).append("\" viewBox=\"0 0 ")
                .append(fmt(w)).append(' ').append(fmt(h)).append("\" width=\"").append(fmt(w))
                .append("\" height=\"").append(fmt(h)).append("\" role=\"img\" aria-label=\"").append(escape(label))
                .append("\">");
        if (styled) {
            s.append("<style type=\"text/css\"><![CDATA[").append(CSS).append("]]></style>");
        }
        return s;
    }

    /** Vertical stacked bar of the five consensus bands, very high on top, heights proportional. */
    String timeInRangesBar(TimeInRanges t, String label) {
        double h = 200;
        StringBuilder s = open("tir-stack", 36, h, label);
        double[] pct = {t.veryHighPercent(), t.highPercent(), t.inRangePercent(), t.lowPercent(), t.veryLowPercent()};
        String[] cls = {"vhigh", "high", "inrange", "low", "vlow"};
        double y = 0;
        for (int i = 0; i < 5; i++) {
            double bandHeight = Double.isNaN(pct[i]) ? 0 : h * pct[i] / 100;
            if (bandHeight > 0) {
                s.append("<rect class=\"").append(cls[i]).append("\" x=\"0\" y=\"").append(fmt(y))
                        .append("\" width=\"36\" height=\"").append(fmt(bandHeight)).append("\"/>");
            }
            y += bandHeight;
        }
        return s.append("</svg>").toString();
    }

    /**
     * The AGP chart: 5–95 % and 25–75 % bands and the median over the day, target lines at 70 and 180 mg/dL,
     * thresholds 54 and 250, hours every three hours. Without {@code curves} only the frame is drawn.
     */
    String agp(List<Bin> bins, boolean curves, GlucoseUnit unit, String label) {
        double w = 360;
        double h = 200;
        Frame f = new Frame(28, 342, 8, 182, 0, AXIS_TOP, 1440);
        StringBuilder s = open("agp", w, h, label);
        s.append("<rect class=\"target\" x=\"").append(fmt(f.left)).append("\" y=\"").append(fmt(f.y(180)))
                .append("\" width=\"").append(fmt(f.right - f.left)).append("\" height=\"")
                .append(fmt(f.y(70) - f.y(180))).append("\"/>");
        for (int hour = 0; hour <= 24; hour += 3) {
            double x = f.x(hour * 60);
            s.append("<line class=\"hour\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
                    .append(fmt(f.top)).append("\" y2=\"").append(fmt(f.bottom)).append("\"/>");
            s.append("<text class=\"xlabel\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(f.bottom + 12))
                    .append("\">").append(hour < 10 ? "0" : "").append(hour).append(":00</text>");
        }
        for (int g : new int[] {54, 70, 180, 250, AXIS_TOP}) {
            String cls = g == 70 || g == 180 ? "guide limit" : "guide";
            s.append("<line class=\"").append(cls).append("\" x1=\"").append(fmt(f.left)).append("\" x2=\"")
                    .append(fmt(f.right)).append("\" y1=\"").append(fmt(f.y(g))).append("\" y2=\"").append(fmt(f.y(g)))
                    .append("\"/>");
            s.append("<text class=\"ylabel\" x=\"").append(fmt(f.left - 3)).append("\" y=\"").append(fmt(f.y(g) + 3))
                    .append("\">").append(unit.format(g)).append("</text>");
        }
        if (curves && !bins.isEmpty()) {
            int n = bins.size();
            int start = 0;
            // Runs of non-empty bins; the bin at 00:00 is repeated at 24:00 so the curve wraps at midnight.
            while (start <= n) {
                while (start <= n && bins.get(start % n).values() == 0) {
                    start++;
                }
                int end = start;
                while (end <= n && bins.get(end % n).values() > 0) {
                    end++;
                }
                if (end - start >= 2) {
                    band(s, f, bins, start, end, "p5-95", Bin::p95, Bin::p05);
                    band(s, f, bins, start, end, "p25-75", Bin::p75, Bin::p25);
                    StringBuilder median = new StringBuilder();
                    for (int i = start; i < end; i++) {
                        median.append(i == start ? "M" : " L").append(fmt(f.x(minute(bins, i)))).append(' ')
                                .append(fmt(f.y(bins.get(i % n).p50())));
                    }
                    s.append("<path class=\"p50\" d=\"").append(median).append("\"/>");
                }
                start = end;
            }
        }
        return s.append("</svg>").toString();
    }

    private static int minute(List<Bin> bins, int i) {
        return i >= bins.size() ? 1440 : bins.get(i).startMinuteOfDay();
    }

    private static void band(StringBuilder s, Frame f, List<Bin> bins, int start, int end, String cls,
                             java.util.function.ToDoubleFunction<Bin> upper,
                             java.util.function.ToDoubleFunction<Bin> lower) {
        int n = bins.size();
        s.append("<path class=\"").append(cls).append("\" d=\"");
        for (int i = start; i < end; i++) {
            s.append(i == start ? "M" : " L").append(fmt(f.x(minute(bins, i)))).append(' ')
                    .append(fmt(f.y(upper.applyAsDouble(bins.get(i % n)))));
        }
        for (int i = end - 1; i >= start; i--) {
            s.append(" L").append(fmt(f.x(minute(bins, i)))).append(' ')
                    .append(fmt(f.y(lower.applyAsDouble(bins.get(i % n)))));
        }
        s.append(" Z\"/>");
    }

    /**
     * One day, midnight to midnight local time: the target range shaded, the trace broken at gaps over 15 minutes,
     * its parts below 70 and above 180 mg/dL drawn in the band colours.
     */
    String day(Report.DayProfile d, String label) {
        double w = 100;
        double h = 60;
        long dayStart = d.start().toEpochSecond();
        double dayMinutes = (d.end().toEpochSecond() - dayStart) / 60.0;
        Frame f = new Frame(0, w, 2, h - 2, 40, AXIS_TOP, dayMinutes);
        StringBuilder s = open("day", w, h, label);
        s.append("<rect class=\"target\" x=\"0\" y=\"").append(fmt(f.y(180))).append("\" width=\"").append(fmt(w))
                .append("\" height=\"").append(fmt(f.y(70) - f.y(180))).append("\"/>");
        s.append("<line class=\"hour\" x1=\"50\" x2=\"50\" y1=\"0\" y2=\"").append(fmt(h)).append("\"/>");
        StringBuilder low = new StringBuilder();
        StringBuilder in = new StringBuilder();
        StringBuilder high = new StringBuilder();
        Reading prev = null;
        for (Reading r : d.readings()) {
            double x = f.x((r.time().getEpochSecond() - dayStart) / 60.0);
            if (prev != null && Duration.between(prev.time(), r.time()).compareTo(MAX_JOIN) <= 0) {
                double px = f.x((prev.time().getEpochSecond() - dayStart) / 60.0);
                segment(f, px, prev.mgdl(), x, r.mgdl(), low, in, high);
            } else {
                // A lone reading (or the first after a gap) is a short mark of its band's colour.
                StringBuilder target = r.mgdl() < 70 ? low : r.mgdl() > 180 ? high : in;
                target.append(" M").append(fmt(x)).append(' ').append(fmt(f.y(r.mgdl()))).append(" h0.4");
            }
            prev = r;
        }
        path(s, "trace low", low);
        path(s, "trace inrange", in);
        path(s, "trace high", high);
        for (CheckinMarks.Mark m : marks) {
            long t = m.time().getEpochSecond();
            if (t >= dayStart && t < d.end().toEpochSecond()) {
                String kind = escape(m.kind());
                s.append("<circle class=\"checkin ").append(kind).append("\" data-kind=\"").append(kind)
                        .append("\" cx=\"").append(fmt(f.x((t - dayStart) / 60.0))).append("\" cy=\"3\" r=\"2\">")
                        .append("<title>").append(escape(m.label())).append("</title></circle>");
            }
        }
        return s.append("</svg>").toString();
    }

    /** Splits the segment at the 70 and 180 mg/dL crossings and adds each piece to its band's path. */
    private static void segment(Frame f, double x0, double g0, double x1, double g1, StringBuilder low,
                                StringBuilder in, StringBuilder high) {
        double[] cuts = {70, 180};
        double xa = x0;
        double ga = g0;
        for (int pass = 0; pass < 2; pass++) {
            double c = g1 >= g0 ? cuts[pass] : cuts[1 - pass];
            if ((ga < c && g1 > c) || (ga > c && g1 < c)) {
                double t = (c - ga) / (g1 - ga);
                double xc = xa + t * (x1 - xa);
                piece(f, xa, ga, xc, c, low, in, high);
                xa = xc;
                ga = c;
            }
        }
        piece(f, xa, ga, x1, g1, low, in, high);
    }

    private static void piece(Frame f, double x0, double g0, double x1, double g1, StringBuilder low,
                              StringBuilder in, StringBuilder high) {
        double mid = (g0 + g1) / 2;
        StringBuilder target = mid < 70 ? low : mid > 180 ? high : in;
        target.append(" M").append(fmt(x0)).append(' ').append(fmt(f.y(g0))).append(" L").append(fmt(x1)).append(' ')
                .append(fmt(f.y(g1)));
    }

    private static void path(StringBuilder s, String cls, StringBuilder d) {
        if (!d.isEmpty()) {
            s.append("<path class=\"").append(cls).append("\" d=\"").append(d.toString().trim()).append("\"/>");
        }
    }

    /**
     * Maps minutes since the start of the day ({@code minutes} long: 1440, or 1380/1500 on DST days) and glucose
     * to chart coordinates; glucose is clamped to the axis.
     */
    private record Frame(double left, double right, double top, double bottom, double gMin, double gMax,
                         double minutes) {
        double x(double minute) {
            return left + (right - left) * minute / minutes;
        }

        double y(double mgdl) {
            double g = Math.max(gMin, Math.min(gMax, mgdl));
            return bottom - (bottom - top) * (g - gMin) / (gMax - gMin);
        }
    }

    /** One decimal, locale-independent. */
    static String fmt(double v) {
        long tenths = Math.round(v * 10);
        StringBuilder b = new StringBuilder(8);
        if (tenths < 0) {
            b.append('-');
            tenths = -tenths;
        }
        return b.append(tenths / 10).append('.').append(tenths % 10).toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String load(String resource) {
        try (InputStream in = ReportCharts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
