package org.mqcgm.server.requests;

import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.AccountClosure;

/**
 * The rights desk (PR-61, PR-64, PR-73 – PR-76): every request about a person's data that self-service does not
 * finish — access, correction, deletion of Ⅴ.3 a–c, portability, an explanation of an automated decision, a complaint,
 * a general enquiry — is a tracked case with a due date shown to the requester (30 days; complaints 15), made from
 * "My requests" ({@code /requests}, {@code /api/v1/me/requests}) or, without an account or without access to it,
 * from the public form ({@code /privacy/request}) after a one-time code to the registered contact. Operators (the
 * support role) work the queue at {@code /desk}, first due first, with reminders ten and three days before the due
 * day and an overdue alarm (the {@code dsar_overdue} gauge); the data-protection officer (the {@code dpo} role)
 * answers complaints and deletion cases, refuses — only with a reason code of Ⅴ.8 — and proposes fees on the fifth
 * manual request in twelve months. Reaches accounts only through their {@link AccountClosure} port (finding an account
 * by its e-mail or phone, its registered contact).
 */
public final class RequestsFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** The daily job: reminders and lapsing unverified requests. */
    public static final String JOB = "rights-desk-reminders";

    /**
     * The deployment's settings of the desk.
     *
     * @param regulatorName  the data-protection regulator of the deployment's region, shown with the complaint route
     *                       ({@code MQCGM_REGULATOR_NAME})
     * @param regulatorPhone its phone ({@code MQCGM_REGULATOR_PHONE}), or null
     * @param regulatorUrl   its web address ({@code MQCGM_REGULATOR_URL}), or null
     * @param deskEmail      where reminders of due requests go ({@code MQCGM_DPO_EMAIL}), or null: the queue only
     */
    public record Settings(String regulatorName, String regulatorPhone, String regulatorUrl, String deskEmail) {

        /** Mainland China, where the policy applies: the CAC's reporting centre. */
        public static final Settings DEFAULT = new Settings(
                "Cyberspace Administration of China — Illegal and Harmful Information Reporting Centre", "12377",
                "https://www.12377.cn", null);

        public Settings {
            if (regulatorName == null || regulatorName.isBlank()) {
                throw new IllegalArgumentException("MQCGM_REGULATOR_NAME must name the regulator");
            }
        }

        /** From the environment's {@code MQCGM_REGULATOR_*} and {@code MQCGM_DPO_EMAIL}, else {@link #DEFAULT}. */
        public static Settings from(Map<String, String> env) {
            String name = blankToNull(env.get("MQCGM_REGULATOR_NAME"));
            if (name == null) {
                return new Settings(DEFAULT.regulatorName(), DEFAULT.regulatorPhone(), DEFAULT.regulatorUrl(),
                        blankToNull(env.get("MQCGM_DPO_EMAIL")));
            }
            return new Settings(name, blankToNull(env.get("MQCGM_REGULATOR_PHONE")),
                    blankToNull(env.get("MQCGM_REGULATOR_URL")), blankToNull(env.get("MQCGM_DPO_EMAIL")));
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }

    private final Cases cases;
    private final RequestRoutes routes;
    private final DeskMail mail;
    private final Platform platform;

    private RequestsFeature(Platform platform, Cases cases, RequestRoutes routes, DeskMail mail) {
        this.platform = platform;
        this.cases = cases;
        this.routes = routes;
        this.mail = mail;
    }

    /**
     * @param accounts finding an account by its e-mail or phone and its registered contact (the accounts feature)
     */
    public static RequestsFeature create(Platform platform, AccountClosure accounts, Settings settings) {
        return create(platform, accounts, settings, "");
    }

    /** As above, with the server's public address for the links in messages ({@code MQCGM_PUBLIC_URL}). */
    public static RequestsFeature create(Platform platform, AccountClosure accounts, Settings settings,
                                         String publicUrl) {
        Cases cases = new Cases(platform.jdbi(), platform.userKeys(), platform.secrets(), platform.systemClock());
        DeskMail mail = new DeskMail(platform.outbound(), accounts, cases, settings);
        mail.publicUrl(publicUrl);
        Gauge.builder("dsar.overdue", cases, Cases::overdue)
                .description("rights requests open past their due day (alarm when above 0)")
                .register(platform.meters());
        return new RequestsFeature(platform, cases, new RequestRoutes(cases, mail, accounts, settings,
                platform.json(), platform.clientAddress()), mail);
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }

    /** Daily, on one node: reminders of requests due soon (to the desk's queue and e-mail), lapsing unverified ones. */
    /**
     * Closed cases are kept three years after their close (retention category {@code rights-requests-closed});
     * a case of someone without an account names nobody (the nil id: no legal hold matches it).
     */
    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return List.of(new org.mqcgm.server.platform.retention.SqlExpiry("rights-requests-closed", platform.jdbi(),
                "rights_request", "closed_at",
                "coalesce(owner_id, claims_account, '00000000-0000-0000-0000-000000000000'::uuid)",
                "closed_at is not null"));
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(Jobs.daily(JOB, () -> {
            List<Cases.Reminder> due = cases.remind();
            due.forEach(mail::reminder);
            return due.size();
        }));
    }

    /** The person's requests, for "My data" and the export (PR-60, PR-70). */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("rights-requests", cases.list(owner).size(),
                        "handling your requests about your data (your rights, complaints)",
                        "what you asked for and our answers", "this server's PostgreSQL database, encrypted with"
                        + " your key"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                archive.json(platform.mapper(), "rights-requests.json", "Your requests to the rights desk: kind,"
                                + " when received and due, status, your words and our answer. JSON array.",
                        cases.list(owner).stream().map(c -> ApiSchemas.RightsRequest.of(c, cases.now(), List.of()))
                                .toList());
            }
        });
    }
}
