package org.mqcgm.server.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.outbound.Outbound;

/**
 * The shared services every feature may use, built once by the composition root and handed to each feature's
 * factory. Nothing here knows a feature.
 *
 * @param jdbi          the database
 * @param dataSource    the pool behind it
 * @param userKeys      per-user data keys (encrypting personal data; destroying one shreds a user's data)
 * @param secrets       deployment secrets (blind indexes, keyed pseudonyms)
 * @param notifications the node's one LISTEN/NOTIFY connection (cache invalidation and events across nodes)
 * @param mapper        the JSON mapper
 * @param json          strict JSON request bodies (field and rule in every error)
 * @param consents      whether a user consents to a purpose (the privacy feature answers)
 * @param outbound      e-mail and SMS
 * @param dataClock     "now" for glucose data (the demo can run it faster)
 * @param systemClock   "now" for security timeouts, codes and retention
 * @param meters        operators' metrics (Micrometer): counts and timings, never personal data
 * @param clientAddress the client's address of a request, through trusted reverse proxies only
 */
public record Platform(Jdbi jdbi, DataSource dataSource, UserKeys userKeys, DeploymentSecrets secrets,
                       Notifications notifications, ObjectMapper mapper, JsonBodies json, Consents consents,
                       Outbound outbound, Clock dataClock, Clock systemClock,
                       io.micrometer.core.instrument.MeterRegistry meters,
                       org.mqcgm.server.platform.http.ClientAddress clientAddress) {
}
