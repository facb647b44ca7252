"""The book's own machinery: notebook set-up, execution and freshness checks.

:mod:`helpers.book.setup` holds :func:`setup_notebook`, the first cell of every
chapter; :mod:`helpers.book.notebooks` executes chapters in place and checks
that their stored outputs are fresh (``python -m helpers.book.notebooks``).
"""
