package org.mqcgm.server.platform.transparency;

import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.consent.DataCategory;

/**
 * A read of personal data for a purpose the registry does not register for its category (PR-03): refused before
 * anything is read, and recorded ({@link PurposeGuard}).
 */
public final class PurposeViolationException extends RuntimeException {

    private final Purpose purpose;
    private final DataCategory category;

    public PurposeViolationException(Purpose purpose, DataCategory category, String operation) {
        super("purpose " + purpose.id() + " is not registered for data category " + category.code() + " ("
                + operation + "); the registry is Consents.Purpose");
        this.purpose = purpose;
        this.category = category;
    }

    public Purpose purpose() {
        return purpose;
    }

    public DataCategory category() {
        return category;
    }
}
