package org.mqcgm.server.platform.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operational metrics for operators, in Prometheus' text format at {@code /metrics} on a separate listener that is
 * off by default ({@code MQCGM_METRICS_PORT}; bound to loopback unless {@code MQCGM_METRICS_HOST} says otherwise).
 * A separate listener keeps the scrape outside the application's routes, sessions and tokens; it serves counts and
 * timings by route template, job and pool, never anything about a person (no ids, no paths with values, no glucose).
 *
 * <p>What is measured: {@code http_server_requests_seconds} (method, route template, status), the readings
 * accepted/duplicate/rejected by uploads ({@code mqcgm_readings_total}), jobs ({@code mqcgm_job_seconds},
 * {@code mqcgm_job_rows_total}), the connection pool ({@code hikaricp_*}) and the JVM.
 */
public final class Metrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Metrics.class);
    /** The route tag of requests that matched no route: one series for them all, whatever the path. */
    public static final String UNMATCHED = "UNMATCHED";

    /**
     * @param host where the exporter listens (loopback by default)
     * @param port its port; 0 picks a free one; null turns the exporter off
     */
    public record Settings(String host, Integer port) {
        public static final Settings OFF = new Settings("127.0.0.1", null);

        public boolean enabled() {
            return port != null;
        }
    }

    private final PrometheusMeterRegistry registry;
    private final HttpServer exporter;

    private Metrics(PrometheusMeterRegistry registry, HttpServer exporter) {
        this.registry = registry;
        this.exporter = exporter;
    }

    /**
     * Creates the registry (always, so features can hold their counters) and, when the settings ask for it, binds
     * the JVM's gauges and starts the exporter.
     */
    public static Metrics start(Settings settings) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", "mqcgm");
        if (!settings.enabled()) {
            // Nobody can read them: no JVM gauges and no timer per request (features' counters stay, they are cheap).
            return new Metrics(registry, null);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "metrics-exporter");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/metrics", exchange -> {
                try (exchange) {
                    if (!"GET".equals(exchange.getRequestMethod())) {
                        exchange.sendResponseHeaders(405, -1);
                        return;
                    }
                    byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.getResponseHeaders().set("Cache-Control", "no-store");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.start();
            log.info("metrics for operators at http://{}:{}/metrics", settings.host(),
                    server.getAddress().getPort());
            return new Metrics(registry, server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for metrics on " + settings.host() + ":"
                    + settings.port(), e);
        }
    }

    /** The registry features record into (Micrometer's API). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The exporter's port, or -1 when it is off. */
    public int port() {
        return exporter == null ? -1 : exporter.getAddress().getPort();
    }

    /**
     * Records one HTTP request by its route template (never the raw path: a request that matched no route — null,
     * or Javalin's catch-all {@code *} — counts as {@link #UNMATCHED}, so probing paths adds no series).
     */
    public void request(String method, String routeTemplate, int status, Duration took) {
        if (exporter == null) {
            return;
        }
        Timer.builder("http.server.requests")
                .tag("method", method)
                .tag("route", routeTemplate == null || routeTemplate.equals("*")
                        || routeTemplate.equals("(no route)") ? UNMATCHED : routeTemplate)
                .tag("status", Integer.toString(status))
                .publishPercentileHistogram(false)
                .register(registry)
                .record(took);
    }

    /** Records one run of a job. */
    public void job(String name, int rows, Duration took) {
        if (exporter == null) {
            return;
        }
        Timer.builder("mqcgm.job").tag("job", name).register(registry).record(took);
        registry.counter("mqcgm.job.rows", "job", name).increment(rows);
    }

    /** The text a scrape would return (tests, the CLI). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (exporter != null) {
            exporter.stop(0);
        }
        registry.close();
    }
}
