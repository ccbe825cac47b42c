'use strict';

/** The base of every error this client throws on its own account. */
class JrqError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = this.constructor.name;
    }
}

/** A job or an option the client refused before sending anything: nothing was stored. */
class JrqValidationError extends JrqError {}

/** Redis holds another protocol version than this client speaks: nothing was enqueued. */
class JrqProtocolError extends JrqError {
    constructor(message, found) {
        super(message);
        /** The version Redis holds. */
        this.found = found;
        /** The version this client speaks. */
        this.expected = '1';
    }
}

/** An id given to enqueue names a job already stored with another payload: nothing was stored. */
class JrqJobExistsError extends JrqError {
    constructor(message, id) {
        super(message);
        this.id = id;
    }
}

/** A wait for a job ended before the job did. */
class JrqTimeoutError extends JrqError {
    constructor(message, queue, id) {
        super(message);
        this.queue = queue;
        this.id = id;
    }
}

/** result() of a job that ended FAILED, CANCELED or STOPPED; the record is attached. */
class JrqJobFailedError extends JrqError {
    constructor(message, job) {
        super(message);
        this.job = job;
    }
}

module.exports = { JrqError, JrqValidationError, JrqProtocolError, JrqJobExistsError, JrqTimeoutError, JrqJobFailedError };
