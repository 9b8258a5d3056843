"""Parity tests: every NumPy piece of dlcourse.nn against its TensorFlow twin (contract 3)."""
