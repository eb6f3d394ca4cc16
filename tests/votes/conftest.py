"""The vote fixtures live in tests/vote_support.py, shared with the bot and console tests."""

from tests.vote_support import VoteApi, VoteCast, vcast, votes  # noqa: F401
