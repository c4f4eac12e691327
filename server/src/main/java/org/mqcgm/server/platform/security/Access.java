package org.mqcgm.server.platform.security;

import java.util.EnumSet;
import java.util.Set;
import org.mqcgm.server.platform.consent.Consents.Purpose;

/**
 * The access rule of a route, declared where the route is registered and checked by {@link AccessControl}.
 */
public sealed interface Access {

    /**
     * Anyone, signed in or not (the principal is attached when there is one). {@code tokenInPath}: the path carries a signed token that is the request's whole authority
     * (the newsletter's one-click unsubscribe, RFC 8058, posted by mail software without any cookie or form token);
     * no CSRF token is asked, since a page of another site cannot know the path.
     */
    record Public(boolean tokenInPath) implements Access {
    }

    /**
     * A web page for a signed-in user; anonymous visitors are sent to the login page.
     *
     * @param recentLogin the password must have been confirmed in the last five minutes (sensitive actions:
     *                    changing credentials, creating tokens, exporting, cancelling — PR-64)
     * @param consents    purposes the user must currently consent to; without them the page explains the consent
     *                    and links to Settings → Privacy
     */
    record Page(boolean recentLogin, Set<Purpose> consents) implements Access {
        public Page {
            consents = Set.copyOf(consents);
        }

        public Page(boolean recentLogin) {
            this(recentLogin, Set.of());
        }
    }

    /**
     * An API call needing {@code scope}: a bearer token holding it, or the web session of the user.
     *
     * @param scope       the scope needed, or null for any authenticated caller
     * @param recentLogin with a web session, the password must have been confirmed in the last five minutes
     * @param consents    purposes the caller's account must currently consent to (403 CONSENT_REQUIRED otherwise)
     */
    record Api(Scope scope, boolean recentLogin, Set<Purpose> consents) implements Access {
        public Api {
            consents = Set.copyOf(consents);
        }

        public Api(Scope scope, boolean recentLogin) {
            this(scope, recentLogin, Set.of());
        }
    }

    /**
     * Someone's data that they may share with others: the route's path has a {@code {person}} parameter. The
     * caller is either that person (then the rule is the one of {@link Page} or {@link Api} on their own data), or
     * someone the person shares {@code share} with under an active {@link Grant}; anybody else gets 404, as if the
     * person did not exist. For a grantee the person's consents are asked ({@code consents} and sharing), never
     * the viewer's; the read is recorded for the person ("who saw my data"). The handler reads whose data it
     * serves with {@link Grant#person} and the limits of a grantee's view with {@link Grant#of}.
     *
     * @param page     a web page (sessions only; anonymous visitors are sent to log in) rather than an API call
     * @param scope    the token scope an API caller needs (readings:read to read what is shared with them)
     * @param share    what the person must share with a caller who is not them
     * @param consents purposes the person must consent to
     */
    record Shared(boolean page, Scope scope, ShareScope share, Set<Purpose> consents) implements Access {
        public Shared {
            consents = Set.copyOf(consents);
        }
    }

    /**
     * A page reached without an account through an unguessable link a person made (a clinician link): the route's
     * path has a {@code {token}} parameter, answered by {@link LinkTokens}. Unknown, revoked or guessed tokens are
     * 404 (and too many misses from one client 429), ended or locked links 410; the person's consents to sharing
     * and to the processing of health data are asked at every request (404 without them). The handler reads the
     * link with {@link LinkTokens.Link#of}.
     *
     * @param unlocked the route serves the person's data: a PIN-protected link needs its PIN entered first (403
     *                 {@code PIN_REQUIRED} otherwise); false for the page that asks for the PIN
     */
    record Link(boolean unlocked) implements Access {
    }

    /** Administration: the admin role, in a session that passed two-factor authentication (PR-53). */
    record Admin() implements Access {
    }

    /**
     * Disclosures without consent (PR-31, PR-34, PR-45): the data protection officer ({@link Role#DPO}) in a web
     * session that passed two-factor authentication. Staff without the role (administrators, support agents,
     * moderators) get 403 {@code DPO_REQUIRED}; anybody else gets 404, as if the route did not exist.
     */
    record Dpo() implements Access {
    }

    /**
     * Community moderation: the moderator role, in a web session. Anybody else gets 404, as if the route did not
     * exist.
     */
    record Moderator() implements Access {
    }

    /**
     * Customer service: the support role, in a web session (agents work the ticket queue). Anybody else gets 404,
     * as if the route did not exist. Gives no access to anyone's health data.
     */
    record Support() implements Access {
    }

    /**
     * The rights desk (PR-61, PR-73 – PR-76): the operators who work the queue of rights requests, in a web session.
     * Anybody else gets 404, as if the route did not exist. Gives no access to anyone's health data.
     *
     * @param dpoOnly only the data-protection officer ({@link Role#DPO}: refusals, fees, complaints, deletion
     *                cases); otherwise support agents too
     */
    record Desk(boolean dpoOnly) implements Access {
    }

