package io.jrq.internal;

/**
 * Reads a whole number the way the scripts wrote it: ASCII decimal digits with an optional minus
 * sign. {@link Long#parseLong} also accepts the digits of every other script ({@code "٠"} reads 0,
 * {@code "४२"} reads 42), which Lua's {@code tonumber} refuses; a reader that took them would show an
 * operator a record the server itself treats as broken, without the warning that names it.
 */
public final class StoredNumbers {
    private StoredNumbers() {}

    /**
     * @param s a stored field value
     * @return its value
     * @throws NumberFormatException if {@code s} is not an optional {@code -} and 1 to 19 ASCII digits
     *     within the range of a long
     */
    public static long parseLong(String s) {
        int start = !s.isEmpty() && s.charAt(0) == '-' ? 1 : 0;
        if (s.length() == start || s.length() - start > 19) {
            throw new NumberFormatException("not a whole number: \"" + LogText.printable(s) + "\"");
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException("not a whole number: \"" + LogText.printable(s) + "\"");
            }
        }
        return Long.parseLong(s);
    }

    /**
     * @param s a stored field value
     * @return its value
     * @throws NumberFormatException if {@code s} is not an ASCII whole number within the range of an int
     */
    public static int parseInt(String s) {
        long v = parseLong(s);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new NumberFormatException("out of range: \"" + LogText.printable(s) + "\"");
        }
        return (int) v;
    }
}
