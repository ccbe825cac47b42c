package io.jrq.dashboard.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The dashboard's JSON mapper: plain maps and lists only, never typed from request data. */
final class Json {
    /** Request bodies are small; these limits keep a hostile one from costing more than its bytes. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(20).maxStringLength(100_000).maxNumberLength(30).build());
    }

    private Json() {
    }
}
