"""Taxonomy terms (industries, functions, skills, challenges, regions) and code matching."""
