package org.mqcgm.server.platform.egress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A third party the operator declared (an affiliate or partner, PR-43, PR-46, PR-47): who it is, what for, which
 * data categories and fields it may receive, where it is, its privacy policy and its data processing agreement. Read
 * from the operator's recipients file ({@code MQCGM_RECIPIENTS_FILE}, a JSON array); {@link #parseAll} refuses a
 * recipient without a DPA, with an unknown purpose or category, a field outside its categories, a field that is
 * never shared (phone, e-mail, name: PR-10) or a secondary-use purpose not marked as such (PR-48).
 *
 * @param id            a stable slug ({@code clinic-east})
 * @param name          shown to people
 * @param purposes      what it receives data for, from {@link #PURPOSES}
 * @param categories    the data categories it receives
 * @param region        where it processes the data (compared with the deployment's {@code MQCGM_REGION})
 * @param country       ISO 3166 alpha-2 country of that region (named in a cross-border consent, PR-82)
 * @param privacyPolicy its privacy policy (https)
 * @param endpoint      where the gateway POSTs its records (https)
 * @param dpa           the data processing / confidentiality agreement
 * @param status        {@code ACTIVE}, or {@code SUSPENDED} by the operator
 * @param fields        the allow-list: the only record fields it receives (projection, PR-47)
 * @param feed          what it receives: {@code readings} (CGM readings, hourly)
 * @param secondaryUse  the operator marked a secondary-use purpose knowingly (PR-48); still needs each person's
 *                      consent naming it
 */
public record Recipient(String id, String name, List<String> purposes, Set<Category> categories, String region,
                        String country, String privacyPolicy, String endpoint, Dpa dpa, Status status,
                        List<String> fields, String feed, boolean secondaryUse) {

    /** The operator's switch; {@code SUSPENDED} stops every transfer to it. */
    public enum Status { ACTIVE, SUSPENDED }

    /**
     * The data processing (confidentiality) agreement: mandatory (PR-47).
     *
     * @param reference the agreement's reference
     * @param sha256    the SHA-256 of the signed document (hex), may be null
     * @param signatory who signed for the recipient
     * @param expires   the last day it is in force; transfers are blocked after it
     */
    public record Dpa(String reference, String sha256, String signatory, LocalDate expires) {
        public boolean inForce(LocalDate today) {
            return !today.isAfter(expires);
        }
    }

    /** Purposes a recipient may serve that are part of the service a person uses. */
    public static final Set<String> SERVICE_PURPOSES = Set.of("care", "device-service", "support", "hosting");
    /** Secondary uses (PR-48): off unless the operator marks them and each person opts in. */
    public static final Set<String> SECONDARY_PURPOSES = Set.of("research", "marketing", "product-improvement",
            "advertising");
    /** Every purpose a recipient may declare. */
    public static final Set<String> PURPOSES;

    static {
        Set<String> all = new LinkedHashSet<>(SERVICE_PURPOSES);
        all.addAll(SECONDARY_PURPOSES);
        PURPOSES = Set.copyOf(all);
    }

    /** The fields of each feed and the category each belongs to. */
    public static final Map<String, Map<String, Category>> FEEDS = Map.of("readings", Map.of(
            "subject", Category.ACC, // a pseudonym of the person for this recipient, never the account id
            "time", Category.GLU, "mgdl", Category.GLU, "trend", Category.GLU, "device", Category.GLU));

    /** Fields no recipient ever receives, whatever it declares (PR-10). */
    public static final Set<String> NEVER_SHARED = Set.of("phone", "email", "e-mail", "name", "password",
            "account", "account_id", "identifier");

    /** Ids of the built-in, user-designated destinations (not declarable). */
    public static final Set<String> BUILT_IN = Set.of("transfer", "mailbox", "push");

    public Recipient {
        purposes = List.copyOf(purposes);
        categories = Set.copyOf(categories);
        fields = List.copyOf(fields);
    }

    /** Whether any of its purposes is a secondary use. */
    public boolean hasSecondaryUse() {
        return purposes.stream().anyMatch(SECONDARY_PURPOSES::contains);
    }

    /** A fingerprint of its purposes: a change of purposes asks every person again (PR-46). */
    public String purposesHash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(String.join(",", purposes.stream().sorted()
                    .toList()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The host of its endpoint. */
    public String host() {
        return URI.create(endpoint).getHost().toLowerCase(Locale.ROOT);
    }

    /** Reads and checks the operator's recipients (a JSON array); throws naming the recipient and the rule. */
    public static List<Recipient> parseAll(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("must be a JSON array of recipients");
        }
        List<Recipient> out = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode n : root) {
            Recipient r = parse(n);
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException("recipient '" + r.id() + "' is declared twice");
            }
            out.add(r);
        }
        return List.copyOf(out);
    }

    private static final Set<String> KNOWN = Set.of("id", "name", "purposes", "categories", "region", "country",
            "privacyPolicy", "endpoint", "dpa", "status", "fields", "feed", "secondaryUse");

    static Recipient parse(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("each recipient must be a JSON object");
        }
        String id = text(n, "id", "?");
        if (!id.matches("[a-z0-9][a-z0-9-]{1,62}")) {
            throw new IllegalArgumentException("recipient id '" + id + "': lower-case letters, digits and dashes");
        }
        if (BUILT_IN.contains(id)) {
            throw new IllegalArgumentException("recipient id '" + id + "' is reserved for a built-in destination");
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!KNOWN.contains(f)) {
                throw new IllegalArgumentException(id + ": unknown field '" + f + "'");
            }
        });
        String name = text(n, "name", id);
        List<String> purposes = strings(n, "purposes", id);
        boolean secondaryUse = n.path("secondaryUse").asBoolean(false);
        for (String p : purposes) {
            if (!PURPOSES.contains(p)) {
                throw new IllegalArgumentException(id + ": unknown purpose '" + p + "' (one of "
                        + new java.util.TreeSet<>(PURPOSES) + ")");
            }
            if (SECONDARY_PURPOSES.contains(p) && !secondaryUse) {
                throw new IllegalArgumentException(id + ": '" + p + "' is a secondary use (PR-48): not enabled "
                        + "unless the recipient says \"secondaryUse\": true, and then only for people who opt in");
            }
        }
        Set<Category> categories = EnumSet.noneOf(Category.class);
        for (String c : strings(n, "categories", id)) {
            try {
                categories.add(Category.valueOf(c));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(id + ": unknown data category '" + c + "'");
            }
        }
        String region = text(n, "region", id).toLowerCase(Locale.ROOT);
        if (!region.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw new IllegalArgumentException(id + ": region '" + region + "' is not a region name");
        }
        String country = text(n, "country", id).toUpperCase(Locale.ROOT);
        if (!country.matches("[A-Z]{2}")) {
            throw new IllegalArgumentException(id + ": country must be an ISO 3166 two-letter code");
        }
        String policy = https(text(n, "privacyPolicy", id), id, "privacyPolicy");
        String endpoint = text(n, "endpoint", id);
        URI e;
        try {
            e = URI.create(endpoint);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(id + ": endpoint is not a URL");
        }
        if (!e.isAbsolute() || e.getHost() == null || !(e.getScheme().equals("https") || e.getScheme().equals("http"))) {
            throw new IllegalArgumentException(id + ": endpoint must be an https URL");
        }
        JsonNode d = n.get("dpa");
        if (d == null || !d.isObject() || d.path("reference").asText("").isBlank()
                || d.path("signatory").asText("").isBlank() || d.path("expires").asText("").isBlank()) {
            throw new IllegalArgumentException(id + ": a recipient needs its data processing agreement (PR-47): "
                    + "dpa.reference, dpa.signatory and dpa.expires");
        }
        LocalDate expires;
        try {
            expires = LocalDate.parse(d.get("expires").asText());
        } catch (DateTimeParseException bad) {
            throw new IllegalArgumentException(id + ": dpa.expires must be a date (yyyy-mm-dd)");
        }
        String sha = d.path("sha256").asText(null);
        if (sha != null && !sha.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(id + ": dpa.sha256 must be 64 lower-case hex digits");
        }
        Dpa dpa = new Dpa(d.get("reference").asText().trim(), sha, d.get("signatory").asText().trim(), expires);
        Status status;
        try {
            status = Status.valueOf(n.path("status").asText("ACTIVE").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(id + ": status must be ACTIVE or SUSPENDED");
        }
        String feed = n.path("feed").asText("readings");
        Map<String, Category> known = FEEDS.get(feed);
        if (known == null) {
            throw new IllegalArgumentException(id + ": feed must be one of " + FEEDS.keySet());
        }
        List<String> fields = strings(n, "fields", id);
        for (String f : fields) {
            if (NEVER_SHARED.contains(f.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(id + ": field '" + f + "' is never shared with a third party "
                        + "(PR-10)");
            }
            Category c = known.get(f);
            if (c == null) {
                throw new IllegalArgumentException(id + ": field '" + f + "' is not a field of the " + feed
                        + " feed " + new java.util.TreeSet<>(known.keySet()));
            }
            if (!categories.contains(c)) {
                throw new IllegalArgumentException(id + ": field '" + f + "' is category " + c
                        + ", which the recipient does not declare");
            }
        }
        return new Recipient(id, name, purposes, categories, region, country, policy, endpoint, dpa, status, fields,
                feed, secondaryUse);
    }

    private static String https(String url, String id, String field) {
        if (!url.startsWith("https://")) {
            throw new IllegalArgumentException(id + ": " + field + " must be an https URL");
        }
        return url;
    }

    private static String text(JsonNode n, String field, String id) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(id + ": missing " + field);
        }
        return v.asText().trim();
    }

    private static List<String> strings(JsonNode n, String field, String id) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new IllegalArgumentException(id + ": " + field + " must be a non-empty array");
        }
        List<String> out = new ArrayList<>();
        v.forEach(x -> out.add(x.asText().trim()));
        return out;
    }
}
