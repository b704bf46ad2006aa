"""Implementations of the ports: Google Cloud, and the embedded local backend."""
