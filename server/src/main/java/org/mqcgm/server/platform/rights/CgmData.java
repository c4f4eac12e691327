package org.mqcgm.server.platform.rights;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;

/**
 * A person's CGM data in the forms a direct transfer sends (PR-71): FHIR transaction bundles, or the plain
 * readings. The fhir feature provides it ({@code FhirFeature.cgmData()}), the transfers feature sends it; the port
 * lives here so that neither feature depends on the other.
 */
public interface CgmData {

    /** Receives one FHIR transaction bundle (JSON) holding {@code readings} sensor readings. */
    @FunctionalInterface
    interface BundleSink {
        void accept(byte[] bundleJson, int readings) throws IOException;
    }

    /** Receives readings, oldest first, at most a month at a time. */
    @FunctionalInterface
    interface ReadingSink {
        void accept(List<Reading> readings) throws IOException;
    }

    /**
     * The person's bundle cut into transaction bundles of at most {@code maxReadings} readings (each with the
     * Patient and Devices it refers to; the first with the summary and report); returns the readings sent.
     */
    int bundles(UUID owner, int maxReadings, BundleSink sink) throws IOException;

    /** Every reading of the person since the first. */
    void readings(UUID owner, ReadingSink sink) throws IOException;
}
