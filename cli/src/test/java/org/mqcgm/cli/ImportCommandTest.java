package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.demo.Demo;

/**
 * {@code mqcgm import FILE --user EMAIL --yes} into a running demo; a bad file is one line and status 2, told before
 * the database is reached.
 */
class ImportCommandTest {

    @TempDir
    Path dir;

    @Test
    void importsAFileOnceAndRefusesABadOneClearly() throws IOException {
        Path file = dir.resolve("entries.json");
        try (InputStream in = ImportCommandTest.class.getResourceAsStream("/imports/nightscout_entries.json")) {
            Files.write(file, in.readAllBytes());
        }
        Path empty = Files.write(dir.resolve("empty.csv"), new byte[0]);
        Demo.Options options = new Demo.Options(dir.resolve("demo"), "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"));
        try (Demo demo = Demo.start(options)) {
            String data = dir.resolve("demo").toString();
            CommandRun run = CommandRun.of("import", file.toString(), "--user", Demo.EMAIL, "--yes",
                    "--data-dir", data);
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).contains("format:     nightscout (mg/dL)").contains("readings:   12 (0 stored already)")
                    .contains("logbook:    1 {fingerstick=1} (0 in the logbook already)") // the meter (mbg) entry
                    .contains("skipped:    1 rows").contains("stored 12 readings; 0 were stored already")
                    .contains("stored 1 logbook entries; 0 were in the logbook already");
            UUID owner = demo.app().accounts().findId(Demo.EMAIL).orElseThrow();
            assertThat(demo.app().readings().store().range(owner, Instant.parse("2025-03-14T12:00:00Z"),
                    Instant.parse("2025-03-14T18:00:00Z"))).hasSize(12);

            CommandRun bad = CommandRun.of("import", empty.toString(), "--user", Demo.EMAIL, "--yes",
                    "--data-dir", data);
            assertThat(bad.status()).isEqualTo(2);
            assertThat(bad.err()).isEqualTo("mqcgm: import: The file is empty. [file (empty)]"
                    + System.lineSeparator());
        }
    }
}