    /**
     * A person's data read by a support agent (PR-23): the route's path has an {@code {id}} parameter, the person.
     * Only the support role in a web session reaches it (anybody else gets 404, as for {@link Support}); the agent
     * needs a live grant from that person covering {@code scope} ({@link SupportGrants}: approved, unexpired, its
     * ticket open) and the person's consent to the processing of health data, else 403. Every read is recorded
     * for the person. The handler reads the grant with {@link SupportGrants.Live#of}.
     *
     * @param scope what the grant must cover: {@code readings}, {@code reports} or {@code logbook}
     */
    record SupportGrant(String scope) implements Access {
    }

    /**
     * The Nightscout API (issue 14), for the clients of the Nightscout ecosystem (xDrip+, Loop, Trio, AAPS,
     * followers): the caller shows a Nightscout credential of one wearer ({@link NightscoutAuth}: an
     * {@code api-secret} header with the SHA-1 or SHA-512 hex of the credential's secret, the secret or the role
     * token in the query, or a bearer JWT from {@code /api/v2/authorization/request/<token>}); sessions and API
     * tokens are not Nightscout credentials. Refusals have Nightscout's own body ({@link AccessControl.NightscoutRefused}):
     * 401 {@code {"status":401,"message":"Unauthorized","description":"Invalid/Missing"}} for missing or wrong
     * credentials and for a read-only credential writing. Reading or writing needs the wearer's current consent to
     * the processing of health data (403 otherwise).
     *
     * @param permission what the credential must allow; {@link NsPermission#NONE} for routes that answer anybody
     *                   and only adapt to a credential when there is one ({@code verifyauth})
     */
    record Nightscout(NsPermission permission) implements Access {
    }

    /** What a route of the Nightscout API needs from the credential. */
    enum NsPermission { NONE, READ, WRITE }

    /** The purposes the caller's account must consent to (health data for every route touching glucose data). */
    default Set<Purpose> consents() {
        return Set.of();
    }

    /**
     * This rule, also requiring the account's current consent to {@code purpose}, e.g.
     * {@code Access.api(Scope.READINGS_READ).requiring(Purpose.HEALTH_DATA)}. Only pages and API routes have an
     * account to ask.
     */
    default Access requiring(Purpose purpose) {
        Set<Purpose> all = EnumSet.of(purpose);
        all.addAll(consents());
        return switch (this) {
            case Page p -> new Page(p.recentLogin(), all);
            case Api a -> new Api(a.scope(), a.recentLogin(), all);
            case Shared s -> new Shared(s.page(), s.scope(), s.share(), all);
            case Public p -> throw new IllegalArgumentException("a public route has no account to ask for consent");
            case Link l -> throw new IllegalArgumentException("a link route asks the person's consents itself");
            case Admin a -> throw new IllegalArgumentException("administration does not read users' health data");
            case Dpo d -> throw new IllegalArgumentException("a disclosure rests on its legal basis, not on consent");
            case Moderator m -> throw new IllegalArgumentException("moderation needs no consent of the moderator");
            case Support a -> throw new IllegalArgumentException("support agents read no health data");
            case Desk d -> throw new IllegalArgumentException("the rights desk reads no health data");
            case SupportGrant g -> throw new IllegalArgumentException("a support grant asks the person's consent itself");
            case Nightscout n -> throw new IllegalArgumentException("a Nightscout route asks the wearer's consent itself");
        };
    }

    Access PUBLIC = new Public(false);
    /** A public route whose signed path token is its authority: no CSRF token (see {@link Public}). */
    Access PUBLIC_TOKEN_IN_PATH = new Public(true);
    Access PAGE = new Page(false);
    Access SENSITIVE_PAGE = new Page(true);
    Access ADMIN = new Admin();
    Access DPO = new Dpo();
    Access MODERATOR = new Moderator();
    Access SUPPORT = new Support();
    /** The rights desk: support agents and the data-protection officer. */
    Access DESK = new Desk(false);
    /** The rights desk's decisions only the data-protection officer takes. */
    Access DESK_DPO = new Desk(true);

    /** Any authenticated API caller, whatever its scopes (e.g. an app logging out its own token). */
    Access ANY_API = new Api(null, false);

    static Access api(Scope scope) {
        return new Api(scope, false);
    }

    static Access sensitiveApi(Scope scope) {
        return new Api(scope, true);
    }

    /** A page reached through a link's {@code {token}}; {@code unlocked}: serves the data (after the PIN, if any). */
    static Access link(boolean unlocked) {
        return new Link(unlocked);
    }

    /** An API route on the data of {@code {person}}: theirs, or shared with the caller as {@code share}. */
    static Access sharedApi(Scope scope, ShareScope share) {
        return new Shared(false, scope, share, Set.of());
    }

    /** A route on the data of the person {@code {id}} for a support agent with a live grant covering {@code scope}. */
    static Access supportGrant(String scope) {
        return new SupportGrant(scope);
    }

    /** A route of the Nightscout API needing {@code permission} from the caller's Nightscout credential. */
    static Access nightscout(NsPermission permission) {
        return new Nightscout(permission);
    }

    /** A page on the data of {@code {person}}: theirs, or shared with the signed-in user as {@code share}. */
    static Access sharedPage(ShareScope share) {
        return new Shared(true, null, share, Set.of());
    }
}
