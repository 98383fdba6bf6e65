"""The advisor workspace: clients, curated recommendation sets, follow-up."""
