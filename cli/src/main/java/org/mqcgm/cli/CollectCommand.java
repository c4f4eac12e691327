package org.mqcgm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mqcgm.collector.Collector;
import org.mqcgm.collector.CollectorMetrics;
import org.mqcgm.collector.PairingFile;
import org.mqcgm.collector.bluez.BluezBoundary;
import org.mqcgm.collector.bluez.BluezTransport;
import org.mqcgm.collector.bluez.DbusBluez;
import org.mqcgm.collector.queue.ReadingJournal;
import org.mqcgm.collector.transport.CgmTransport;
import org.mqcgm.collector.transport.InProcessTransport;
import org.mqcgm.collector.transport.SensorHost;
import org.mqcgm.collector.transport.SocketTransport;
import org.mqcgm.collector.upload.Backoff;
import org.mqcgm.collector.upload.Connection;
import org.mqcgm.collector.upload.CrashReporter;
import org.mqcgm.collector.upload.MqcgmApiTarget;
import org.mqcgm.collector.upload.NightscoutTarget;
import org.mqcgm.collector.upload.UploadTarget;
import org.mqcgm.collector.upload.Uploader;
import org.mqcgm.server.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqcgm collect}: the Bluetooth collector — a sensor (simulated, over a socket, or BlueZ) → the encrypted
 * queue → the mqcgm API (and optionally Nightscout).
 */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Receive a CGM over Bluetooth (or a simulated one), queue every reading on disk (encrypted) "
                + "and upload it to mqcgm (and optionally Nightscout) exactly once.",
                "Writes metrics.prom (Prometheus text) into the queue directory."})
final class CollectCommand implements Runnable {

    /** Which sensor. */
    static final class Source {
        @Option(names = "--simulate", required = true, description = "A virtual sensor in this process.")
        boolean simulate;

        @Option(names = "--sensor-socket", required = true, description = "A 'mqcgm sensor simulate --socket' sensor.")
        Path sensorSocket;

        @Option(names = "--sensor-port", required = true, description = "A 'mqcgm sensor simulate --port' sensor.")
        Integer sensorPort;

        @Option(names = "--adapter", required = true, description = "A real CGM through BlueZ, e.g. hci0.")
        String adapter;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--server", description = "mqcgm base URL, e.g. https://cgm.example.org")
    URI server;

    @Option(names = "--token", description = "API token with readings:write (or MQCGM_TOKEN).")
    String token;

    @Option(names = "--demo-json", description = "Take --server and --token from a demo.json.")
    Path demoJson;

    @Option(names = "--nightscout", description = "Also upload to this Nightscout site.")
    URI nightscout;

    @Option(names = "--nightscout-secret", description = "Nightscout API secret (or NIGHTSCOUT_API_SECRET).")
    String nightscoutSecret;

    @Option(names = "--insecure-http", description = "Allow http:// to a host other than this machine (the token "
            + "then crosses the network in clear). Without it, http is refused except to 127.0.0.1, ::1, localhost.")
    boolean insecureHttp;

    @Option(names = "--pin", paramLabel = "sha256/BASE64", description = "Trust the --server only if a key of its "
            + "certificate chain has this SHA-256 SubjectPublicKeyInfo digest (repeatable; a pin of the server's own "
            + "key also accepts a self-signed certificate).")
    List<String> pins = new ArrayList<>();

    @Option(names = "--nightscout-pin", paramLabel = "sha256/BASE64", description = "The same as --pin, for "
            + "--nightscout (repeatable).")
    List<String> nightscoutPins = new ArrayList<>();

    @Option(names = "--queue", description = "Queue directory (default: $XDG_DATA_HOME/mqcgm/collector or "
            + "~/.local/share/mqcgm/collector).")
    Path queue;

    @CommandLine.Mixin
    SensorCommand.SimulationOptions simulation;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static Path defaultQueue() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("mqcgm").resolve("collector");
    }

    @Override
    public void run() {
        ZoneId zone = simulation.zone(); // --tz: the wearer's zone (also the simulated trace's)
        List<UploadTarget> targets = targets();
        Path dir = queue != null ? queue : defaultQueue();
        List<AutoCloseable> resources = new ArrayList<>();
        Clock clock = Clock.systemUTC();
        CgmTransport transport;
        if (source.simulate) {
            clock = simulation.clock();
            SensorHost host = simulation.host(clock);
            resources.add(host);
            transport = new InProcessTransport(host);
        } else if (source.sensorSocket != null) {
            transport = SocketTransport.unix(source.sensorSocket);
        } else if (source.sensorPort != null) {
            transport = SocketTransport.tcp(source.sensorPort);
        } else {
            try {
                BluezBoundary bluez = DbusBluez.systemBus();
                transport = new BluezTransport(bluez, source.adapter);
            } catch (BluezBoundary.BluezException e) {
                throw new ConfigException("--adapter", "BlueZ is not reachable: " + e.getMessage());
            }
        }
        // Unexpected errors go to the mqcgm server as crash reports (taken only while the account consents).
        java.util.function.Consumer<Throwable> errors = e -> { };
        if (crashServer != null) {
            try {
                CrashReporter crashes = new CrashReporter(crashServer, crashToken, crashConnection, dir,
                        Main.Version.version(), Clock.systemUTC());
                errors = crashes::report;
            } catch (IOException | RuntimeException e) {
                // no crash reports, nothing else changes
            }
        }
        Running running = start(transport, dir, targets, clock, zone, resources, errors);
        PrintWriter out = spec.commandLine().getOut();
        out.println("mqcgm collector running; queue in " + dir.toAbsolutePath() + "; uploading to "
                + String.join(", ", targets.stream().map(UploadTarget::id).toList()));
        out.flush();
        Main.runUntilStopped(running);
    }

