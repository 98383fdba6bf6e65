"""Multilingual faceted search over published tools: one analyzer, several text backends."""
