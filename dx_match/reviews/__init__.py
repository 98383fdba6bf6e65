"""Adoptions, verified reviews and outcome reports: what real adopters say a tool did."""
