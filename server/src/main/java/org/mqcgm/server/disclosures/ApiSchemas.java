package org.mqcgm.server.disclosures;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON of the disclosures API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.ofEntries(
            Map.entry("DisclosureRequest", DisclosureRequest.class),
            Map.entry("DisclosureExportRequest", DisclosureExportRequest.class),
            Map.entry("Disclosure", Disclosure.class),
            Map.entry("Disclosures", Disclosures.class),
            Map.entry("DisclosureEvent", DisclosureEvent.class),
            Map.entry("DisclosureExport", DisclosureExport.class),
            Map.entry("EmergencyContact", EmergencyContact.class));

    private ApiSchemas() {
    }

    /**
     * A disclosure or legal request to register.
     *
     * @param basis           NATIONAL_SECURITY, PUBLIC_INTEREST, CRIMINAL_PROCEEDINGS, VITAL_INTERESTS,
     *                        SELF_DISCLOSED or LAWFULLY_PUBLIC (III.4 a–f)
     * @param recipient       who receives the data (an authority, an emergency service)
     * @param instrument      the legal instrument (law and article, the order); required for legal requests and
     *                        bases a–c
     * @param reference       the reference document (case number, order number, emergency call)
     * @param people          account ids
     * @param categories      profile, readings
     * @param from            start of the period covered
     * @param to              end of the period covered
     * @param restrictedUntil when the law forbids telling the people, the day that ends; null otherwise
     * @param legalRequest    a request of an authority (PR-45)
     * @param breakGlass      a disclosure in someone's vital interests made at once by one officer (PR-34)
     */
    record DisclosureRequest(String basis, String recipient, String instrument, String reference, List<String> people,
                             List<String> categories, String from, String to, String restrictedUntil,
                             Boolean legalRequest, Boolean breakGlass) {
    }

    /** A person's emergency contact (PR-34): a name (1–100 characters) and an e-mail address. */
    record EmergencyContact(String name, String email) {
    }

    /** What an export holds; never more than its disclosure covers. */
    record DisclosureExportRequest(List<String> people, List<String> categories, String from, String to) {
    }

    record Disclosure(UUID id, String basis, boolean legalRequest, boolean breakGlass, String recipient,
                      String instrument, String reference, List<UUID> people, List<String> categories, Instant from,
                      Instant to, String restrictedUntil, String status, UUID requestedBy, Instant requestedAt,
                      UUID approvedBy, Instant approvedAt, boolean emergencyContact, List<UUID> approvers,
                      List<DisclosureEvent> events) {

        static Disclosure of(Register.Disclosure d, List<Register.Event> events) {
            return new Disclosure(d.id(), d.basis().id(), d.legalRequest(), d.breakGlass(), d.recipient(),
                    d.instrument(), d.reference(), d.people(), d.categories(), d.from(), d.to(),
                    d.restrictedUntil() == null ? null : d.restrictedUntil().toString(), d.status(), d.requestedBy(),
                    d.requestedAt(), d.approvedBy(), d.approvedAt(), d.emergencyContact(), d.approvers(),
                    events.stream().map(DisclosureEvent::of).toList());
        }
    }

    record Disclosures(List<Disclosure> disclosures) {
    }

    /**
     * One line of a disclosure's audit trail.
     *
     * @param action registered, approved, exported or export-refused
     * @param detail what the action recorded: basis, reference, approvers (approved); file, bytes, sha256 and the
     *               scope (exported); wider (export-refused)
     */
    record DisclosureEvent(Instant at, UUID actor, String action, Map<String, Object> detail) {
        static DisclosureEvent of(Register.Event e) {
            return new DisclosureEvent(e.at(), e.actor(), e.action(), e.detail());
        }
    }

    /** A written export: the file for the operator to hand over, its size and SHA-256. */
    record DisclosureExport(UUID disclosure, String file, long bytes, String sha256, List<UUID> people,
                            List<String> categories, Instant from, Instant to) {
    }
}
