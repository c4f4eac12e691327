package org.mqcgm.collector.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import org.mqcgm.collector.queue.JournalEntry;

/**
 * Nightscout's {@code POST /api/v1/entries} as xDrip+ uses it (docs/spec/nightscout-api.md §1.1): an array of
 * {@code sgv} entries, header {@code api-secret} = lower-case SHA-1 hex of the API secret. Nightscout upserts on
 * (date, type), so resending is harmless. Any 2xx is success.
 */
public final class NightscoutTarget implements UploadTarget {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE_STRING = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSZ");

    private final URI endpoint;
    private final String secretHash;
    private final HttpClient http;

    /** With {@link Connection#defaults()}: https, or http to this machine only. */
    public NightscoutTarget(URI site, String apiSecret) {
        this(site, apiSecret, Connection.defaults());
    }

    /**
     * @throws Connection.InsecureTargetException when {@code connection} refuses the URL (nothing is sent)
     */
    public NightscoutTarget(URI site, String apiSecret, Connection connection) {
        connection.check(site);
        this.endpoint = site.resolve("/api/v1/entries");
        this.secretHash = sha1Hex(apiSecret);
        this.http = connection.client();
    }

    static String sha1Hex(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String id() {
        return "nightscout";
    }

    @Override
    public Outcome upload(List<JournalEntry> batch) throws IOException, InterruptedException {
        ArrayNode body = JSON.createArrayNode();
        for (JournalEntry e : batch) {
            body.addObject().put("type", "sgv").put("sgv", e.mgdl()).put("date", e.time().toEpochMilli())
                    .put("dateString", DATE_STRING.format(e.localTime()))
                    .put("utcOffset", e.utcOffset().getTotalSeconds() / 60)
                    .put("device", "mqcgm-collector");
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("api-secret", secretHash)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() / 100 == 2) {
            return Outcome.stored(batch.size(), 0, 0);
        }
        if (r.statusCode() == 413) {
            return Outcome.batchTooLarge();
        }
        throw new RetryableException("Nightscout answered HTTP " + r.statusCode());
    }
}
