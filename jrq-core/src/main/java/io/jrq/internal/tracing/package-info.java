/**
 * The OpenTelemetry spans of {@link io.jrq.JrqTracing}: a PRODUCER span per enqueue call whose
 * context travels in each job's envelope, and a CONSUMER span per attempt on a worker. Nothing here
 * is loaded unless an application creates a {@code JrqTracing}, so OpenTelemetry stays an optional
 * dependency.
 */
package io.jrq.internal.tracing;
