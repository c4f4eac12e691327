package org.mqcgm.server.community;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.snapshot.MetricSnapshots;
import org.mqcgm.server.platform.text.ContactDetails;

/**
 * Posts, comments, likes and reports, with who may see what: a post's author always; nobody else a post hidden by
 * a moderator; anyone a public post; the author's followers a followers post; nobody else a private one. What a
 * caller may not see does not exist for them (404). Texts are encrypted under their writer's key.
 */
final class Community {

    static final Set<String> VISIBILITIES = Set.of("private", "followers", "public");
    static final int MAX_TEXT = 5_000;
    static final int MAX_COMMENT = 2_000;
    static final int MAX_REASON = 1_000;
    static final int MAX_PHOTOS = 9;
    static final int MAX_TAGS = 10;
    static final int MAX_TAG = 30;
    static final int MAX_NAME = 40;
    static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}_-]{1," + MAX_TAG + "}");

    /** The decrypted content of a post. */
    record Content(String text, List<String> tags, JsonNode snapshot) {
    }

    /** A post the caller may see, decrypted. */
    record Visible(PostStore.Row row, Content content) {
    }

    private final PostStore store;
    private final UserKeys keys;
    private final ObjectMapper mapper;
    private final Photos photos;
    private final CommunityFeature.Followers followers;
    private final Clock clock;

    private final org.mqcgm.server.platform.consent.Consents consents;
    private final MetricSnapshots snapshots;

    Community(PostStore store, UserKeys keys, ObjectMapper mapper, Photos photos,
              CommunityFeature.Followers followers, Clock clock, org.mqcgm.server.platform.consent.Consents consents,
              MetricSnapshots snapshots) {
        this.consents = consents;
        this.snapshots = snapshots;
        this.store = store;
        this.keys = keys;
        this.mapper = mapper;
        this.photos = photos;
        this.followers = followers;
        this.clock = clock;
    }

    PostStore store() {
        return store;
    }

    org.mqcgm.server.platform.consent.Consents consents() {
        return consents;
    }

    Clock clock() {
        return clock;
    }

    // ---- who may see what ----

    /** Whether {@code viewer} (null: anonymous) may see the post. */
    boolean visible(PostStore.Row p, UUID viewer) {
        if (viewer != null && viewer.equals(p.owner())) {
            return true;
        }
        if (p.hiddenAt() != null) {
            return false;
        }
        // Published with the author's consent, shown only while it lasts: withdrawing it (or cancelling the
        // account) takes every post out of other people's feeds, posts and search at once.
        if (!consents.granted(p.owner(), org.mqcgm.server.platform.consent.Consents.Purpose.COMMUNITY)) {
            return false;
        }
        return switch (p.visibility()) {
            case "public" -> true;
            case "followers" -> viewer != null && followers.isFollower(p.owner(), viewer);
            default -> false;
        };
    }

    /** The post if the viewer may see it, else 404. */
    Visible post(UUID id, UUID viewer) {
        PostStore.Row row = store.find(id).filter(p -> visible(p, viewer))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        return new Visible(row, content(row));
    }

    /** The viewer's own post, else 404. */
    PostStore.Row own(UUID id, UUID viewer) {
        return store.find(id).filter(p -> p.owner().equals(viewer))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    Content content(PostStore.Row row) {
        return content(row.owner(), row.id(), row.content());
    }

    Content content(UUID owner, UUID id, byte[] sealed) {
        try {
            JsonNode n = mapper.readTree(keys.decrypt(owner, context(id), sealed));
            List<String> tags = new ArrayList<>();
            n.path("tags").forEach(t -> tags.add(t.asText()));
            return new Content(n.path("text").asText(), List.copyOf(tags),
                    n.hasNonNull("snapshot") ? n.get("snapshot") : null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable post content", e);
        }
    }

    byte[] seal(UUID owner, UUID id, Content c) {
        ObjectNode n = mapper.createObjectNode();
        n.put("text", c.text());
        n.set("tags", mapper.valueToTree(c.tags()));
        if (c.snapshot() != null) {
            n.set("snapshot", c.snapshot());
        }
        try {
            return keys.encrypt(owner, context(id), mapper.writeValueAsBytes(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String context(UUID id) {
        return "community-post/" + id;
    }

    static String commentContext(UUID id) {
        return "community-comment/" + id;
    }

    static String reportContext(UUID id) {
        return "community-report/" + id;
    }

    // ---- feed ----

    /** A feed page: what the viewer may see, newest first, after {@code cursor}. */
    record Page(List<Visible> posts, String next) {
    }

    Page feed(UUID viewer, String cursor, int limit) {
        Instant beforeTime = null;
        UUID beforeId = null;
        if (cursor != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("/");
                beforeTime = Instant.parse(parts[0]);
                beforeId = UUID.fromString(parts[1]);
                if (org.mqcgm.core.time.TimeBounds.rangeBound(beforeTime, clock.instant()).isPresent()) {
                    throw new IllegalArgumentException("a forged cursor"); // never a time the database refuses
                }
            } catch (RuntimeException e) {
                throw new ProblemException(Problem.badRequest("The cursor is not one this server gave.",
                        new Problem.FieldError("cursor", "format", "must be the 'next' of a previous page")));
            }
        }
        List<String> kinds = viewer == null ? List.of("public") : List.of("public", "followers");
        List<Visible> out = new ArrayList<>();
        PostStore.Row last = null;
        boolean more = true;
        // Followers posts of authors the viewer does not follow are skipped: read on in bounded batches.
        for (int round = 0; round < 10 && out.size() < limit && more; round++) {
            int batch = Math.max(limit * 2, 20);
            List<PostStore.Row> rows = store.candidates(viewer, kinds, beforeTime, beforeId, batch);
            more = rows.size() == batch;
            for (PostStore.Row r : rows) {
                beforeTime = r.createdAt();
                beforeId = r.id();
                if (visible(r, viewer)) {
                    out.add(new Visible(r, content(r)));
                    last = r;
                    if (out.size() == limit) {
                        break;
                    }
                }
            }
        }
        String next = out.size() == limit && last != null ? Base64.getUrlEncoder().withoutPadding().encodeToString(
                (last.createdAt() + "/" + last.id()).getBytes(StandardCharsets.UTF_8)) : null;
        return new Page(out, next);
    }

    // ---- publishing ----

    /** A checked draft of a post. */
    record Draft(String text, String visibility, List<UUID> photos, List<String> tags, JsonNode snapshot) {
    }

    /**
     * Publishes a post with its photos in one transaction: each photo must be an upload of the owner attached to
     * nothing yet — one photo belongs to one post (or one logbook entry), so that deleting the post can delete it —
     * else 422 naming {@code $.photos[i]} and nothing is written; a post that cannot be written leaves its photos
     * unattached.
     */
    PostStore.Row publish(UUID owner, Draft d) {
        refuseMinorsPublic(owner, d.visibility());
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Content c = new Content(d.text(), d.tags(), d.snapshot());
        PostStore.Row row = new PostStore.Row(owner, id, now, now, d.visibility(), seal(owner, id, c), d.photos(),
                null);
        // The photos feature's writes join this transaction (Jdbi reuses the thread's open handle).
        return store.jdbi().inTransaction(h -> {
            if (!d.photos().isEmpty()) {
                List<Problem.FieldError> taken = new ArrayList<>();
                for (int i = 0; i < d.photos().size(); i++) {
                    if (photos.usage(owner, d.photos().get(i)).isPresent()) {
                        taken.add(new Problem.FieldError("$.photos[" + i + "]", "photo",
                                "must be the id of a photo you uploaded and did not attach elsewhere"));
                    }
                }
                if (!taken.isEmpty()) {
                    throw new ProblemException(Problem.validation("Some photos are attached elsewhere.", taken));
                }
                photos.attach(owner, d.photos(), Photos.Usage.POST, "$.photos");
            }
            store.insert(row, index(d.visibility(), c), indexTags(d.visibility(), d.tags()));
            return row;
        });
    }

    /**
     * The author's anonymised metrics of the last {@code days} days, as stored inside the post's encrypted content:
     * only with their consent to the processing of their health data (else 403 {@code consent-required}), and only
     * when the sensor was active enough to describe the period (else 422 {@code insufficient-data} naming
     * {@code field}).
     */
    JsonNode snapshot(UUID owner, int days, String field) {
        if (!consents.granted(owner, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA)) {
            throw new ProblemException(Problem.of(403, "consent-required", "Consent required",
                            "Your metrics are health data: give your consent to their processing in Settings → "
                                    + "Privacy before attaching them.")
                    .with("code", "CONSENT_REQUIRED").with("purpose", "health-data")
                    .withErrors(List.of(new Problem.FieldError(field, "consent-required",
                            "needs your consent to the processing of your health data"))));
        }
        MetricSnapshots.Snapshot s = snapshots.last(owner, days).orElseThrow(() -> new ProblemException(
                Problem.validation("Too few readings in the last " + days + " days for a snapshot.", List.of(
                        new Problem.FieldError(field, "insufficient-data", "the sensor must have been active at "
                                + "least " + (int) MetricSnapshots.MIN_ACTIVE_PERCENT + " % of the last " + days
                                + " days")))));
        return mapper.valueToTree(s);
    }

    /** The snapshot of a post's content as the API shows it, or null. */
    ApiSchemas.Snapshot snapshotOf(Content c) {
        if (c.snapshot() == null) {
            return null;
        }
        try {
            return mapper.treeToValue(c.snapshot(), ApiSchemas.Snapshot.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable snapshot", e);
        }
    }

    void update(PostStore.Row row, String text, String visibility, List<String> tags) {
        refuseMinorsPublic(row.owner(), visibility);
        Content old = content(row);
        Content c = new Content(text == null ? old.text() : text, tags == null ? old.tags() : tags, old.snapshot());
        String v = visibility == null ? row.visibility() : visibility;
        store.update(row.owner(), row.id(), clock.instant(), v, seal(row.owner(), row.id(), c), index(v, c),
                indexTags(v, c.tags()));
    }

    /** Whether a person is a minor (the guardians feature answers; nobody until it is wired). */
    private volatile java.util.function.Predicate<UUID> minor = p -> false;

    void minors(java.util.function.Predicate<UUID> minor) {
        this.minor = minor;
    }

    /** Minors never publish to the public (PR-78): 403 naming the audience, whatever their consents. */
    private void refuseMinorsPublic(UUID owner, String visibility) {
        if ("public".equals(visibility) && minor.test(owner)) {
            throw new ProblemException(Problem.of(403, "minor-public-post", "Not public for minors",
                            "Accounts of people under the age of majority cannot publish to the public. Choose"
                                    + " private or followers.")
                    .with("code", "MINOR_PUBLIC_POST")
                    .withErrors(List.of(new Problem.FieldError("$.visibility", "minor",
                            "cannot be public for a minor's account"))));
        }
    }

    /** The search terms of a post visible beyond its author; none for a private post (PR-25). */
    static String index(String visibility, Content c) {
        return "private".equals(visibility) ? null : SearchText.vector(c.text(), c.tags());
    }

    static List<String> indexTags(String visibility, List<String> tags) {
        return "private".equals(visibility) ? null
                : tags.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    /** Deletes the author's post and its photos with every rendition. */
    void delete(UUID owner, UUID id) {
        List<UUID> ids = store.delete(owner, id).orElseThrow(() -> new ProblemException(Problem.notFound()));
        if (!ids.isEmpty()) {
            photos.delete(owner, ids);
        }
    }

    // ---- comments and reports ----

    PostStore.CommentRow addComment(UUID owner, PostStore.Row post, String text) {
        UUID id = UUID.randomUUID();
        PostStore.CommentRow c = new PostStore.CommentRow(owner, id, post.owner(), post.id(), clock.instant(),
                keys.encrypt(owner, commentContext(id), text), null);
        store.insertComment(c);
        return c;
    }

    String commentText(PostStore.CommentRow c) {
        return keys.decryptString(c.owner(), commentContext(c.id()), c.content());
    }

    PostStore.ReportRow report(UUID owner, PostStore.Row post, String reason) {
        UUID id = UUID.randomUUID();
        PostStore.ReportRow r = new PostStore.ReportRow(owner, id, post.owner(), post.id(), clock.instant(),
                keys.encrypt(owner, reportContext(id), reason));
        store.insertReport(r);
        return r;
    }

    String reason(PostStore.ReportRow r) {
        return keys.decryptString(r.owner(), reportContext(r.id()), r.reason());
    }

    // ---- authors ----

    String displayName(UUID owner) {
        return store.displayName(owner).orElseGet(() -> pseudonym(owner));
    }

    /** A stable pseudonym for someone who chose no display name ("Member 3f9a2c"). */
    static String pseudonym(UUID owner) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(owner.toString().getBytes(StandardCharsets.UTF_8));
            return "Member " + HexFormat.of().formatHex(h, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- validation ----

    /** A text field: required (when {@code required}), a string of 1..max characters. */
    static String text(JsonNode body, String field, int max, boolean required, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                errors.add(new Problem.FieldError("$." + field, "required", "is required"));
            }
            return null;
        }
        if (!n.isTextual()) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be a string"));
            return null;
        }
        String s = n.asText();
        if (s.isBlank() || s.length() > max) {
            errors.add(new Problem.FieldError("$." + field, "length", "must have 1 to " + max + " characters"));
            return null;
        }
        return s;
    }

    static String visibility(JsonNode body, boolean required, List<Problem.FieldError> errors) {
        JsonNode n = body.get("visibility");
        if (n == null || n.isNull()) {
            if (required) {
                errors.add(new Problem.FieldError("$.visibility", "required", "choose who sees the post: private, "
                        + "followers or public (there is no default)"));
            }
            return null;
        }
        if (!n.isTextual() || !VISIBILITIES.contains(n.asText())) {
            errors.add(new Problem.FieldError("$.visibility", "one-of", "must be private, followers or public"));
            return null;
        }
        return n.asText();
    }

    static List<String> tags(JsonNode body, List<Problem.FieldError> errors) {
        JsonNode n = body.get("tags");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray() || n.size() > MAX_TAGS) {
            errors.add(new Problem.FieldError("$.tags", "size", "must be a list of at most " + MAX_TAGS + " tags"));
            return null;
        }
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode t = n.get(i);
            String s = t.isTextual() ? t.asText().strip() : null;
            if (s == null || !TAG.matcher(s).matches()) {
                errors.add(new Problem.FieldError("$.tags[" + i + "]", "format", "must be 1 to " + MAX_TAG
                        + " letters, digits, '-' or '_'"));
            } else {
                tags.add(s);
            }
        }
        return List.copyOf(tags);
    }

    static List<String> tags(String field, List<Problem.FieldError> errors) {
        if (field == null || field.isBlank()) {
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        for (String s : field.split("[,\\s，]+")) {
            String t = s.strip().replaceFirst("^#", "");
            if (t.isEmpty()) {
                continue;
            }
            if (!TAG.matcher(t).matches()) {
                errors.add(new Problem.FieldError("tags", "format", "must be 1 to " + MAX_TAG
                        + " letters, digits, '-' or '_'"));
                return List.of();
            }
            if (!tags.contains(t)) {
                tags.add(t);
            }
        }
        if (tags.size() > MAX_TAGS) {
            errors.add(new Problem.FieldError("tags", "size", "at most " + MAX_TAGS + " tags"));
        }
        return tags;
    }

    static List<UUID> photoIds(JsonNode body, List<Problem.FieldError> errors) {
        JsonNode n = body.get("photos");
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray() || n.size() > MAX_PHOTOS) {
            errors.add(new Problem.FieldError("$.photos", "size", "must be a list of at most " + MAX_PHOTOS
                    + " photo ids"));
            return List.of();
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (int i = 0; i < n.size(); i++) {
            try {
                ids.add(UUID.fromString(n.get(i).asText()));
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("$.photos[" + i + "]", "format", "must be a photo id"));
            }
        }
        return List.copyOf(ids);
    }

    /**
     * The {@code snapshot} field: absent or null (none), or {@code {"days": N}} with N one of
     * {@link MetricSnapshots#DAYS}. Returns N, or null.
     */
    static Integer snapshotDays(JsonNode body, List<Problem.FieldError> errors) {
        JsonNode n = body.get("snapshot");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            errors.add(new Problem.FieldError("$.snapshot", "type", "must be an object {\"days\": N}"));
            return null;
        }
        int before = errors.size();
        n.fieldNames().forEachRemaining(f -> {
            if (!f.equals("days")) {
                errors.add(new Problem.FieldError("$.snapshot." + f, "unknown-field", "is not an accepted field"));
            }
        });
        JsonNode days = n.get("days");
        if (days == null || days.isNull()) {
            errors.add(new Problem.FieldError("$.snapshot.days", "required", "is required"));
        } else if (!days.isIntegralNumber() || !MetricSnapshots.DAYS.contains(days.asInt())) {
            errors.add(new Problem.FieldError("$.snapshot.days", "one-of", "must be one of "
                    + MetricSnapshots.DAYS));
        }
        return errors.size() > before ? null : days.asInt();
    }

    static boolean flag(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be true or false"));
            return false;
        }
        return n.booleanValue();
    }

    /**
     * PR-90: contact details in a text others will see are refused (422 {@code contact-details} naming the field
     * and what was found) unless confirmed, or removed when {@code redact}. Private texts are not checked.
     * Returns the text to keep.
     */
    static String checkContactDetails(String text, String visibility, boolean confirm, boolean redact,
                                      String field) {
        if (text == null || "private".equals(visibility) || confirm) {
            return text;
        }
        if (redact) {
            return ContactDetails.redact(text);
        }
        List<String> found = ContactDetails.find(text);
        if (found.isEmpty()) {
            return text;
        }
        throw new ProblemException(contactDetails(found, field));
    }

    static Problem contactDetails(List<String> found, String field) {
        return Problem.of(422, "contact-details", "Contact details in the text",
                        "The text contains what looks like a phone number, an e-mail or a postal address, which "
                                + "others would see. Send again with \"confirmContactDetails\": true to publish it "
                                + "anyway, or with \"redact\": true to remove them.")
                .withErrors(List.of(new Problem.FieldError(field, "contact-details",
                        "contains contact details: " + String.join(", ", found))))
                .with("matches", found);
    }
}
