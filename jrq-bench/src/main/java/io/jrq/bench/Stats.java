package io.jrq.bench;

/** Small helpers for figures. */
final class Stats {
    private Stats() {}

    /**
     * @param sorted values in ascending order, at least one
     * @param p a percentile, 0 to 100
     * @return the nearest-rank percentile
     */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
