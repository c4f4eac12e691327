package org.mqcgm.server.platform.egress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.outbound.HttpTransfers;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.Sender;
import org.mqcgm.server.platform.outbound.WebPush;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one egress gateway (PR-43): every transfer of personal data out of the server goes through here, and only
 * through here ({@code EgressArchitectureTest}: no other class opens an outbound connection or calls a sender).
 * <ul>
 *   <li><b>Declared recipients</b> (the operator's partners and affiliates, {@link Recipients}): {@link #deliver}
 *       checks that the recipient is registered (else refused, logged, counted, {@link Unregistered} thrown), serves
 *       the purpose, is not suspended by the operator, has a DPA in force (PR-47), that the person consents to it
 *       for its current purposes (PR-44, PR-46) and — outside the deployment's region — that cross-border transfers
 *       are allowed and the person's separate consent names its country (PR-82); then it projects each record onto
 *       the recipient's allow-listed fields (PR-47) and POSTs them.</li>
 *   <li><b>User-designated destinations</b> (built in, not declarable): the person's own transfer target
 *       ({@link #transfer}: their request is their consent, PR-71), their browsers' push services ({@link #push}:
 *       their subscription is their consent) and account mail ({@link #mail}: the person's own mailbox or phone, or
 *       someone they invited).</li>
 * </ul>
 * Every transfer with an owner is written to {@code egress_log} (owner first; recipient, host, purpose, category
 * codes, record count, outcome; never data), which the person reads ({@code GET /api/v1/me/egress}).
 */
public final class Egress implements Recipients, Outbound.Gateway {

    private static final Logger log = LoggerFactory.getLogger(Egress.class);

    /** Thrown when data is addressed to a recipient the operator never declared (after logging the refusal). */
    public static final class Unregistered extends RuntimeException {
        public Unregistered(String recipient) {
            super("unregistered recipient '" + recipient + "'", null, false, false);
        }
    }

    /** The outcome of one delivery to a declared recipient: a log outcome, a fixed detail, records sent. */
    public record Result(String outcome, String detail, int records) {
        public boolean sent() {
            return outcome.equals("sent");
        }
    }

    /** One entry of the egress log. */
    public record Entry(UUID id, Instant at, String recipient, String destination, String purpose,
                        String categories, int records, String outcome, String detail) {
    }

    /** A person's current choice about one declared recipient. */
    public record Consent(Instant at, boolean granted, String purposesHash, String purposes, String categories,
                          String fields, String crossBorderCountry) {
    }

    /** What the registry says about a recipient now, as the public page shows it. */
    public enum State {
        /** Data flows to people who consent. */
        ACTIVE,
        /** Its purposes changed: it receives nothing of a person until they consent again (PR-46). */
        AWAITING_CONSENT,
        /** The operator suspended it. */
        SUSPENDED,
        /** Its DPA has expired (PR-47). */
        DPA_EXPIRED
    }

    private final Jdbi jdbi;
    private final AtomicReference<Residency> residency;
    private final HttpTransfers http;
    private final Clock clock;
    private final MeterRegistry meters;
    private final DeploymentSecrets secrets;
    private final ObjectMapper mapper = new ObjectMapper();

    public Egress(Jdbi jdbi, Residency residency, HttpTransfers http, Clock clock, MeterRegistry meters,
                  DeploymentSecrets secrets) {
        this.jdbi = jdbi;
        this.residency = new AtomicReference<>(residency);
        this.http = http;
        this.clock = clock;
        this.meters = meters;
        this.secrets = secrets;
    }

    public Residency residency() {
        return residency.get();
    }

    // ---- the registry ----

    @Override
    public List<Recipient> all() {
        return residency.get().recipients();
    }

    /**
     * Takes the operator's declared recipients (at start; again after the recipients file changed): a new one is
     * active; one whose purposes changed is suspended until each person consents to the new purposes (PR-46).
     * Returns the ids that were suspended now.
     */
    public List<String> declare(List<Recipient> recipients) {
        Residency next = residency.get().withRecipients(recipients);
        next.problem().ifPresent(p -> {
            throw new IllegalArgumentException(p[1]);
        });
        List<String> suspended = new ArrayList<>();
        List<String> renewed = new ArrayList<>();
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        jdbi.useTransaction(h -> {
            for (Recipient r : recipients) {
                Optional<String> known = h.createQuery("select purposes_hash from egress_recipient where id = :id")
                        .bind("id", r.id()).mapTo(String.class).findOne();
                if (known.isEmpty()) {
                    h.createUpdate("""
                                    insert into egress_recipient (id, purposes, purposes_hash, status, declared_at)
                                    values (:id, :p, :hash, 'ACTIVE', :now)""")
                            .bind("id", r.id()).bind("p", String.join(",", r.purposes()))
                            .bind("hash", r.purposesHash()).bind("now", now).execute();
                } else if (known.get().equals(r.purposesHash())) {
                    // Declared again as it was (the operator renewed it: a new DPA, the suspension lifted): a
                    // recipient waiting for people's new consent is active again once nobody's consent is outdated.
                    if (!outdatedGrants(h, r)) {
                        renewed.add(h.createUpdate("""
                                        update egress_recipient set status = 'ACTIVE', declared_at = :now
                                        where id = :id and status = 'SUSPENDED'""")
                                .bind("id", r.id()).bind("now", now).execute() > 0 ? r.id() : null);
                    }
                } else if (!known.get().equals(r.purposesHash())) {
                    h.createUpdate("""
                                    update egress_recipient set purposes = :p, purposes_hash = :hash,
                                           status = 'SUSPENDED', purposes_changed_at = :now where id = :id""")
                            .bind("id", r.id()).bind("p", String.join(",", r.purposes()))
                            .bind("hash", r.purposesHash()).bind("now", now).execute();
                    suspended.add(r.id());
                }
            }
        });
        residency.set(next);
        for (String id : suspended) {
            log.warn("recipient {} changed its purposes: suspended until each person consents again (PR-46)", id);
        }
        renewed.stream().filter(java.util.Objects::nonNull).forEach(id ->
                log.info("recipient {} declared again with no outdated consent left: active again", id));
        return suspended;
    }

    /**
     * Whether someone's latest choice about {@code r} is a grant given for other purposes than those declared now
     * (they must agree again before anything goes to it, PR-46).
     */
    private static boolean outdatedGrants(org.jdbi.v3.core.Handle h, Recipient r) {
        return h.createQuery("""
                        select exists (select 1 from (
                            select distinct on (owner_id) granted, purposes_hash from egress_consent
                            where recipient = :r order by owner_id, id desc) latest
                        where granted and purposes_hash <> :hash)""")
                .bind("r", r.id()).bind("hash", r.purposesHash()).mapTo(Boolean.class).one();
    }

    /** The registry's state of a declared recipient now. */
    public State state(Recipient r) {
        if (r.status() == Recipient.Status.SUSPENDED) {
            return State.SUSPENDED;
        }
        if (!r.dpa().inForce(today())) {
            return State.DPA_EXPIRED;
        }
        // Its purposes changed: it waits while someone's consent names the old purposes; once each person agreed
        // again or withdrew, it is active again.
        boolean waiting = jdbi.withHandle(h -> h.createQuery(
                        "select status = 'SUSPENDED' from egress_recipient where id = :id")
                .bind("id", r.id()).mapTo(Boolean.class).findOne().orElse(false) && outdatedGrants(h, r));
        return waiting ? State.AWAITING_CONSENT : State.ACTIVE;
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    // ---- consents to declared recipients ----

    /**
     * Records a person's grant or withdrawal for a declared recipient, naming its current purposes and categories;
     * {@code crossBorderCountry} is the country of a recipient outside the region the person separately agreed to
     * (null when they did not, or the recipient is in the region).
     */
    public void consent(UUID owner, Recipient r, boolean granted, String crossBorderCountry, String channel) {
        String country = granted && crossBorderCountry != null && crossBorderCountry.equals(r.country())
                ? r.country() : null;
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into egress_consent (owner_id, at, recipient, granted, purposes, purposes_hash,
                                                    categories, fields, cross_border_country, channel)
                        values (:o, :at, :r, :g, :p, :hash, :c, :f, :country, :channel)""")
                .bind("o", owner).bind("at", clock.instant().atOffset(ZoneOffset.UTC)).bind("r", r.id())
                .bind("g", granted).bind("p", String.join(",", r.purposes())).bind("hash", r.purposesHash())
                .bind("c", codes(r.categories())).bind("f", String.join(",", r.fields())).bind("country", country).bind("channel", channel).execute());
    }

    /** The person's latest choice about a recipient. */
    public Optional<Consent> consentOf(UUID owner, String recipient) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select at, granted, purposes_hash, purposes, categories, fields, cross_border_country
                        from egress_consent where owner_id = :o and recipient = :r order by id desc limit 1""")
                .bind("o", owner).bind("r", recipient)
                .map((rs, ctx) -> new Consent(rs.getObject("at", OffsetDateTime.class).toInstant(),
                        rs.getBoolean("granted"), rs.getString("purposes_hash"), rs.getString("purposes"),
                        rs.getString("categories"), rs.getString("fields"), rs.getString("cross_border_country")))
                .findOne());
    }

    /** Whether {@code owner}'s data may go to {@code r} now as far as their consent goes. */
    public boolean consents(UUID owner, Recipient r) {
        return consentProblem(owner, r).isEmpty();
    }

    /** People who ever made a choice about {@code recipient} (the feed job walks them). */
    public List<UUID> peopleWithChoices(String recipient) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select distinct owner_id from egress_consent where recipient = :r")
                .bind("r", recipient).mapTo(UUID.class).list());
    }

    /** The outcome and detail that stop a transfer because of the person's consent, if any. */
    private Optional<String[]> consentProblem(UUID owner, Recipient r) {
        Optional<Consent> c = consentOf(owner, r.id());
        if (c.isEmpty()) {
            return Optional.of(new String[] {"no-consent", "the person has not consented to this recipient"});
        }
        if (!c.get().granted()) {
            return Optional.of(new String[] {"consent-revoked", "consent revoked"});
        }
        if (!c.get().purposesHash().equals(r.purposesHash())) {
            return Optional.of(new String[] {"blocked", "purposes changed: awaiting the person's new consent"});
        }
        if (residency.get().crossBorder(r) && !r.country().equals(c.get().crossBorderCountry())) {
            return Optional.of(new String[] {"no-consent", "no cross-border consent naming " + r.country()});
        }
        return Optional.empty();
    }

    // ---- deliveries to declared recipients ----

    /**
     * Sends {@code records} (field → value; one map per record) of {@code owner} to the declared recipient for
     * {@code purpose}, projected onto its allow-listed fields, after every check; logs the outcome.
     *
     * @throws Unregistered when no such recipient was declared (logged as refused first)
     */
    public Result deliver(UUID owner, String recipientId, String purpose, List<Map<String, Object>> records) {
        Optional<Recipient> found = byId(recipientId);
        if (found.isEmpty()) {
            write(owner, recipientId, null, purpose, "", 0, "refused", "unregistered recipient");
            count(recipientId, "refused");
            log.warn("SECURITY: egress to an unregistered recipient '{}' refused (PR-43)", safe(recipientId));
            throw new Unregistered(safe(recipientId));
        }
        Recipient r = found.get();
        String categories = codes(r.categories());
        Result stop = check(owner, r, purpose);
        if (stop != null) {
            write(owner, r.id(), r.host(), purpose, categories, 0, stop.outcome(), stop.detail());
            count(r.id(), stop.outcome());
            return stop;
        }
        ArrayNode projected = mapper.createArrayNode();
        for (Map<String, Object> record : records) {
            projected.add(project(r, owner, record));
        }
        ObjectNode body = mapper.createObjectNode().put("recipient", r.id()).put("purpose", purpose);
        body.set("records", projected);
        Result result;
        try {
            http.post(r.endpoint(), "application/json", Map.of("Accept", "application/json"),
                    mapper.writeValueAsBytes(body));
            result = new Result("sent", null, records.size());
        } catch (HttpTransfers.Refused e) {
            result = new Result("failed", e.reason(), 0);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            result = new Result("failed", "internal error", 0);
        }
        write(owner, r.id(), r.host(), purpose, categories, result.records(), result.outcome(), result.detail());
        count(r.id(), result.outcome());
        return result;
    }

    /** Why nothing may go to {@code r} for {@code owner} and {@code purpose} now, or null. */
    private Result check(UUID owner, Recipient r, String purpose) {
        if (!r.purposes().contains(purpose)) {
            return new Result("refused", "purpose '" + safe(purpose) + "' not declared for this recipient", 0);
        }
        if (r.status() == Recipient.Status.SUSPENDED) {
            return new Result("blocked", "recipient suspended by the operator", 0);
        }
        if (!r.dpa().inForce(today())) {
            log.warn("ALERT: the data processing agreement {} of recipient {} expired on {}: transfers blocked "
                    + "(PR-47)", r.dpa().reference(), r.id(), r.dpa().expires());
            meters.counter("mqcgm_egress_dpa_expired_total", "recipient", r.id()).increment();
            return new Result("blocked", "data processing agreement expired", 0);
        }
        if (residency.get().crossBorder(r) && !residency.get().crossBorderAllowed()) {
            return new Result("blocked", "cross-border transfers are off", 0);
        }
        return consentProblem(owner, r).map(p -> new Result(p[0], p[1], 0)).orElse(null);
    }

    /** One record with only the recipient's allow-listed fields; {@code subject} is this recipient's pseudonym. */
    ObjectNode project(Recipient r, UUID owner, Map<String, Object> record) {
        ObjectNode out = mapper.createObjectNode();
        for (String f : r.fields()) {
            if (f.equals("subject")) {
                out.put("subject", subject(r, owner));
            } else if (record.containsKey(f)) {
                out.set(f, mapper.valueToTree(record.get(f)));
            }
        }
        return out;
    }

    /** A stable pseudonym of the person for one recipient: keyed, so recipients cannot link or reverse it. */
    public String subject(Recipient r, UUID owner) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                secrets.pseudonym("egress-subject:" + r.id(), owner.toString())).substring(0, 22);
    }

    // ---- user-designated destinations ----

    /**
     * Opens a transfer of {@code owner}'s data to a destination they designated (PR-71): their request is their
     * consent. Every request of it goes to that host only; {@link Transfer#finish} logs it once with its count.
     */
    public Transfer transfer(UUID owner, String kind, String url) {
        return new Transfer(owner, kind, host(url));
    }

    /** A running user-designated transfer. */
    public final class Transfer {
        private final UUID owner;
        private final String kind;
        private final String host;
        private int records;

        private Transfer(UUID owner, String kind, String host) {
            this.owner = owner;
            this.kind = kind;
            this.host = host;
        }

        /** POSTs one request of the transfer (to its host only) carrying {@code records} records. */
        public int post(String url, String contentType, Map<String, String> headers, byte[] body, int count)
                throws HttpTransfers.Refused {
            if (!host(url).equals(host)) {
                throw new HttpTransfers.Refused("another host than the transfer's");
            }
            int status = http.post(url, contentType, headers, body);
            records += count;
            return status;
        }

        /** Logs the transfer: sent, or failed with its reason. */
        public void finish(String failure) {
            write(owner, "transfer", host, "transfer:" + kind, "GLU", records, failure == null ? "sent" : "failed",
                    failure);
            count("transfer", failure == null ? "sent" : "failed");
        }
    }

    /**
     * Hands one notification to the push service of {@code owner}'s subscription (their subscription is their
     * consent) and logs it.
     */
    public WebPush.Outcome push(UUID owner, WebPush webPush, WebPush.Subscription s, WebPush.Message m) {
        WebPush.Outcome outcome = webPush.send(s, m);
        String[] logged = switch (outcome) {
            case WebPush.Outcome.Delivered d -> new String[] {"sent", null};
            case WebPush.Outcome.Gone g -> new String[] {"failed", "subscription gone"};
            case WebPush.Outcome.RetryLater r -> new String[] {"failed", "will retry: " + r.reason()};
            case WebPush.Outcome.Failed f -> new String[] {"failed", f.reason()};
        };
        String host;
        try {
            host = host(s.endpoint());
        } catch (RuntimeException e) {
            host = null;
        }
        write(owner, "push", host, "push-notifications", "GLU", logged[0].equals("sent") ? 1 : 0, logged[0],
                logged[1]);
        count("push", logged[0]);
        return outcome;
    }

    /**
     * Account mail and SMS (the {@link Outbound} gateway): to the person's own mailbox or phone, or to someone
     * they invited. Messages carry no glucose values (PR-55). Counted per outcome ({@code mqcgm_egress_total});
     * not in a person's egress log, because a message does not carry its owner's id.
     */
    @Override
    public void mail(OutboundMessage message, Sender sender) throws Exception {
        try {
            sender.send(message);
        } catch (Exception e) {
            count("mailbox", "failed");
            throw e;
        }
        count("mailbox", "sent");
    }

    // ---- the log ----

    private void write(UUID owner, String recipient, String destination, String purpose, String categories,
                       int records, String outcome, String detail) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into egress_log (owner_id, id, at, recipient, destination, purpose, categories, records,
                                                outcome, detail)
                        values (:o, :id, :at, :r, :d, :p, :c, :n, :outcome, :detail)""")
                .bind("o", owner).bind("id", UUID.randomUUID()).bind("at", clock.instant().atOffset(ZoneOffset.UTC))
                .bind("r", clip(recipient, 64)).bind("d", destination == null ? null : clip(destination, 253))
                .bind("p", clip(purpose, 40)).bind("c", categories).bind("n", records).bind("outcome", outcome)
                .bind("detail", detail == null ? null : clip(detail, 160)).execute());
    }

    /** The person's egress log, newest first. */
    public List<Entry> log(UUID owner, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, at, recipient, destination, purpose, categories, records, outcome, detail
                        from egress_log where owner_id = :o order by at desc, seq desc limit :limit""")
                .bind("o", owner).bind("limit", limit)
                .map((rs, ctx) -> new Entry(rs.getObject("id", UUID.class),
                        rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("recipient"),
                        rs.getString("destination"), rs.getString("purpose"), rs.getString("categories"),
                        rs.getInt("records"), rs.getString("outcome"), rs.getString("detail")))
                .list());
    }

    public long logCount(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from egress_log where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    /** Records sent per recipient since {@code from} (the operator's monthly egress report). */
    public Map<String, Long> totals(Instant from, Instant to) {
        Map<String, Long> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select recipient, sum(records) as n from egress_log
                        where outcome = 'sent' and at >= :from and at < :to group by recipient order by recipient""")
                .bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> Map.entry(rs.getString("recipient"), rs.getLong("n")))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    private void count(String recipient, String outcome) {
        meters.counter("mqcgm_egress_total", "recipient", Recipient.BUILT_IN.contains(recipient)
                || byId(recipient).isPresent() ? recipient : "unregistered", "outcome", outcome).increment();
    }

    static String codes(Set<Category> categories) {
        return new TreeSet<>(categories).stream().map(Enum::name).collect(Collectors.joining(","));
    }

    private static String host(String url) {
        String h = URI.create(url).getHost();
        if (h == null) {
            throw new IllegalArgumentException("not a URL");
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static String safe(String s) {
        return s == null ? "" : s.replaceAll("[^A-Za-z0-9 ._:'-]", "?");
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
