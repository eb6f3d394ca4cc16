"""The ticket fixtures live in tests/ticket_support.py, shared with the console tests."""

from tests.ticket_support import TicketApi, TicketCast, tcast, tickets  # noqa: F401
