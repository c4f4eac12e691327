package org.mqcgm.server.glucose;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.marks.CheckinMarks;

/**
 * Server-rendered SVG chart of glucose over a time window: the target range (70–180 mg/dL) shaded, one dot per
 * reading coloured by range, a line joining readings no more than 15 minutes apart (gaps stay gaps), and hour
 * labels in the wearer's local time. Hours are stepped on the time line, so a DST change shows its repeated or
 * missing hour as it happened. The SVG has no script and no inline style (CSP), only classes styled by app.css.
 */
public final class GlucoseChart {

    public static final int TARGET_LOW = 70;
    public static final int TARGET_HIGH = 180;
    private static final Duration MAX_JOIN = Duration.ofMinutes(15);

    private static final double WIDTH = 360;
    private static final double HEIGHT = 220;
    private static final double LEFT = 34;
    private static final double RIGHT = 352;
    private static final double TOP = 10;
    private static final double BOTTOM = 196;

    private GlucoseChart() {
    }

    /**
     * @param readings readings in the window, oldest first
     * @param from     start of the window
     * @param to       end of the window
     * @param zone     the wearer's time zone for hour labels
     * @param unit     unit of the axis labels
     * @param title    accessible title of the chart
     */
    public static String render(List<Reading> readings, Instant from, Instant to, ZoneId zone, GlucoseUnit unit,
                                String title, String emptyText) {
        return render(readings, from, to, zone, unit, title, emptyText, List.of(), 3);
    }

    /**
     * The chart with the user's annotations: each drawn as a band over its time span, readings under an excluding
     * annotation drawn hollow (kept, but left out of statistics). Low/High readings are drawn as triangles at the
     * sensor's limit. {@code tickHours} spaces the hour labels (3 for a day, 24 for small week charts).
     */
    public static String render(List<Reading> readings, Instant from, Instant to, ZoneId zone, GlucoseUnit unit,
                                String title, String emptyText, List<Annotations.Annotation> annotations,
                                int tickHours) {
        return render(readings, from, to, zone, unit, title, emptyText, annotations, tickHours, List.of(), k -> k);
    }

