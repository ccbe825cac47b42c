package io.jrq.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/**
 * Turns the command line's job arguments into JSON values: each argument is read as JSON, and a
 * bare word that is not JSON ({@code hello}, {@code 12abc}) is taken as a string. Text that starts
 * with <code>{</code> or {@code [} is meant as JSON, so when it is not valid JSON that is an error.
 */
final class JsonArgs {
    /** Strict: one value per text, nothing after it. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private JsonArgs() {}

    /**
     * @param texts the arguments as typed
     * @return the JSON array of their values
     * @throws IllegalArgumentException naming the argument (from 1), the column and what is wrong
     */
    static ArrayNode parse(List<String> texts) {
        ArrayNode out = MAPPER.createArrayNode();
        for (int i = 0; i < texts.size(); i++) {
            out.add(parse(texts.get(i), "argument " + (i + 1)));
        }
        return out;
    }

    /**
     * @param text one argument as typed
     * @param what how to name it in an error, e.g. "argument 2"
     * @return its JSON value
     * @throws IllegalArgumentException when it looks like JSON but is not valid JSON
     */
    static JsonNode parse(String text, String what) {
        try {
            JsonNode node = MAPPER.readTree(text);
            // readTree gives a "missing" node for empty or blank text: that is the empty string.
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException e) {
            String start = text.stripLeading();
            if (start.startsWith("{") || start.startsWith("[")) {
                throw new IllegalArgumentException(what + " is not valid JSON: " + describe(e) + ": " + text);
            }
            return TextNode.valueOf(text);
        }
    }

    /**
     * @param e a Jackson parse error
     * @return its first line with the position, e.g. "at column 6: Unexpected end-of-input ..."
     */
    static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        message = message.lines().findFirst().orElse(message);
        JsonLocation at = e.getLocation();
        if (at == null || at.getColumnNr() < 0) {
            return message;
        }
        String where = at.getLineNr() > 1
                ? "line " + at.getLineNr() + ", column " + at.getColumnNr()
                : "column " + at.getColumnNr();
        return "at " + where + ": " + message;
    }
}
