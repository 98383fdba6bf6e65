"""Text backends: each indexes SearchDocuments and evaluates a TextQuery to {tool id: score}."""
