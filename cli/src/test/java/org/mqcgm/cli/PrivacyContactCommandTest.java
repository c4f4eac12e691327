package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.demo.Demo;

/**
 * {@code mqcgm privacy contact} prints the controller contact of a deployment's settings (PR-89): the same values
 * the running server shows on its policy page and in its footer; without the contact e-mail it refuses, naming the
 * setting.
 */
class PrivacyContactCommandTest {

    @TempDir
    Path dir;

    @Test
    @Tag("PR-89")
    void theCommandPrintsTheContactThePolicyPageAndFooterShow() throws Exception {
        Path conf = dir.resolve("mqcgm.conf");
        Files.writeString(conf, """
                MQCGM_CONTROLLER_NAME=Huzhou Example Medical Co., Ltd.
                MQCGM_CONTROLLER_EMAIL=privacy@cgm.example.org
                MQCGM_CONTROLLER_PHONE=+86 400 123 4567
                MQCGM_CONTROLLER_ADDRESS=1 Example Road, Huzhou
                MQCGM_CONTROLLER_DPO=User information protection department
                MQCGM_CONTROLLER_DPO_EMAIL=dpo@cgm.example.org
                """, StandardCharsets.UTF_8);
        CommandRun run = CommandRun.of("privacy", "contact", "--config", conf.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).containsExactly("Controller: Huzhou Example Medical Co., Ltd.",
                "E-mail: privacy@cgm.example.org", "Phone: +86 400 123 4567", "Address: 1 Example Road, Huzhou",
                "Data protection: User information protection department, dpo@cgm.example.org");

        Files.writeString(conf, "MQCGM_CONTROLLER_NAME=Nobody to write to\n", StandardCharsets.UTF_8);
        CommandRun missing = CommandRun.of("privacy", "contact", "--config", conf.toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("MQCGM_CONTROLLER_EMAIL").contains("PR-89");

        // A running deployment (the demo) shows on its policy page and in its footer what the command prints.
        Demo.Options options = new Demo.Options(dir.resolve("data"), "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"));
        try (Demo demo = Demo.start(options)) {
            String policy = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + demo.app().port() + "/privacy")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            CommandRun printed = CommandRun.of("privacy", "contact", "--data-dir", dir.resolve("data").toString());
            assertThat(printed.status()).as(printed.err()).isZero();
            List<String> lines = printed.out().lines().toList();
            String name = value(policy, "contact-name");
            String email = value(policy, "contact-email");
            String phone = value(policy, "contact-phone");
            assertThat(lines).contains("Controller: " + name, "E-mail: " + email, "Phone: " + phone,
                    "Address: " + value(policy, "contact-address"));
            assertThat(values(policy, "contact-email")).hasSize(2).containsOnly(email); // policy block and footer
            assertThat(lines.getLast()).contains(value(policy, "contact-dpo-email"));
        }
    }

    private static String value(String html, String id) {
        return values(html, id).getFirst();
    }

    private static List<String> values(String html, String id) {
        Matcher m = Pattern.compile("data-testid=\"" + id + "\">([^<]*)<").matcher(html);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1).strip());
        }
        return out;
    }
}
