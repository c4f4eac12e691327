package org.mqcgm.server.rights;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.mqcgm.server.platform.rights.ExportArchive;

/**
 * The ZIP archive of one export: each feature adds its files through {@link #file}; {@link #finish} adds
 * {@code README.txt}, which lists every file with the description its feature gave.
 */
final class ZipArchive implements ExportArchive {

    static final String README = "README.txt";
    /** Plain relative names: letters, digits, dots, dashes, underscores, folders with '/'; no '..'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

    private final ZipOutputStream zip;
    private final Map<String, String> files = new LinkedHashMap<>();
    private final Instant created;
    private Entry current;

    ZipArchive(OutputStream out, Instant created) {
        this.zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        this.created = created;
    }

    @Override
    public OutputStream file(String name, String description) throws IOException {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..") || name.equals(README)) {
            throw new IllegalArgumentException("not a usable file name in an export: " + name);
        }
        if (files.containsKey(name)) {
            throw new IllegalArgumentException("two files named " + name + " in one export");
        }
        endCurrent();
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(created.toEpochMilli());
        zip.putNextEntry(entry);
        files.put(name, description == null ? "" : description.strip());
        current = new Entry();
        return current;
    }

    /** The files added so far, in order, with their descriptions. */
    Map<String, String> files() {
        return Map.copyOf(files);
    }

    private void endCurrent() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    /** Adds the README and ends the ZIP (the underlying stream is closed too). */
    void finish(String readmeIntro) throws IOException {
        endCurrent();
        StringBuilder text = new StringBuilder(readmeIntro.strip()).append("\n\n");
        text.append(README).append("\n    This file: what each file of the archive holds.\n");
        for (Map.Entry<String, String> f : files.entrySet()) {
            text.append(f.getKey()).append("\n    ").append(f.getValue().replace("\n", "\n    ")).append('\n');
        }
        ZipEntry entry = new ZipEntry(README);
        entry.setTime(created.toEpochMilli());
        zip.putNextEntry(entry);
        zip.write(text.toString().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        zip.close();
    }

    /** One file's stream: closing it ends the entry (once), never the archive. */
    private final class Entry extends OutputStream {
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            check();
            zip.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
            zip.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (!closed) {
                zip.flush();
            }
        }

        private void check() throws IOException {
            if (closed) {
                throw new IOException("this file of the export is finished");
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                zip.closeEntry();
            }
        }
    }
}
