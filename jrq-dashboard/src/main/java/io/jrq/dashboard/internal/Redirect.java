package io.jrq.dashboard.internal;

/** Ends a page's rendering with a 303 to a location this dashboard built. */
final class Redirect extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String location;

    Redirect(String location) {
        super(location, null, false, false);
        this.location = location;
    }

    String location() {
        return location;
    }
}
