package org.mqcgm.server.clinician;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.mqcgm.server.platform.http.Problem;

/**
 * Making, listing and revoking clinician links: the rules of a link request, shared by the API and the settings
 * page.
 */
final class Links {

    static final int MAX_LABEL = 100;
    static final int MAX_DAYS = 90;
    static final Duration MAX_LIFETIME = Duration.ofDays(30);
    /** Links end after 7 days unless the wearer chooses otherwise (privacy policy appendix, A-25). */
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);
    static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
    private static final Pattern PIN = Pattern.compile("[0-9]{4,8}");

    /** A request that passed every rule. */
    record Checked(String label, LocalDate from, LocalDate to, Instant expires, String pin) {
    }

    /** A link just made, with its token (shown once). */
    record Made(UUID id, String token, Checked request) {
    }

    private final LinkStore store;
    private final LinkTokenService tokens;
    private final Clock clock;

    Links(LinkStore store, LinkTokenService tokens, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    /**
     * Checks a request's fields (null when absent). Problems of form go to {@code badRequest} (400), problems of
     * range to {@code unprocessable} (422); {@code prefix} is put before field names ({@code $.} for the API).
     *
     * @param expires the end, or null for the default
     */
    Checked check(String label, String from, String to, String expires, String pin, ZoneId zone, String prefix,
                  List<Problem.FieldError> badRequest, List<Problem.FieldError> unprocessable) {
        Instant now = clock.instant();
        String l = label == null ? "" : label.strip();
        if (l.isEmpty()) {
            badRequest.add(new Problem.FieldError(prefix + "label", "required", "must name who the link is for"));
        } else if (l.codePointCount(0, l.length()) > MAX_LABEL) {
            badRequest.add(new Problem.FieldError(prefix + "label", "max-length", "at most " + MAX_LABEL
                    + " characters"));
        } else if (l.chars().anyMatch(Character::isISOControl)) {
            badRequest.add(new Problem.FieldError(prefix + "label", "characters", "must not hold control characters"));
        }
        LocalDate first = date(from, prefix + "from", badRequest);
        LocalDate last = date(to, prefix + "to", badRequest);
        if (first != null && last != null) {
            LocalDate today = now.atZone(zone).toLocalDate();
            if (first.isBefore(EARLIEST) || last.isAfter(today)) {
                // first, so that no arithmetic runs on a date at the end of the calendar
                unprocessable.add(new Problem.FieldError(first.isBefore(EARLIEST) ? prefix + "from" : prefix + "to",
                        "range", "must be between " + EARLIEST + " and today"));
            } else if (last.isBefore(first)) {
                unprocessable.add(new Problem.FieldError(prefix + "to", "order", "must not be before from"));
            } else if (first.plusDays(MAX_DAYS).isBefore(last.plusDays(1))) {
                unprocessable.add(new Problem.FieldError(prefix + "to", "max-days", "the period is at most "
                        + MAX_DAYS + " days"));
            }
        }
        // whole seconds, rounded down: the database keeps microseconds and must not move the end later
        Instant end = now.plus(DEFAULT_LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        if (expires != null) {
            try {
                end = Instant.parse(expires.strip()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                if (!end.isAfter(now)) {
                    unprocessable.add(new Problem.FieldError(prefix + "expires", "future", "must be in the future"));
                } else if (end.isAfter(now.plus(MAX_LIFETIME))) {
                    unprocessable.add(new Problem.FieldError(prefix + "expires", "max-30-days",
                            "must be at most 30 days ahead"));
                }
            } catch (DateTimeParseException e) {
                badRequest.add(new Problem.FieldError(prefix + "expires", "format",
                        "must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z"));
            }
        }
        String p = pin == null || pin.isEmpty() ? null : pin;
        if (p != null && !PIN.matcher(p).matches()) {
            badRequest.add(new Problem.FieldError(prefix + "pin", "pattern", "must be 4 to 8 digits"));
        }
        return new Checked(l, first, last, end, p);
    }

    private static LocalDate date(String text, String field, List<Problem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            errors.add(new Problem.FieldError(field, "required", "must be a date (yyyy-MM-dd)"));
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, "format", "must be a date (yyyy-MM-dd)"));
            return null;
        }
    }

    /** Makes the link; its token exists only in the answer. */
    Made make(UUID owner, Checked c) {
        UUID id = UUID.randomUUID();
        String token = LinkTokenService.newToken();
        store.create(owner, id, LinkTokenService.hash(token), c.label(), c.from(), c.to(), clock.instant(),
                c.expires(), c.pin() == null ? null : tokens.hashPin(c.pin()));
        return new Made(id, token, c);
    }

    /** The link's state now: active, ended, revoked or locked. */
    String state(LinkStore.Row r) {
        return r.revoked() != null ? "revoked" : !clock.instant().isBefore(r.expires()) ? "ended"
                : r.locked() ? "locked" : "active";
    }

    List<LinkStore.Row> list(UUID owner) {
        return store.list(owner);
    }

    boolean revoke(UUID owner, UUID id) {
        return store.revoke(owner, id, clock.instant()) || store.exists(owner, id);
    }
}
