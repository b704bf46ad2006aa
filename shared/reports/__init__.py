"""The annual report as JSON, CSV, Markdown, HTML and charts. Knows only the domain.

Charts (``shared.reports.charts``) are the only place matplotlib is imported, and only the
``intake report --charts`` command imports them.
"""
