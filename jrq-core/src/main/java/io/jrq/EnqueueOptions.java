package io.jrq;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Per-job choices made at enqueue time. Immutable; build with {@link #builder()} and apply with
 * {@link Queue#with(EnqueueOptions)}. Unset values fall back to the client's {@link JrqOptions}.
 */
public final class EnqueueOptions {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@/+=-]{1,128}");
    private static final EnqueueOptions NONE = builder().build();

    private final String jobId;
    private final String description;
    private final Map<String, String> meta;
    private final Duration resultTtl;
    private final boolean atFront;

    private EnqueueOptions(Builder b) {
        this.jobId = b.jobId;
        this.description = b.description;
        this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(b.meta));
        this.resultTtl = b.resultTtl;
        this.atFront = b.atFront;
    }

    /** @return a builder with nothing set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return options with nothing set */
    public static EnqueueOptions none() {
        return NONE;
    }

    /** @return the custom job id, or null to let jrq generate one */
    public String jobId() { return jobId; }

    /** @return a human description shown by the CLI and dashboard, or null */
    public String description() { return description; }

    /** @return free-form string metadata stored with the job (never null) */
    public Map<String, String> meta() { return meta; }

    /** @return how long the result is kept, or null for the client default */
    public Duration resultTtl() { return resultTtl; }

    /** @return true to put the job at the front of its queue */
    public boolean atFront() { return atFront; }

    /** Builder for {@link EnqueueOptions}. */
    public static final class Builder {
        private String jobId;
        private String description;
        private final Map<String, String> meta = new LinkedHashMap<>();
        private Duration resultTtl;
        private boolean atFront;

        private Builder() {
        }

        /**
         * @param id 1 to 128 characters from {@code A-Z a-z 0-9 _ . : @ / + = -}; must be unique in the queue
         * @return this builder
         */
        public Builder jobId(String id) {
            Objects.requireNonNull(id, "jobId");
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("job id must be 1-128 characters of A-Z a-z 0-9 _ . : @ / + = -, got: '" + id + "'");
            }
            this.jobId = id;
            return this;
        }

        /** @param description at most 1,000 characters @return this builder */
        public Builder description(String description) {
            Objects.requireNonNull(description, "description");
            if (description.length() > 1000) {
                throw new IllegalArgumentException("description must be at most 1000 characters, got " + description.length());
            }
            this.description = description;
            return this;
        }

        /**
         * @param key non-empty
         * @param value not null
         * @return this builder
         */
        public Builder meta(String key, String value) {
            Objects.requireNonNull(key, "meta key");
            Objects.requireNonNull(value, "meta value for key '" + key + "'");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("meta key must not be empty");
            }
            meta.put(key, value);
            return this;
        }

        /** @param ttl at least one second @return this builder */
        public Builder resultTtl(Duration ttl) {
            this.resultTtl = JrqOptions.Builder.positiveSeconds(ttl, "resultTtl");
            return this;
        }

        /** @param atFront true to run the job before those already waiting @return this builder */
        public Builder atFront(boolean atFront) {
            this.atFront = atFront;
            return this;
        }

        /** @return the options */
        public EnqueueOptions build() {
            return new EnqueueOptions(this);
        }
    }
}
