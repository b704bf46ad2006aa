"""``intake i18n``: keep the web pages' translation catalogues in step with the code."""

from __future__ import annotations

import sys

import click


@click.group()
def i18n() -> None:
    """Translation catalogues of the web pages (gettext, Babel)."""


def _report(problems: dict[str, list[str]]) -> None:
    total = sum(len(found) for found in problems.values())
    for found in problems.values():
        for line in found:
            click.echo(line)
    click.echo(f"{total} problem(s) in {len(problems)} catalogue(s)")
    if total:
        sys.exit(1)


@i18n.command()
def update() -> None:
    """Write messages.pot and merge it into every language's messages.po."""
    from shared.web.catalogue import update as run

    problems = run()
    _compile()
    _report(problems)


@i18n.command("compile")
def compile_command() -> None:
    """Compile every language's messages.po beside it (what a first page then loads)."""
    _compile()


def _compile() -> None:
    from shared.web.i18n import LANGUAGES, SOURCE_LANGUAGE, write_compiled

    for code in LANGUAGES:
        if code != SOURCE_LANGUAGE:
            click.echo(f"wrote {write_compiled(code)}")


@i18n.command()
def check() -> None:
    """Fail if a catalogue misses a message, or holds an untranslated or stale one."""
    from shared.web.catalogue import check as run

    _report(run())