    /** Where crash reports go: the mqcgm server uploaded to, if any (set by {@link #targets()}). */
    private URI crashServer;
    private String crashToken;
    private Connection crashConnection;

    private List<UploadTarget> targets() {
        URI base = server;
        String apiToken = token != null ? token : System.getenv("MQCGM_TOKEN");
        if (demoJson != null) {
            try {
                JsonNode info = new ObjectMapper().readTree(demoJson.toFile());
                base = URI.create(info.path("url").asText());
                apiToken = info.path("token").asText();
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("--demo-json", "cannot read " + demoJson + ": " + e.getMessage());
            }
        }
        List<UploadTarget> targets = new ArrayList<>();
        if (base != null) {
            if (apiToken == null || apiToken.isBlank()) {
                throw new ConfigException("--token", "missing (needed with --server)");
            }
            Connection connection = connection("--pin", pins);
            try {
                targets.add(new MqcgmApiTarget(base, apiToken, connection));
                crashServer = base;
                crashToken = apiToken;
                crashConnection = connection;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(demoJson != null ? "--demo-json" : "--server", e.getMessage());
            }
        }
        if (nightscout != null) {
            String secret = nightscoutSecret != null ? nightscoutSecret : System.getenv("NIGHTSCOUT_API_SECRET");
            if (secret == null || secret.isBlank()) {
                throw new ConfigException("--nightscout-secret", "missing (needed with --nightscout)");
            }
            Connection connection = connection("--nightscout-pin", nightscoutPins);
            try {
                targets.add(new NightscoutTarget(nightscout, secret, connection));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--nightscout", e.getMessage());
            }
        }
        if (targets.isEmpty()) {
            throw new ConfigException("--server", "missing: give --server and --token, --demo-json or --nightscout");
        }
        return targets;
    }

    private Connection connection(String option, List<String> values) {
        try {
            return new Connection(insecureHttp, Connection.parsePins(values));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option, e.getMessage());
        }
    }

    /** A running collector with its uploaders; closing stops everything in order and writes the metrics. */
    record Running(Collector collector, List<Uploader> uploaders, ReadingJournal journal, CollectorMetrics metrics,
                   ScheduledExecutorService reporter, Path dir, List<AutoCloseable> resources) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            collector.close();
            for (Uploader u : uploaders) {
                u.close();
            }
            reporter.shutdownNow();
            writeMetrics(dir, metrics);
            journal.close();
            for (AutoCloseable r : resources) {
                r.close();
            }
        }
    }

    static Running start(CgmTransport transport, Path dir, List<UploadTarget> targets, Clock clock, ZoneId zone,
                         List<AutoCloseable> resources) {
        return start(transport, dir, targets, clock, zone, resources, e -> { });
    }

    /** As above, with the collector's unexpected errors sent to {@code errors} (crash reports). */
    static Running start(CgmTransport transport, Path dir, List<UploadTarget> targets, Clock clock, ZoneId zone,
                         List<AutoCloseable> resources, java.util.function.Consumer<Throwable> errors) {
        ReadingJournal journal = ReadingJournal.open(dir, targets.stream().map(UploadTarget::id).toList());
        CollectorMetrics metrics = new CollectorMetrics();
        List<Uploader> uploaders = new ArrayList<>();
        for (UploadTarget t : targets) {
            uploaders.add(new Uploader(journal, t, metrics,
                    new Backoff(Duration.ofMillis(500), Duration.ofMinutes(2), new SplittableRandom()), 500).start());
        }
        Collector collector = new Collector(transport, journal, new PairingFile(dir), metrics, clock, zone,
                Collector.Options.defaults()).reportErrorsTo(errors).start();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "metrics-file");
            t.setDaemon(true);
            return t;
        });
        reporter.scheduleAtFixedRate(() -> writeMetrics(dir, metrics), 5, 5, TimeUnit.SECONDS);
        return new Running(collector, uploaders, journal, metrics, reporter, dir, resources);
    }

    static void writeMetrics(Path dir, CollectorMetrics metrics) {
        try {
            Path tmp = dir.resolve("metrics.prom.tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, metrics.prometheusText(), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve("metrics.prom"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // metrics are informational
        }
    }
}
