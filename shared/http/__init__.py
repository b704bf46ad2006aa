"""Reading requests and writing responses at the edge, for hostile input, a module per
concern: the answers (``problems``), bodies within their limit as JSON or form encoding
(``bodies``, ``forms``), idempotency keys (``idempotency``), and what a browser says about
a request (``browsers``).

Every way a request can be malformed ends in an ``HttpProblem``: a 4xx with a JSON body
saying which field or header and why. Nothing here echoes submitted values.
"""
