package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/** {@code /api/v1/nightscout/credentials}: create (shown once), list and revoke Nightscout credentials. */
final class CredentialRoutes {

    private static final Set<String> FIELDS = RequestFields.of(ApiSchemas.NightscoutCredentialRequest.class);
    static final int MAX_NAME = 60;
    /** Credentials a person may hold at once (live ones). */
    static final int MAX_LIVE = 50;

    private final NsCredentials credentials;
    private final JsonBodies json;
    private final String publicUrl;

    CredentialRoutes(NsCredentials credentials, JsonBodies json, String publicUrl) {
        this.credentials = credentials;
        this.json = json;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    void register(Routes routes) {
        Access access = Access.api(Scope.NIGHTSCOUT);
        routes.post("/api/v1/nightscout/credentials", access, this::create);
        routes.get("/api/v1/nightscout/credentials", access, ctx -> ctx.json(new ApiSchemas.NightscoutCredentials(
                credentials.list(Principal.of(ctx).accountId()).stream().map(this::listed).toList())));
        routes.delete("/api/v1/nightscout/credentials/{id}", access, ctx -> {
            UUID id = PathParams.uuid(ctx, "id");
            if (!credentials.revoke(Principal.of(ctx).accountId(), id)) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
    }

    /** The site URL of a credential, to paste into a Nightscout client. */
    String url(String site) {
        return publicUrl + "/ns/" + site + "/";
    }

    private void create(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        JsonNode body = json.readObject(ctx, FIELDS);
        List<Problem.FieldError> errors = new ArrayList<>();
        String name = null;
        JsonNode n = body.get("name");
        if (n == null || n.isNull()) {
            errors.add(new Problem.FieldError("$.name", "required", "is required"));
        } else if (!n.isTextual() || n.asText().isBlank() || n.asText().strip().length() > MAX_NAME) {
            errors.add(new Problem.FieldError("$.name", "length", "must be 1 to " + MAX_NAME + " characters"));
        } else {
            name = n.asText().strip();
        }
        Optional<NsCredentials.AccessLevel> level = Optional.empty();
        JsonNode a = body.get("access");
        if (a == null || a.isNull()) {
            errors.add(new Problem.FieldError("$.access", "required", "is required"));
        } else if (!a.isTextual() || (level = NsCredentials.AccessLevel.parse(a.asText())).isEmpty()) {
            errors.add(new Problem.FieldError("$.access", "enum", "must be 'read' or 'readwrite'"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The credential request is not valid.",
                    errors.toArray(Problem.FieldError[]::new)));
        }
        NsCredentials.Issued issued = create(owner, name, level.get());
        ctx.status(201).header("Location", "/api/v1/nightscout/credentials/" + issued.info().id())
                .json(issuedJson(issued));
    }

    /** A new credential of {@code owner} (also for the settings and getting-started pages); 409 past the limit. */
    NsCredentials.Issued create(UUID owner, String name, NsCredentials.AccessLevel level) {
        long live = credentials.list(owner).stream().filter(c -> c.revokedAt() == null).count();
        if (live >= MAX_LIVE) {
            throw new ProblemException(Problem.of(409, "too-many-credentials", "Too many Nightscout credentials",
                    "Revoke one of your " + MAX_LIVE + " Nightscout credentials first."));
        }
        return credentials.create(owner, name, level);
    }

    ApiSchemas.NightscoutCredentialIssued issuedJson(NsCredentials.Issued issued) {
        NsCredentials.Info i = issued.info();
        return new ApiSchemas.NightscoutCredentialIssued(i.id().toString(), i.name(), i.access().id,
                issued.secret(), issued.token(), url(i.site()), i.createdAt().toString());
    }

    private ApiSchemas.NightscoutCredential listed(NsCredentials.Info i) {
        return new ApiSchemas.NightscoutCredential(i.id().toString(), i.name(), i.access().id, url(i.site()),
                i.createdAt().toString(), i.lastUsedAt() == null ? null : i.lastUsedAt().toString(),
                i.revokedAt() == null ? null : i.revokedAt().toString());
    }
}
