package org.mqcgm.server.transparency;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.function.Function;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.transparency.ControllerContact;

/**
 * Transparency (PR-02, PR-89): the record of processing, public at {@code /privacy/processing.json} and
 * {@code /privacy/processing}, generated from the purpose registry and the declaration of every persisted column;
 * with the controller's contact.
 */
public final class TransparencyFeature implements Feature {

    /**
     * A recipient of a purpose's data as the record of processing shows it: the recipient registry's
     * ({@code platform.egress}) entry mapped by the composition root.
     *
     * @param id      stable id of the recipient in the registry
     * @param name    who it is (company, service)
     * @param role    what it does with the data (processor for e-mail delivery, …)
     * @param country where the data goes (ISO 3166 code or name)
     */
    public record Recipient(String id, String name, String role, String country) {
    }

    /** No recipient: what the record states until the recipient registry ({@code platform.egress}) is given. */
    public static final Function<Purpose, List<Recipient>> NO_RECIPIENTS = p -> List.of();

    /**
     * The retention defaults of the requirements (Part 2) by category code: what the record states until the
     * deployment's retention schedule ({@code platform.retention}) is given.
     */
    public static final Function<String, String> DEFAULT_RETENTION = RetentionDefaults::of;

    /** The retention categories of the deployment's schedule that hold data of each data category. */
    private static final java.util.Map<String, List<String>> SCHEDULED = java.util.Map.of(
            "ACC", List.of("inactive-accounts"),
            "SEC", List.of("security-events", "report-log", "web-sessions", "api-tokens-revoked",
                    "purpose-violations"),
            "CON", List.of("egress-log", "incident-deliveries", "rights-requests-closed", "child-reports-closed"),
            "AGE", List.of("guardian-invitations"),
            "LOG", List.of("crash-reports", "application-logs"),
            "DEV", List.of("devices-unlinked"),
            "AID", List.of("devices-unlinked"),
            "CS", List.of("support-tickets", "support-attachments"),
            "SOC", List.of("search-queries"),
            "WEB", List.of("email-events"));

    /**
     * The retention the record states, from the schedule the retention job enforces ({@code platform.retention}):
     * while every period of a data category's scheduled kinds is the default, the requirements' wording of it
     * (shown in the reader's language); once the deployment shortens or (with a justification) lengthens one, each
     * scheduled kind with its period in force.
     */
    public static Function<String, String> retention(org.mqcgm.server.platform.retention.RetentionSchedule schedule) {
        return code -> {
            List<String> kinds = SCHEDULED.getOrDefault(code, List.of());
            boolean byDefault = kinds.stream().allMatch(k -> schedule.period(k).equals(
                    org.mqcgm.server.platform.retention.RetentionSchedule.defaultPeriod(k)));
            if (byDefault) {
                return RetentionDefaults.of(code);
            }
            java.util.StringJoiner text = new java.util.StringJoiner("; ");
            schedule.categories().stream().filter(c -> kinds.contains(c.id())).forEach(c -> text.add(
                    c.covers() + ": " + c.period().toDays() + " days from " + c.from()));
            return text.toString();
        };
    }

    private final ProcessingRecord record;
    private final byte[] json;

    private TransparencyFeature(ProcessingRecord record, byte[] json) {
        this.record = record;
        this.json = json;
    }

    /**
     * @param contact    the controller's contact (configuration, PR-89)
     * @param recipients who receives each purpose's data ({@link #NO_RECIPIENTS} until the recipient registry is
     *                   wired)
     * @param retention  the retention of a category code ({@link #DEFAULT_RETENTION} until the retention schedule is
     *                   wired)
     */
    public static TransparencyFeature create(Platform platform, ControllerContact contact,
                                             Function<Purpose, List<Recipient>> recipients,
                                             Function<String, String> retention) {
        ProcessingRecord record = new ProcessingRecord(ColumnDeclarations.load(), recipients, retention, contact,
                platform.mapper());
        try {
            TransparencyFeature feature = new TransparencyFeature(record, platform.mapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsBytes(record.json()));
            feature.expiries = List.of(new org.mqcgm.server.platform.retention.SqlExpiry("purpose-violations",
                    platform.jdbi(), "purpose_violation", "at", "owner_id", "true"));
            return feature;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** With no recipients and the default retention (see {@link #create(Platform, ControllerContact, Function, Function)}). */
    public static TransparencyFeature create(Platform platform, ControllerContact contact) {
        return create(platform, contact, NO_RECIPIENTS, DEFAULT_RETENTION);
    }

    /** Refused reads ({@code purpose_violation}, PR-03) are security events: kept 180 days. */
    private List<org.mqcgm.server.platform.retention.Expiry> expiries = List.of();

    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return expiries;
    }

    @Override
    public void routes(Routes routes, Web web) {
        new TransparencyRoutes(web.pages(), web.contexts(), record, json).register(routes);
    }
}