    /**
     * The chart with the logbook's entries too: each a dashed line at its time with a dot (class {@code checkin} and
     * its kind) at the top, its kind ({@code kindName}) and label as its tooltip and its label beside it.
     */
    public static String render(List<Reading> readings, Instant from, Instant to, ZoneId zone, GlucoseUnit unit,
                                String title, String emptyText, List<Annotations.Annotation> annotations,
                                int tickHours, List<CheckinMarks.Mark> marks,
                                java.util.function.Function<String, String> kindName) {
        int max = readings.stream().mapToInt(Reading::mgdl).max().orElse(0);
        int top = max > 300 ? 400 : 300;
        int bottom = 40;
        Scale s = new Scale(from, to, bottom, top);
        StringBuilder svg = new StringBuilder(16_384);
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(fmt(WIDTH)).append(' ').append(fmt(HEIGHT))
                .append("\" role=\"img\" aria-label=\"").append(escape(title)).append("\">")
                .append("<title>").append(escape(title)).append("</title>");
        // Target range band.
        svg.append("<rect class=\"target\" x=\"").append(fmt(LEFT)).append("\" y=\"").append(fmt(s.y(TARGET_HIGH)))
                .append("\" width=\"").append(fmt(RIGHT - LEFT)).append("\" height=\"")
                .append(fmt(s.y(TARGET_LOW) - s.y(TARGET_HIGH))).append("\"/>");
        // Annotations as bands behind the data.
        for (Annotations.Annotation a : annotations) {
            double x1 = Math.max(LEFT, s.x(a.start()));
            double x2 = Math.min(RIGHT, s.x(a.end()));
            if (x2 >= x1) {
                svg.append("<rect class=\"annotation").append(a.exclude() ? " excluding" : "").append("\" x=\"")
                        .append(fmt(x1)).append("\" y=\"").append(fmt(TOP)).append("\" width=\"")
                        .append(fmt(Math.max(1, x2 - x1))).append("\" height=\"").append(fmt(BOTTOM - TOP))
                        .append("\"><title>").append(escape(a.kind())).append("</title></rect>");
            }
        }
        // Horizontal guides and glucose labels.
        // 54 mg/dL (level 2) is shown by the dots' colour; its label would collide with 70 on a phone.
        for (int g : new int[] {TARGET_LOW, TARGET_HIGH, 250, top}) {
            if (g > top) {
                continue;
            }
            svg.append("<line class=\"guide").append(g == TARGET_LOW || g == TARGET_HIGH ? " limit" : "")
                    .append("\" x1=\"").append(fmt(LEFT)).append("\" x2=\"").append(fmt(RIGHT))
                    .append("\" y1=\"").append(fmt(s.y(g))).append("\" y2=\"").append(fmt(s.y(g))).append("\"/>");
            svg.append("<text class=\"ylabel\" x=\"").append(fmt(LEFT - 4)).append("\" y=\"")
                    .append(fmt(s.y(g) + 3)).append("\">").append(unit.format(g)).append("</text>");
        }
        // Local hour ticks every three hours.
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
        ZonedDateTime tick = from.atZone(zone).truncatedTo(ChronoUnit.HOURS).plusHours(1);
        while (!tick.toInstant().isAfter(to)) {
            if (tick.getHour() % tickHours == 0) {
                double x = s.x(tick.toInstant());
                svg.append("<line class=\"hour\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x))
                        .append("\" y1=\"").append(fmt(TOP)).append("\" y2=\"").append(fmt(BOTTOM)).append("\"/>");
                svg.append("<text class=\"xlabel\" x=\"").append(fmt(x)).append("\" y=\"")
                        .append(fmt(BOTTOM + 14)).append("\">").append(tick.format(hhmm)).append("</text>");
            }
            tick = tick.plusHours(1);
        }
        if (readings.isEmpty()) {
            svg.append("<text class=\"empty\" x=\"").append(fmt((LEFT + RIGHT) / 2)).append("\" y=\"")
                    .append(fmt((TOP + BOTTOM) / 2)).append("\">").append(escape(emptyText)).append("</text>");
        }
        // Lines between close readings; a gap longer than 15 minutes starts a new segment.
        StringBuilder path = new StringBuilder();
        Reading prev = null;
        for (Reading r : readings) {
            boolean join = prev != null && Duration.between(prev.time(), r.time()).compareTo(MAX_JOIN) <= 0;
            path.append(join ? " L" : " M").append(fmt(s.x(r.time()))).append(' ').append(fmt(s.y(r.mgdl())));
            prev = r;
        }
        if (!path.isEmpty()) {
            svg.append("<path class=\"trace\" d=\"").append(path.toString().trim()).append("\"/>");
        }
        List<Annotations.Annotation> excluding = annotations.stream().filter(Annotations.Annotation::exclude).toList();
        for (Reading r : readings) {
            boolean excluded = excluding.stream().anyMatch(a -> a.covers(r.time()));
            double x = s.x(r.time());
            double y = s.y(r.mgdl());
            if (r.marker() != Reading.Marker.VALUE) {
                // Low/High: a triangle at the limit, pointing where the true value lies.
                double dy = r.marker() == Reading.Marker.LOW ? 3 : -3;
                svg.append("<path class=\"marker ").append(r.marker() == Reading.Marker.LOW ? "vlow" : "vhigh")
                        .append(excluded ? " excluded" : "").append("\" d=\"M").append(fmt(x - 2.5)).append(' ')
                        .append(fmt(y - dy)).append(" L").append(fmt(x + 2.5)).append(' ').append(fmt(y - dy))
                        .append(" L").append(fmt(x)).append(' ').append(fmt(y + dy)).append(" Z\"/>");
                continue;
            }
            svg.append("<circle class=\"").append(rangeClass(r.mgdl())).append(excluded ? " excluded" : "")
                    .append("\" cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y)).append("\" r=\"1.6\"/>");
        }
        for (CheckinMarks.Mark m : marks) {
            if (m.time().isBefore(from) || m.time().isAfter(to)) {
                continue;
            }
            double x = s.x(m.time());
            String kind = escape(m.kind());
            String tip = escape(kindName.apply(m.kind()) + (m.label().isEmpty() ? "" : " " + m.label()));
            svg.append("<g class=\"checkin ").append(kind).append("\" data-kind=\"").append(kind).append("\">")
                    .append("<title>").append(tip).append("</title>")
                    .append("<line class=\"checkin-line\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x))
                    .append("\" y1=\"").append(fmt(TOP + 5)).append("\" y2=\"").append(fmt(BOTTOM)).append("\"/>")
                    .append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(TOP + 5))
                    .append("\" r=\"3.5\"/>");
            if (!m.label().isEmpty()) {
                // Near the right edge the label goes to the left of its mark.
                boolean left = x > RIGHT - 40;
                svg.append("<text class=\"checkin-label\" x=\"").append(fmt(left ? x - 5 : x + 5))
                        .append(left ? "\" text-anchor=\"end" : "").append("\" y=\"").append(fmt(TOP + 8))
                        .append("\">").append(escape(m.label())).append("</text>");
            }
            svg.append("</g>");
        }
        if (!readings.isEmpty()) {
            Reading last = readings.get(readings.size() - 1);
            svg.append("<circle class=\"current ").append(rangeClass(last.mgdl())).append("\" cx=\"")
                    .append(fmt(s.x(last.time()))).append("\" cy=\"").append(fmt(s.y(last.mgdl())))
                    .append("\" r=\"4\"/>");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    /** CSS class of a glucose value: very low, low, in range, high, very high (the consensus bands). */
    public static String rangeClass(int mgdl) {
        if (mgdl < 54) return "vlow";
        if (mgdl < TARGET_LOW) return "low";
        if (mgdl <= TARGET_HIGH) return "inrange";
        if (mgdl <= 250) return "high";
        return "vhigh";
    }

    private record Scale(Instant from, Instant to, int bottom, int top) {
        double x(Instant t) {
            double span = to.getEpochSecond() - from.getEpochSecond();
            return LEFT + (RIGHT - LEFT) * (t.getEpochSecond() - from.getEpochSecond()) / span;
        }

        double y(int mgdl) {
            int g = Math.max(bottom, Math.min(top, mgdl));
            return BOTTOM - (BOTTOM - TOP) * (g - bottom) / (double) (top - bottom);
        }
    }

    /** One decimal, locale-independent; hand-rolled because String.format dominated the rendering time. */
    static String fmt(double v) {
        long tenths = Math.round(v * 10);
        String sign = tenths < 0 ? "-" : "";
        tenths = Math.abs(tenths);
        return sign + (tenths / 10) + "." + (tenths % 10);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
