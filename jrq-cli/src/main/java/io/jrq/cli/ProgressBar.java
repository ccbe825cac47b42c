package io.jrq.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar redrawn in place on stderr, shown only on an interactive terminal and at most ten
 * times a second; elsewhere every method does nothing, so that logs and pipes stay clean.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean shown;
    private final String what;
    private final long start = System.nanoTime();
    private long total;
    private long lastDraw;
    private boolean drawn;

    /**
     * @param err where to draw (stderr)
     * @param terminal decides whether to draw at all
     * @param what the unit counted, e.g. "jobs"
     * @param total the expected count, or 0 when unknown
     */
    ProgressBar(PrintWriter err, Terminal terminal, String what, long total) {
        this.err = err;
        this.shown = terminal.interactive();
        this.what = what;
        this.total = total;
    }

    /** @param total the expected count, or 0 when unknown */
    void total(long total) {
        this.total = total;
    }

    /**
     * @param done how many are done
     * @param fraction how far along, 0 to 1, or a negative number to compute it from done / total
     */
    void update(long done, double fraction) {
        if (!shown) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double f = fraction >= 0 ? fraction : total > 0 ? (double) done / total : -1;
        double secs = Math.max((now - start) / 1e9, 1e-3);
        String rate = String.format(Locale.ROOT, "%,.0f %s/s", done / secs, what);
        if (f >= 0) {
            f = Math.min(1, f);
            int filled = (int) Math.round(WIDTH * f);
            err.printf(
                    Locale.ROOT,
                    "\r[%s%s] %3.0f%%  %,d %s  %s ",
                    "#".repeat(filled),
                    ".".repeat(WIDTH - filled),
                    f * 100,
                    done,
                    what,
                    rate);
        } else {
            err.printf(Locale.ROOT, "\r%,d %s  %s ", done, what, rate);
        }
        err.flush();
        drawn = true;
    }

    /** @param done how many are done; fraction from done / total */
    void update(long done) {
        update(done, -1);
    }

    /** Clears the bar's line, so that what follows starts on a clean line. */
    @Override
    public void close() {
        clear();
    }

    /** Erases the bar, so a line can be printed where it was; the next update draws it again. */
    void clear() {
        if (drawn) {
            err.print("\r\u001b[2K");
            err.flush();
            drawn = false;
        }
    }
}
