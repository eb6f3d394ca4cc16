"""Background work: the rq queue, the outbox relay, the worker command and, in the embedded
default (no Redis), a runner that does the same in a thread of the web process."""
