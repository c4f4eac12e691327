package org.mqcgm.core.imports;

/**
 * A file that cannot be imported as a whole (empty, truncated, binary, unknown format, wrong structure): the only
 * exception the parsers throw. The message says what is wrong in plain words and never repeats the file's content.
 */
public final class ImportException extends RuntimeException {

    private final String rule;

    /**
     * @param rule    a short name of the broken rule ({@code empty}, {@code truncated}, {@code binary},
     *                {@code encoding}, {@code unknown-format}, {@code structure}, {@code no-readings}, …)
     * @param message what is wrong, for people
     */
    public ImportException(String rule, String message) {
        super(message, null, false, false);
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }
}
