package org.mqcgm.core.imports;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of an import file: UTF-8 (with or without a byte-order mark) or UTF-16 LE/BE with a byte-order mark
 * (LibreView sometimes writes that). Anything else — malformed UTF-8, NUL characters, no text at all — is refused
 * with what is wrong.
 */
final class ImportText {

    private ImportText() {
    }

    static String decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ImportException("empty", "The file is empty.");
        }
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            skip = 3;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        }
        String text;
        try {
            CharBuffer chars = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            if (charset == StandardCharsets.UTF_8 && looksBinary(bytes)) {
                throw binary();
            }
            throw new ImportException("encoding", charset == StandardCharsets.UTF_8
                    ? "The file is not UTF-8 text (UTF-8, or UTF-16 with a byte-order mark, are read)."
                    : "The file is not complete " + charset.name() + " text (truncated or damaged).");
        }
        if (text.indexOf('\0') >= 0) {
            throw binary();
        }
        if (text.isBlank()) {
            throw new ImportException("empty", "The file holds no data.");
        }
        return text;
    }

    private static boolean looksBinary(byte[] bytes) {
        int n = Math.min(bytes.length, 4096);
        for (int i = 0; i < n; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static ImportException binary() {
        return new ImportException("binary", "The file is not a text file (it holds binary data); export CSV or "
                + "JSON from Clarity, LibreView, Nightscout or Tidepool.");
    }
}
