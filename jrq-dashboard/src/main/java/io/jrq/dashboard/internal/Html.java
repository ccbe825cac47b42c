package io.jrq.dashboard.internal;

/**
 * Builds HTML where every value is escaped: text and attribute values go through {@link #esc}, and
 * only markup written in this package's code is added raw. Links are built from encoded path
 * segments, never taken from data, so no value can become a {@code javascript:} URL.
 */
final class Html {
    private final StringBuilder sb = new StringBuilder(8192);

    /**
     * @param s any text
     * @return it with {@code & < > " '} replaced by entities, safe in text and in quoted attributes
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r != null || (c < 0x20 && c != '\n' && c != '\t' && c != '\r')) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                out.append(r != null ? r : "\uFFFD");
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Adds markup written in code (never data). @return this */
    Html raw(String markup) {
        sb.append(markup);
        return this;
    }

    /** Adds escaped text. @return this */
    Html text(Object value) {
        sb.append(esc(value == null ? "" : value.toString()));
        return this;
    }

    /**
     * Opens an element.
     *
     * @param tag the tag, from code
     * @param attrs name, value pairs; names from code, values escaped; a null value leaves the attribute out
     * @return this
     */
    Html open(String tag, String... attrs) {
        sb.append('<').append(tag);
        for (int i = 0; i + 1 < attrs.length; i += 2) {
            if (attrs[i + 1] != null) {
                sb.append(' ')
                        .append(attrs[i])
                        .append("=\"")
                        .append(esc(attrs[i + 1]))
                        .append('"');
            }
        }
        sb.append('>');
        return this;
    }

    /** Closes an element. @return this */
    Html close(String tag) {
        sb.append("</").append(tag).append('>');
        return this;
    }

    /** An element holding escaped text. @return this */
    Html el(String tag, Object text, String... attrs) {
        return open(tag, attrs).text(text).close(tag);
    }

    /** A hidden form field. @return this */
    Html hidden(String name, String value) {
        return open("input", "type", "hidden", "name", name, "value", value);
    }

    /** Appends another builder's markup. @return this */
    Html add(Html other) {
        sb.append(other.sb);
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
