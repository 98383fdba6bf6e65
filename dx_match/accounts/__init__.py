"""Accounts: users, organisations, roles, permissions, log-in and the second factor."""
