package org.mqcgm.server.platform.rights;

import java.io.IOException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;

/** The archive a person's export is written into (a ZIP); each feature adds its files. */
public interface ExportArchive {

    /**
     * Starts a file in the archive. The stream is valid until the next call to {@code file} and must not be closed
     * by the caller's try-with-resources on the archive itself (closing it ends the entry only).
     *
     * @param name        path inside the archive, e.g. {@code readings.csv}
     * @param description one line for {@code README.txt}: what the file holds and in which format
     */
    OutputStream file(String name, String description) throws IOException;

    /**
     * Adds a file holding {@code value} as indented JSON, written with the feature's {@code mapper}.
     *
     * @param name        path inside the archive, e.g. {@code logbook.json}
     * @param description one line for {@code README.txt}
     */
    default void json(ObjectMapper mapper, String name, String description, Object value) throws IOException {
        try (OutputStream out = file(name, description)) {
            mapper.writerWithDefaultPrettyPrinter().writeValue(out, value);
        }
    }
}
