package org.mqcgm.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * HAPI's FHIR validator over R4 core and the HL7 CGM IG's own compiled package (test resources
 * {@code fhir/cgm-ig/}: a copy of {@code shared/spec/fhir-cgm-ig/package}, SUSHI output of github.com/HL7/cgm at
 * 0b247ae, CC0; StructureDefinitions with snapshots, the IG's examples). Building it takes seconds: build it once
 * per test class.
 */
final class FhirValidation {

    static final String IG = "fhir/cgm-ig/";

    final FhirContext ctx = FhirContext.forR4Cached();
    final FhirValidator validator;
    /** The IG's example instances by "Type/id", with the profile the ImplementationGuide names for each. */
    final Map<String, Example> examples = new LinkedHashMap<>();

    record Example(String reference, String profile, IBaseResource resource) {
    }

    FhirValidation() {
        PrePopulatedValidationSupport ig = new PrePopulatedValidationSupport(ctx);
        Map<String, IBaseResource> instances = new LinkedHashMap<>();
        ImplementationGuide guide = null;
        for (String name : files()) {
            IBaseResource r = ctx.newJsonParser().parseResource(read(IG + name));
            if (r instanceof StructureDefinition sd) {
                ig.addStructureDefinition(sd);
            } else if (r instanceof CodeSystem cs) {
                ig.addCodeSystem(cs);
            } else if (r instanceof ImplementationGuide g) {
                guide = g;
            } else {
                instances.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
            }
        }
        for (ImplementationGuide.ImplementationGuideDefinitionResourceComponent c
                : guide.getDefinition().getResource()) {
            if (c.hasExampleCanonicalType()) {
                String ref = c.getReference().getReference();
                examples.put(ref, new Example(ref, c.getExampleCanonicalType().getValue(), instances.get(ref)));
            }
        }
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(ctx), ig,
                new SnapshotGeneratingValidationSupport(ctx), new InMemoryTerminologyServerValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx));
        validator = ctx.newValidator();
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(true);
        validator.registerValidatorModule(module);
    }

    /** The errors (and fatal messages) of validating {@code resource} against {@code profile} (null: declared). */
    List<String> errors(IBaseResource resource, String profile) {
        ValidationOptions options = new ValidationOptions();
        if (profile != null) {
            options.addProfile(profile);
        }
        return validator.validateWithResult(resource, options).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(FhirValidation::describe)
                .toList();
    }

    /** As {@link #errors(IBaseResource, String)} for JSON text. */
    List<String> errors(String json, String profile) {
        return errors(ctx.newJsonParser().parseResource(json), profile);
    }

    static String describe(SingleValidationMessage m) {
        return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
    }

    private static List<String> files() {
        String index = read(IG + "index.txt");
        return index.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static String read(String resource) {
        try (InputStream in = FhirValidation.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
