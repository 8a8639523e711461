"""What happens to residents in the record window: visits, follow-ups, results, claims."""
