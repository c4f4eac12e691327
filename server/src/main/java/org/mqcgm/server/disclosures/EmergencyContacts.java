package org.mqcgm.server.disclosures;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The emergency contact a person chose (PR-34): a name and an e-mail address, encrypted with the person's key. Only
 * with one set may a disclosure in their vital interests go out without the DPO's break-glass, and then only to it.
 */
final class EmergencyContacts {

    record Contact(String name, String email) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Clock clock;

    EmergencyContacts(Jdbi jdbi, UserKeys keys, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.clock = clock;
    }

    Optional<Contact> of(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select name_enc, email_enc from emergency_contact"
                        + " where owner_id = :o").bind("o", owner)
                .map((rs, c) -> new Contact(keys.decryptString(owner, "emergency.name", rs.getBytes(1)),
                        keys.decryptString(owner, "emergency.email", rs.getBytes(2)))).findOne());
    }

    Contact set(UUID owner, String name, String email) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String n = Register.text(name, "$.name", 100, true, errors);
        String e = Register.text(email, "$.email", 254, true, errors);
        if (e != null && !e.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            errors.add(new Problem.FieldError("$.email", "email", "an e-mail address"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The emergency contact has problems.", errors));
        }
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into emergency_contact (owner_id, name_enc, email_enc, updated_at)
                        values (:o, :n, :e, :now)
                        on conflict (owner_id) do update set name_enc = excluded.name_enc,
                            email_enc = excluded.email_enc, updated_at = excluded.updated_at""")
                .bind("o", owner).bind("n", keys.encrypt(owner, "emergency.name", n))
                .bind("e", keys.encrypt(owner, "emergency.email", e)).bind("now", Register.at(clock.instant()))
                .execute());
        return new Contact(n, e);
    }

    boolean delete(UUID owner) {
        return jdbi.withHandle(h -> h.createUpdate("delete from emergency_contact where owner_id = :o")
                .bind("o", owner).execute() == 1);
    }
}
