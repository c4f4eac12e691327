package org.mqcgm.server.fhir;

/**
 * The codes, units and profiles of the HL7 FHIR CGM implementation guide ({@code hl7.fhir.uv.cgm} 1.0.0, STU 1) that
 * the bundle uses (see {@code shared/spec/interop.md}). The unit display strings are the IG's: its quantity
 * patterns include {@code unit}, so {@code mg/dl}, {@code %} and {@code days} must be written exactly so.
 */
final class Codes {

    static final String LOINC = "http://loinc.org";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String IG = "http://hl7.org/fhir/uv/cgm/StructureDefinition/";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074";
    /** Identifiers of ours: URNs (urn:uuid:…), stable per person and item so a receiver can deduplicate. */
    static final String URI = "urn:ietf:rfc:3986";

    static final String SENSOR_READING_MASS = "99504-3";
    static final String SUMMARY = "107931-8";
    static final String TIMES_IN_RANGES = "106793-3";
    static final String MEAN_GLUCOSE_MASS = "97507-8";
    static final String GMI = "97506-0";
    static final String CV = "104638-2";
    static final String DAYS_OF_WEAR = "104636-6";
    static final String SENSOR_ACTIVE = "104637-4";
    static final String TIME_VERY_LOW = "104642-4";
    static final String TIME_LOW = "104641-6";
    static final String TIME_IN_TARGET = "97510-2";
    static final String TIME_HIGH = "104640-8";
    static final String TIME_VERY_HIGH = "104639-0";

    static final String PROFILE_BUNDLE = IG + "cgm-data-submission-bundle";
    static final String PROFILE_READING = IG + "cgm-sensor-reading-mass-per-volume";
    static final String PROFILE_SUMMARY = IG + "cgm-summary";
    static final String PROFILE_MEAN = IG + "cgm-summary-mean-glucose-mass-per-volume";
    static final String PROFILE_TIR = IG + "cgm-summary-times-in-ranges";
    static final String PROFILE_GMI = IG + "cgm-summary-gmi";
    static final String PROFILE_CV = IG + "cgm-summary-coefficient-of-variation";
    static final String PROFILE_DAYS = IG + "cgm-summary-days-of-wear";
    static final String PROFILE_ACTIVE = IG + "cgm-summary-sensor-active-percentage";
    static final String PROFILE_PDF = IG + "cgm-summary-pdf";
    static final String PROFILE_DEVICE = IG + "cgm-device";

    private Codes() {
    }
}
