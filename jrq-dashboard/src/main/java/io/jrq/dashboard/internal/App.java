package io.jrq.dashboard.internal;

import io.jrq.Admin;
import io.jrq.Jrq;
import java.time.Clock;

/**
 * The services every request shares.
 *
 * @param jrq the client
 * @param admin its admin API
 * @param live the live feed
 * @param clock the clock for ages
 * @param readOnly true when no action is allowed
 * @param logout true when the dashboard has its own login (so a logout button makes sense)
 */
public record App(Jrq jrq, Admin admin, LiveFeed live, Clock clock, boolean readOnly, boolean logout) {}
