package io.jrq.cli;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * What the output is connected to: redrawn progress bars, cleared screens and colours only make
 * sense on an interactive terminal, and colours not at all when {@code NO_COLOR} is set
 * (<a href="https://no-color.org">no-color.org</a>).
 */
final class Terminal {
    private static final String RESET = "\u001b[0m";

    private final boolean interactive;
    private final boolean colors;

    private Terminal(boolean interactive, boolean colors) {
        this.interactive = interactive;
        this.colors = colors;
    }

    /** @return the terminal this process writes to */
    static Terminal detect() {
        boolean interactive = isInteractive();
        String noColor = System.getenv("NO_COLOR");
        return new Terminal(interactive, interactive && (noColor == null || noColor.isEmpty()));
    }

    /**
     * @param interactive whether output goes to a terminal
     * @param colors whether to colour it
     * @return a terminal with these properties, for tests
     */
    static Terminal of(boolean interactive, boolean colors) {
        return new Terminal(interactive, colors);
    }

    /** @return true when output goes to an interactive terminal */
    boolean interactive() {
        return interactive;
    }

    /** @return true when output may be coloured */
    boolean colors() {
        return colors;
    }

    /** @param s text @return the text in bold, on a colour terminal */
    String bold(String s) {
        return paint("1", s);
    }

    /** @param s text @return the text in red, on a colour terminal */
    String red(String s) {
        return paint("31", s);
    }

    /** @param s text @return the text in green, on a colour terminal */
    String green(String s) {
        return paint("32", s);
    }

    /** @param s text @return the text in yellow, on a colour terminal */
    String yellow(String s) {
        return paint("33", s);
    }

    /** @param s text @return the text dimmed, on a colour terminal */
    String dim(String s) {
        return paint("2", s);
    }

    private String paint(String code, String s) {
        return colors && !s.isEmpty() ? "\u001b[" + code + "m" + s + RESET : s;
    }

    /** @return the sequence that clears the screen and moves the cursor home, or "" off a terminal */
    String clearScreen() {
        return interactive ? "\u001b[H\u001b[2J" : "";
    }

    /**
     * @param s text that may hold colour sequences
     * @return its length as shown
     */
    static int visibleLength(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "").length();
    }

    /** True when stdout is an interactive terminal, so a redrawn progress bar makes sense. */
    @SuppressWarnings("SystemConsoleNull") // null on Java 17 to 21; isTerminal() below covers 22+
    private static boolean isInteractive() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            // Java 22+ returns a console even when redirected; isTerminal() tells the difference.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (NoSuchMethodException java17to21) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
