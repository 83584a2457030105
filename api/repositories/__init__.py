"""Repositories: database rows to routing objects and back."""
