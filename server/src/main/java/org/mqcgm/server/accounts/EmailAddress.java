package org.mqcgm.server.accounts;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalised e-mail address: Unicode NFKC, trimmed, lower-cased (treating the local part case-insensitively, as
 * every large provider does, so {@code Ann@x.org} and {@code ann@x.org} are one account). Addresses longer than
 * 254 characters (RFC 5321) or without a plausible shape are rejected.
 */
record EmailAddress(String value) {

    private static final Pattern SHAPE = Pattern.compile(
            "[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+");

    public static Optional<EmailAddress> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String v = Normalizer.normalize(raw, Normalizer.Form.NFKC).trim().toLowerCase(Locale.ROOT);
        if (v.length() > 254 || !SHAPE.matcher(v).matches() || v.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(new EmailAddress(v));
    }

    @Override
    public String toString() {
        return value;
    }
}
