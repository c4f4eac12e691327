package org.mqcgm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.mqcgm.collector.transport.CatchUpClock;
import org.mqcgm.collector.transport.SensorHost;
import org.mqcgm.collector.transport.SimulatorServer;
import org.mqcgm.core.ble.sensor.Advertisement;
import org.mqcgm.core.ble.sensor.GlucoseSource;
import org.mqcgm.core.ble.sensor.Neighbourhood;
import org.mqcgm.core.ble.sensor.SensorConfig;
import org.mqcgm.core.ble.sensor.VirtualCgmSensor;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mqcgm sensor simulate}: a virtual CGM served over a local socket for {@code mqcgm collect}. */
@Command(name = "sensor", mixinStandardHelpOptions = true, description = "Virtual CGM sensor.",
        subcommands = SensorCommand.Simulate.class)
final class SensorCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by {@code sensor simulate} and {@code collect --simulate}. */
    static final class SimulationOptions {
        @Option(names = "--address", defaultValue = "C0:4D:51:47:18:1F", description = "The sensor's address.")
        String address;

        @Option(names = "--interval", defaultValue = "5", description = "Measurement interval, 1 or 5 minutes.")
        int interval;

        @Option(names = "--no-crc", description = "Clear CGM Feature bit 12 (no E2E-CRC).")
        boolean noCrc;

        @Option(names = "--warmup", defaultValue = "0", description = "Warm-up in minutes.")
        int warmUpMinutes;

        @Option(names = "--run-time", defaultValue = "336", description = "Session run time in hours (0 = unlimited).")
        int runTimeHours;

        @Option(names = "--backdate", defaultValue = "0",
                description = "Start the sensor's clock this many minutes in the past; it runs --speed times faster "
                        + "until it reaches the present.")
        long backdateMinutes;

        @Option(names = "--speed", defaultValue = "1", description = "Speed while catching up (see --backdate).")
        double speed;

        @Option(names = "--replay", description = "CSV of glucose values to replay instead of the physiological trace.")
        Path replay;

        @Option(names = "--seed", defaultValue = "20261126", description = "Seed of the physiological trace.")
        long seed;

        @CommandLine.Mixin
        SharedOptions.WearerZone wearerZone;

        @Option(names = "--foreign-devices", defaultValue = "0",
                description = "Also advertise N other devices (headphones, watches…) that are not CGMs.")
        int foreign;

        @Option(names = "--fault", split = ",", description = "crc:N (corrupt N notifications), replay:N (send the "
                + "next one N times), duplicate:N, drop-every:N, drift-ppm:N, value:V (next value, e.g. 9999).")
        List<String> faults = new ArrayList<>();

        /** The wearer's zone (also the simulated trace's). */
        ZoneId zone() {
            return wearerZone.zone();
        }

        CatchUpClock clock() {
            if (!(speed >= 1) || speed > 100_000) {
                throw new ConfigException("--speed", "must be between 1 and 100000");
            }
            return new CatchUpClock(Clock.systemUTC(), Duration.ofMinutes(backdateMinutes), speed);
        }

        SensorHost host(Clock clock) {
            GlucoseSource source;
            if (replay != null) {
                try {
                    source = GlucoseSource.replay(GlucoseSource.parseReplayCsv(
                            Files.readString(replay, StandardCharsets.UTF_8)));
                } catch (IOException | IllegalArgumentException e) {
                    throw new ConfigException("--replay", e.getMessage());
                }
            } else {
                source = GlucoseSource.trace(new GlucoseTrace(seed, zone()));
            }
            SensorConfig config;
            try {
                config = SensorConfig.defaults(address, source).withInterval(interval).withE2eCrc(!noCrc)
                        .withWarmUp(Duration.ofMinutes(warmUpMinutes)).withRunTimeHours(runTimeHours);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--interval", e.getMessage());
            }
            VirtualCgmSensor sensor = new VirtualCgmSensor(config);
            // a backdated sensor lives in the simulated past: its records keep the simulated clock's times
            sensor.useOwnClockForSessionStartTime(backdateMinutes > 0);
            for (String f : faults) {
                applyFault(sensor, f);
            }
            List<Advertisement> neighbours = Neighbourhood.foreignDevices(foreign, seed);
            SensorHost host = new SensorHost(sensor, clock, neighbours);
            long periodMs = Math.max(20, Math.min(1000, (long) (60_000 / speed)));
            host.startTicking(Duration.ofMillis(periodMs));
            return host;
        }

        private static void applyFault(VirtualCgmSensor sensor, String fault) {
            String[] kv = fault.split(":", 2);
            if (kv.length != 2) {
                throw new ConfigException("--fault", "expected NAME:VALUE, got '" + fault + "'");
            }
            try {
                switch (kv[0]) {
                    case "crc" -> sensor.injectCorruption(Integer.parseInt(kv[1]));
                    case "replay" -> sensor.injectDuplicates(1, Integer.parseInt(kv[1]));
                    case "duplicate" -> sensor.injectDuplicates(Integer.parseInt(kv[1]), 2);
                    case "drop-every" -> sensor.dropConnectionEvery(Integer.parseInt(kv[1]));
                    case "drift-ppm" -> sensor.setClockDriftPpm(Long.parseLong(kv[1]));
                    case "value" -> sensor.overrideNextValues(GlucoseSource.parseValue(kv[1]), 1);
                    default -> throw new ConfigException("--fault", "unknown fault '" + kv[0] + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--fault", "bad value in '" + fault + "'");
            }
        }
    }

    /** Where to serve. */
    static final class Listen {
        @Option(names = "--socket", required = true, description = "Unix domain socket path.")
        Path socket;

        @Option(names = "--port", required = true, description = "Loopback TCP port (0 = any free port).")
        Integer port;
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = {"Run a virtual CGM (CGMS 0x181F: sessions, RACP, CRC, faults) and serve it over a local "
                    + "socket for 'mqcgm collect --sensor-socket PATH|--sensor-port N'.",
                    "Prints 'session ended: N records' when the session's run time is over."})
    static final class Simulate implements Runnable {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Listen listen;

        @CommandLine.Mixin
        SimulationOptions options;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            CatchUpClock clock = options.clock();
            SensorHost host = options.host(clock);
            SimulatorServer server;
            try {
                server = listen.socket != null ? SimulatorServer.unix(host, listen.socket)
                        : SimulatorServer.tcp(host, listen.port);
            } catch (IOException e) {
                host.close();
                throw new ConfigException(listen.socket != null ? "--socket" : "--port", e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("sensor simulator " + options.address + " listening on "
                    + (listen.socket != null ? listen.socket.toAbsolutePath().toString() : "port " + server.port()));
            out.flush();
            Thread watcher = new Thread(() -> watch(host, clock, out), "sensor-watch");
            watcher.setDaemon(true);
            watcher.start();
            Main.runUntilStopped(() -> {
                server.close();
                host.close();
            });
        }

        private static void watch(SensorHost host, CatchUpClock clock, PrintWriter out) {
            boolean started = false;
            boolean caughtUp = false;
            while (true) {
                boolean running = host.inspect(VirtualCgmSensor::sessionRunning);
                if (!caughtUp && clock.caughtUp()) {
                    caughtUp = true;
                    out.println("sensor clock caught up with real time");
                    out.flush();
                }
                if (running) {
                    started = true;
                } else if (started) {
                    out.println("session ended: " + host.inspect(VirtualCgmSensor::storedRecordCount) + " records");
                    out.flush();
                    started = false;
                }
                try {
                    Thread.sleep(50); // polling the simulator's state for the console; not a test synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
