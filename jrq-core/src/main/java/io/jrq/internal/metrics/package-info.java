/** Internal: no compatibility promise, see {@link io.jrq.internal}. */
package io.jrq.internal.metrics;
