package org.mqcgm.server.logbook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/** What the logbook holds about a person, for "My data" and the export: every check-in, decrypted. */
final class LogbookData implements PersonalData {

    private final Checkins checkins;
    private final ObjectMapper mapper;

    LogbookData(Checkins checkins, ObjectMapper mapper) {
        this.checkins = checkins;
        this.mapper = mapper;
    }

    @Override
    public List<Category> categories(UUID owner) {
        return List.of(new Category("checkins", checkins.count(owner),
                "your logbook: meals, insulin, exercise, medication, finger-sticks and notes next to your glucose "
                        + "(health data)", "you",
                "this server's PostgreSQL database, encrypted with your key (time and kind in clear)"));
    }

    @Override
    public void export(UUID owner, ExportArchive archive) throws IOException {
        try (OutputStream out = archive.file("logbook.json", "Your logbook's check-ins, oldest first: id, time "
                + "(ISO-8601 with your UTC offset then), kind (meal, insulin, exercise, medication, fingerstick, "
                + "note), the fields of the kind (carbs in g; units and insulinType; minutes and intensity; medication "
                + "and dose; value and unit as entered, with mgdl), note, photo ids (the photos are in the photos "
                + "part of this export), created and updated. JSON array.");
             JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartArray();
            try {
                checkins.forEach(owner, c -> {
                    try {
                        mapper.writeValue(g, ApiSchemas.CheckinView.of(c, true));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            g.writeEndArray();
        }
    }
}
