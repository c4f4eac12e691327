package org.mqcgm.collector;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The collector's counters and gauges, exposed in the Prometheus text format ({@link #prometheusText()}) — the
 * CLI writes them to {@code metrics.prom} in the queue directory for a node_exporter textfile collector. Labels
 * are fixed words (reasons, kinds, target names), never values or addresses.
 */
public final class CollectorMetrics {

    /** Packets rejected, by {@code reason}: crc, malformed, future. */
    public static final String REJECTED = "ble_rejected_total";
    /** Records not uploaded as glucose, by {@code kind}: out_of_range, nan, nres, high, low. */
    public static final String IMPLAUSIBLE = "ble_implausible_total";
    public static final String DUPLICATES = "ble_duplicates_total";
    public static final String RECORDS = "ble_records_total";
    public static final String CONNECTIONS = "ble_connections_total";
    public static final String LINK_LOST = "ble_link_lost_total";
    public static final String BACKFILLS = "ble_backfills_total";
    public static final String UPLOADED = "upload_accepted_total";
    public static final String UPLOAD_DUPLICATES = "upload_duplicates_total";
    public static final String UPLOAD_REJECTED = "upload_rejected_total";
    public static final String UPLOAD_FAILURES = "upload_failures_total";
    public static final String CLOCK_SKEW = "ble_clock_skew_seconds";
    public static final String QUEUE_PENDING = "queue_pending";

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    private static String key(String name, String... labels) {
        if (labels.length == 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labels[i]).append("=\"").append(labels[i + 1].replace("\"", "")).append('"');
        }
        return sb.append('}').toString();
    }

    public void increment(String name, String... labels) {
        add(name, 1, labels);
    }

    public void add(String name, long n, String... labels) {
        counters.computeIfAbsent(key(name, labels), k -> new LongAdder()).add(n);
    }

    public void set(String name, long value, String... labels) {
        gauges.computeIfAbsent(key(name, labels), k -> new AtomicLong()).set(value);
    }

    /** Current value of a counter or gauge (0 if never touched). */
    public long value(String name, String... labels) {
        String k = key(name, labels);
        LongAdder c = counters.get(k);
        if (c != null) {
            return c.sum();
        }
        AtomicLong g = gauges.get(k);
        return g == null ? 0 : g.get();
    }

    /** All series in the Prometheus text exposition format, sorted. */
    public String prometheusText() {
        Map<String, Long> all = new TreeMap<>();
        counters.forEach((k, v) -> all.put(k, v.sum()));
        gauges.forEach((k, v) -> all.put(k, v.get()));
        StringBuilder sb = new StringBuilder();
        String lastName = null;
        for (Map.Entry<String, Long> e : all.entrySet()) {
            String name = e.getKey().contains("{") ? e.getKey().substring(0, e.getKey().indexOf('{')) : e.getKey();
            if (!name.equals(lastName)) {
                sb.append("# TYPE ").append(name).append(name.endsWith("_total") ? " counter" : " gauge").append('\n');
                lastName = name;
            }
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }
}
