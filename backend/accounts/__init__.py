"""Accounts: users, WeChat login, tokens, roles per scope, owner verification."""
