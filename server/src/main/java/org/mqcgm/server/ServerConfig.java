package org.mqcgm.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.mqcgm.server.platform.metrics.Metrics;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.outbound.SmtpSender;
import org.mqcgm.server.platform.transparency.ControllerContact;

/**
 * Every setting of the server in one record. Settings come from environment variables named {@code MQCGM_*}, or
 * from a configuration file in {@code KEY=value} form using the same names; the environment wins over the file.
 * The table in the README lists them all; {@link #fromSettings} is the only place they are read.
 *
 * @param databaseUrl        JDBC URL of the PostgreSQL database ({@code MQCGM_DB_URL})
 * @param databaseUser       database user ({@code MQCGM_DB_USER})
 * @param databasePassword   database password ({@code MQCGM_DB_PASSWORD})
 * @param databasePoolSize   maximum pooled connections ({@code MQCGM_DB_POOL_SIZE})
 * @param masterKeyFile      Tink keyset (JSON) that wraps every per-user data key ({@code MQCGM_MASTER_KEY_FILE}); null
 *                           when {@code MQCGM_MASTER_KEY_URI} names the key (see {@code MasterKey#fromSettings})
 * @param host               interface to listen on ({@code MQCGM_HOST})
 * @param port               TCP port, 0 for any free port ({@code MQCGM_PORT})
 * @param maxRequestBytes    largest accepted request body ({@code MQCGM_MAX_REQUEST_BYTES})
 * @param argon2             password hashing cost
 * @param sessionIdle        a web session ends after this long without a request ({@code MQCGM_SESSION_IDLE_MINUTES})
 * @param sessionAbsolute    a web session ends this long after login whatever happens
 *                           ({@code MQCGM_SESSION_ABSOLUTE_HOURS})
 * @param smtp               the SMTP server for e-mail, or null to write e-mails to the outbox folder
 *                           ({@code MQCGM_SMTP_*}, {@code MQCGM_MAIL_FROM})
 * @param outboxDirectory    where the bundled SMS channel (and e-mail without SMTP) writes messages
 *                           ({@code MQCGM_OUTBOX_DIR})
 * @param publicUrl          the address users reach the web app at, for links in messages ({@code MQCGM_PUBLIC_URL})
 * @param metrics            operators' Prometheus metrics: {@code MQCGM_METRICS_PORT} (unset = off) and
 *                           {@code MQCGM_METRICS_HOST} (default 127.0.0.1)
 * @param clientAddress      the reverse proxies whose client-address header is believed: comma-separated CIDRs
 *                           ({@code MQCGM_TRUSTED_PROXIES}, default none: the socket peer is the client) and the
 *                           header they write ({@code MQCGM_FORWARDED_HEADER}: {@code X-Forwarded-For}, the
 *                           default, or {@code Forwarded})
 * @param deletionLedger     the file that lists the ids of cancelled accounts, kept outside the database and its
 *                           backups and replayed by {@code mqcgm restore} ({@code MQCGM_DELETION_LEDGER}; default
 *                           {@code deletion-ledger.txt} beside the outbox folder)
 * @param transfersAllowLoopbackHttp let transfers (PR-71) reach this machine's loopback address, over plain http
 *                           too: for tests and a FHIR server on the same machine only, never in production
 *                           ({@code MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP}, default false)
 * @param maxFollowers       how many people one wearer may share with at once, invitations included
 *                           ({@code MQCGM_MAX_FOLLOWERS}, default 20)
 * @param acceptQueue        connections the kernel holds before the server accepts them, the listen backlog
 *                           ({@code MQCGM_ACCEPT_QUEUE}, default 1024; Linux caps it at {@code net.core.somaxconn})
 * @param push               where Web Push messages may go and the operator's contact for push services
 *                           ({@code MQCGM_PUSH_*}, see {@link Push})
 * @param supportPhone       the operator's support hotline, shown as a {@code tel:} link on the help page after the
 *                           user taps "Call support" ({@code MQCGM_SUPPORT_PHONE}, e.g. {@code +86 400 123 4567};
 *                           unset: no "Call support" control)
 * @param alertsOnIngest     whether alerts are evaluated after each upload; always true except in code that asks
 *                           otherwise ({@link #withAlertsOnIngest}, for the paired benchmark): no setting reads it
 * @param residency          data residency and recipients (PR-80, PR-82, PR-43): {@code MQCGM_REGION} (default
 *                           {@code local}), {@code MQCGM_DB_REGION}, {@code MQCGM_STORE_REGION},
 *                           {@code MQCGM_BACKUP_REGION}, {@code MQCGM_CROSS_BORDER} ({@code allow}; default off) and
 *                           {@code MQCGM_RECIPIENTS_FILE} (the operator's declared recipients, a JSON array)
 * @param controller         the controller's and data-protection contact shown on the policy page, the web footer,
 *                           {@code mqcgm privacy contact} and every e-mail ({@code MQCGM_CONTROLLER_NAME},
 *                           {@code _EMAIL} (required), {@code _PHONE}, {@code _ADDRESS}, {@code _DPO},
 *                           {@code _DPO_EMAIL}; PR-89). Configurations built in code (tests, the benchmark) get
 *                           {@link ControllerContact#EXAMPLE}; settings never do
 * @param governance         the privacy-governance settings, from the environment or the {@code --config} file like
 *                           every other setting (the environment wins), validated at load: {@code
 *                           MQCGM_AGE_OF_MAJORITY}, {@code MQCGM_RETENTION_*}, {@code MQCGM_RESEARCH_*},
 *                           {@code MQCGM_LOG_DIR}, {@code MQCGM_REGULATOR_*}, {@code MQCGM_DPO_EMAIL} (see
 *                           {@link #governance(Map)}); empty (the defaults) for configurations built in code
 * @param rateLimits         the request limits of expensive and public routes
 *                           ({@code MQCGM_RATE_LIMIT_<NAME>=<requests>/<window>}, e.g. {@code REPORTS=60/1h}; see
 *                           {@link org.mqcgm.server.platform.security.RateLimit} for the names and defaults)
 */
