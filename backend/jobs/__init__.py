"""Background work: the rq queues, the outbox relay, the periodic-job scheduler, the worker
command and, in the embedded default (no Redis), a runner that does the same in a thread of the
web process."""
