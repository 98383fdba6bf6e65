"""Recommendations for an SME profile: tools, subsidies and courses, with their reasons."""
