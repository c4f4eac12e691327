package org.mqcgm.server.guardians;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/** "My data" and the export of this feature: the date of birth, whether a guardian acts, whom one guards. */
final class GuardianData implements PersonalData {

    private final Jdbi jdbi;
    private final Guardians guardians;
    private final ObjectMapper mapper;

    GuardianData(Jdbi jdbi, Guardians guardians, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.guardians = guardians;
        this.mapper = mapper;
    }

    @Override
    public List<Category> categories(UUID owner) {
        String where = "this deployment's PostgreSQL database";
        return List.of(
                new Category("birth-date", PersonalData.rows(jdbi, "birth_date", owner),
                        "deciding whether a guardian must consent (the age of majority)", "you",
                        where + ", encrypted with your key"),
                new Category("guardians", PersonalData.rows(jdbi, "guardianship", owner),
                        "the parent or guardian who consented for you while you were a minor", "your guardian",
                        where),
                new Category("guardian-invitations", PersonalData.rows(jdbi, "guardian_invitation", owner),
                        "inviting your parent or guardian (their contact, encrypted with your key)", "you",
                        where + ", encrypted with your key"),
                new Category("guarded-accounts", jdbi.withHandle(h -> h.createQuery(
                                "select count(*) from guardianship where guardian_id = :o")
                        .bind("o", owner).mapTo(Long.class).one()),
                        "the accounts you consented for as a parent or guardian", "you", where));
    }

    @Override
    public void export(UUID owner, ExportArchive archive) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("birthDate", guardians.birthDate(owner).map(Object::toString).orElse(null));
        Guardians.State state = guardians.state(owner);
        out.put("minor", state.minor());
        out.put("waitingForGuardian", state.pending());
        out.put("suspendedAfterReport", state.suspended());
        out.put("guardians", guardians.guardiansOf(owner).size());
        out.put("guardedAccounts", guardians.children(owner).stream().map(c -> Map.of(
                "since", c.since().toString(), "live", c.live())).toList());
        archive.json(mapper, "guardians.json", "Your date of birth, whether a guardian consents for you, and the"
                + " accounts you consent for as a guardian (JSON).", out);
    }
}
