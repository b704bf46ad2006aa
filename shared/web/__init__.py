"""The public web pages: forms, confirmation, follow-up. Server-rendered with Jinja2 and
translated with gettext catalogues (Babel). Imported only when an HTML page is rendered."""
