package org.mqcgm.server.disclosures;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.security.ReadLog;

/**
 * Disclosures without consent (issue 15: PR-31, PR-34, PR-45). Sharing, transferring or disclosing someone's data
 * without their consent rests only on a basis of the policy's section III.4 a–f ({@code LegalBasis}); a data
 * protection officer registers it (recipient, legal instrument, reference document, people, categories, period,
 * and any legal restriction on telling them), a second officer approves it (the legal review), and only then is it
 * exported, never wider than approved. Each person concerned sees it in "Who saw my data" and is told by e-mail —
 * or, while the law forbids it, sees "restricted until" that day and is told by the daily job once it passes. A
 * break-glass disclosure in someone's vital interests is made at once by one officer and told to the person. The
 * public transparency report counts approved disclosures per year and basis.
 */
public final class DisclosuresFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;
    /** The daily job that sends the notices due (restrictions ended, notices that could not go out). */
    public static final String NOTICES_JOB = "disclosure-notices";

    /** A person's readings in a period (the glucose feature's store answers). */
    @FunctionalInterface
    public interface ReadingSource {
        List<org.mqcgm.core.glucose.Reading> range(UUID owner, Instant from, Instant to);
    }

    /** @param exportDirectory where exports are written for the operator to hand over */
    public record Settings(Path exportDirectory) {
    }

    private final Platform platform;
    private final Register register;
    private final Notices notices;
    private final Exports exports;
    private final EmergencyContacts contacts;

    private DisclosuresFeature(Platform platform, Register register, Notices notices, Exports exports,
                               EmergencyContacts contacts) {
        this.contacts = contacts;
        this.platform = platform;
        this.register = register;
        this.notices = notices;
        this.exports = exports;
    }

    /**
     * @param profiles  how a person is known (the profile category of an export)
     * @param readings  a person's readings (the readings category of an export)
     * @param contacts  where to tell a person (accounts' closure port answers: e-mail, phone, language)
     */
    public static DisclosuresFeature create(Platform platform, Function<UUID, Optional<Profile>> profiles,
                                            ReadingSource readings,
                                            Function<UUID, Optional<AccountClosure.Contact>> contacts,
                                            Settings settings) {
        EmergencyContacts emergency = new EmergencyContacts(platform.jdbi(), platform.userKeys(),
                platform.systemClock());
        Register register = new Register(platform.jdbi(), platform.mapper(), platform.systemClock(), emergency);
        return new DisclosuresFeature(platform, register, new Notices(register, platform.outbound(), contacts),
                new Exports(settings.exportDirectory(), platform.mapper(), profiles, readings::range,
                        platform.systemClock()), emergency);
    }

    @Override
    public void routes(Routes routes, Web web) {
        new DisclosureRoutes(register, notices, exports, platform.json(), contacts, platform.outbound())
                .register(routes, web);
    }

    /** Daily: the notices due (a legal restriction ended; a notice that could not go out at the approval). */
    @Override
    public List<Jobs.Job> jobs() {
        return List.of(Jobs.daily(NOTICES_JOB, () -> notices.sendDue(null)));
    }

    /**
     * The disclosures about a person for "Who saw my data": each approved one (when, to whom, on which basis), or,
     * while the law forbids telling them, only "restricted until" that day.
     */
    public ReadLog readLog() {
        return (person, since, limit) -> {
            java.time.LocalDate today = java.time.LocalDate.now(platform.systemClock()
                    .withZone(java.time.ZoneOffset.UTC));
            return register.entries(person).stream().filter(e -> !e.at().isBefore(since)).limit(limit)
                    .map(e -> restricted(e, today)
                            ? new ReadLog.Entry(e.at(), e.restrictedUntil().toString(), "disclosure-restricted",
                            "restricted")
                            : new ReadLog.Entry(e.at(), e.recipient(), "disclosure",
                            "disclosure-" + e.basis().id().toLowerCase(java.util.Locale.ROOT).replace('_', '-')))
                    .toList();
        };
    }

    private static boolean restricted(Register.Entry e, java.time.LocalDate today) {
        return e.restrictedUntil() != null && e.restrictedUntil().isAfter(today);
    }

    /** The register entries about a person (restricted ones as "restricted until"), for "My data" and the export. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("emergency-contact", contacts.of(owner).isPresent() ? 1 : 0,
                        "reaching the person you chose if your life or health is at risk", "you",
                        "this server's PostgreSQL database (encrypted with your key)"),
                        new Category("disclosures", register.count(owner),
                        "disclosures of your data without your consent where the law allows it (to whom, when, on"
                                + " which legal basis, what)", "the data protection officer, when a disclosure is"
                                + " approved", "this server's PostgreSQL database"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                java.time.LocalDate today = java.time.LocalDate.now(platform.systemClock()
                        .withZone(java.time.ZoneOffset.UTC));
                archive.json(platform.mapper(), "disclosures/emergency-contact.json",
                        "The emergency contact you set (name, e-mail): a JSON array of at most one.",
                        contacts.of(owner).map(List::of).orElse(List.of()));
                archive.json(platform.mapper(), "disclosures/register.json",
                        "Disclosures of your data without your consent: when, to whom, on which legal basis, which"
                                + " categories of which period, and when you were told. While the law forbids"
                                + " telling you, an entry shows only the day that restriction ends. JSON array,"
                                + " newest first.",
                        register.entries(owner).stream().map(e -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            if (restricted(e, today)) {
                                m.put("restrictedUntil", e.restrictedUntil().toString());
                                return m;
                            }
                            m.put("at", e.at().toString());
                            m.put("recipient", e.recipient());
                            m.put("basis", e.basis().id());
                            m.put("categories", e.categories());
                            m.put("from", e.from().toString());
                            m.put("to", e.to().toString());
                            m.put("notified", e.notifiedAt() == null ? null : e.notifiedAt().toString());
                            return m;
                        }).toList());
            }
        });
    }
}
