/**
 * Hooks through which metrics and tracing see jobs: the enqueue path and the workers report to the
 * {@link io.jrq.internal.observe.Observers} of their client, which calls every
 * {@link io.jrq.internal.observe.JobObserver} bound to it. Without an observer the hooks cost one
 * emptiness check.
 */
package io.jrq.internal.observe;
