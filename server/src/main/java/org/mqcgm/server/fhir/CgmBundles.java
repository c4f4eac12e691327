package org.mqcgm.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.metrics.CgmAnalysis;
import org.mqcgm.core.metrics.CgmOptions;
import org.mqcgm.core.metrics.CgmResult;
import org.mqcgm.core.metrics.GlucoseSample;
import org.mqcgm.server.platform.profile.Profile;

/**
 * Builds a person's FHIR R4 {@code transaction} Bundle after the HL7 CGM IG's {@code cgm-data-submission-bundle}:
 * a Patient carrying only a pseudonymous identifier, the CGM summary of the last 14 local days with data (mean
 * glucose, times in ranges, GMI, CV, days of wear, sensor active %) and the AGP PDF as a DiagnosticReport, every
 * sensor reading since the first ({@code cgm-sensor-reading-mass-per-volume}, LOINC 99504-3 in mg/dL), and one
 * {@code cgm-device} per reading source.
 *
 * <p>Readings are read a month at a time and written as they come (each resource encoded by HAPI, the bundle's
 * frame by a streaming JSON generator), so a year of data never sits in memory as one model. Every entry is a
 * conditional create ({@code ifNoneExist} on its identifier), so sending the same data twice creates nothing new.
 */
final class CgmBundles {

    /** HAPI's R4 context (thread-safe, expensive to build: one per JVM). */
    static final FhirContext FHIR = FhirContext.forR4Cached();

    /** How many days the summary covers (the AGP's standard period). */
    static final int SUMMARY_DAYS = 14;
    private static final Duration CHUNK = Duration.ofDays(31);
    private static final JsonFactory JSON = new JsonFactory();

    private final FhirFeature.ReadingSource all;
    private final FhirFeature.ReadingSource forStatistics;
    private final FhirFeature.ReadingSpan span;
    private final FhirFeature.AgpPdf pdfs;
    private final Clock dataClock;
    private final Clock systemClock;

    CgmBundles(FhirFeature.ReadingSource all, FhirFeature.ReadingSource forStatistics, FhirFeature.ReadingSpan span,
               FhirFeature.AgpPdf pdfs, Clock dataClock, Clock systemClock) {
        this.all = all;
        this.forStatistics = forStatistics;
        this.span = span;
        this.pdfs = pdfs;
        this.dataClock = dataClock;
        this.systemClock = systemClock;
    }

    /** What a bundle holds. */
    record Counts(int readings, int resources) {
    }

    /** Receives one transaction bundle of a transfer. */
    @FunctionalInterface
    interface BatchSink {
        void accept(byte[] bundleJson, int readings) throws IOException;
    }

    /** Receives readings a month at a time, oldest first. */
    @FunctionalInterface
    interface ReadingSink {
        void accept(List<Reading> readings) throws IOException;
    }

    /** Every reading of {@code owner} since the first, oldest first, in chunks of at most a month. */
    void readings(UUID owner, ReadingSink sink) throws IOException {
        Optional<Instant> oldest = span.oldest(owner);
        Optional<Instant> newest = span.newest(owner);
        if (oldest.isEmpty() || newest.isEmpty()) {
            return;
        }
        Instant end = newest.get().plusSeconds(1);
        for (Instant from = oldest.get(); from.isBefore(end); ) {
            Instant to = from.plus(CHUNK).isBefore(end) ? from.plus(CHUNK) : end;
            List<Reading> chunk = all.forStatistics(owner, from, to);
            if (!chunk.isEmpty()) {
                sink.accept(chunk);
            }
            from = to;
        }
    }

    /** Writes the whole bundle of {@code profile}'s person to {@code out} (not closed). */
    Counts write(Profile profile, OutputStream out) throws IOException {
        Writer w = new Writer(profile);
        JsonGenerator g = JSON.createGenerator(new NonClosing(out), JsonEncoding.UTF8);
        w.start(g);
        w.patient(g);
        w.summary(g, summary(profile));
        Map<String, String> devices = new LinkedHashMap<>();
        readings(profile.id(), chunk -> {
            for (Reading r : chunk) {
                w.reading(g, r, devices);
            }
        });
        for (Map.Entry<String, String> d : devices.entrySet()) {
            w.device(g, d.getKey(), d.getValue());
        }
        w.end(g);
        g.close();
        return new Counts(w.readings, w.resources);
    }

