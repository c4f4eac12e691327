package org.mqcgm.server.platform.transparency;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.consent.DataCategory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check of the data-access layer (PR-03): a read of a category of personal data is allowed only for a purpose
 * the registry ({@link Purpose#categories()}) registers for that category. A refused read throws
 * {@link PurposeViolationException} before anything is read and is recorded as a security event in
 * {@code purpose_violation} (who it was about, when, the purpose, the category and the operation; no data) and in
 * the log. The check is one lookup in an enum set: it costs nothing on the read path.
 */
public final class PurposeGuard {

    private static final Logger log = LoggerFactory.getLogger(PurposeGuard.class);

    private final Jdbi jdbi;
    private final Clock clock;

    public PurposeGuard(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Checks a read of {@code category} about {@code subject} for the current thread's purpose. */
    public void check(DataCategory category, UUID subject, String operation) {
        check(PurposeContext.current(), category, subject, operation);
    }

    /**
     * Checks a read of {@code category} about {@code subject} for {@code purpose}.
     *
     * @throws PurposeViolationException when the purpose is not registered for the category (recorded first)
     */
    public void check(Purpose purpose, DataCategory category, UUID subject, String operation) {
        if (purpose.covers(category)) {
            return;
        }
        log.warn("refused a read of {} for purpose {} in {}", category.code(), purpose.id(), operation);
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            insert into purpose_violation (owner_id, id, at, purpose, category, operation)
                            select :owner, :id, :at, :purpose, :category, :operation
                            where exists (select 1 from account where id = :owner)""")
                    .bind("owner", subject).bind("id", UUID.randomUUID())
                    .bind("at", clock.instant().atOffset(ZoneOffset.UTC))
                    .bind("purpose", purpose.id()).bind("category", category.code()).bind("operation", operation)
                    .execute());
        } catch (RuntimeException e) {
            log.warn("could not record the refused read: {}", org.mqcgm.server.platform.db.SafeErrors.describe(e));
        }
        throw new PurposeViolationException(purpose, category, operation);
    }
}