public record ServerConfig(
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        Path masterKeyFile,
        String host,
        int port,
        long maxRequestBytes,
        Argon2Cost argon2,
        Duration sessionIdle,
        Duration sessionAbsolute,
        SmtpSender.Settings smtp,
        Path outboxDirectory,
        String publicUrl,
        Metrics.Settings metrics,
        ClientAddress.Settings clientAddress,
        Path deletionLedger,
        boolean transfersAllowLoopbackHttp,
        int maxFollowers,
        int acceptQueue,
        Push push,
        String supportPhone,
        boolean alertsOnIngest,
        org.mqcgm.server.platform.egress.Residency residency, ControllerContact controller,
        Map<String, String> governance,
        org.mqcgm.server.platform.security.RateLimits.Settings rateLimits) {

    /** A copy with other request limits ({@code MQCGM_RATE_LIMIT_*}). */
    public ServerConfig withRateLimits(org.mqcgm.server.platform.security.RateLimits.Settings limits) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push,
                supportPhone, alertsOnIngest, residency, controller, governance, limits);
    }

    /** {@code MQCGM_RATE_LIMIT_<NAME>=<requests>/<window>} (see {@link org.mqcgm.server.platform.security.RateLimit}). */
    private static org.mqcgm.server.platform.security.RateLimits.Settings rateLimits(Map<String, String> s) {
        try {
            return org.mqcgm.server.platform.security.RateLimits.Settings.parse(s);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            int colon = m.indexOf(": ");
            throw new ConfigException(m.substring(0, colon), m.substring(colon + 2));
        }
    }

    /** The default age of majority ({@link #ageOfMajority}). */
    public static final int DEFAULT_AGE_OF_MAJORITY = 18;

    /**
     * The age under which an account needs a guardian's consent (PR-77): {@code MQCGM_AGE_OF_MAJORITY}, default 18,
     * from 14 to 21 (a deployment sets its jurisdiction's age; 18 is stricter than PIPL's 14). Read from the same
     * settings as the rest, checked when the server or a command starts.
     */
    public static int ageOfMajority(Map<String, String> settings) {
        return integer(settings, "MQCGM_AGE_OF_MAJORITY", DEFAULT_AGE_OF_MAJORITY, 14, 21);
    }

    /** The default of {@link #maxFollowers}. */
    public static final int DEFAULT_MAX_FOLLOWERS = 20;

    /**
     * The default idle end of a web session ({@link #sessionIdle}): 30 minutes without a request the person made,
     * as ASVS 4.0.3 Level 2 asks (V3.3.2). Background refreshes of an open page are no activity.
     */
    public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);
    /** The default absolute end of a web session ({@link #sessionAbsolute}): 12 hours after login (ASVS V3.3.2). */
    public static final Duration DEFAULT_SESSION_ABSOLUTE = Duration.ofHours(12);

    /**
     * Web Push destinations (the push feature). A subscription's endpoint is a URL a browser (so any client) supplied,
     * and the server POSTs to it: production accepts only https endpoints on hosts whose every address is public.
     *
     * @param allowLoopbackHttp accept endpoints on this machine's loopback address, over plain http too: for the demo
     *                          and tests only, never in production ({@code MQCGM_PUSH_ALLOW_LOOPBACK_HTTP}, default
     *                          false)
     * @param allowedHosts      when not empty, only endpoints on these hosts (exact names, or {@code *.example.com}
     *                          for its subdomains) are accepted ({@code MQCGM_PUSH_ALLOWED_HOSTS}, comma-separated;
     *                          default empty: any public https host)
     * @param contact           the operator's contact given to push services in VAPID tokens, a {@code mailto:} or
     *                          {@code https:} URL ({@code MQCGM_PUSH_CONTACT}; default {@code mailto:} the mail sender,
     *                          else the public URL when it is https, else {@code mailto:postmaster@localhost})
     */
    public record Push(boolean allowLoopbackHttp, java.util.List<String> allowedHosts, String contact) {
        public static final Push DEFAULT = new Push(false, java.util.List.of(), "mailto:postmaster@localhost");

        public Push {
            allowedHosts = java.util.List.copyOf(allowedHosts);
        }

        /** A copy accepting loopback endpoints over http (the demo, tests). */
        public Push withLoopbackHttp(boolean allow) {
            return new Push(allow, allowedHosts, contact);
        }
    }

    public ServerConfig {
        supportPhone = supportPhone == null || supportPhone.isBlank() ? null : supportPhone.trim();
        residency = residency == null ? org.mqcgm.server.platform.egress.Residency.DEFAULT : residency;
        rateLimits = rateLimits == null ? org.mqcgm.server.platform.security.RateLimits.Settings.DEFAULT : rateLimits;
        if (controller == null) {
            throw new ConfigException("MQCGM_CONTROLLER_EMAIL", "missing: the controller contact (PR-89)");
        }
    }

    /**
     * Settings in the default region with no declared recipient, and the example controller contact
     * (configurations built in code: tests, the benchmark).
     */
    public ServerConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize,
                        Path masterKeyFile, String host, int port, long maxRequestBytes, Argon2Cost argon2,
                        Duration sessionIdle, Duration sessionAbsolute, SmtpSender.Settings smtp,
                        Path outboxDirectory, String publicUrl, Metrics.Settings metrics,
                        ClientAddress.Settings clientAddress, Path deletionLedger, boolean transfersAllowLoopbackHttp,
                        int maxFollowers, int acceptQueue, Push push, String supportPhone, boolean alertsOnIngest) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile, host, port,
                maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl, metrics,
                clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push,
                supportPhone, alertsOnIngest, org.mqcgm.server.platform.egress.Residency.DEFAULT,
                ControllerContact.EXAMPLE, Map.of(), org.mqcgm.server.platform.security.RateLimits.Settings.DEFAULT);
    }

    /**
     * Settings built in code with residency and contact, the default privacy-governance settings and the default
     * request limits.
     */
    public ServerConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize,
                        Path masterKeyFile, String host, int port, long maxRequestBytes, Argon2Cost argon2,
                        Duration sessionIdle, Duration sessionAbsolute, SmtpSender.Settings smtp,
                        Path outboxDirectory, String publicUrl, Metrics.Settings metrics,
                        ClientAddress.Settings clientAddress, Path deletionLedger, boolean transfersAllowLoopbackHttp,
                        int maxFollowers, int acceptQueue, Push push, String supportPhone, boolean alertsOnIngest,
                        org.mqcgm.server.platform.egress.Residency residency, ControllerContact controller) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile, host, port,
                maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl, metrics,
                clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push,
                supportPhone, alertsOnIngest, residency, controller, Map.of(),
                org.mqcgm.server.platform.security.RateLimits.Settings.DEFAULT);
    }

    /** A copy with other residency settings and recipients. */
    public ServerConfig withResidency(org.mqcgm.server.platform.egress.Residency settings) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push,
                supportPhone, alertsOnIngest, settings, controller, governance, rateLimits);
    }

    /**
     * Refuses to run against a store declared in another region, or with a recipient outside the region while
     * cross-border transfers are off (PR-80, PR-82).
     */
    public void checkResidency() {
        residency.problem().ifPresent(p -> {
            throw new ConfigException(p[0], p[1]);
        });
    }

    /** Settings with alerts evaluated on ingest (the only way a deployment runs) and no support hotline. */
    public ServerConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize,
                        Path masterKeyFile, String host, int port, long maxRequestBytes, Argon2Cost argon2,
                        Duration sessionIdle, Duration sessionAbsolute, SmtpSender.Settings smtp,
                        Path outboxDirectory, String publicUrl, Metrics.Settings metrics,
                        ClientAddress.Settings clientAddress, Path deletionLedger, boolean transfersAllowLoopbackHttp,
                        int maxFollowers, int acceptQueue, Push push) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile, host, port,
                maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl, metrics,
                clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push, null, true);
    }

    /** Settings with the default Web Push rules (production: public https endpoints only) and no support hotline. */
    public ServerConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize,
                        Path masterKeyFile, String host, int port, long maxRequestBytes, Argon2Cost argon2,
                        Duration sessionIdle, Duration sessionAbsolute, SmtpSender.Settings smtp,
                        Path outboxDirectory, String publicUrl, Metrics.Settings metrics,
                        ClientAddress.Settings clientAddress, Path deletionLedger, boolean transfersAllowLoopbackHttp,
                        int maxFollowers, int acceptQueue) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile, host, port,
                maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl, metrics,
                clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, Push.DEFAULT,
                null, true);
    }

    /** Settings with the default accept queue. */
    public ServerConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize,
                        Path masterKeyFile, String host, int port, long maxRequestBytes, Argon2Cost argon2,
                        Duration sessionIdle, Duration sessionAbsolute, SmtpSender.Settings smtp,
                        Path outboxDirectory, String publicUrl, Metrics.Settings metrics,
                        ClientAddress.Settings clientAddress, Path deletionLedger, boolean transfersAllowLoopbackHttp,
                        int maxFollowers) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile, host, port,
                maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl, metrics,
                clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers,
                org.mqcgm.server.platform.http.HttpServer.DEFAULT_ACCEPT_QUEUE);
    }

    /** Settings with the default number of followers. */
    public ServerConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize,
                        Path masterKeyFile, String host, int port, long maxRequestBytes, Argon2Cost argon2,
                        Duration sessionIdle, Duration sessionAbsolute, SmtpSender.Settings smtp,
                        Path outboxDirectory, String publicUrl, Metrics.Settings metrics,
                        ClientAddress.Settings clientAddress, Path deletionLedger, boolean transfersAllowLoopbackHttp) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile, host, port,
                maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl, metrics,
                clientAddress, deletionLedger, transfersAllowLoopbackHttp, DEFAULT_MAX_FOLLOWERS);
    }

    /** Settings where transfers reach public https hosts only (the production rule). */
    public ServerConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize,
                        Path masterKeyFile, String host, int port, long maxRequestBytes, Argon2Cost argon2,
                        Duration sessionIdle, Duration sessionAbsolute, SmtpSender.Settings smtp,
                        Path outboxDirectory, String publicUrl, Metrics.Settings metrics,
                        ClientAddress.Settings clientAddress, Path deletionLedger) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile, host, port,
                maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl, metrics,
                clientAddress, deletionLedger, false);
    }

    /** Settings without the operators' metrics listener and without a trusted reverse proxy. */
    public ServerConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize,
                        Path masterKeyFile, String host, int port, long maxRequestBytes, Argon2Cost argon2,
                        Duration sessionIdle, Duration sessionAbsolute, SmtpSender.Settings smtp,
                        Path outboxDirectory, String publicUrl) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile, host, port,
                maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                Metrics.Settings.OFF, ClientAddress.Settings.NONE, defaultLedger(outboxDirectory));
    }

    /** The deletion ledger's default place: beside the outbox folder (in the demo, in its data directory). */
    static Path defaultLedger(Path outboxDirectory) {
        return outboxDirectory.toAbsolutePath().resolveSibling("deletion-ledger.txt");
    }

    /**
     * Argon2id cost. The defaults exceed the OWASP minimum (19 MiB, t=2) and follow PR-06 (m ≥ 64 MiB, t ≥ 3).
     *
     * @param memoryKib  memory in KiB ({@code MQCGM_ARGON2_MEMORY_KIB})
     * @param iterations passes over memory ({@code MQCGM_ARGON2_ITERATIONS})
     * @param parallelism lanes ({@code MQCGM_ARGON2_PARALLELISM})
     */
    public record Argon2Cost(int memoryKib, int iterations, int parallelism) {
        public static final Argon2Cost DEFAULT = new Argon2Cost(65536, 3, 1);
    }

    /** Reads the environment and, when given, a configuration file; the environment wins. */
    public static ServerConfig load(Map<String, String> environment, Path configFile) {
        return fromSettings(settings(environment, configFile));
    }

    private static Map<String, String> readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config", "no such file: " + file);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new HashMap<>();
        p.forEach((k, v) -> out.put(k.toString().trim(), v.toString().trim()));
        return out;
    }

    /** Builds and validates the configuration from a flat map of {@code MQCGM_*} settings. */
    public static ServerConfig fromSettings(Map<String, String> s) {
        String url = required(s, "MQCGM_DB_URL",
                "missing: the JDBC URL of the PostgreSQL database, e.g. jdbc:postgresql://localhost:5432/mqcgm");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException("MQCGM_DB_URL", "must start with jdbc:postgresql:// (got '" + url + "')");
        }
        url = databaseTls(url, s);
        String user = required(s, "MQCGM_DB_USER", "missing: the database user");
        // MQCGM_DB_PASSWORD_FILE: read again at each new connection (issue 16, V2.10.1; platform.security.SecretFile).
        String password = org.mqcgm.server.platform.security.SecretFile.setting(s, "MQCGM_DB_PASSWORD");
        if (password == null) {
            throw new ConfigException("MQCGM_DB_PASSWORD", "missing: the database password (set it empty for none,"
                    + " or name a file with MQCGM_DB_PASSWORD_FILE)");
        }
        // A master key held by a KMS (MQCGM_MASTER_KEY_URI, issue 16) needs no key file.
        boolean keyUri = s.get("MQCGM_MASTER_KEY_URI") != null && !s.get("MQCGM_MASTER_KEY_URI").isBlank();
        String keyFile = keyUri ? s.get("MQCGM_MASTER_KEY_FILE") : required(s, "MQCGM_MASTER_KEY_FILE",
                "missing: path of the master key file (create one with 'mqcgm keygen --out FILE')");
        Path masterKey = keyFile == null || keyFile.isBlank() ? null : Path.of(keyFile);
        if (masterKey != null && !Files.isReadable(masterKey)) {
            throw new ConfigException("MQCGM_MASTER_KEY_FILE", "cannot read " + keyFile);
        }
        return new ServerConfig(
                url,
                user,
                password,
                integer(s, "MQCGM_DB_POOL_SIZE", 10, 1, 200),
                masterKey,
                s.getOrDefault("MQCGM_HOST", "0.0.0.0"),
                integer(s, "MQCGM_PORT", 8080, 0, 65535),
                integer(s, "MQCGM_MAX_REQUEST_BYTES", 5_000_000, 1024, 100_000_000),
                new Argon2Cost(
                        integer(s, "MQCGM_ARGON2_MEMORY_KIB", Argon2Cost.DEFAULT.memoryKib(), 1024, 4_194_304),
                        integer(s, "MQCGM_ARGON2_ITERATIONS", Argon2Cost.DEFAULT.iterations(), 1, 100),
                        integer(s, "MQCGM_ARGON2_PARALLELISM", Argon2Cost.DEFAULT.parallelism(), 1, 64)),
                Duration.ofMinutes(integer(s, "MQCGM_SESSION_IDLE_MINUTES", (int) DEFAULT_SESSION_IDLE.toMinutes(), 1,
                        365 * 24 * 60)),
                Duration.ofHours(integer(s, "MQCGM_SESSION_ABSOLUTE_HOURS", (int) DEFAULT_SESSION_ABSOLUTE.toHours(), 1,
                        365 * 24)),
                smtp(s),
                Path.of(s.getOrDefault("MQCGM_OUTBOX_DIR", "outbox")),
                publicUrl(s.getOrDefault("MQCGM_PUBLIC_URL", "http://localhost:" + s.getOrDefault("MQCGM_PORT", "8080"))),
                metrics(s),
                clientAddress(s),
                s.containsKey("MQCGM_DELETION_LEDGER") && !s.get("MQCGM_DELETION_LEDGER").isBlank()
                        ? Path.of(s.get("MQCGM_DELETION_LEDGER").trim())
                        : defaultLedger(Path.of(s.getOrDefault("MQCGM_OUTBOX_DIR", "outbox"))),
                bool(s, "MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP"),
                integer(s, "MQCGM_MAX_FOLLOWERS", DEFAULT_MAX_FOLLOWERS, 1, 1000),
                integer(s, "MQCGM_ACCEPT_QUEUE", org.mqcgm.server.platform.http.HttpServer.DEFAULT_ACCEPT_QUEUE, 1,
                        65_535),
                push(s), supportPhone(s.get("MQCGM_SUPPORT_PHONE")), true, residency(s), controller(s),
                governance(s), rateLimits(s));
    }

    /** The region, the stores' declared regions, cross-border mode and the declared recipients (PR-80, PR-82). */
    private static org.mqcgm.server.platform.egress.Residency residency(Map<String, String> s) {
        String region = region(s, "MQCGM_REGION");
        org.mqcgm.server.platform.egress.Residency r = new org.mqcgm.server.platform.egress.Residency(
                region == null ? org.mqcgm.server.platform.egress.Residency.DEFAULT_REGION : region,
                region(s, "MQCGM_DB_REGION"), region(s, "MQCGM_STORE_REGION"), region(s, "MQCGM_BACKUP_REGION"),
                crossBorder(s), recipients(s));
        r.problem().ifPresent(p -> {
            throw new ConfigException(p[0], p[1]);
        });
        return r;
    }

    private static String region(Map<String, String> s, String name) {
        String v = s.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        String r = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (!r.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw new ConfigException(name, "must be a region name of letters, digits and dashes (got '" + v + "')");
        }
        return r;
    }

    private static boolean crossBorder(Map<String, String> s) {
        String v = s.getOrDefault("MQCGM_CROSS_BORDER", "off").trim().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "", "off" -> false;
            case "allow" -> true;
            default -> throw new ConfigException("MQCGM_CROSS_BORDER", "must be off or allow (got '" + v + "')");
        };
    }

    private static java.util.List<org.mqcgm.server.platform.egress.Recipient> recipients(Map<String, String> s) {
        String file = s.get("MQCGM_RECIPIENTS_FILE");
        if (file == null || file.isBlank()) {
            return java.util.List.of();
        }
        Path p = Path.of(file.trim());
        String json;
        try {
            json = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("MQCGM_RECIPIENTS_FILE", "cannot read " + p);
        }
        try {
            return org.mqcgm.server.platform.egress.Recipient.parseAll(json);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MQCGM_RECIPIENTS_FILE", e.getMessage());
        }
    }

    /**
     * The controller contact (PR-89): the e-mail is required — a deployment without a way to reach its controller
     * does not start; the name defaults to the public address's host.
     */
    private static ControllerContact controller(Map<String, String> s) {
        String email = required(s, "MQCGM_CONTROLLER_EMAIL", "missing: the e-mail address at which people reach"
                + " the controller of their data, shown on the privacy policy, in the web footer and in every e-mail"
                + " (PR-89)");
        if (!email.matches("[^@\\s]+@[^@\\s]+")) {
            throw new ConfigException("MQCGM_CONTROLLER_EMAIL", "must be an e-mail address (got '" + email + "')");
        }
        String dpoEmail = s.get("MQCGM_CONTROLLER_DPO_EMAIL");
        if (dpoEmail != null && !dpoEmail.isBlank() && !dpoEmail.trim().matches("[^@\\s]+@[^@\\s]+")) {
            throw new ConfigException("MQCGM_CONTROLLER_DPO_EMAIL", "must be an e-mail address (got '" + dpoEmail
                    + "')");
        }
        String name = s.get("MQCGM_CONTROLLER_NAME");
        if (name == null || name.isBlank()) {
            name = java.net.URI.create(publicUrl(s.getOrDefault("MQCGM_PUBLIC_URL", "http://localhost"))).getHost();
        }
        return new ControllerContact(name, email, s.get("MQCGM_CONTROLLER_PHONE"), s.get("MQCGM_CONTROLLER_ADDRESS"),
                s.get("MQCGM_CONTROLLER_DPO"), dpoEmail);
    }

    /**
     * The controller contact alone from the environment and, when given, a configuration file (the environment
     * wins), validated as {@link #fromSettings} does: {@code mqcgm privacy contact} prints it without needing the
     * database settings.
     */
    public static ControllerContact controllerContact(Map<String, String> environment, Path configFile) {
        return controller(settings(environment, configFile));
    }

    /** The controller contact of a flat map of {@code MQCGM_*} settings (as {@link #fromSettings} reads it). */
    public static ControllerContact controllerContact(Map<String, String> settings) {
        return controller(settings);
    }

    /** A copy with another controller contact (PR-89). */
    public ServerConfig withController(ControllerContact contact) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push,
                supportPhone, alertsOnIngest, residency, contact, governance, rateLimits);
    }

    private static Push push(Map<String, String> s) {
        java.util.List<String> hosts = new java.util.ArrayList<>();
        for (String h : s.getOrDefault("MQCGM_PUSH_ALLOWED_HOSTS", "").split(",")) {
            String host = h.trim().toLowerCase(java.util.Locale.ROOT);
            if (host.isEmpty()) {
                continue;
            }
            if (!host.matches("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                throw new ConfigException("MQCGM_PUSH_ALLOWED_HOSTS", "not a host name or *.domain: '" + h.trim()
                        + "'");
            }
            hosts.add(host);
        }
        String contact = s.get("MQCGM_PUSH_CONTACT");
        if (contact == null || contact.isBlank()) {
            String from = s.get("MQCGM_MAIL_FROM");
            String url = s.getOrDefault("MQCGM_PUBLIC_URL", "").trim();
            contact = from != null && from.contains("@") ? "mailto:" + from.trim()
                    : url.startsWith("https://") ? url : Push.DEFAULT.contact();
        } else if (!(contact.trim().startsWith("mailto:") || contact.trim().startsWith("https://"))) {
            throw new ConfigException("MQCGM_PUSH_CONTACT", "must be a mailto: or https: URL (got '" + contact + "')");
        }
        return new Push(bool(s, "MQCGM_PUSH_ALLOW_LOOPBACK_HTTP"), hosts, contact.trim());
    }

    private static Metrics.Settings metrics(Map<String, String> s) {
        String port = s.get("MQCGM_METRICS_PORT");
        if (port == null || port.isBlank()) {
            return Metrics.Settings.OFF;
        }
        return new Metrics.Settings(s.getOrDefault("MQCGM_METRICS_HOST", "127.0.0.1").trim(),
                integer(s, "MQCGM_METRICS_PORT", 0, 0, 65535));
    }

    private static ClientAddress.Settings clientAddress(Map<String, String> s) {
        java.util.List<ClientAddress.Cidr> networks;
        try {
            networks = ClientAddress.Settings.parseNetworks(s.get("MQCGM_TRUSTED_PROXIES"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MQCGM_TRUSTED_PROXIES", e.getMessage()
                    + " (expected comma-separated CIDRs such as 10.0.0.0/8, fd00::/8)");
        }
        String header = s.getOrDefault("MQCGM_FORWARDED_HEADER", "X-Forwarded-For").trim();
        ClientAddress.Header h = switch (header.toLowerCase(java.util.Locale.ROOT)) {
            case "x-forwarded-for" -> ClientAddress.Header.X_FORWARDED_FOR;
            case "forwarded" -> ClientAddress.Header.FORWARDED;
            default -> throw new ConfigException("MQCGM_FORWARDED_HEADER",
                    "must be X-Forwarded-For or Forwarded (got '" + header + "')");
        };
        return new ClientAddress.Settings(networks, h);
    }

    // ---------------------------------------------------------------- database TLS (ASVS V9.2), seclog16

    /** The libpq / pgjdbc {@code sslmode}s, weakest first. */
    static final java.util.List<String> SSL_MODES =
            java.util.List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** Modes that may talk in clear text or to anyone: refused for a database on another machine. */
    static final java.util.Set<String> WEAK_SSL_MODES = java.util.Set.of("disable", "allow", "prefer");

    /**
     * The JDBC URL with the connection's TLS settled (ASVS V9.2.1, V9.2.2): {@code MQCGM_DB_SSLMODE} (or the URL's own
     * {@code sslmode}) is used; without either, a database on another machine is reached with
     * {@code sslmode=verify-full} (encrypted, and the server's certificate checked against the CA and the host name)
     * while one on this machine (localhost, 127.0.0.0/8, ::1, the demo's embedded PostgreSQL) is left as it is.
     * {@code disable}, {@code allow} and {@code prefer} are refused for another machine unless
     * {@code MQCGM_DB_ALLOW_INSECURE=true} says the network is trusted. {@code MQCGM_DB_SSLROOTCERT} names the CA
     * file ({@code sslrootcert}; default {@code ~/.postgresql/root.crt}).
     */
    static String databaseTls(String url, Map<String, String> s) {
        String fromUrl = urlParameter(url, "sslmode");
        String setting = s.get("MQCGM_DB_SSLMODE");
        String mode = setting == null || setting.isBlank() ? null : setting.trim().toLowerCase(java.util.Locale.ROOT);
        if (mode != null && !SSL_MODES.contains(mode)) {
            throw new ConfigException("MQCGM_DB_SSLMODE", "must be one of " + SSL_MODES + " (got '" + setting + "')");
        }
        if (mode != null && fromUrl != null && !fromUrl.equalsIgnoreCase(mode)) {
            throw new ConfigException("MQCGM_DB_SSLMODE", "is " + mode + " but MQCGM_DB_URL says sslmode=" + fromUrl
                    + "; set it in one place");
        }
        boolean local = databaseHosts(url).stream().allMatch(ServerConfig::loopbackHost);
        String effective = mode != null ? mode : fromUrl != null ? fromUrl.toLowerCase(java.util.Locale.ROOT)
                : local ? null : "verify-full";
        String insecure = s.getOrDefault("MQCGM_DB_ALLOW_INSECURE", "false").trim();
        if (!insecure.equals("true") && !insecure.equals("false")) {
            throw new ConfigException("MQCGM_DB_ALLOW_INSECURE", "must be true or false (got '" + insecure + "')");
        }
        if (!local && effective != null && WEAK_SSL_MODES.contains(effective) && !insecure.equals("true")) {
            throw new ConfigException("MQCGM_DB_SSLMODE", "sslmode=" + effective + " can send health data in clear"
                    + " text to a database on another machine; use verify-full (or require), or set"
                    + " MQCGM_DB_ALLOW_INSECURE=true if that network is trusted");
        }
        String out = url;
        if (effective != null && fromUrl == null) {
            out = withParameter(out, "sslmode", effective);
        }
        String rootCert = s.get("MQCGM_DB_SSLROOTCERT");
        if (rootCert != null && !rootCert.isBlank()) {
            if (!Files.isReadable(Path.of(rootCert.trim()))) {
                throw new ConfigException("MQCGM_DB_SSLROOTCERT", "cannot read " + rootCert.trim());
            }
            if (urlParameter(out, "sslrootcert") == null) {
                out = withParameter(out, "sslrootcert", rootCert.trim());
            }
        }
        return out;
    }

    /** The hosts of a {@code jdbc:postgresql://h1[:p1][,h2[:p2]]/db?…} URL ({@code localhost} when none). */
    static java.util.List<String> databaseHosts(String url) {
        String rest = url.substring("jdbc:postgresql://".length());
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        java.util.List<String> hosts = new java.util.ArrayList<>();
        for (String part : rest.substring(0, end).split(",")) {
            String h = part.trim();
            if (h.startsWith("[")) {
                h = h.substring(1, Math.max(1, h.indexOf(']')));
            } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
                h = h.substring(0, h.indexOf(':'));
            }
            hosts.add(h.isEmpty() ? "localhost" : h);
        }
        return hosts;
    }

    /** This machine: {@code localhost}, 127.0.0.0/8, {@code ::1} (never a name lookup). */
    static boolean loopbackHost(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String urlParameter(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equalsIgnoreCase(name)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    private static String withParameter(String url, String name, String value) {
        return url + (url.indexOf('?') < 0 ? "?" : "&") + name + "="
                + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static SmtpSender.Settings smtp(Map<String, String> s) {
        String host = s.get("MQCGM_SMTP_HOST");
        if (host == null || host.isBlank()) {
            return null;
        }
        String from = required(s, "MQCGM_MAIL_FROM", "missing: the sender address of e-mails (needed with MQCGM_SMTP_HOST)");
        if (!from.contains("@")) {
            throw new ConfigException("MQCGM_MAIL_FROM", "must be an e-mail address (got '" + from + "')");
        }
        String security = s.getOrDefault("MQCGM_SMTP_SECURITY", "starttls");
        if (!java.util.Set.of("starttls", "tls", "none").contains(security)) {
            throw new ConfigException("MQCGM_SMTP_SECURITY", "must be starttls, tls or none (got '" + security + "')");
        }
        if (security.equals("none") && !loopbackHost(host.trim())) {
            // ASVS V9.2.1: mail (reset codes, notices) leaves the machine only encrypted
            throw new ConfigException("MQCGM_SMTP_SECURITY", "none is only accepted for a mail relay on this machine"
                    + " (localhost, 127.0.0.1, ::1); use starttls or tls for " + host.trim());
        }
        return new SmtpSender.Settings(host.trim(), integer(s, "MQCGM_SMTP_PORT", 587, 1, 65535),
                s.get("MQCGM_SMTP_USER"), java.util.Objects.requireNonNullElse(
                        org.mqcgm.server.platform.security.SecretFile.setting(s, "MQCGM_SMTP_PASSWORD"), ""), from, security);
    }

    private static String publicUrl(String url) {
        String u = url.trim();
        if (!(u.startsWith("http://") || u.startsWith("https://"))) {
            throw new ConfigException("MQCGM_PUBLIC_URL", "must start with http:// or https:// (got '" + url + "')");
        }
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** A copy listening elsewhere (command-line flags override settings). */
    public ServerConfig withListen(String newHost, int newPort) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                newHost, newPort, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory,
                publicUrl, metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers,
                acceptQueue,
                push, supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy with another password hashing cost (tests use a cheap one; production never does). */
    public ServerConfig withArgon2(Argon2Cost cost) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, cost, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue,
                push, supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy with the operators' metrics listener set. */
    public ServerConfig withMetrics(Metrics.Settings settings) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                settings, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue,
                push, supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy reached at another public address. */
    public ServerConfig withPublicUrl(String url) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory,
                publicUrl(url), metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers,
                acceptQueue,
                push, supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy trusting other reverse proxies. */
    public ServerConfig withClientAddress(ClientAddress.Settings settings) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, settings, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue,
                push, supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy allowing {@code max} followers per wearer. */
    public ServerConfig withMaxFollowers(int max) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, max, acceptQueue,
                push, supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy with another listen backlog. */
    public ServerConfig withAcceptQueue(int connections) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, connections,
                push, supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy keeping the deletion ledger elsewhere. */
    public ServerConfig withDeletionLedger(Path file) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, file, transfersAllowLoopbackHttp, maxFollowers, acceptQueue,
                push, supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy whose transfers may reach loopback over plain http (tests, a FHIR server on this machine). */
    public ServerConfig withTransfersAllowLoopbackHttp(boolean allow) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, allow, maxFollowers, acceptQueue, push,
                supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy with other Web Push rules. */
    public ServerConfig withPush(Push rules) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, rules,
                supportPhone, alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A copy with the operator's support hotline ({@code MQCGM_SUPPORT_PHONE}; null for none). */
    public ServerConfig withSupportPhone(String phone) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push,
                phone == null ? null : supportPhone(phone), alertsOnIngest, residency, controller, governance, rateLimits);
    }

    /** A hotline number: digits, spaces, dashes and a leading +, 3 to 30 characters. */
    private static String supportPhone(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String phone = v.trim();
        if (!phone.matches("\\+?[0-9][0-9 -]{1,28}[0-9]")) {
            throw new ConfigException("MQCGM_SUPPORT_PHONE", "must be a phone number of digits, spaces and dashes,"
                    + " optionally starting with + (got '" + phone + "')");
        }
        return phone;
    }

    /**
     * A copy that does (true, always in production) or does not evaluate alerts after uploads: the alerts-off arm of
     * the paired benchmark ({@code AlertPathBenchmark}). Code only; no environment variable or file setting reads it.
     */
    public ServerConfig withAlertsOnIngest(boolean evaluate) {
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push,
                supportPhone, evaluate, residency, controller, governance, rateLimits);
    }

    private static boolean bool(Map<String, String> s, String name) {
        String v = s.get(name);
        if (v == null || v.isBlank()) {
            return false;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(name, "must be true or false (got '" + v + "')");
        };
    }

    private static String required(Map<String, String> s, String name, String problem) {
        String v = s.get(name);
        if (v == null || v.isBlank()) {
            throw new ConfigException(name, problem);
        }
        return v.trim();
    }

    private static int integer(Map<String, String> s, String name, int fallback, int min, int max) {
        String v = s.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number (got '" + v + "')");
        }
        if (n < min || n > max) {
            throw new ConfigException(name, "must be between " + min + " and " + max + " (got " + n + ")");
        }
        return n;
    }

    /** The prefixes and names of the privacy-governance settings ({@link #governance}). */
    private static final java.util.List<String> GOVERNANCE = java.util.List.of("MQCGM_AGE_OF_MAJORITY",
            "MQCGM_RETENTION_", "MQCGM_RESEARCH_", "MQCGM_LOG_DIR", "MQCGM_REGULATOR_", "MQCGM_DPO_EMAIL",
            // issue 16 (secc): outbound certificate revocation policy, security alert thresholds and recipients
            "MQCGM_OUTBOUND_REVOCATION", "MQCGM_SECURITY_ALERT_",
            // carried in the same map, though not privacy governance: how a node drains and polls ({@link #node})
            "MQCGM_DRAIN_", "MQCGM_JOBS_",
            // not governance, but read the same way: the glucose feature's upload settings (commit coalescing)
            "MQCGM_UPLOAD_",
            // issue 16 (seca): the per-person photo quota
            "MQCGM_PHOTO_QUOTA_");


    /**
     * The privacy-governance settings of a flat map of {@code MQCGM_*} settings (the environment over the
     * {@code --config} file), checked now so that a wrong one stops the server or a command at start, naming it:
     * the age of majority (14–21), the retention periods (only shorter than the defaults without a justification),
     * the research export's k, the DPO's e-mail address and the regulator's web address. The features read them
     * from here ({@code guardians}, {@code retention}, {@code requests}).
     */
    public static Map<String, String> governance(Map<String, String> s) {
        Map<String, String> g = new java.util.TreeMap<>();
        s.forEach((k, v) -> {
            if (v != null && GOVERNANCE.stream().anyMatch(k::startsWith)) {
                g.put(k, v.trim());
            }
        });
        ageOfMajority(g);
        node(g);
        try {
            org.mqcgm.server.retention.RetentionFeature.Settings.from(g);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MQCGM_RETENTION_*", e.getMessage());
        }
        String dpo = g.get("MQCGM_DPO_EMAIL");
        if (dpo != null && !dpo.isEmpty() && !dpo.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new ConfigException("MQCGM_DPO_EMAIL", "must be an e-mail address (got '" + dpo + "')");
        }
        String url = g.get("MQCGM_REGULATOR_URL");
        if (url != null && !url.isEmpty() && !(url.startsWith("https://") || url.startsWith("http://"))) {
            throw new ConfigException("MQCGM_REGULATOR_URL", "must start with https:// or http:// (got '" + url
                    + "')");
        }
        try {
            org.mqcgm.server.photos.PhotosFeature.Quota.from(g); // issue 16 (ASVS V12.1.3)
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MQCGM_PHOTO_QUOTA_*", e.getMessage());
        }
        try {
            org.mqcgm.server.requests.RequestsFeature.Settings.from(g);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MQCGM_REGULATOR_NAME", e.getMessage());
        }
        try {
            org.mqcgm.server.platform.outbound.OutboundTls.Revocation.parse(
                    g.get(org.mqcgm.server.platform.outbound.OutboundTls.SETTING));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(org.mqcgm.server.platform.outbound.OutboundTls.SETTING, e.getMessage());
        }
        try {
            org.mqcgm.server.platform.security.SecurityAlerts.Settings.parse(g);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            int colon = m.indexOf(": ");
            throw new ConfigException(m.substring(0, colon), m.substring(colon + 2));
        }
        return java.util.Collections.unmodifiableMap(g);
    }

    /** A copy with a privacy-governance setting set (tests; the names are those of the environment). */
    public ServerConfig withGovernanceSetting(String name, String value) {
        Map<String, String> g = new HashMap<>(governance);
        g.put(name, value);
        return new ServerConfig(databaseUrl, databaseUser, databasePassword, databasePoolSize, masterKeyFile,
                host, port, maxRequestBytes, argon2, sessionIdle, sessionAbsolute, smtp, outboxDirectory, publicUrl,
                metrics, clientAddress, deletionLedger, transfersAllowLoopbackHttp, maxFollowers, acceptQueue, push,
                supportPhone, alertsOnIngest, residency, controller, governance(g), rateLimits);
    }

    /**
     * How one node of several behind a load balancer stops and runs its jobs (issue 17), from the raw settings
     * ({@link #governance()} carries them).
     *
     * @param drainNotice how long {@code /readyz} fails before the node stops accepting connections, so the balancer
     *                    moves away first ({@code MQCGM_DRAIN_NOTICE_SECONDS}, 0–60, default 0: a balancer that
     *                    retries refused connections on another node, as HAProxy does, needs none)
     * @param drainGrace  how long requests in flight may take to finish after that ({@code MQCGM_DRAIN_SECONDS},
     *                    1–300, default 10)
     * @param drainIdle   while draining, how long a connection may stay idle before it is closed: a keep-alive
     *                    connection without a request, or a client that stopped sending its body
     *                    ({@code MQCGM_DRAIN_IDLE_SECONDS}, 1–300, default 1, at most {@code drainGrace})
     * @param jobsPolling how often the node looks for due jobs ({@code MQCGM_JOBS_POLL_SECONDS}, 1–300, default 10)
     */
    public record Node(Duration drainNotice, Duration drainGrace, Duration drainIdle, Duration jobsPolling) {
        public static final Node DEFAULT = new Node(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }

    /** The {@link Node} settings of a flat map of {@code MQCGM_*} settings; a wrong one names itself. */
    public static Node node(Map<String, String> s) {
        return new Node(Duration.ofSeconds(integer(s, "MQCGM_DRAIN_NOTICE_SECONDS", 0, 0, 60)),
                Duration.ofSeconds(integer(s, "MQCGM_DRAIN_SECONDS", 10, 1, 300)),
                Duration.ofSeconds(integer(s, "MQCGM_DRAIN_IDLE_SECONDS", 1, 1, 300)),
                Duration.ofSeconds(integer(s, "MQCGM_JOBS_POLL_SECONDS", 10, 1, 300)));
    }

    @Override
    public String toString() {
        // Never print the password.
        return "ServerConfig[db=" + databaseUrl + " as " + databaseUser + ", listen=" + host + ":" + port + "]";
    }

    /**
     * The raw {@code MQCGM_*} settings of the environment and, when given, a configuration file (the environment
     * wins), for settings that are not part of the server's configuration ({@code MQCGM_MIGRATION_DB_*}).
     */
    public static Map<String, String> settings(Map<String, String> environment, Path configFile) {
        Map<String, String> settings = new HashMap<>();
        if (configFile != null) {
            settings.putAll(readFile(configFile));
        }
        environment.forEach((k, v) -> {
            if (k.startsWith("MQCGM_")) {
                settings.put(k, v);
            }
        });
        return settings;
    }
}
