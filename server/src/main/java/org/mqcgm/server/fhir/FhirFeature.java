package org.mqcgm.server.fhir;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.rights.CgmData;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * The FHIR feature: a person's CGM data as a FHIR R4 Bundle after the HL7 CGM implementation guide (sensor readings,
 * CGM summary with its members, devices, the AGP PDF as a DiagnosticReport). It adds {@code fhir-bundle.json} to the
 * person's export and gives the transfers feature the bundle in transaction-sized pieces ({@link #cgmData()}). It
 * holds no data of its own and has no routes; it reads glucose and reports only through the ports below.
 */
public final class FhirFeature implements Feature {

    /** Readings of {@code [from, to)}, oldest first. */
    @FunctionalInterface
    public interface ReadingSource {
        List<Reading> forStatistics(UUID owner, Instant from, Instant to);
    }

    /** The times of a person's oldest and newest reading (the bundle reads everything in between). */
    public interface ReadingSpan {
        Optional<Instant> oldest(UUID owner);

        Optional<Instant> newest(UUID owner);
    }

    /** The AGP PDF of a person over whole local days (the reports feature renders it). */
    @FunctionalInterface
    public interface AgpPdf {
        Optional<byte[]> render(Profile profile, LocalDate first, LocalDate last);
    }


    private final CgmBundles bundles;
    private final Profiles profiles;

    private FhirFeature(CgmBundles bundles, Profiles profiles) {
        this.bundles = bundles;
        this.profiles = profiles;
    }

    /**
     * @param profiles      a person's zone, language and unit (the summary's local days, the PDF's language)
     * @param all           every stored reading of a period (the copy holds everything, excluded stretches too)
     * @param forStatistics the readings that count for statistics (the summary matches the reports)
     * @param span          the oldest and newest reading's time
     * @param pdf           the AGP PDF
     */
    public static FhirFeature create(Platform platform, Profiles profiles, ReadingSource all,
                                     ReadingSource forStatistics, ReadingSpan span, AgpPdf pdf) {
        return new FhirFeature(new CgmBundles(all, forStatistics, span, pdf, platform.dataClock(),
                platform.systemClock()), profiles);
    }

    @Override
    public void routes(Routes routes, Web web) {
        // no routes: the bundle leaves through the export and through transfers
    }

    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(); // nothing stored here: the bundle is made from the readings when asked
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                Optional<Profile> profile = profiles.of(owner);
                if (profile.isEmpty()) {
                    return;
                }
                OutputStream out = archive.file("fhir-bundle.json", "HL7 FHIR R4 transaction Bundle after the HL7 "
                        + "CGM implementation guide (hl7.fhir.uv.cgm 1.0.0): every sensor reading (LOINC 99504-3, "
                        + "mg/dL), the CGM summary of your last 14 days with data, the AGP report as PDF, devices");
                bundles.write(profile.get(), out);
            }
        });
    }

    /** The port the transfers feature sends a person's data through. */
    public CgmData cgmData() {
        return new CgmData() {
            @Override
            public int bundles(UUID owner, int maxReadings, BundleSink sink) throws IOException {
                Optional<Profile> profile = profiles.of(owner);
                if (profile.isEmpty()) {
                    return 0;
                }
                return bundles.batches(profile.get(), maxReadings, sink::accept).readings();
            }

            @Override
            public void readings(UUID owner, ReadingSink sink) throws IOException {
                bundles.readings(owner, sink::accept);
            }
        };
    }

    /** Writes the whole bundle of {@code owner} (tests and benchmarks); returns what it holds. */
    int[] writeBundle(UUID owner, OutputStream out) throws IOException {
        CgmBundles.Counts c = bundles.write(profiles.of(owner).orElseThrow(), out);
        return new int[]{c.readings(), c.resources()};
    }
}
