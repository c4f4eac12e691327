package org.mqcgm.server.disclosures;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.server.platform.profile.Profile;

/**
 * Writes the file of a disclosure for the operator to hand over (PR-45): exactly the export's scope, which the
 * register checked is within the approved disclosure (minimum necessary), as one JSON file in the export folder,
 * readable by the operator only. The file's name, size and SHA-256 go into the disclosure's trail.
 */
final class Exports {

    /** A person's readings in a period (the glucose feature answers). */
    @FunctionalInterface
    interface ReadingSource {
        List<org.mqcgm.core.glucose.Reading> range(UUID owner, java.time.Instant from, java.time.Instant to);
    }

    /** A written file. */
    record Written(Path file, long bytes, String sha256) {
    }

    private final Path directory;
    private final ObjectMapper mapper;
    private final Function<UUID, Optional<Profile>> profiles;
    private final ReadingSource readings;
    private final Clock clock;

    Exports(Path directory, ObjectMapper mapper, Function<UUID, Optional<Profile>> profiles, ReadingSource readings,
            Clock clock) {
        this.directory = directory;
        this.mapper = mapper;
        this.profiles = profiles;
        this.readings = readings;
        this.clock = clock;
    }

    /**
     * Sends a disclosure in someone's vital interests to the emergency contact they set (PR-34), by e-mail through
     * the outbound port: who the person is (if the profile category is covered), that they may need help, and the
     * reference to quote when asking the officer for their readings — never a glucose value (PR-55). Returns how many
     * readings went by e-mail: none.
     */
    int email(Register.Disclosure d, EmergencyContacts.Contact contact,
              org.mqcgm.server.platform.outbound.Outbound outbound) {
        UUID person = d.people().get(0);
        Optional<Profile> profile = profiles.apply(person);
        org.mqcgm.server.platform.web.Messages m = org.mqcgm.server.platform.web.Messages.of(profile
                .map(Profile::language).orElse(org.mqcgm.server.platform.web.Language.EN));
        StringBuilder body = new StringBuilder(m.t("disclosures.mail.emergency.body", contact.name(),
                d.categories().contains("profile") ? profile.map(Profile::label).orElse("?") : "-", d.reference()));
        // No glucose value leaves by e-mail (PR-55): the contact is told to act, the officer gives the readings on
        // request.
        int count = 0;
        outbound.send(new org.mqcgm.server.platform.outbound.OutboundMessage(
                org.mqcgm.server.platform.outbound.OutboundMessage.Channel.EMAIL, contact.email(),
                m.t("disclosures.mail.emergency.subject"), body.toString()));
        return count;
    }

    Written write(Register.Disclosure d, Register.Scope scope) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("disclosure", d.id().toString());
        doc.put("basis", d.basis().id());
        doc.put("recipient", d.recipient());
        doc.put("instrument", d.instrument());
        doc.put("reference", d.reference());
        doc.put("categories", scope.categories());
        doc.put("from", scope.from().toString());
        doc.put("to", scope.to().toString());
        doc.put("written", clock.instant().toString());
        List<Map<String, Object>> people = new ArrayList<>();
        for (UUID person : scope.people()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("id", person.toString());
            if (scope.categories().contains("profile")) {
                profiles.apply(person).ifPresent(pr -> {
                    p.put("contact", pr.label());
                    p.put("language", pr.language().tag());
                    p.put("zone", pr.zone().getId());
                });
            }
            if (scope.categories().contains("readings")) {
                p.put("readings", readings.range(person, scope.from(), scope.to()).stream()
                        .map(r -> Map.of("time", r.time().toString(), "mgdl", r.mgdl())).toList());
            }
            people.add(p);
        }
        doc.put("people", people);
        try {
            Files.createDirectories(directory);
            byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
            Path file = directory.resolve("disclosure-" + d.id() + "-" + clock.millis() + ".json");
            Path tmp = Files.createTempFile(directory, ".disclosure-", ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return new Written(file, bytes.length, HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
