package org.mqcgm.server.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.security.ShareScope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;

/**
 * Sharing as the API and the pages use it: a share request checked field by field, the share created and its
 * invitation sent; an invitation accepted (with the guessing limit); the link of a code.
 */
final class Sharing {

    /** The farthest end date a share may have. */
    static final java.time.Duration MAX_UNTIL = java.time.Duration.ofDays(3650);

    private final Shares shares;
    private final Profiles profiles;
    private final Outbound outbound;
    private final String publicUrl;
    private final GuessLimiter byAccount;
    private final GuessLimiter byClient;
    private final java.time.Clock clock;

    Sharing(Shares shares, Profiles profiles, Outbound outbound, String publicUrl, java.time.Clock clock) {
        this.shares = shares;
        this.profiles = profiles;
        this.outbound = outbound;
        this.publicUrl = publicUrl;
        this.byAccount = new GuessLimiter(clock, GuessLimiter.LIMIT);
        this.byClient = new GuessLimiter(clock, GuessLimiter.CLIENT_LIMIT);
        this.clock = clock;
    }

    Shares shares() {
        return shares;
    }

    Profiles profiles() {
        return profiles;
    }

    /** The address where a code is accepted. */
    String link(String code) {
        return publicUrl + "/follow/" + code;
    }

    /** A share request, checked. */
    record Request(Shares.Contact contact, Set<ShareScope> scopes, Instant until, Integer historyDays,
                   Shares.Alerts alerts) {
    }

