"""Outgoing e-mail: an outbox table written with the change that causes it, and its delivery."""
