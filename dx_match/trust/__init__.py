"""Trust: fraud-risk signals over the catalog, listing freshness and price history."""
