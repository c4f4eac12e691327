package org.mqcgm.server.guardians;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.profile.BirthDates;
import org.mqcgm.server.platform.profile.Minors;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.security.Holds;
import org.mqcgm.server.platform.support.Tickets;

/**
 * Minors and guardians (PR-77, PR-78, PR-79): dates of birth, the guardian's verified consent per purpose, what
 * stays off for minors, the passing of control at the age of majority, and reports of children's accounts without
 * consent. Other features see it through {@link #minors()} (is this person a minor), {@link #birthDates()} (where
 * accounts hand a date of birth) and {@link #holds()} (which accounts may not store health data now, for access
 * control).
 */
public final class GuardiansFeature implements Feature {

    /** The daily job passing control to people who reached the age of majority. */
    public static final String MAJORITY_JOB = "guardians-age-of-majority";

    /**
     * @param ageOfMajority the age under which a guardian must consent ({@code MQCGM_AGE_OF_MAJORITY}, default 18)
     * @param publicUrl     where the guardian's invitation link points
     */
    public record Settings(int ageOfMajority, String publicUrl) {
    }

    /** A child as their guardian's page lists them (for the template). */
    public record ChildView(UUID id, String label, boolean live) {
    }

    /** An open report as administrators see it (for the template). */
    public record ReportView(UUID id, String reference, String reportedAt, boolean accountFound, String details) {
    }

    /** Writes a person's whole export (the rights feature answers), for a guardian acting for a child. */
    @FunctionalInterface
    public interface Archives {
        void write(UUID person, OutputStream out) throws IOException;
    }

    private final Guardians guardians;
    private final ChildReports reports;
    private final Function<String, Optional<String>> normalise;
    private final Archives archives;
    private final GuardianData data;

    private GuardiansFeature(Guardians guardians, ChildReports reports, Function<String, Optional<String>> normalise,
                             Archives archives, GuardianData data) {
        this.data = data;
        this.guardians = guardians;
        this.reports = reports;
        this.normalise = normalise;
        this.archives = archives;
    }

    /**
     * @param accounts      the accounts' port: contacts (to tell people, to refuse the child's own contact for the
     *                      guardian) and finding a reported account by its login
     * @param normalise     an e-mail address or mobile number as the accounts feature normalises logins, empty when
     *                      it is neither
     * @param zones         a person's home zone (the age is counted on the local date)
     * @param deleteAccount closes an account and queues its erasure (the cancellation feature answers)
     * @param tickets       opens the review ticket of a report
     * @param archives      a person's whole export
     */
    public static GuardiansFeature create(Platform platform, Settings settings, AccountClosure accounts,
                                          Function<String, Optional<String>> normalise,
                                          Function<UUID, ZoneId> zones, BiConsumer<UUID, String> deleteAccount,
                                          Tickets tickets, Archives archives) {
        GuardianMail mail = new GuardianMail(platform.outbound(), settings.publicUrl());
        Guardians guardians = new Guardians(platform.jdbi(), platform.userKeys(), platform.secrets(),
                platform.consents(), platform.systemClock(), settings.ageOfMajority(), zones, accounts, mail,
                deleteAccount);
        guardians.listen(platform.notifications());
        ChildReports reports = new ChildReports(platform.jdbi(), platform.secrets(), accounts, tickets, guardians,
                mail, deleteAccount, platform.systemClock());
        GuardiansFeature feature = new GuardiansFeature(guardians, reports, normalise, archives,
                new GuardianData(platform.jdbi(), guardians, platform.mapper()));
        feature.expiries = List.of(
                // decided reports: three years after the decision (the reported account may be gone: nil id)
                new org.mqcgm.server.platform.retention.SqlExpiry("child-reports-closed", platform.jdbi(),
                        "child_report", "decided_at",
                        "coalesce(reported_account, '00000000-0000-0000-0000-000000000000'::uuid)",
                        "decided_at is not null"),
                // invitations whose code no longer works: used, or expired
                new org.mqcgm.server.platform.retention.SqlExpiry("guardian-invitations", platform.jdbi(),
                        "guardian_invitation", "coalesce(accepted_at, expires_at)", "owner_id", "true"));
        return feature;
    }

    private List<org.mqcgm.server.platform.retention.Expiry> expiries = List.of();

    /** Decided reports and spent invitations leave on the retention schedule. */
    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return expiries;
    }

    /**
     * The birth-date rules for a command that runs without the server ({@code mqcgm admin create-user
     * --birth-date}): the same table, the same age rule, no messages.
     */
    public static BirthDates birthDates(Jdbi jdbi, UserKeys keys, DeploymentSecrets secrets, Consents consents,
                                        Clock clock, int ageOfMajority, Function<UUID, ZoneId> zones) {
        return new Guardians(jdbi, keys, secrets, consents, clock, ageOfMajority, zones, null, null, null);
    }

    @Override
    public void routes(Routes routes, Web web) {
        new GuardianRoutes(guardians, reports, normalise, archives, web).register(routes);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(Jobs.daily(MAJORITY_JOB, guardians::passControlAtMajority));
    }

    /** The date of birth and guardianships, for "My data" and the export. */
    @Override
    public List<org.mqcgm.server.platform.rights.PersonalData> personalData() {
        return List.of(data);
    }

    /** Whether a person is under the age of majority (public posts, research, transfers stay off for them). */
    public Minors minors() {
        return person -> guardians.state(person).minor();
    }

    /**
     * Whether a person is a minor, read without a running server (the command line's research export, which never
     * includes minors, PR-78): an account with a row in the minors' table.
     */
    public static Minors minors(org.jdbi.v3.core.Jdbi jdbi) {
        return person -> jdbi.withHandle(h -> h.createQuery("select exists (select 1 from minor where owner_id = :p)")
                .bind("p", person).mapTo(Boolean.class).one());
    }

    /** Where accounts hand a date of birth (sign-up, the command line, the page at login). */
    public BirthDates birthDates() {
        return guardians;
    }

    /** Which accounts may not store or read health data now, for access control. */
    public Holds holds() {
        return person -> guardians.state(person).hold();
    }
}
