package org.mqcgm.server.transfers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.egress.Egress;
import org.mqcgm.server.platform.outbound.HttpTransfers.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one transfer, synchronously in the request that asked for it, under a {@link Slot}: one transfer at a time per
 * person and at most {@value #CONCURRENT} at a time on this node, so transfers cannot hold every server thread: FHIR transaction bundles of at most
 * {@value #FHIR_READINGS} readings POSTed to the FHIR server's base URL, or Nightscout {@code sgv} entries
 * ({@value #NIGHTSCOUT_ENTRIES} per {@code POST /api/v1/entries}, header {@code api-secret} = SHA-1 of the secret).
 * Each request is bounded by the outbound gateway (60 s); the whole transfer by {@link #BUDGET}. The first failure
 * stops the transfer. The credential lives only in this call's memory.
 */
final class Transfers {

    static final int FHIR_READINGS = 500;
    static final int NIGHTSCOUT_ENTRIES = 1000;
    static final Duration BUDGET = Duration.ofMinutes(10);
    /** How many transfers may run at once on this node. */
    static final int CONCURRENT = 4;

    private static final Logger log = LoggerFactory.getLogger(Transfers.class);

    private final org.mqcgm.server.platform.rights.CgmData source;
    private final Egress egress;
    private final TransferLog transferLog;
    private final ObjectMapper mapper;
    private final Clock clock;

    Transfers(org.mqcgm.server.platform.rights.CgmData source, Egress egress, TransferLog transferLog, ObjectMapper mapper,
              Clock clock) {
        this.source = source;
        this.egress = egress;
        this.transferLog = transferLog;
        this.mapper = mapper;
        this.clock = clock;
    }

    private final java.util.Set<UUID> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(CONCURRENT);

    /** No transfer can start now: the person has one running ({@code mine}), or this node runs its maximum. */
    static final class Busy extends RuntimeException {
        private final boolean mine;

        Busy(boolean mine) {
            super(mine ? "transfer in progress" : "transfers busy", null, false, false);
            this.mine = mine;
        }

        boolean mine() {
            return mine;
        }
    }

    /** The right to run one transfer for a person; closing it gives it back. */
    final class Slot implements AutoCloseable {
        private final UUID owner;
        private boolean open = true;

        private Slot(UUID owner) {
            this.owner = owner;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                slots.release();
                running.remove(owner);
            }
        }
    }

    /**
     * Reserves a transfer for {@code owner}: taken before the password is checked, so a refused one costs no
     * confirmation attempt.
     *
     * @throws Busy when the person has a transfer running, or this node runs {@value #CONCURRENT} already
     */
    Slot reserve(UUID owner) {
        if (minor.test(owner)) {
            // Third-party transfers stay off for minors (PR-78), whatever they or their guardian chose.
            throw new org.mqcgm.server.platform.http.ProblemException(org.mqcgm.server.platform.http.Problem.of(403,
                            "minor-transfer", "No transfers for minors",
                            "Accounts of people under the age of majority cannot transfer their data to third"
                                    + " parties. Their guardian can download an export instead.")
                    .with("code", "MINOR_TRANSFER"));
        }
        if (!running.add(owner)) {
            throw new Busy(true);
        }
        if (!slots.tryAcquire()) {
            running.remove(owner);
            throw new Busy(false);
        }
        return new Slot(owner);
    }

    /** Whether a person is a minor (the guardians feature answers; nobody until it is wired). */
    private volatile java.util.function.Predicate<UUID> minor = p -> false;

    void minors(java.util.function.Predicate<UUID> minor) {
        this.minor = minor;
    }

    /** What a transfer did; {@code failure} null when everything arrived. */
    record Outcome(UUID id, int readings, int requests, String failure) {
    }

    /** A failure that stops the transfer, with a fixed reason. */
    private static final class Stop extends IOException {
        Stop(String reason) {
            super(reason, null);
        }
    }

    Outcome run(Slot slot, String kind, String url, String credential) {
        if (!slot.open) {
            throw new IllegalStateException("slot closed");
        }
        UUID owner = slot.owner;
        UUID id = UUID.randomUUID();
        Instant started = clock.instant();
        String host = java.net.URI.create(url).getHost().toLowerCase(Locale.ROOT);
        transferLog.start(owner, id, started, kind, host);
        int[] counts = new int[2]; // readings accepted, requests answered
        String failure = null;
        // Through the egress gateway: the person designated this destination, and it logs the transfer (PR-43).
        Egress.Transfer out = egress.transfer(owner, kind, url);
        try {
            if (kind.equals("fhir")) {
                fhir(out, owner, url, credential, started, counts);
            } else {
                nightscout(out, owner, url, credential, started, counts);
            }
        } catch (Stop e) {
            failure = e.getMessage();
        } catch (IOException | RuntimeException e) {
            failure = "internal error";
            log.warn("transfer {} failed: {}", id, e.getClass().getSimpleName());
        }
        out.finish(failure);
        transferLog.finish(owner, id, clock.instant(), counts[0], counts[1], failure);
        log.info("transfer {} ({}) to {}: {} readings in {} requests{}", id, kind, host, counts[0], counts[1],
                failure == null ? "" : ", failed: " + failure);
        return new Outcome(id, counts[0], counts[1], failure);
    }

    private void fhir(Egress.Transfer out, UUID owner, String url, String credential, Instant started, int[] counts) throws IOException {
        Map<String, String> headers = credential == null || credential.isEmpty()
                ? Map.of("Accept", "application/fhir+json")
                : Map.of("Accept", "application/fhir+json", "Authorization", "Bearer " + credential);
        source.bundles(owner, FHIR_READINGS, (json, readings) -> {
            send(out, url, "application/fhir+json", headers, json, readings, started);
            counts[0] += readings;
            counts[1]++;
        });
    }

    private void nightscout(Egress.Transfer out, UUID owner, String url, String secret, Instant started, int[] counts)
            throws IOException {
        String entries = nightscoutBase(url) + "/api/v1/entries";
        Map<String, String> headers = Map.of("api-secret", sha1(secret), "Accept", "application/json");
        source.readings(owner, chunk -> {
            for (int from = 0; from < chunk.size(); from += NIGHTSCOUT_ENTRIES) {
                List<Reading> part = chunk.subList(from, Math.min(chunk.size(), from + NIGHTSCOUT_ENTRIES));
                send(out, entries, "application/json", headers, mapper.writeValueAsBytes(entries(part)), part.size(),
                        started);
                counts[0] += part.size();
                counts[1]++;
            }
        });
    }

    private void send(Egress.Transfer out, String url, String contentType, Map<String, String> headers, byte[] body,
                      int records, Instant started) throws Stop {
        if (Duration.between(started, clock.instant()).compareTo(BUDGET) > 0) {
            throw new Stop("took too long");
        }
        try {
            out.post(url, contentType, headers, body, records);
        } catch (Refused e) {
            throw new Stop(e.reason());
        }
    }

    /** The site's base URL from what a user may paste: the site, or its {@code /api/v1} or entries address. */
    static String nightscoutBase(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        for (String suffix : List.of("/api/v1/entries.json", "/api/v1/entries", "/api/v1")) {
            if (u.endsWith(suffix)) {
                return u.substring(0, u.length() - suffix.length());
            }
        }
        return u;
    }

    private ArrayNode entries(List<Reading> readings) {
        ArrayNode out = mapper.createArrayNode();
        for (Reading r : readings) {
            ObjectNode e = out.addObject();
            e.put("type", "sgv");
            e.put("sgv", r.mgdl());
            e.put("date", r.time().toEpochMilli());
            e.put("dateString", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(r.time().atOffset(r.offset())));
            e.put("direction", direction(r));
            e.put("device", r.source() == null ? "mqcgm" : "mqcgm " + r.source());
        }
        return out;
    }

    /** Nightscout's arrow from the trend in mg/dL per minute. */
    static String direction(Reading r) {
        if (!r.hasTrend()) {
            return "NOT COMPUTABLE";
        }
        double t = r.trend();
        if (t >= 3) {
            return "DoubleUp";
        } else if (t >= 2) {
            return "SingleUp";
        } else if (t >= 1) {
            return "FortyFiveUp";
        } else if (t > -1) {
            return "Flat";
        } else if (t > -2) {
            return "FortyFiveDown";
        } else if (t > -3) {
            return "SingleDown";
        }
        return "DoubleDown";
    }

    /** Nightscout's {@code api-secret}: the SHA-1 of the API secret, lower-case hex. */
    static String sha1(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
