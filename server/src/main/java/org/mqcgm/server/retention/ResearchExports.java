package org.mqcgm.server.retention;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.retention.ResearchSubjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The research export (PR-35, PR-27): for a named study with its ethics approval reference, the readings of the
 * people who consented to research — never minors — de-identified by {@link Anonymiser}, written to a file and
 * recorded in the register of research exports ({@code research_export}: who asked, study, approval, counts, k,
 * classification, the file's SHA-256; no person). Off unless the deployment enables it.
 */
public final class ResearchExports {

    private static final Logger log = LoggerFactory.getLogger(ResearchExports.class);

    /** What an operator asks for. */
    public record Request(String studyId, String ethicsApproval, String requestedBy, Instant from, Instant to,
                          Path out) {
    }

    /** What went out. */
    public record Result(UUID id, int subjects, int suppressed, int k, String classification, String sha256,
                         Path file) {
    }

    private final Jdbi jdbi;
    private final Consents consents;
    private final ResearchSubjects source;
    private final Predicate<UUID> minor;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final int k;
    private final boolean enabled;

    ResearchExports(Jdbi jdbi, Consents consents, ResearchSubjects source, Predicate<UUID> minor, ObjectMapper mapper,
                    Clock clock, int k, boolean enabled) {
        if (k < Anonymiser.MIN_K) {
            throw new IllegalArgumentException("MQCGM_RESEARCH_K must be at least " + Anonymiser.MIN_K);
        }
        this.jdbi = jdbi;
        this.consents = consents;
        this.source = source;
        this.minor = minor;
        this.mapper = mapper;
        this.clock = clock;
        this.k = k;
        this.enabled = enabled;
    }

    /**
     * Exports the study's data set.
     *
     * @throws IllegalArgumentException when research exports are off, or the study id, ethics approval reference,
     *                                  requester or period is missing or wrong; nothing is written then
     */
    public Result export(Request r) {
        if (!enabled) {
            throw new IllegalArgumentException("research exports are off in this deployment (MQCGM_RESEARCH_EXPORT=on"
                    + " turns them on)");
        }
        require(r.studyId(), "the study id");
        require(r.ethicsApproval(), "the ethics approval reference");
        require(r.requestedBy(), "who asks");
        if (r.from() == null || r.to() == null || !r.from().isBefore(r.to())) {
            throw new IllegalArgumentException("the period must have a start before its end");
        }
        if (r.out() == null || Files.exists(r.out())) {
            throw new IllegalArgumentException("the output file must not exist yet");
        }
        List<Anonymiser.Subject> subjects = new ArrayList<>();
        for (UUID account : source.accounts()) {
            if (!consents.granted(account, Consents.Purpose.RESEARCH) || minor.test(account)) {
                continue;
            }
            // The schema holds no date of birth: every subject's age band is "unknown", which generalises it fully.
            subjects.add(new Anonymiser.Subject(account, "unknown",
                    Anonymiser.region(source.zone(account).orElse(null)),
                    source.deviceModel(account).orElse("unknown"), source.readings(account, r.from(), r.to())));
        }
        Anonymiser.DataSet set = new Anonymiser(k, new SecureRandom()).run(subjects);
        String sha256 = write(r, set);
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into research_export (id, at, study_id, ethics_ref, requested_by, k, subjects, suppressed,
                                                     classification, sha256)
                        values (:id, :at, :study, :ethics, :by, :k, :subjects, :suppressed, :class, :sha)""")
                .bind("id", id).bind("at", LegalHolds.utc(clock.instant())).bind("study", r.studyId().strip())
                .bind("ethics", r.ethicsApproval().strip()).bind("by", r.requestedBy().strip()).bind("k", set.k())
                .bind("subjects", set.subjects().size()).bind("suppressed", set.suppressed())
                .bind("class", set.classification()).bind("sha", sha256).execute());
        log.info("research export {} for a study: {} subjects, {} suppressed, k={}, {}", id, set.subjects().size(),
                set.suppressed(), set.k(), set.classification());
        return new Result(id, set.subjects().size(), set.suppressed(), set.k(), set.classification(), sha256, r.out());
    }

    /** The register of exports, newest first: each as a map of its columns. */
    List<java.util.Map<String, Object>> register() {
        return jdbi.withHandle(h -> h.createQuery("select * from research_export order by at desc").mapToMap().list());
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank() || value.strip().length() > 200) {
            throw new IllegalArgumentException(what + " is required (1 to 200 characters)");
        }
    }

    private String write(Request r, Anonymiser.DataSet set) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (OutputStream file = Files.newOutputStream(r.out(), StandardOpenOption.CREATE_NEW);
             DigestOutputStream digest = new DigestOutputStream(file, sha);
             JsonGenerator g = mapper.getFactory().createGenerator(digest, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("studyId", r.studyId().strip());
            g.writeStringField("ethicsApproval", r.ethicsApproval().strip());
            g.writeStringField("classification", set.classification());
            g.writeNumberField("k", set.k());
            g.writeArrayFieldStart("quasiIdentifiers");
            g.writeString("ageBand");
            g.writeString("region");
            g.writeString("deviceModel");
            g.writeEndArray();
            g.writeStringField("dates", "shifted per subject by a random number of whole days (up to "
                    + Anonymiser.MAX_SHIFT_DAYS + "); times of day kept");
            g.writeNumberField("suppressed", set.suppressed());
            g.writeArrayFieldStart("subjects");
            for (Anonymiser.OutSubject s : set.subjects()) {
                g.writeStartObject();
                g.writeStringField("subject", s.subject());
                g.writeStringField("ageBand", s.ageBand());
                g.writeStringField("region", s.region());
                g.writeStringField("deviceModel", s.deviceModel());
                g.writeArrayFieldStart("readings");
                for (ResearchSubjects.Point p : s.readings()) {
                    g.writeStartArray();
                    g.writeString(p.time().toString());
                    g.writeNumber(p.mgdl());
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + r.out(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
