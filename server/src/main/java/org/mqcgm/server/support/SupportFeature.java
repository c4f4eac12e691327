package org.mqcgm.server.support;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.security.ReadLog;
import org.mqcgm.server.platform.security.SupportGrants;
import org.mqcgm.server.platform.support.Tickets;

/**
 * Customer service (PR-21 – PR-23, PR-59, PR-72): help pages with a hotline revealed only on a tap, support
 * tickets with threaded messages and image attachments, a queue for agents (the {@code support} role), and
 * time-boxed grants an agent asks for on a ticket and the person approves, the only way an agent reads anyone's
 * data. Offers three ports: {@link #tickets()} (features open tickets on a person's behalf), {@link #grants()}
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
    private final SupportRoutes routes;

    private SupportFeature(TicketStore tickets, GrantStore grants, SupportRoutes routes) {
        this.tickets = tickets;
        this.grants = grants;
        this.routes = routes;
    }

    /**
     * @param photos   the photo pipeline (attachments follow its rules)
     * @param readings what an agent reads under a grant
     * @param phone    the operator's hotline ({@code MQCGM_SUPPORT_PHONE}), or null for none
     */
    public static SupportFeature create(Platform platform, Photos photos, ReadingSource readings, String phone) {
        TicketStore tickets = new TicketStore(platform.jdbi(), platform.userKeys(), platform.systemClock());
        GrantStore grants = new GrantStore(platform.jdbi(), platform.systemClock());
        return new SupportFeature(tickets, grants, new SupportRoutes(tickets, grants, photos, readings::range,
                platform.json(), platform.systemClock(), phone));
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }

    /** Daily: attachments older than 30 days, and tickets closed more than two years ago, are deleted. */
    @Override
    public List<Jobs.Job> jobs() {
        return List.of(Jobs.daily("purge-support-tickets", tickets::purge));
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
        };
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
