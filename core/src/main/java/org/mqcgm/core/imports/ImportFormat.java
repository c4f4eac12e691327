package org.mqcgm.core.imports;

import java.util.Locale;
import java.util.Optional;

/** The file formats an import understands, detected from the content (never from the file name). */
public enum ImportFormat {
    CLARITY_CSV("clarity", "Dexcom Clarity CSV", true),
    LIBREVIEW_CSV("libreview", "LibreView CSV", true),
    NIGHTSCOUT_JSON("nightscout", "Nightscout JSON (entries, treatments)", false),
    TIDEPOOL_JSON("tidepool", "Tidepool JSON", false);

    private final String id;
    private final String label;
    private final boolean zoneLess;

    ImportFormat(String id, String label, boolean zoneLess) {
        this.id = id;
        this.label = label;
        this.zoneLess = zoneLess;
    }

    /** The short name used in the API ({@code clarity}, {@code libreview}, {@code nightscout}, {@code tidepool}). */
    public String id() {
        return id;
    }

    /** A human name of the format. */
    public String label() {
        return label;
    }

    /** Whether the file gives local wall-clock times without an offset (the user must confirm a time zone). */
    public boolean zoneLess() {
        return zoneLess;
    }

    /** The format with this short name, case-insensitively. */
    public static Optional<ImportFormat> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String t = id.trim().toLowerCase(Locale.ROOT);
        for (ImportFormat f : values()) {
            if (f.id.equals(t)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
