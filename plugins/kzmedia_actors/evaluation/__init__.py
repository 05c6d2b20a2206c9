"""Evaluations of the actors analyzer against human-annotated data (read from ../shared, never stored)."""
