/** Internal: no compatibility promise, see {@link io.jrq.internal}. Recurring jobs: schedules, definitions, ticks. */
package io.jrq.internal.schedule;
