package org.mqcgm.cli;

import java.nio.file.Path;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.transparency.ControllerContact;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mqcgm privacy …}: what a person or operator asks about the deployment's privacy. */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Privacy facts of a deployment.",
        subcommands = PrivacyCommand.Contact.class)
final class PrivacyCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "contact", mixinStandardHelpOptions = true,
            description = {"Print who is responsible for the personal data of a deployment and how to reach them:"
                    + " the contact its policy page, web footer and e-mails show (MQCGM_CONTROLLER_*, PR-89)."})
    static final class Contact implements Runnable {
        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "The contact of the demo in this data directory.")
        Path dataDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (dataDir != null && config.given()) {
                throw new ConfigException("--data-dir", "give either --data-dir or --config, not both");
            }
            ControllerContact contact = dataDir != null
                    ? ServerConfig.controllerContact(org.mqcgm.demo.Demo.CONTROLLER_SETTINGS)
                    : ServerConfig.controllerContact(System.getenv(), config.config);
            contact.lines().forEach(spec.commandLine().getOut()::println);
        }
    }
}
