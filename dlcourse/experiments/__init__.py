"""Experiments and figures of the chapters, one module per chapter."""
