package org.mqcgm.server.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/** The consent ledger of a person, for "My data" and the export (PR-60, PR-70). */
final class ConsentData implements PersonalData {

    private final Jdbi jdbi;
    private final ConsentLedger ledger;
    private final ObjectMapper mapper;

    ConsentData(Jdbi jdbi, ConsentLedger ledger, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.ledger = ledger;
        this.mapper = mapper;
    }

    @Override
    public List<Category> categories(UUID owner) {
        long n = jdbi.withHandle(h -> h.createQuery("select count(*) from consent_event where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
        return List.of(new Category("consents", n,
                "proving what you allowed and when (your consents and the policy you accepted)",
                "you: at sign-up, in Settings → Privacy and through the API",
                "this server's PostgreSQL database (append-only)"));
    }

    @Override
    public void export(UUID owner, ExportArchive archive) throws IOException {
        List<ConsentLedger.Event> history = ledger.history(owner).reversed();
        List<Map<String, Object>> rows = history.stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at().toString());
            m.put("purpose", e.purpose().id());
            m.put("granted", e.granted());
            m.put("channel", e.channel());
            m.put("policyVersion", e.policyVersion());
            return m;
        }).toList();
        archive.json(mapper, "consents.json", "Your consent history, oldest first: when, which "
                + "purpose (e.g. health-data, policy), granted or withdrawn, through which channel, under which "
                + "version of the privacy policy. JSON array.", rows);
    }
}
