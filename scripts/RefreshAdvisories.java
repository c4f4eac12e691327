import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * scripts/refresh-advisories: asks OSV's batch query for every Maven component of a CycloneDX SBOM and writes each
 * advisory found, whole, as security/advisories/ID.json (the check reads them offline). Existing files are kept:
 * an advisory once known stays known.
 */
public class RefreshAdvisories {
    private static final String API = "https://api.osv.dev/v1";

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode bom = json.readTree(Path.of(args[0]).toFile());
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        List<JsonNode> components = new ArrayList<>();
        bom.path("components").forEach(c -> {
            if (c.path("purl").asText("").startsWith("pkg:maven/")) {
                components.add(c);
            }
        });
        TreeSet<String> ids = new TreeSet<>();
        for (int from = 0; from < components.size(); from += 500) {
            ArrayNode queries = json.createArrayNode();
            for (JsonNode c : components.subList(from, Math.min(components.size(), from + 500))) {
                ObjectNode q = queries.addObject();
                q.put("version", c.path("version").asText());
                q.putObject("package").put("ecosystem", "Maven")
                        .put("name", c.path("group").asText() + ":" + c.path("name").asText());
            }
            ObjectNode body = json.createObjectNode();
            body.set("queries", queries);
            JsonNode answer = json.readTree(send(http, HttpRequest.newBuilder(URI.create(API + "/querybatch"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
            answer.path("results").forEach(r -> r.path("vulns").forEach(v -> ids.add(v.path("id").asText())));
        }
        for (String id : ids) {
            String record = send(http, HttpRequest.newBuilder(URI.create(API + "/vulns/" + id)).GET());
            Files.writeString(out.resolve(id + ".json"), json.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(json.readTree(record)) + "\n");
            System.err.println("refresh-advisories: " + id);
        }
        System.err.println("refresh-advisories: " + components.size() + " components asked, " + ids.size()
                + " advisories written to " + out);
    }

    private static String send(HttpClient http, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.request().uri() + " answered " + r.statusCode());
        }
        return r.body();
    }
}
