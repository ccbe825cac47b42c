/**
 * The dashboard's internals: request handling, pages, the JSON API, sessions and the live feed.
 * These types carry no compatibility promise; use {@link io.jrq.dashboard.Dashboard},
 * {@link io.jrq.dashboard.DashboardServer} and {@link io.jrq.dashboard.DashboardServlet}.
 */
package io.jrq.dashboard.internal;
