package org.mqcgm.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;

/**
 * Which devices an account logs in from, to tell the owner of a login from a new one (issue 16).
 *
 * <p>What "new" means: a successful login whose pair (client network, user-agent family) was not seen at a
 * successful login of this account in the last {@link #REMEMBERED} days. The network is the address cut to its IPv4
 * /24 or IPv6 /48 (as on the activity page); the family is the browser and the operating system without versions
 * ("Chrome on Android"), so a browser update is not a new device, while the same laptop in a new café, or a new phone
 * at home, is. The pair is stored only as a keyed hash bound to the account; the very first login of an account
 * (nothing known yet) is remembered without a notice.
 */
final class LoginDevices {

    static final Duration REMEMBERED = Duration.ofDays(180);
    private static final String CONTEXT = "login-device";

    private final Jdbi jdbi;
    private final DeploymentSecrets secrets;
    private final Clock clock;

    LoginDevices(Jdbi jdbi, DeploymentSecrets secrets, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Remembers the device of a successful login; true when it is new for an account that already had known
     * devices (a notice is due).
     */
    boolean loggedIn(UUID owner, ClientFacts client) {
        java.util.List<byte[]> devices = secrets.pseudonyms(CONTEXT,
                owner + "|" + client.ipPrefix() + "|" + family(client.userAgent()));
        byte[] device = devices.getFirst();
        byte[][] older = devices.subList(1, devices.size()).toArray(byte[][]::new);
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            if (older.length > 0) {
                // Known before the deployment secret was rotated: the same device, re-keyed (V1.6.3).
                h.createUpdate("""
                                update login_device set device = :d where owner_id = :o and device = any(:old::bytea[])
                                  and not exists (select 1 from login_device where owner_id = :o and device = :d)""")
                        .bind("o", owner).bind("d", device).bind("old", older).execute();
            }
            String seen = "select exists (select 1 from login_device where owner_id = :o and last_login_at > :since";
            boolean knewAny = h.createQuery(seen + ")").bind("o", owner)
                    .bind("since", Sessions.utc(now.minus(REMEMBERED))).mapTo(Boolean.class).one();
            boolean knewThis = h.createQuery(seen + " and device = :d)").bind("o", owner).bind("d", device)
                    .bind("since", Sessions.utc(now.minus(REMEMBERED))).mapTo(Boolean.class).one();
            h.createUpdate("""
                            insert into login_device (owner_id, device, first_login_at, last_login_at)
                            values (:o, :d, :now, :now)
                            on conflict (owner_id, device) do update set last_login_at = excluded.last_login_at""")
                    .bind("o", owner).bind("d", device).bind("now", Sessions.utc(now)).execute();
            return knewAny && !knewThis;
        });
    }

    /** How many devices the account logged in from in the remembered period (for the account's data inventory). */
    int count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from login_device where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    /** Forgets devices not used for {@link #REMEMBERED} (purge job). */
    int purge() {
        return jdbi.withHandle(h -> h.createUpdate("delete from login_device where last_login_at < :t")
                .bind("t", Sessions.utc(clock.instant().minus(REMEMBERED))).execute());
    }

    /** The browser and system family of a user agent, without versions: "chrome/android", "safari/ios", … */
    static String family(String userAgent) {
        String ua = userAgent == null ? "" : userAgent.toLowerCase(Locale.ROOT);
        String browser;
        if (ua.contains("edg/") || ua.contains("edga/") || ua.contains("edgios/")) {
            browser = "edge";
        } else if (ua.contains("opr/") || ua.contains("opera")) {
            browser = "opera";
        } else if (ua.contains("micromessenger")) {
            browser = "wechat";
        } else if (ua.contains("firefox/") || ua.contains("fxios/")) {
            browser = "firefox";
        } else if (ua.contains("chrome/") || ua.contains("crios/") || ua.contains("chromium/")) {
            browser = "chrome";
        } else if (ua.contains("safari/")) {
            browser = "safari";
        } else if (ua.isBlank()) {
            browser = "none";
        } else {
            // Apps and scripts: the product name before the first slash or space ("okhttp", "curl", "mqcgm-cli").
            browser = ua.split("[/ ;(]", 2)[0];
            browser = browser.substring(0, Math.min(browser.length(), 32));
        }
        String system;
        if (ua.contains("android")) {
            system = "android";
        } else if (ua.contains("iphone") || ua.contains("ipad") || ua.contains("ios")) {
            system = "ios";
        } else if (ua.contains("windows")) {
            system = "windows";
        } else if (ua.contains("mac os") || ua.contains("macintosh")) {
            system = "macos";
        } else if (ua.contains("cros")) {
            system = "chromeos";
        } else if (ua.contains("linux")) {
            system = "linux";
        } else {
            system = "other";
        }
        return browser + "/" + system;
    }
}
