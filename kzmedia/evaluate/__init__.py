"""Evaluation against human-annotated data sets (one module per data set)."""
