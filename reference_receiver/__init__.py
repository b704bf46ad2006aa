"""A reference implementation of the investigations office's intake endpoint.

It documents and tests the contract of docs/investigations-api.md, and stands in for the
investigations office in the local runner and in tests. It is not part of the deployed
system: the real investigations office runs its own.
"""
