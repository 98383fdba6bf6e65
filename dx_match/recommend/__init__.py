"""Recommendations for an SME profile: tools, subsidies it is eligible for, and courses."""
