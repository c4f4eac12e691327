package org.mqcgm.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code mqcgm} command as a separate process (the same class path and JVM as the tests), and reads its
 * output line by line, so tests wait for what the process says instead of sleeping.
 */
final class Processes {

    private Processes() {
    }

    /** A running command with its output lines queued as they arrive. */
    static final class Running implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        Running(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        all.add(line);
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "process-output");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * Sends SIGTERM, as Ctrl-C or a service manager would. ({@link Process#destroy()} would also close our end
         * of the output pipe and lose the last lines the process writes while stopping.)
         */
        void terminate() {
            process.toHandle().destroy();
        }

        /** Waits (at most {@code seconds}) for an output line containing {@code text}. */
        String awaitLine(String text, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                long left = deadline - System.nanoTime();
                // Wake up at least every 200 ms to notice a process that died without saying it.
                String line = left <= 0 ? null : lines.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS);
                if (line == null && (left <= 0 || (!process.isAlive() && !reader.isAlive() && lines.isEmpty()))) {
                    throw new AssertionError("no line containing '" + text + "' within " + seconds + " s"
                            + (process.isAlive() ? "" : " (the process exited)") + "; output:\n" + output());
                }
                if (line != null && line.contains(text)) {
                    return line;
                }
            }
        }

        /** Waits (at most {@code seconds}) for the process to exit and its output to be read to the end. */
        boolean awaitExit(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                return false;
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return true;
        }

        String output() {
            synchronized (all) {
                return String.join("\n", all);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static Running start(Map<String, String> environment, boolean clearEnvironment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-Xmx512m");
        // A command under test lives seconds, not days: the quick compiler and the serial collector start it in
        // about two thirds of the time of the server defaults (measured on `analyze --help`: 1.2-1.4 s against
        // 2.0-2.3 s), and the test suite runs dozens of them.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.mqcgm.cli.Main");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (clearEnvironment) {
            pb.environment().keySet().removeIf(k -> k.startsWith("MQCGM_"));
        }
        pb.environment().putAll(environment);
        try {
            return new Running(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Live processes whose command line mentions {@code path} (e.g. a PostgreSQL left behind). */
    static List<ProcessHandle> mentioning(Path path) {
        String p = path.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(p)).orElse(false)
                        || h.info().arguments().map(a -> String.join(" ", a).contains(p)).orElse(false))
                .toList();
    }
}
