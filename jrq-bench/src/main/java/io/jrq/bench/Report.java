package io.jrq.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the figures: prints each as one JSON line the moment it is measured (so a run cut short
 * keeps what it had), and all of them as a table at the end.
 */
final class Report {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final List<Row> rows = new ArrayList<>();

    Report(PrintStream out) {
        this.out = out;
    }

    /** One figure: what was measured ({@code part}), under which setting, and its values. */
    record Row(String part, String setting, Map<String, Object> values) {}

    /** Starts a figure; {@link Figure#emit()} prints it. */
    Figure figure(String part, String setting) {
        return new Figure(part, setting);
    }

    final class Figure {
        private final String part;
        private final String setting;
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Figure(String part, String setting) {
            this.part = part;
            this.setting = setting;
        }

        Figure put(String key, Object value) {
            values.put(key, value instanceof Double d ? round(d) : value);
            return this;
        }

        void emit() {
            ObjectNode o = JSON.createObjectNode();
            o.put("bench", "jrq");
            o.put("part", part);
            o.put("setting", setting);
            o.setAll(JSON.<ObjectNode>valueToTree(values));
            out.println(o);
            out.flush();
            rows.add(new Row(part, setting, values));
        }
    }

    private static double round(double d) {
        double a = Math.abs(d);
        double scale = a >= 100 ? 1 : a >= 10 ? 10 : a >= 1 ? 100 : 1000;
        return Math.round(d * scale) / scale;
    }

    /** Prints every figure, grouped by part, one line each. */
    void printTable() {
        out.println();
        out.println("jrq benchmark results");
        String lastPart = null;
        for (Row r : rows) {
            if (!r.part().equals(lastPart)) {
                out.println();
                out.println("== " + r.part());
                lastPart = r.part();
            }
            StringBuilder sb = new StringBuilder(String.format("  %-28s", r.setting()));
            r.values().forEach((k, v) -> sb.append(' ').append(k).append('=').append(format(v)));
            out.println(sb);
        }
        out.flush();
    }

    private static String format(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) >= 100) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }
}
