package org.mqcgm.server.platform.egress;

import java.util.List;
import java.util.Optional;

/**
 * The read-only view of the recipient registry: every third party the operator declared (name, purposes, data
 * categories, region, privacy policy, DPA, status, fields). {@code /privacy/third-parties} is generated from it; a
 * record of processing lists {@link #forPurpose} per purpose. The built-in, user-designated destinations (the
 * person's own transfer target, mailbox and push service) are not in it: the person chooses those themselves.
 */
public interface Recipients {

    /** Every declared recipient, in the order the operator declared them (none by default). */
    List<Recipient> all();

    /** The declared recipients receiving data for {@code purpose} (e.g. {@code care}). */
    default List<Recipient> forPurpose(String purpose) {
        return all().stream().filter(r -> r.purposes().contains(purpose)).toList();
    }

    /** The declared recipient with this id. */
    default Optional<Recipient> byId(String id) {
        return all().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** No recipient at all (the default deployment). */
    Recipients NONE = List::of;
}
