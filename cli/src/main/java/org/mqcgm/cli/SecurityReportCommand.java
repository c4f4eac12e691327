package org.mqcgm.cli;

import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqcgm admin report publish …}: publishes a security or privacy impact assessment or a risk report on
 * {@code /privacy/security-reports} (PR-56).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Publish security and privacy impact assessments.",
        subcommands = {SecurityReportCommand.Publish.class})
final class SecurityReportCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Publish an assessment on /privacy/security-reports.",
                    "Assess at least every 12 months and before a new purpose, SDK, recipient or transfer abroad."})
    static final class Publish implements Runnable {
        @Option(names = "--assessed-on", required = true, paramLabel = "DATE", description = "YYYY-MM-DD.")
        String assessedOn;
        @Option(names = "--kind", required = true, paramLabel = "KIND",
                description = "pia (personal information impact assessment) or risk (security risk report).")
        String kind;
        @Option(names = "--scope", required = true, paramLabel = "TEXT")
        String scope;
        @Option(names = "--summary", required = true, paramLabel = "TEXT")
        String summary;
        @Option(names = "--findings", required = true, paramLabel = "TEXT",
                description = "The high-risk findings (\"none\" when there are none).")
        String findings;
        @Option(names = "--remediation", required = true, paramLabel = "STATUS",
                description = "open, in-progress or done.")
        String remediation;
        @CommandLine.Mixin
        AdminCommand.Database database;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            UUID id = IncidentCommand.with(database, admin -> admin.publishReport(assessedOn, kind, scope, summary,
                    findings, remediation));
            spec.commandLine().getOut().println("published security report " + id + " (assessed on " + assessedOn
                    + ")");
        }
    }
}
