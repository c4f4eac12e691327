package org.mqcgm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.newsletter.NewsletterFeature;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code mqcgm admin newsletter send FILE}: queues a newsletter issue; the running server sends it within a minute
 * to the people subscribed at that moment (opt-in in Settings → Privacy), each mail with a one-click unsubscribe.
 */
@Command(name = "newsletter", mixinStandardHelpOptions = true, description = "The opt-in newsletter.",
        subcommands = NewsletterCommand.Send.class)
final class NewsletterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = {"Queue an issue for the people subscribed to the newsletter; the running server sends it"
                    + " within a minute. Only subscribers get it; each mail has a one-click unsubscribe (RFC 8058)"
                    + " and no tracking.",
                    "FILE: a first line 'Subject: …', an empty line, then the plain text (UTF-8)."})
    static final class Send implements Runnable {
        @Parameters(index = "0", paramLabel = "FILE", description = "The issue: 'Subject: …', an empty line, the text.")
        Path file;

        @CommandLine.Mixin
        AdminCommand.Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
            } catch (IOException e) {
                throw new ConfigException("FILE", "cannot read " + file + ": " + e.getClass().getSimpleName());
            }
            int blank = text.indexOf("\n\n");
            if (!text.startsWith("Subject: ") || blank < 0) {
                throw new ConfigException("FILE", "must start with a line 'Subject: …' and an empty line");
            }
            String subject = text.substring("Subject: ".length(), blank).strip();
            String body = text.substring(blank + 2).strip();
            if (subject.isEmpty() || subject.length() > 200 || subject.contains("\n") || body.isEmpty()) {
                throw new ConfigException("FILE", "needs a one-line subject of 1-200 characters and a text");
            }
            UUID id = AdminCommand.withConfig(database, config -> NewsletterFeature.queue(config, subject, body));
            spec.commandLine().getOut().println("queued newsletter issue " + id + ": the running server sends it"
                    + " within a minute to the people subscribed then");
        }
    }
}
