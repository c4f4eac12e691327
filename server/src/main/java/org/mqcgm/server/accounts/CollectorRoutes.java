package org.mqcgm.server.accounts;

import java.net.URI;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.PageContext;

/**
 * The getting-started step "Run the Bluetooth collector" of the empty Today page: one press makes an API token with
 * what {@code mqcgm collect} needs ({@code readings:write}; its crash reports take any token) and shows the exact
 * command with the token, this server's address and the wearer's time zone. Making a token needs a recent password
 * as on Settings; the page moves on to Today by itself when the first reading arrives.
 */
final class CollectorRoutes {

    static final String PATH = "/settings/tokens/collector";
    static final String TOKEN_NAME = "Bluetooth collector";
    static final Set<Scope> SCOPES = EnumSet.of(Scope.READINGS_WRITE);
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Accounts accounts;
    private final ApiTokens tokens;
    private final String publicUrl;
    private final ClientAddress clients;

    CollectorRoutes(Accounts accounts, ApiTokens tokens, String publicUrl, ClientAddress clients) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.clients = clients;
    }

    void register(Routes routes, Web web) {
        routes.post(PATH, Access.SENSITIVE_PAGE, ctx -> {
            UUID owner = Principal.of(ctx).accountId();
            String token = tokens.create(owner, TOKEN_NAME, SCOPES);
            accounts.events().record(owner, SecurityEvents.Kind.TOKEN_CREATED, ClientFacts.of(ctx, clients),
                    TOKEN_NAME);
            PageContext page = web.contexts().of(ctx);
            String latest = ctx.formParam("latest");
            web.pages().render(ctx, page, "accounts/collector.jte", Map.of(
                    "command", command(publicUrl, token, page.zone()),
                    "token", token,
                    "latest", latest != null && latest.matches("[0-9]{1,19}") ? latest : ""));
        });
    }

    /**
     * The command for a Bluetooth CGM through BlueZ's first adapter. The collector sends its token over plain
     * http only to this machine, so a plain-http server elsewhere needs {@code --insecure-http}.
     */
    static String command(String server, String token, ZoneId zone) {
        URI u = URI.create(server);
        boolean insecure = "http".equals(u.getScheme()) && !LOCAL_HOSTS.contains(u.getHost());
        return "./mqcgm collect --adapter hci0 --server " + server + " --token " + token + " --tz " + zone.getId()
                + (insecure ? " --insecure-http" : "");
    }
}
