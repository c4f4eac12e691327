package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.logging.SecurityLog;
import org.mqcgm.server.platform.web.Cookies;
import org.mqcgm.server.platform.web.SiteCookie;

/**
 * Security events of a request ({@link SecurityLog}) with what the request tells: the client's address (through
 * trusted proxies only), the method and route template (never the path: it can hold a token), and the principal
 * and credential id once the access check attached one. Every refusal of {@link AccessControl} goes through
 * {@link #denied}.
 */
public final class RequestSecurityLog {

    private static final String CLIENT = "mqcgm.security-log.client";
    private static final String LOGGED = "mqcgm.security-log.denied";

    private RequestSecurityLog() {
    }

    /** Notes the client's address of the request (a before-handler of every request, set by the composition root). */
    public static void remember(Context ctx, ClientAddress addresses) {
        ctx.attribute(CLIENT, addresses.of(ctx));
    }

    /** Records an event of this request, with its client, method, route, principal and credential id. */
    public static void event(Context ctx, String kind, Map<String, Object> fields) {
        Map<String, Object> all = new HashMap<>();
        String client = ctx.attribute(CLIENT);
        all.put("client", client != null ? client : ctx.ip());
        all.put("method", ctx.method().name());
        try {
            if (ctx.endpoint() != null) {
                all.put("route", ctx.endpoint().path);
            }
        } catch (RuntimeException e) {
            // no route matched: the route stays unknown (the path is never written)
        }
        Principal.optional(ctx).ifPresent(p -> {
            all.put("principal", p.accountId());
            all.put("credential", credential(p.method()));
            if (p.credentialId() != null) {
                all.put("credentialId", p.credentialId());
            }
        });
        all.putAll(fields);
        SecurityLog.get().event(kind, all);
    }

    /**
     * Records the refusal of {@code rule} for this request ({@code e} is what the access check threw): a CSRF
     * refusal as {@code csrf.refused}, a presented credential that is unknown, expired or revoked as
     * {@code credential.rejected}, anything else as {@code access.denied} — with the rule and the reason.
     */
    public static void denied(Context ctx, Access rule, RuntimeException e) {
        if (ctx.attribute(LOGGED) != null) {
            return;
        }
        ctx.attribute(LOGGED, Boolean.TRUE);
        Map<String, Object> f = new HashMap<>();
        f.put("rule", rule(rule));
        int status;
        String reason;
        switch (e) {
            case ProblemException p -> {
                status = p.problem().status();
                String type = p.problem().type();
                reason = type == null ? "problem" : type.substring(type.lastIndexOf('/') + 1);
            }
            case AccessControl.NightscoutRefused n -> {
                status = n.status();
                reason = "nightscout-" + n.getMessage();
            }
            case AccessControl.LoginRequired ignored -> {
                status = 303;
                reason = "login-required";
            }
            case AccessControl.RecentLoginRequired ignored -> {
                status = 303;
                reason = "recent-login-required";
            }
            case AccessControl.PolicyAcceptanceRequired ignored -> {
                status = 303;
                reason = "policy-acceptance-required";
            }
            case AccessControl.OnHold ignored -> {
                status = 303;
                reason = "on-hold";
            }
            default -> {
                status = 0;
                reason = e.getClass().getSimpleName();
            }
        }
        f.put("status", status);
        f.put("reason", reason);
        String kind = "access.denied";
        if (reason.equals("csrf") || reason.equals("cookies-blocked")) {
            kind = "csrf.refused";
        } else if (status == 401 && ctx.header("Authorization") != null && Principal.optional(ctx).isEmpty()) {
            kind = "credential.rejected";
            f.put("credential", "api-token");
            f.put("credentialId", fingerprint(ctx.header("Authorization")));
        } else if (Principal.optional(ctx).isEmpty() && (status == 401 || reason.equals("login-required"))
                && Cookies.read(ctx, SiteCookie.SESSION) != null) {
            // a session cookie that names no live session: unknown, expired, ended (logout, password change)
            kind = "credential.rejected";
            f.put("credential", "session");
            f.put("credentialId", fingerprint(Cookies.read(ctx, SiteCookie.SESSION)));
        }
        event(ctx, kind, f);
    }

    /** The rule as written in the route table: its kind and, for the API, its scope. */
    static String rule(Access rule) {
        String name = rule.getClass().getSimpleName();
        if (rule instanceof Access.Api api && api.scope() != null) {
            return name + "(" + api.scope().id() + ")";
        }
        if (rule instanceof Access.Shared shared) {
            return name + "(" + shared.share().id() + ")";
        }
        if (rule instanceof Access.SupportGrant grant) {
            return name + "(" + grant.scope() + ")";
        }
        return name;
    }

    private static String credential(Principal.Method method) {
        return switch (method) {
            case SESSION -> "session";
            case API_TOKEN -> "api-token";
            case NIGHTSCOUT -> "nightscout";
        };
    }

    /**
     * An id for a presented secret that names no credential: the first 12 hex digits of its SHA-256 — enough to
     * tell repeated attempts with one value apart, useless to recover it.
     */
    static String fingerprint(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
