package org.mqcgm.server.platform.http;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The accepted fields of a JSON request body, taken from the record that documents it. Such bodies are read as
 * trees (so that each wrong field is reported with its own rule), but their field names have one source: the record,
 * which {@code OpenApiContractTest} checks against the request's component schema in {@code openapi.json}.
 */
public final class RequestFields {

    private RequestFields() {
    }

    /** The JSON names of the record's components (records of requests carry no renaming annotations). */
    public static Set<String> of(Class<? extends Record> request) {
        return Arrays.stream(request.getRecordComponents()).map(c -> c.getName())
                .collect(Collectors.toUnmodifiableSet());
    }
}
