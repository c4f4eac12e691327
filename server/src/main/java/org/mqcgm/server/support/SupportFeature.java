package org.mqcgm.server.support;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.security.ReadLog;
import org.mqcgm.server.platform.security.SupportGrants;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.support.AutomatedDecision;
import org.mqcgm.server.platform.support.DecisionOverrides;
import org.mqcgm.server.platform.support.HumanReview;
import org.mqcgm.server.platform.support.Tickets;

/**
 * Customer service (PR-21 – PR-23, PR-59, PR-72): help pages with a hotline revealed only on a tap, support
 * tickets with threaded messages and image attachments, a queue for agents (the {@code support} role), and
 * time-boxed grants an agent asks for on a ticket and the person approves, the only way an agent reads anyone's
 * data; agents uphold or overturn automated decisions a person asked a human to review (an overturned one is
 * undone through the {@link DecisionOverrides} port of the feature that took it). Offers three ports:
 * {@link #tickets()} (features open tickets on a person's behalf and read the reviews), {@link #grants()}
 * (access control asks it on {@code Access.SupportGrant} routes) and {@link #readLog()} ("Who saw my data").
 */
public final class SupportFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** A person's readings in a period (the glucose feature's store answers). */
    @FunctionalInterface
    public interface ReadingSource {
        List<org.mqcgm.core.glucose.Reading> range(UUID owner, java.time.Instant from, java.time.Instant to);
    }

    private final TicketStore tickets;
    private final GrantStore grants;
    private final ReviewStore reviews;
    private final SupportRoutes routes;
    private final SupportData data;
    private org.jdbi.v3.core.Jdbi jdbi;

    private SupportFeature(TicketStore tickets, GrantStore grants, ReviewStore reviews, SupportRoutes routes,
                           SupportData data) {
        this.tickets = tickets;
        this.grants = grants;
        this.reviews = reviews;
        this.routes = routes;
        this.data = data;
    }

    /**
     * @param photos   the photo pipeline (attachments follow its rules)
     * @param readings what an agent reads under a grant
     * @param phone    the operator's hotline ({@code MQCGM_SUPPORT_PHONE}), or null for none
     */
    public static SupportFeature create(Platform platform, Photos photos, ReadingSource readings, String phone) {
        return create(platform, photos, readings, phone, DecisionOverrides.NONE);
    }

    /**
     * @param overrides undoes an automated decision an agent overturned on review (accounts: a login lockout)
     */
    public static SupportFeature create(Platform platform, Photos photos, ReadingSource readings, String phone,
                                        DecisionOverrides overrides) {
        TicketStore tickets = new TicketStore(platform.jdbi(), platform.userKeys(), platform.systemClock());
        GrantStore grants = new GrantStore(platform.jdbi(), platform.systemClock());
        ReviewStore reviews = new ReviewStore(platform.jdbi(), platform.userKeys(), tickets, overrides,
                platform.systemClock());
        SupportFeature feature = new SupportFeature(tickets, grants, reviews, new SupportRoutes(tickets, grants,
                reviews, photos, readings::range, platform.json(), platform.systemClock(), phone),
                new SupportData(platform.jdbi(), tickets, grants, reviews, platform.mapper()));
        feature.jdbi = platform.jdbi();
        return feature;
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }

    /**
     * Attachments older than 30 days, and tickets closed more than two years ago, are deleted by the retention job
     * (a count by category and day is kept without the person).
     */
    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return List.of(new org.mqcgm.server.platform.retention.SqlExpiry("support-attachments", jdbi,
                "support_attachment", "uploaded_at", "owner_id", "true"), new org.mqcgm.server.platform.retention.Expiry() {
            @Override
            public String category() {
                return "support-tickets";
            }

            @Override
            public int purge(java.time.Instant cutoff, org.mqcgm.server.platform.retention.Holds holds) {
                return holds.wholeCategory() ? 0 : tickets.purgeClosed(cutoff, holds.persons());
            }

            @Override
            public java.util.Optional<java.time.Instant> oldest(org.mqcgm.server.platform.retention.Holds holds) {
                return holds.wholeCategory() ? java.util.Optional.empty() : tickets.oldestClosed(holds.persons());
            }
        });
    }

    /** Opening tickets on a person's behalf (accounts: a reported compromise; reviews of automated decisions). */
    public Tickets tickets() {
        return new Tickets() {
            @Override
            public UUID openPriority(UUID owner, String subject, String message) {
                return tickets.open(owner, TicketStore.Category.COMPROMISE, subject, message, List.of()).id();
            }

            @Override
            public UUID openReview(UUID owner, String subject, String decision) {
                return tickets.open(owner, TicketStore.Category.REVIEW, subject, decision, List.of()).id();
            }

            @Override
            public UUID openReview(UUID owner, String subject, String decision, AutomatedDecision reviewed) {
                return tickets.open(owner, TicketStore.Category.REVIEW, subject, decision, List.of(), reviewed)
                        .id();
            }

            @Override
            public List<HumanReview> reviews(UUID owner) {
                return reviews.list(owner);
            }
        };
    }

    /** The person's tickets, their threads, grants and reviews, for "My data" and the export (PR-60, PR-70). */
    @Override
    public List<PersonalData> personalData() {
        return List.of(data);
    }

    /** The grants people gave agents, for access control. */
    public SupportGrants grants() {
        return grants;
    }

    /** Reads under support grants, for "Who saw my data". */
    public ReadLog readLog() {
        return grants;
    }
}
