"""Inquiries: leads from SMEs and visitors to vendors and trainers, their threads and statistics."""
