"""`intake cases` as officers use it: a client of the case API, here served on a real port
(mounted at /cases as the local runner mounts it) over a test's container, signed in with
a development token."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from click.testing import CliRunner, Result
from werkzeug.serving import make_server

from shared import bootstrap
from shared.bootstrap import Container
from shared.cli import main as cli
from shared.devserver import build_app
from tests.support.tokens import dev_token


@contextmanager
def serving_cases(container: Container | Callable[[str], Container]) -> Iterator[str]:
    """The cases function over ``container`` (or the container made for the URL it is
    served at) on a port of the loopback; its URL."""
    server = make_server("127.0.0.1", 0, build_app(["cases"]), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}/cases"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True,
                              name="cases-api")
    thread.start()
    try:
        with bootstrap.using(container if isinstance(container, Container)
                             else container(url)):
            yield url
    finally:
        server.shutdown()
        server.server_close()


def cases_cli(container: Container, email: str | None, *args: str,
              token: str | None = None) -> Result:
    """``intake cases ARGS`` as the officer ``email`` (their development token in
    INTAKE_OFFICER_TOKEN, or ``token``), against the case API over ``container``. The
    container must verify development tokens (tests.support.tokens.dev_verifier)."""
    with serving_cases(container) as url:
        env = {"INTAKE_CASES_URL": url,
               "INTAKE_OFFICER_TOKEN": token if token is not None
               else dev_token(email) if email else ""}
        return CliRunner().invoke(cli, ["cases", *args], env=env)
