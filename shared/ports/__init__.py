"""The interfaces we own, one module per concept. Services depend on these; adapters
implement them.

Each port raises only the exceptions declared beside it, so a use case never sees an
SDK error: ``StoreUnavailable`` (storage) and ``QueueUnavailable`` (tasks) mean "a
dependency is down, try again later".
"""
