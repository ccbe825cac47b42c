package io.jrq.dashboard.internal;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The dashboard's JSON mapper: plain maps and lists only, never typed from request data. It writes
 * {@code < > & '} as JSON unicode escapes, so that JSON holding markup from Redis stays inert even if
 * a browser were made to read it as HTML (it is served as application/json with nosniff anyway).
 */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder().build();
    /** For JSON shown inside a page, which escapes it as HTML itself: indented, no unicode escapes. */
    static final ObjectMapper DISPLAY = JsonMapper.builder().build();

    static {
        // Request bodies are small; these limits keep a hostile one from costing more than its bytes.
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(20)
                        .maxStringLength(100_000)
                        .maxNumberLength(30)
                        .build());
        MAPPER.getFactory().setCharacterEscapes(new HtmlSafe());
    }

    private Json() {}

    private static final class HtmlSafe extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] escapes;

        HtmlSafe() {
            escapes = CharacterEscapes.standardAsciiEscapesForJSON();
            for (char c : new char[] {'<', '>', '&', '\''}) {
                escapes[c] = CharacterEscapes.ESCAPE_STANDARD;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
