"""Vendor and trainer dashboards, listing revisions and their moderation."""
