package org.mqcgm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of the README's "Using the API" section, as a newcomer runs them: taken from its {@code ```sh}
 * block, run one after the other by bash against a fresh {@code mqcgm demo} whose data directory is
 * {@code .mqcgm-data} in bash's working directory, and checked against the answers the README documents
 * ({@code # → …} after a command). The only change to the text: {@code http://localhost:8080} becomes the demo's
 * address (it runs on a free port). A {@code .curlrc} adds {@code --max-time} (the stream never ends by itself)
 * and a {@code --write-out} line with the status and content type.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeApiCommandsTest {

    /** One command of the block, what the README says it answers ({@code # → …}, or null), and what it did. */
    static final class Command {
        final String text;
        String documented;
        String output = "";
        int exit = -1;

        Command(String text) {
            this.text = text;
        }

        boolean isCurl() {
            return text.startsWith("curl ");
        }

        boolean isStream() {
            return isCurl() && text.contains("/stream");
        }

        boolean isUpload() {
            return isCurl() && text.contains(" -d ");
        }

        String body() {
            int i = output.lastIndexOf("\n@@@http ");
            return i < 0 ? output : output.substring(0, i);
        }

        String status() {
            Matcher m = Pattern.compile("@@@http (\\d{3}) ?(\\S*)").matcher(output);
            return m.find() ? m.group(1) + " " + m.group(2) : "none";
        }
    }

    @TempDir
    static Path dir;

    Processes.Running demo;
    List<Command> commands;
    String transcript;

    /** The {@code ```sh} block of the README's "Using the API" section, split into commands. */
    static List<Command> readmeCommands() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Using the API");
        assertThat(section).as("README has a 'Using the API' section").isNotNegative();
        int start = section;
        while (!readme.get(start).equals("```sh")) {
            start++;
            assertThat(readme.get(start)).as("the sh block is in the section").doesNotStartWith("## ");
        }
        List<Command> commands = new ArrayList<>();
        StringBuilder current = null;
        for (int i = start + 1; !readme.get(i).equals("```"); i++) {
            String line = readme.get(i);
            if (current == null) {
                String t = line.trim();
                if (t.isEmpty()) {
                    continue;
                }
                if (t.startsWith("#")) {
                    Matcher answer = Pattern.compile("^# → (\\{[^}]*})").matcher(t);
                    if (answer.find()) {
                        commands.getLast().documented = answer.group(1);
                    }
                    continue;
                }
                current = new StringBuilder(line);
            } else {
                current.append('\n').append(line);
            }
            String text = current.toString();
            boolean openQuote = text.chars().filter(c -> c == '\'').count() % 2 == 1;
            if (!openQuote && !line.endsWith("\\")) {
                commands.add(new Command(text));
                current = null;
            }
        }
        return commands;
    }

    @BeforeAll
    void runTheReadmeAgainstAFreshDemo() throws Exception {
        commands = readmeCommands();
        Path data = dir.resolve(".mqcgm-data");
        demo = Processes.start(Map.of(), true, "demo", "--data-dir", data.toString(), "--port", "0");
        demo.awaitLine("mqcgm demo is running:", 180);
        String url = new ObjectMapper().readTree(data.resolve("demo.json").toFile()).path("url").asText();

        StringBuilder script = new StringBuilder("set -u\n");
        for (int i = 0; i < commands.size(); i++) {
            script.append("echo '@@@cmd ").append(i).append("'\n")
                    .append(commands.get(i).text.replace("http://localhost:8080", url)).append('\n')
                    .append("echo \"@@@exit $?\"\n");
        }
        Files.writeString(dir.resolve("readme-api.sh"), script, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(".curlrc"), """
                silent
                max-time = 3
                write-out = "\\n@@@http %{http_code} %{content_type}\\n"
                """, StandardCharsets.UTF_8);
        ProcessBuilder bash = new ProcessBuilder("bash", dir.resolve("readme-api.sh").toString())
                .directory(dir.toFile()).redirectErrorStream(true);
        bash.environment().put("CURL_HOME", dir.toString());
        Process p = bash.start();
        transcript = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Matcher m = Pattern.compile("@@@cmd (\\d+)\n(.*?)@@@exit (\\d+)\n", Pattern.DOTALL).matcher(transcript);
        while (m.find()) {
            Command c = commands.get(Integer.parseInt(m.group(1)));
            c.output = m.group(2);
            c.exit = Integer.parseInt(m.group(3));
        }
    }

    @AfterAll
    void stopTheDemo() throws Exception {
        if (demo != null) {
            demo.terminate();
            if (!demo.awaitExit(30)) {
                demo.close();
            }
        }
    }

    @Test
    void theBlockHasTheCommandsTheSectionDescribes() {
        assertThat(commands).extracting(c -> c.text.substring(0, Math.min(6, c.text.length())))
                .containsExactly("TOKEN=", "API=ht", "curl -", "curl -", "curl -", "curl -");
        assertThat(commands).filteredOn(Command::isUpload).singleElement()
                .satisfies(c -> assertThat(c.documented).isEqualTo("{\"accepted\":3,\"duplicates\":0,\"rejected\":0}"));
    }

    @Test
    void everyCommandButTheStreamRunsAndGivesTheDocumentedAnswer() throws Exception {
        for (Command c : commands) {
            if (c.isStream()) {
                continue;
            }
            assertThat(c.exit).as("exit status of %s%n%s", c.text, transcript).isZero();
            if (!c.isCurl()) {
                continue;
            }
            assertThat(c.status()).as("%s%n%s", c.text, c.output).isEqualTo("200 application/json");
            JsonNode json = new ObjectMapper().readTree(c.body());
            if (c.documented != null) {
                assertThat(json).as(c.text).isEqualTo(new ObjectMapper().readTree(c.documented));
            }
        }
        // The read-back of the example's range finds the three uploaded readings.
        Command range = commands.stream().filter(c -> c.isCurl() && c.text.contains("readings?from=")).findFirst()
                .orElseThrow();
        JsonNode readings = new ObjectMapper().readTree(range.body());
        assertThat(readings).as(range.output).hasSize(3);
        Command latest = commands.stream().filter(c -> c.text.contains("/readings/latest")).findFirst().orElseThrow();
        assertThat(new ObjectMapper().readTree(latest.body()).path("time").asText()).isNotEmpty();
    }

    @Test
    void theStreamCommandPrintsEvents() {
        Command stream = commands.stream().filter(Command::isStream).findFirst().orElseThrow();
        // curl ends it after --max-time (exit 28); until then the demo's latest reading arrives as an event
        assertThat(stream.exit).as(stream.output).isIn(0, 28);
        assertThat(stream.body().lines()).as(stream.output)
                .anyMatch(l -> l.startsWith("event:") || l.startsWith("data:") || l.startsWith(":"));
    }
}
