package io.jrq.examples;

/**
 * Job code is plain Java: a public static method whose arguments and result travel as JSON. Workers
 * run it once its package is allowed ({@code allowPackages("io.jrq.examples")}).
 */
public final class Reports {
    private Reports() {}

    /** The result of {@link #monthly}; records travel as JSON objects. */
    public record Summary(String customer, int month, int orders, long totalCents) {}

    /**
     * Builds a customer's monthly report. A real one would query a database; this one makes up
     * numbers and takes a moment, like real work.
     *
     * @param customer the customer id
     * @param month 1 to 12
     * @return the report
     * @throws InterruptedException when the worker shuts down meanwhile
     */
    public static Summary monthly(String customer, int month) throws InterruptedException {
        if (month < 1 || month > 12) {
            throw new IllegalArgumentException("month must be 1 to 12, got: " + month);
        }
        Thread.sleep(200);
        int orders = customer.length() + month;
        return new Summary(customer, month, orders, orders * 1_999L);
    }
}
