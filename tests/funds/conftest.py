"""The fund fixtures live in tests/fund_support.py, shared with the console and contract tests."""

from tests.fund_support import FundApi, FundCast, fcast, fund  # noqa: F401
