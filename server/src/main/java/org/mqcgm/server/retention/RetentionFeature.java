package org.mqcgm.server.retention;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.retention.Expiry;
import org.mqcgm.server.platform.retention.Inactivity;
import org.mqcgm.server.platform.retention.ResearchSubjects;
import org.mqcgm.server.platform.retention.RetentionSchedule;
import org.mqcgm.server.platform.security.AccountClosure;

/**
 * Retention and anonymisation (PR-54, PR-81, PR-30, PR-27, PR-35): the daily, cluster-safe retention job over every
 * feature's {@link Expiry} under the deployment's {@link RetentionSchedule}, legal holds that override it, the
 * inactive-accounts notice and erasure, the stored run reports, and the de-identified research export. Operators
 * use it through {@code mqcgm admin legal-hold|retention-report|research-export} ({@link RetentionAdministration}).
 */
public final class RetentionFeature implements Feature {

    /** The daily job's name (tests and operators run it at once through {@code Jobs.runNow}). */
    public static final String JOB = "retention";

    /**
     * The deployment's retention settings.
     *
     * @param schedule        periods per category ({@code MQCGM_RETENTION_<CATEGORY>}, shorter than the defaults
     *                        unless {@code …_JUSTIFICATION} is given)
     * @param researchEnabled whether research exports may run ({@code MQCGM_RESEARCH_EXPORT=on})
     * @param researchK       k of the k-anonymity check ({@code MQCGM_RESEARCH_K}, default 10, never below 5)
     * @param logDirectory    where the server writes its log files ({@code MQCGM_LOG_DIR}), or null for none
     */
    public record Settings(RetentionSchedule schedule, boolean researchEnabled, int researchK, Path logDirectory) {

        public static final Settings DEFAULT = new Settings(RetentionSchedule.defaults(), false,
                Anonymiser.DEFAULT_K, null);

        public Settings {
            if (researchK < Anonymiser.MIN_K) {
                throw new IllegalArgumentException("MQCGM_RESEARCH_K must be at least " + Anonymiser.MIN_K);
            }
        }

        /** From {@code MQCGM_*} settings (the environment). */
        public static Settings from(Map<String, String> env) {
            String k = env.getOrDefault("MQCGM_RESEARCH_K", "").strip();
            String dir = env.getOrDefault("MQCGM_LOG_DIR", "").strip();
            int parsedK;
            try {
                parsedK = k.isEmpty() ? Anonymiser.DEFAULT_K : Integer.parseInt(k);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("MQCGM_RESEARCH_K must be a whole number (got '" + k + "')");
            }
            return new Settings(RetentionSchedule.fromSettings(env),
                    "on".equalsIgnoreCase(env.getOrDefault("MQCGM_RESEARCH_EXPORT", "").strip()), parsedK,
                    dir.isEmpty() ? null : Path.of(dir));
        }

        /** How long an account may go unused before its notice (24 months by default). */
        Period inactiveAfter() {
            Duration d = schedule.period(InactiveAccounts.CATEGORY);
            return d.equals(RetentionSchedule.defaultPeriod(InactiveAccounts.CATEGORY)) ? Period.ofMonths(24)
                    : Period.ofDays((int) d.toDays());
        }
    }

    private final Settings settings;
    private final LegalHolds holds;
    private final RetentionJob job;
    private final ResearchExports research;

    private RetentionFeature(Settings settings, LegalHolds holds, RetentionJob job, ResearchExports research) {
        this.settings = settings;
        this.holds = holds;
        this.job = job;
        this.research = research;
    }

    /**
     * @param expiries   every feature's expiries (App gathers them once every feature is built)
     * @param inactivity when accounts were last used (accounts)
     * @param lastUpload a person's newest reading (glucose), also counting as use
     * @param contacts   where to send the inactivity notice (accounts)
     * @param cancel     cancels an inactive account through the cancellation feature's erasure path
     * @param research   what a research export may read (accounts and glucose)
     * @param minor      whether a person is a minor (never exported for research); {@code p -> false} until wired
     */
    public static RetentionFeature create(Platform platform, Settings settings, Supplier<List<Expiry>> expiries,
                                          Inactivity inactivity, Function<UUID, Optional<Instant>> lastUpload,
                                          AccountClosure contacts, BiConsumer<UUID, String> cancel,
                                          ResearchSubjects research, Predicate<UUID> minor) {
        LegalHolds holds = new LegalHolds(platform.jdbi(), platform.systemClock(), settings.schedule());
        Supplier<List<Expiry>> all = settings.logDirectory() == null ? expiries : () -> {
            List<Expiry> list = new ArrayList<>(expiries.get());
            list.add(new LogFiles(settings.logDirectory()));
            return list;
        };
        InactiveAccounts inactive = new InactiveAccounts(platform.jdbi(), inactivity, lastUpload, contacts, cancel,
                platform.outbound(), settings.inactiveAfter());
        RetentionJob job = new RetentionJob(platform.jdbi(), platform.systemClock(), settings.schedule(), holds, all,
                inactive, platform.mapper());
        ResearchExports exports = new ResearchExports(platform.jdbi(), platform.consents(), research, minor,
                platform.mapper(), platform.systemClock(), settings.researchK(), settings.researchEnabled());
        return new RetentionFeature(settings, holds, job, exports);
    }

    @Override
    public void routes(Routes routes, Web web) {
        // Operators use the command line (mqcgm admin legal-hold, retention-report, research-export).
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(Jobs.daily(JOB, () -> job.run().total()));
    }

    /** The schedule in force in this deployment (for the privacy notice and {@code /privacy/processing.json}). */
    public RetentionSchedule schedule() {
        return settings.schedule();
    }

    public LegalHolds legalHolds() {
        return holds;
    }

    public ResearchExports researchExports() {
        return research;
    }

    /** The newest run reports as text for operators. */
    public String reportText(int runs) {
        return RetentionReports.text(job.reports(runs));
    }

    RetentionJob job() {
        return job;
    }
}