    /**
     * Cuts the bundle into transaction bundles of at most {@code maxReadings} readings each (a FHIR server takes one
     * transaction at a time); each carries the Patient and the Devices its readings refer to, the first also the
     * summary and report. Nothing is sent for a person without readings.
     */
    Counts batches(Profile profile, int maxReadings, BatchSink sink) throws IOException {
        Summary summary = summary(profile);
        List<Reading> pending = new ArrayList<>(maxReadings);
        int[] totals = new int[2];
        boolean[] first = {true};
        readings(profile.id(), chunk -> {
            for (Reading r : chunk) {
                pending.add(r);
                if (pending.size() == maxReadings) {
                    Counts c = batch(profile, first[0] ? summary : null, pending, sink);
                    first[0] = false;
                    totals[0] += c.readings();
                    totals[1] += c.resources();
                    pending.clear();
                }
            }
        });
        if (!pending.isEmpty() || (first[0] && summary != null)) {
            Counts c = batch(profile, first[0] ? summary : null, pending, sink);
            totals[0] += c.readings();
            totals[1] += c.resources();
        }
        return new Counts(totals[0], totals[1]);
    }

    private Counts batch(Profile profile, Summary summary, List<Reading> readings, BatchSink sink) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024 + readings.size() * 900);
        Writer w = new Writer(profile);
        try (JsonGenerator g = JSON.createGenerator(buffer, JsonEncoding.UTF8)) {
            w.start(g);
            w.patient(g);
            w.summary(g, summary);
            Map<String, String> devices = new LinkedHashMap<>();
            for (Reading r : readings) {
                w.reading(g, r, devices);
            }
            for (Map.Entry<String, String> d : devices.entrySet()) {
                w.device(g, d.getKey(), d.getValue());
            }
            w.end(g);
        }
        sink.accept(buffer.toByteArray(), w.readings);
        return new Counts(w.readings, w.resources);
    }

    /** The summary of the last {@value #SUMMARY_DAYS} local days up to the newest reading's day. */
    record Summary(LocalDate first, LocalDate last, CgmResult result, double activePercent, int daysOfWear,
                   Optional<byte[]> pdf) {
    }

    /** The summary of the person's last 14 days with data, or null when there are no readings to summarise. */
    Summary summary(Profile profile) {
        Optional<Instant> newest = span.newest(profile.id());
        if (newest.isEmpty()) {
            return null;
        }
        ZoneId zone = profile.zone();
        LocalDate last = newest.get().atZone(zone).toLocalDate();
        LocalDate first = last.minusDays(SUMMARY_DAYS - 1);
        Instant from = first.atStartOfDay(zone).toInstant();
        Instant to = last.plusDays(1).atStartOfDay(zone).toInstant();
        List<Reading> readings = onePerSecond(forStatistics.forStatistics(profile.id(), from, to));
        if (readings.isEmpty()) {
            return null; // everything of the period excluded from statistics
        }
        List<GlucoseSample> samples = new ArrayList<>(readings.size());
        Set<LocalDate> days = new HashSet<>();
        for (Reading r : readings) {
            samples.add(new GlucoseSample(r.time(), r.mgdl()));
            days.add(r.time().atZone(zone).toLocalDate());
        }
        CgmResult result = CgmAnalysis.analyze(samples, CgmOptions.reference().withZone(zone));
        if (!Double.isFinite(result.statistics().meanMgdl()) || !Double.isFinite(result.statistics().cvPercent())
                || !Double.isFinite(result.statistics().gmiPercent())) {
            return null; // too few readings for a summary (the IG's members all need a value)
        }
        Instant now = dataClock.instant();
        double elapsed = Duration.between(from, now.isBefore(to) ? now : to).toSeconds() / 60.0;
        int dt0 = result.sufficiency().dt0Minutes();
        double active = elapsed <= 0 ? 0 : Math.min(100, 100.0 * readings.size() * dt0 / elapsed);
        return new Summary(first, last, result, active, days.size(), pdfs.render(profile, first, last));
    }

    private static List<Reading> onePerSecond(List<Reading> sorted) {
        List<Reading> out = new ArrayList<>(sorted.size());
        long last = Long.MIN_VALUE;
        for (Reading r : sorted) {
            if (r.time().getEpochSecond() != last) {
                out.add(r);
                last = r.time().getEpochSecond();
            }
        }
        return out;
    }

    /** A stable name-based id of one item of one person (the same data gives the same id on every export). */
    static UUID id(UUID owner, String kind, String key) {
        return UUID.nameUUIDFromBytes((owner + "|" + kind + "|" + key).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes one bundle's entries. */
    private final class Writer {
        private final Profile profile;
        private final UUID owner;
        private final IParser parser = FHIR.newJsonParser();
        private final String patient;
        int readings;
        int resources;

        Writer(Profile profile) {
            this.profile = profile;
            this.owner = profile.id();
            this.patient = "urn:uuid:" + id(owner, "patient", "");
        }

        void start(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeStringField("resourceType", "Bundle");
            g.writeObjectFieldStart("meta");
            g.writeArrayFieldStart("profile");
            g.writeString(Codes.PROFILE_BUNDLE);
            g.writeEndArray();
            g.writeEndObject();
            g.writeStringField("type", "transaction");
            g.writeStringField("timestamp", new InstantType(Date.from(systemClock.instant())).getValueAsString());
            g.writeArrayFieldStart("entry");
        }

        void end(JsonGenerator g) throws IOException {
            g.writeEndArray();
            g.writeEndObject();
        }

        void patient(JsonGenerator g) throws IOException {
            Patient p = new Patient();
            // A pseudonym only: no name, birth date or address leaves with the readings.
            p.addIdentifier(identifier(patient));
            entry(g, patient, p);
        }

        void summary(JsonGenerator g, Summary s) throws IOException {
            if (s == null) {
                return;
            }
            String key = s.first() + "/" + s.last();
            CgmResult r = s.result();
            String mean = urn("summary-mean", key);
            String tir = urn("summary-tir", key);
            String gmi = urn("summary-gmi", key);
            String cv = urn("summary-cv", key);
            String days = urn("summary-days", key);
            String active = urn("summary-active", key);
            String summary = urn("summary", key);

            entry(g, mean, member(Codes.PROFILE_MEAN, Codes.MEAN_GLUCOSE_MASS, mean, s,
                    quantity(r.statistics().meanMgdl(), 1, "mg/dL", "mg/dl")));
            Observation ranges = member(Codes.PROFILE_TIR, Codes.TIMES_IN_RANGES, tir, s, null);
            var t = r.timeInRanges();
            component(ranges, Codes.TIME_VERY_LOW, t.veryLowPercent());
            component(ranges, Codes.TIME_LOW, t.lowPercent());
            component(ranges, Codes.TIME_IN_TARGET, t.inRangePercent());
            component(ranges, Codes.TIME_HIGH, t.highPercent());
            component(ranges, Codes.TIME_VERY_HIGH, t.veryHighPercent());
            entry(g, tir, ranges);
            entry(g, gmi, member(Codes.PROFILE_GMI, Codes.GMI, gmi, s, percent(r.statistics().gmiPercent())));
            entry(g, cv, member(Codes.PROFILE_CV, Codes.CV, cv, s, percent(r.statistics().cvPercent())));
            entry(g, days, member(Codes.PROFILE_DAYS, Codes.DAYS_OF_WEAR, days, s,
                    quantity(s.daysOfWear(), 0, "d", "days")));
            entry(g, active, member(Codes.PROFILE_ACTIVE, Codes.SENSOR_ACTIVE, active, s,
                    percent(s.activePercent())));

            Observation o = member(Codes.PROFILE_SUMMARY, Codes.SUMMARY, summary, s, null);
            for (String m : List.of(mean, tir, gmi, cv, days, active)) {
                o.addHasMember(new Reference(m));
            }
            entry(g, summary, o);

            if (s.pdf().isPresent()) {
                String report = urn("summary-pdf", key);
                DiagnosticReport d = new DiagnosticReport();
                d.getMeta().addProfile(Codes.PROFILE_PDF);
                d.addIdentifier(identifier(report));
                d.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
                d.addCategory(new CodeableConcept(new Coding(Codes.DIAGNOSTIC_SERVICE, "LAB", null)));
                d.setCode(loinc(Codes.SUMMARY));
                d.setSubject(new Reference(patient));
                d.setEffective(period(s));
                d.setIssued(Date.from(systemClock.instant()));
                d.addResult(new Reference(summary));
                d.addPresentedForm(new Attachment().setContentType("application/pdf").setData(s.pdf().get())
                        .setTitle("AGP report " + key));
                entry(g, report, d);
            }
        }

        /**
         * One sensor reading, written field by field (the same JSON HAPI writes for the resource, which the tests
         * validate against the profile): encoding a year of readings through HAPI's model took five times as long.
         */
        void reading(JsonGenerator g, Reading r, Map<String, String> devices) throws IOException {
            String source = r.source() == null ? "" : r.source();
            String device = devices.computeIfAbsent(source, k -> urn("device", k));
            String url = urn("reading", Long.toString(r.time().getEpochSecond()));
            g.writeStartObject();
            g.writeStringField("fullUrl", url);
            g.writeObjectFieldStart("resource");
            g.writeStringField("resourceType", "Observation");
            g.writeObjectFieldStart("meta");
            g.writeArrayFieldStart("profile");
            g.writeString(Codes.PROFILE_READING);
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("identifier");
            g.writeStartObject();
            g.writeStringField("system", Codes.URI);
            g.writeStringField("value", url);
            g.writeEndObject();
            g.writeEndArray();
            g.writeStringField("status", "final");
            g.writeArrayFieldStart("category");
            coding(g, Codes.OBSERVATION_CATEGORY, "laboratory");
            g.writeEndArray();
            g.writeFieldName("code");
            coding(g, Codes.LOINC, Codes.SENSOR_READING_MASS);
            g.writeObjectFieldStart("subject");
            g.writeStringField("reference", patient);
            g.writeEndObject();
            g.writeStringField("effectiveDateTime", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(r.localTime()));
            g.writeObjectFieldStart("valueQuantity");
            g.writeNumberField("value", r.mgdl());
            // Beyond the sensor's range: the limit with a comparator (the sensor said "below 40", not "40").
            if (r.marker() == Reading.Marker.LOW) {
                g.writeStringField("comparator", "<");
            } else if (r.marker() == Reading.Marker.HIGH) {
                g.writeStringField("comparator", ">");
            }
            g.writeStringField("unit", "mg/dl");
            g.writeStringField("system", Codes.UCUM);
            g.writeStringField("code", "mg/dL");
            g.writeEndObject();
            g.writeObjectFieldStart("device");
            g.writeStringField("reference", device);
            g.writeEndObject();
            g.writeEndObject();
            g.writeObjectFieldStart("request");
            g.writeStringField("method", "POST");
            g.writeStringField("url", "Observation");
            g.writeStringField("ifNoneExist", "identifier=" + Codes.URI + "|" + url);
            g.writeEndObject();
            g.writeEndObject();
            resources++;
            readings++;
        }

        private void coding(JsonGenerator g, String system, String code) throws IOException {
            g.writeStartObject();
            g.writeArrayFieldStart("coding");
            g.writeStartObject();
            g.writeStringField("system", system);
            g.writeStringField("code", code);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }

        void device(JsonGenerator g, String source, String url) throws IOException {
            Device d = new Device();
            d.getMeta().addProfile(Codes.PROFILE_DEVICE);
            d.addIdentifier(identifier(url));
            d.addDeviceName().setName(source.isEmpty() ? "CGM (source not recorded)" : source)
                    .setType(Device.DeviceNameType.USERFRIENDLYNAME);
            d.setPatient(new Reference(patient));
            entry(g, url, d);
        }

        private String urn(String kind, String key) {
            return "urn:uuid:" + id(owner, kind, key);
        }

        private Observation member(String profileUrl, String code, String url, Summary s, Quantity value) {
            Observation o = new Observation();
            o.getMeta().addProfile(profileUrl);
            o.addIdentifier(identifier(url));
            o.setStatus(Observation.ObservationStatus.FINAL);
            o.addCategory(new CodeableConcept(new Coding(Codes.OBSERVATION_CATEGORY, "laboratory", null)));
            o.setCode(loinc(code));
            o.setSubject(new Reference(patient));
            o.setEffective(period(s));
            if (value != null) {
                o.setValue(value);
            }
            return o;
        }

        private void component(Observation o, String code, double percent) {
            o.addComponent().setCode(loinc(code)).setValue(percent(percent));
        }

        private void entry(JsonGenerator g, String fullUrl, Resource resource) throws IOException {
            g.writeStartObject();
            g.writeStringField("fullUrl", fullUrl);
            g.writeFieldName("resource");
            g.writeRawValue(parser.encodeResourceToString(resource));
            g.writeObjectFieldStart("request");
            g.writeStringField("method", "POST");
            g.writeStringField("url", resource.fhirType());
            g.writeStringField("ifNoneExist", "identifier=" + Codes.URI + "|" + fullUrl);
            g.writeEndObject();
            g.writeEndObject();
            resources++;
        }
    }

    private static Identifier identifier(String urn) {
        return new Identifier().setSystem(Codes.URI).setValue(urn);
    }

    private static CodeableConcept loinc(String code) {
        return new CodeableConcept(new Coding(Codes.LOINC, code, null));
    }

    private static Period period(Summary s) {
        Period p = new Period();
        p.setStartElement(new DateTimeType(s.first().format(DateTimeFormatter.ISO_LOCAL_DATE)));
        p.setEndElement(new DateTimeType(s.last().format(DateTimeFormatter.ISO_LOCAL_DATE)));
        return p;
    }

    private static Quantity percent(double value) {
        return quantity(value, 2, "%", "%");
    }

    private static Quantity quantity(double value, int decimals, String code, String unit) {
        return new Quantity().setValue(BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP))
                .setSystem(Codes.UCUM).setCode(code).setUnit(unit);
    }

    /** Lets the generator close without closing the archive's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
