package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.nightscout.NsQuery.Collection;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * What the Nightscout API holds about a person, for "My data" and the export: the clients' credentials (names,
 * access, dates — never a secret, which is not kept) and the Nightscout documents (treatments, device status,
 * profiles, food, settings, entries other than readings), decrypted. Readings and the check-ins treatments became
 * are exported by the glucose and logbook features.
 */
final class NightscoutData implements PersonalData {

    private final Jdbi jdbi;
    private final NsCredentials credentials;
    private final NsDocuments documents;
    private final ObjectMapper mapper;

    NightscoutData(Jdbi jdbi, NsCredentials credentials, NsDocuments documents, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.credentials = credentials;
        this.documents = documents;
        this.mapper = mapper;
    }

    @Override
    public List<Category> categories(UUID owner) {
        return List.of(
                new Category("nightscout-clients", PersonalData.rows(jdbi, "nightscout_credential", owner),
                        "the credentials of the Nightscout clients you connected (xDrip+, Loop, AAPS, followers): "
                                + "name, access, created, last used, revoked", "you",
                        "this server's PostgreSQL database (the secrets only as digests)"),
                new Category("nightscout-documents", PersonalData.rows(jdbi, "nightscout_document", owner),
                        "what your Nightscout clients sent besides readings: treatments, device status (e.g. "
                                + "battery), profiles, meter and calibration entries (health data)",
                        "your Nightscout clients",
                        "this server's PostgreSQL database, encrypted with your key (ids and times in clear)"));
    }

    @Override
    public void export(UUID owner, ExportArchive archive) throws IOException {
        try (OutputStream out = archive.file("nightscout.json", "What the Nightscout API holds: 'clients' (each "
                + "credential's id, name, access read or readwrite, site, created, last used, revoked; the secrets "
                + "are not kept) and 'documents' by collection (treatments, devicestatus, profile, food, settings, "
                + "entries other than sgv readings — the readings are in the glucose part), each as the client sent "
                + "it with _id, identifier, srvCreated, srvModified (ms) and isValid false when deleted through API "
                + "v3. JSON object.");
             JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("clients");
            for (NsCredentials.Info i : credentials.list(owner)) {
                g.writeStartObject();
                g.writeStringField("id", i.id().toString());
                g.writeStringField("name", i.name());
                g.writeStringField("access", i.access().id);
                g.writeStringField("site", i.site());
                g.writeStringField("createdAt", i.createdAt().toString());
                g.writeStringField("lastUsedAt", i.lastUsedAt() == null ? null : i.lastUsedAt().toString());
                g.writeStringField("revokedAt", i.revokedAt() == null ? null : i.revokedAt().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("documents");
            for (Collection c : Collection.values()) {
                g.writeArrayFieldStart(c.path);
                try {
                    documents.forEach(owner, c, d -> {
                        try {
                            mapper.writeValue(g, d.v3());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }
}
