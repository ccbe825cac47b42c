"""The exceptions of the jrq client."""

__all__ = ["JrqError", "InvalidJobError", "ProtocolVersionError", "JobExistsError", "WaitTimeoutError", "RedisFullError",
           "JobFailedError"]


class JrqError(Exception):
    """Base class of every error the jrq client raises itself."""


class InvalidJobError(JrqError, ValueError):
    """The call was refused before anything was sent: nothing was stored."""


class ProtocolVersionError(JrqError):
    """The Redis holds jobs of another protocol version than this client speaks."""

    def __init__(self, key, found, expected):
        super().__init__(
            "Redis key %s holds protocol version %r, but this client speaks version %r: "
            "use a client of version %r with this Redis (or another key prefix)" % (key, found, expected, found))
        self.key, self.found, self.expected = key, found, expected


class JobExistsError(JrqError):
    """A job with that id exists already with another payload; nothing was stored."""

    def __init__(self, message, job_id):
        super().__init__(message)
        self.job_id = job_id


class WaitTimeoutError(JrqError, TimeoutError):
    """The job did not end within the time given."""


class JobFailedError(JrqError):
    """The job ended without a result: FAILED, CANCELED or STOPPED; ``info`` has its error."""

    def __init__(self, info):
        err = info.error or {}
        super().__init__("job %s/%s ended %s: %s: %s" % (
            info.queue, info.id, info.status, err.get("type", "?"), err.get("message", "")))
        self.info = info


class RedisFullError(JrqError):
    """Redis is at its maxmemory and refused the write: nothing was stored."""
