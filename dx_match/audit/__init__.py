"""The audit log: who changed what and when, written in the same transaction as the change."""

from dx_match.audit.services import record

__all__ = ["record"]
