package org.mqcgm.server.accounts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * What the accounts feature holds about a person, for "My data" and the export (PR-60, PR-70): the account profile,
 * sessions, API tokens, devices, security activity and the sign-in secrets. Secrets themselves — the password hash,
 * the two-factor secret, recovery-code, session and token hashes, device pseudonyms — are counted, never exported.
 */
final class AccountData implements PersonalData {

    private static final String DB = "this server's PostgreSQL database";
    private static final String DB_ENCRYPTED = DB + ", encrypted with your key";

    private final Jdbi jdbi;
    private final AccountStore store;
    private final ObjectMapper mapper;

    AccountData(Jdbi jdbi, AccountStore store, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.store = store;
        this.mapper = mapper;
    }

    private long count(String sql, UUID owner) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("o", owner).mapTo(Long.class).one());
    }

    @Override
    public List<Category> categories(UUID owner) {
        long account = count("select count(*) from account where id = :o", owner);
        if (account == 0) {
            return List.of();
        }
        long secrets = count("""
                select 1 + (case when totp_secret_enc is not null then 1 else 0 end)
                         + (select count(*) from recovery_code where owner_id = :o and used_at is null)
                from account where id = :o""", owner);
        return List.of(
                new Category("account", account, "your account: signing you in, your settings",
                        "you, at sign-up and in Settings", DB + "; e-mail and phone encrypted with your key"),
                new Category("sessions", count("select count(*) from web_session where owner_id = :o", owner),
                        "keeping you signed in on the web, security", "your browsers when you sign in",
                        DB + " (only a hash of each session cookie)"),
                new Category("api-tokens", count("select count(*) from api_token where owner_id = :o", owner),
                        "letting your apps and uploaders use your account", "you, in Settings",
                        DB + " (only a hash of each token)"),
                new Category("devices", count("select count(*) from device where owner_id = :o", owner),
                        "your phones and collectors: compatibility, notifications", "your apps",
                        DB + " (a keyed pseudonym, never the device's own identifier)"),
                new Category("security-events", count("select count(*) from security_event where owner_id = :o",
                        owner), "security: showing you your account's activity", "the server, as things happen",
                        DB + " (addresses shortened to their network)"),
                new Category("known-networks", count("select count(*) from login_known_client where owner_id = :o",
                        owner), "security: not locking you out while someone guesses your password",
                        "the server, at each successful login", DB + " (keyed hashes of networks), 30 days"),
                new Category("known-devices", count("select count(*) from login_device where owner_id = :o", owner),
                        "security: telling you of a login from a new device or network",
                        "the server, at each successful login",
                        DB + " (keyed hashes of network and browser family), 180 days"),
                new Category("sign-in-secrets", secrets,
                        "signing you in: password, two-factor secret, unused recovery codes (never exported)",
                        "you", DB + " (password and codes as one-way hashes; two-factor secret encrypted)"));
    }

    private static String iso(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }

    @Override
    public void export(UUID owner, ExportArchive archive) throws IOException {
        Account a = store.find(owner).orElse(null);
        if (a == null) {
            return;
        }
        Map<String, Object> account = jdbi.withHandle(h -> h.createQuery("""
                        select status, created_at, password_changed_at, totp_enabled_at from account where id = :o""")
                .bind("o", owner).map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", owner.toString());
                    m.put("email", a.email());
                    m.put("phone", a.phone());
                    m.put("timeZone", a.timeZone().getId());
                    m.put("glucoseUnit", a.unit().symbol());
                    m.put("language", a.language().tag());
                    m.put("roles", a.roles().stream().map(r -> r.name().toLowerCase(java.util.Locale.ROOT))
                            .sorted().toList());
                    m.put("status", rs.getString("status"));
                    m.put("created", iso(rs, "created_at"));
                    m.put("passwordChanged", iso(rs, "password_changed_at"));
                    m.put("twoFactor", a.twoFactor());
                    m.put("twoFactorSince", iso(rs, "totp_enabled_at"));
                    return m;
                }).one());
        archive.json(mapper, "account.json", "Your account: id, e-mail address, phone number, home time zone, glucose "
                + "unit, language, roles, status, when it was created, whether two-factor sign-in is on. JSON "
                + "object. (Your password and two-factor secret are never exported.)", account);
        archive.json(mapper, "sessions.json",
                "Your web sign-ins (sessions): when each began, was last used and ends, the "
                + "network (shortened address) and browser. JSON array.", jdbi.withHandle(h -> h.createQuery("""
                        select created_at, last_seen_at, expires_at, reauth_at, ip_prefix, user_agent from web_session
                        where owner_id = :o order by created_at""")
                .bind("o", owner).map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("created", iso(rs, "created_at"));
                    m.put("lastSeen", iso(rs, "last_seen_at"));
                    m.put("expires", iso(rs, "expires_at"));
                    m.put("passwordConfirmed", iso(rs, "reauth_at"));
                    m.put("network", rs.getString("ip_prefix"));
                    m.put("browser", rs.getString("user_agent"));
                    return m;
                }).list()));
        archive.json(mapper, "api-tokens.json",
                "Your API tokens (without their secrets): id, name, scopes, when created, "
                + "last used, revoked and when they expire (null: never). JSON array.", jdbi.withHandle(h -> h.createQuery("""
                        select id, name, scopes, created_at, last_used_at, revoked_at, expires_at from api_token
                        where owner_id = :o order by created_at""")
                .bind("o", owner).map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getObject("id", UUID.class).toString());
                    m.put("name", rs.getString("name"));
                    m.put("scopes", new ArrayList<>(Arrays.asList((String[]) rs.getArray("scopes").getArray())));
                    m.put("created", iso(rs, "created_at"));
                    m.put("lastUsed", iso(rs, "last_used_at"));
                    m.put("revoked", iso(rs, "revoked_at"));
                    m.put("expires", iso(rs, "expires_at"));
                    return m;
                }).list()));
        archive.json(mapper, "devices.json", "Your phones and collectors: platform, model, system and app versions, "
                + "whether push notifications are set up, when first and last seen, when unlinked. JSON array.",
                jdbi.withHandle(h -> h.createQuery("""
                        select id, platform, model, os_version, app_version, push_alias is not null as push,
                               created_at, last_seen_at, unlinked_at
                        from device where owner_id = :o order by created_at""")
                .bind("o", owner).map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getObject("id", UUID.class).toString());
                    m.put("platform", rs.getString("platform"));
                    m.put("model", rs.getString("model"));
                    m.put("osVersion", rs.getString("os_version"));
                    m.put("appVersion", rs.getString("app_version"));
                    m.put("pushNotifications", rs.getBoolean("push"));
                    m.put("created", iso(rs, "created_at"));
                    m.put("lastSeen", iso(rs, "last_seen_at"));
                    m.put("unlinked", iso(rs, "unlinked_at"));
                    return m;
                }).list()));
        archive.json(mapper, "security-events.json", "Your account's security activity: when, what (e.g. login, "
                + "password-changed), the network (shortened address), the browser and details. JSON array.",
                jdbi.withHandle(h -> h.createQuery("""
                        select at, kind, ip_prefix, user_agent, detail from security_event
                        where owner_id = :o order by at, id""")
                .bind("o", owner).map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("at", iso(rs, "at"));
                    m.put("kind", rs.getString("kind"));
                    m.put("network", rs.getString("ip_prefix"));
                    m.put("browser", rs.getString("user_agent"));
                    m.put("detail", rs.getString("detail"));
                    return m;
                }).list()));
        archive.json(mapper, "known-networks.json",
                "Networks you signed in from in the last 30 days (kept as keyed hashes, "
                + "so only the time of the last sign-in from each can be shown). JSON array.",
                jdbi.withHandle(h -> h.createQuery("""
                        select last_login_at from login_known_client where owner_id = :o order by last_login_at""")
                .bind("o", owner).map((rs, ctx) -> Map.of("lastLogin", iso(rs, "last_login_at"))).list()));
        archive.json(mapper, "known-devices.json",
                "Devices and networks you signed in from in the last 180 days (kept as keyed hashes of the network "
                + "and the browser family, so only the times can be shown). JSON array.",
                jdbi.withHandle(h -> h.createQuery("""
                        select first_login_at, last_login_at from login_device where owner_id = :o
                        order by first_login_at""")
                .bind("o", owner).map((rs, ctx) -> Map.of("firstLogin", iso(rs, "first_login_at"),
                        "lastLogin", iso(rs, "last_login_at"))).list()));
    }
}
