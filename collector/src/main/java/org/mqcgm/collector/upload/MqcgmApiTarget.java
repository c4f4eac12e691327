package org.mqcgm.collector.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import org.mqcgm.collector.queue.JournalEntry;

/**
 * {@code POST /api/v1/readings} of an mqcgm server with an API token ({@code readings:write}): a JSON array of
 * {@code {time, mgdl}} with the wearer's UTC offset. The server stores each (owner, time) once, so a batch sent
 * again after a crash only counts as duplicates. 200 → stored; 422 → the valid items were stored and the others
 * are refused for good; 413 → split the batch; anything else → retry later.
 */
public final class MqcgmApiTarget implements UploadTarget {

    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String token;
    private final HttpClient http;

    /** With {@link Connection#defaults()}: https, or http to this machine only. */
    public MqcgmApiTarget(URI server, String token) {
        this(server, token, Connection.defaults());
    }

    /**
     * @throws Connection.InsecureTargetException when {@code connection} refuses the URL (nothing is sent)
     */
    public MqcgmApiTarget(URI server, String token, Connection connection) {
        connection.check(server);
        this.endpoint = server.resolve("/api/v1/readings");
        this.token = Objects.requireNonNull(token, "token");
        this.http = connection.client();
    }

    @Override
    public String id() {
        return "mqcgm";
    }

    /** Bits 6 and 7 of the result octet (flag 0x80): below / above what the sensor can measure. */
    private static final int BELOW_DEVICE_RANGE = 1 << 6;
    private static final int ABOVE_DEVICE_RANGE = 1 << 7;

    /**
     * One reading of the API: its local time, the value — or, when the sensor says the result is beyond what it can
     * measure, a Low/High marker with the value as the sensor's limit — and the sensor status annunciation as one
     * 24-bit {@code status}: bits 0–7 the 0x20 octet (session stopped, battery low, …), 8–15 Cal/Temp, 16–23 the
     * result octet (the numbering of nRF Toolbox; absent octets are 0).
     */
    static void reading(com.fasterxml.jackson.databind.node.ObjectNode out, JournalEntry e) {
        out.put("time", ISO.format(e.localTime()));
        int result = Math.max(0, e.status());
        int limit = Math.clamp(e.mgdl(), 20, 600);
        if ((result & BELOW_DEVICE_RANGE) != 0) {
            out.put("marker", "low").put("limit", limit);
        } else if ((result & ABOVE_DEVICE_RANGE) != 0) {
            out.put("marker", "high").put("limit", limit);
        } else {
            out.put("mgdl", e.mgdl());
        }
        int status = Math.max(0, e.warning()) | Math.max(0, e.calTemp()) << 8 | result << 16;
        if (status != 0) {
            out.put("status", status);
        }
    }

    @Override
    public Outcome upload(List<JournalEntry> batch) throws IOException, InterruptedException {
        ArrayNode body = JSON.createArrayNode();
        for (JournalEntry e : batch) {
            reading(body.addObject(), e);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return switch (r.statusCode()) {
            case 200, 422 -> {
                JsonNode n = JSON.readTree(r.body());
                yield Outcome.stored(n.path("accepted").asInt(), n.path("duplicates").asInt(),
                        n.path("rejected").asInt());
            }
            case 413 -> Outcome.batchTooLarge();
            case 401, 403 -> throw new RetryableException("the server refused the API token (HTTP " + r.statusCode()
                    + "); check --token");
            default -> throw new RetryableException("HTTP " + r.statusCode());
        };
    }
}
