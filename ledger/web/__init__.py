"""``roth-ledger serve``: the household's yearly entry and the preparer's client desk.

Server-rendered pages (Starlette + Jinja2 with autoescaping, run by uvicorn) over the
same ``ledger.app`` use cases as the command line: no rule, check or report is computed
here. :mod:`.security` signs people in and guards every request; :mod:`.household` and
:mod:`.desk` are the pages; :mod:`.api` the JSON API; :mod:`.app` puts them together.
Needs the ``web`` extra: ``pip install 'roth-ledger[web]'``.
"""
