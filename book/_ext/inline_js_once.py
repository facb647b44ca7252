"""Emit each inline <script> once (Sphinx 7.4 writes inline scripts that extensions add
after the builder starts twice: once as filename None, once as ''; sphinx-thebe's
``const THEBE_JS_URL`` then throws "Identifier ... has already been declared")."""

from __future__ import annotations


def _once(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", _once, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
