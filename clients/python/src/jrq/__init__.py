"""A Python producer for jrq, the Java job queue on Redis: enqueue jobs for Java workers, look them
up, wait for their results and cancel them, through the jrq wire protocol version 1
(docs/PROTOCOL.md)."""

from .errors import (InvalidJobError, JobExistsError, JobFailedError, JrqError, ProtocolVersionError,
                     WaitTimeoutError)
from .protocol import PROTOCOL_VERSION

__version__ = "0.1.0"

__all__ = ["connect", "Client", "Job", "JobInfo", "JrqError", "InvalidJobError", "ProtocolVersionError",
           "JobExistsError", "WaitTimeoutError", "JobFailedError", "PROTOCOL_VERSION"]


def __getattr__(name):
    # The client needs redis-py; the protocol module (names, envelopes, ARGV) does not.
    if name in ("connect", "Client", "Job", "JobInfo"):
        from . import client
        return getattr(client, name)
    raise AttributeError(name)
