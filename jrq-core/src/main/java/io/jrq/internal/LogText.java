package io.jrq.internal;

/**
 * Makes text read from Redis safe to quote in a log line. Warnings about bad records quote what
 * they found, and anything that can write to Redis can store anything there: a NUL, a newline that
 * forges a second log line, terminal escape sequences. Printable ASCII is kept as it is; every
 * other character is written as a Java escape (a backslash, {@code u} and four hex digits; a NUL
 * reads {@code u0000} after the backslash) and the backslash itself doubled, so the line stays one
 * line of plain text and still says exactly what was stored.
 */
public final class LogText {
    private LogText() {}

    /**
     * @param s text from Redis, or null
     * @return the text with every character outside printable ASCII escaped; {@code "null"} for null
     */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean plain = c >= 0x20 && c < 0x7f && c != '\\';
            if (plain && b == null) {
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (plain) {
                b.append(c);
            } else if (c == '\\') {
                b.append("\\\\");
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }
}