    /**
     * Checks the fields of a share request (given as text, from JSON or a form); every wrong field is reported
     * with its rule (422).
     */
    Request check(String with, List<String> scopes, String until, String historyDays, String low, String high) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Shares.Contact contact = null;
        if (with != null && !with.isBlank()) {
            contact = Shares.Contact.parse(with).orElse(null);
            if (contact == null) {
                errors.add(new Problem.FieldError("with", "contact",
                        "must be an e-mail address or a phone number in international form (+8613800138000)"));
            }
        }
        Set<ShareScope> set = EnumSet.noneOf(ShareScope.class);
        if (scopes == null || scopes.isEmpty()) {
            errors.add(new Problem.FieldError("scopes", "required", "must name at least one of glucose, history,"
                    + " logbook, photos, alerts"));
        } else {
            for (String s : scopes) {
                Optional<ShareScope> scope = s == null ? Optional.empty() : ShareScope.parse(s);
                if (scope.isEmpty()) {
                    errors.add(new Problem.FieldError("scopes", "one-of",
                            "must be glucose, history, logbook, photos or alerts"));
                    break;
                }
                set.add(scope.get());
            }
        }
        Instant end = null;
        if (until != null && !until.isBlank()) {
            try {
                end = OffsetDateTime.parse(until.trim()).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                Instant now = clock.instant();
                if (!end.isAfter(now)) {
                    errors.add(new Problem.FieldError("until", "future", "must be in the future"));
                } else if (end.isAfter(now.plus(MAX_UNTIL))) {
                    errors.add(new Problem.FieldError("until", "max", "must be at most ten years ahead"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new Problem.FieldError("until", "format",
                        "must be an ISO-8601 date-time with offset, e.g. 2026-12-31T00:00:00Z"));
            }
        }
        Integer days = number(historyDays, "historyDays", 1, 3650, errors);
        Integer lowMgdl = number(low, "alerts.lowMgdl", 40, 400, errors);
        Integer highMgdl = number(high, "alerts.highMgdl", 40, 400, errors);
        if (lowMgdl != null && highMgdl != null && lowMgdl >= highMgdl) {
            errors.add(new Problem.FieldError("alerts.highMgdl", "above-low", "must be above lowMgdl"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The share request has wrong fields.", errors));
        }
        return new Request(contact, set, end, days,
                lowMgdl == null && highMgdl == null ? null : new Shares.Alerts(lowMgdl, highMgdl));
    }

    private static Integer number(String text, String field, int min, int max, List<Problem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n < min || n > max) {
                errors.add(new Problem.FieldError(field, "range", "must be between " + min + " and " + max));
                return null;
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(new Problem.FieldError(field, "type", "must be a whole number"));
            return null;
        }
    }

    /** The text of a JSON field that must be a string (or absent / null). */
    static String string(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be a string"));
            return null;
        }
        return v.asText();
    }

    /** Creates the share and sends the invitation to the contact, if one was given. */
    Shares.Created create(UUID owner, Request r, String via) {
        Shares.Created created = shares.create(owner, r.contact(), r.scopes(), r.until(), r.historyDays(),
                r.alerts(), via);
        if (r.contact() != null) {
            Profile wearer = profiles.of(owner).orElseThrow();
            outbound.send(invitation(wearer.label(), wearer.language(), r.contact(), link(created.code())));
        }
        return created;
    }

    /**
     * The invitation message (PR-55): who invites, and the link, which needs a login to be used — never a glucose
     * value, a note or anything shared.
     */
    static OutboundMessage invitation(String wearer, Language language, Shares.Contact to, String link) {
        Messages m = Messages.of(language);
        String body = to.outboundChannel() == OutboundMessage.Channel.SMS
                ? m.t("sharing.mail.invite.sms", wearer, link)
                : m.t("sharing.mail.invite.body", wearer, link);
        return new OutboundMessage(to.outboundChannel(), to.value(), m.t("sharing.mail.invite.subject", wearer),
                body);
    }

    /**
     * The invitation of a code, to show before accepting: counts as a guess when there is none (404 and the
     * guessing limit as for accepting), 410 when it can no longer be accepted.
     */
    Shares.Share peek(UUID viewer, String code, String client) {
        String account = viewer.toString();
        byAccount.check(account);
        byClient.check(client);
        Optional<Shares.Share> found = code == null || code.length() < 20 || code.length() > 100 ? Optional.empty()
                : shares.byCode(code);
        if (found.isEmpty()) {
            byAccount.failed(account);
            byClient.failed(client);
            throw new ProblemException(Problem.of(404, "unknown-invitation", "Unknown invitation",
                    "There is no invitation with this code."));
        }
        Shares.Share s = found.get();
        java.time.Instant now = clock.instant();
        if (s.accepted() != null || s.ended() != null || !now.isBefore(s.invitationExpires())
                || s.until() != null && !now.isBefore(s.until())) {
            throw new ProblemException(Problem.of(410, "invitation-gone", "Invitation no longer valid",
                    "This invitation was already used, was revoked or has expired. Ask for a new one."));
        }
        return s;
    }

    /**
     * Accepts a code for {@code grantee}: 404 for an unknown code, 410 for a used or expired one, 422 for one's own,
     * 429 after too many wrong codes from the account or the client address.
     */
    Shares.Share accept(UUID grantee, String code, String client) {
        String account = grantee.toString();
        byAccount.check(account);
        byClient.check(client);
        if (code == null || code.length() < 20 || code.length() > 100) {
            byAccount.failed(account);
                    byClient.failed(client);
            throw new ProblemException(Problem.of(404, "unknown-invitation", "Unknown invitation",
                    "There is no invitation with this code.").withErrors(List.of(new Problem.FieldError(
                    "invitation", "unknown", "is not a valid invitation"))));
        }
        Profile me = profiles.of(grantee).orElseThrow(() -> new ProblemException(Problem.notFound()));
        try {
            return shares.accept(grantee, code, me.label());
        } catch (Shares.Refused e) {
            switch (e.why) {
                case UNKNOWN -> {
                    byAccount.failed(account);
                    byClient.failed(client);
                    throw new ProblemException(Problem.of(404, "unknown-invitation", "Unknown invitation",
                            "There is no invitation with this code.").withErrors(List.of(new Problem.FieldError(
                            "invitation", "unknown", "is not a valid invitation"))));
                }
                case USED_OR_EXPIRED -> throw new ProblemException(Problem.of(410, "invitation-gone",
                        "Invitation no longer valid", "This invitation was already used, was revoked or has "
                                + "expired. Ask for a new one.").withErrors(List.of(new Problem.FieldError(
                        "invitation", "gone", "was used, revoked or has expired"))));
                case OWN -> throw new ProblemException(Problem.validation("You cannot follow yourself.",
                        List.of(new Problem.FieldError("invitation", "own", "is your own invitation"))));
                default -> throw e;
            }
        }
    }
}
