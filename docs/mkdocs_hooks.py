"""MkDocs build hook: the CLI reference in ``cli.md`` is generated from the argparse parsers, so
it always lists exactly the commands and options the installed ``kzmedia`` has."""

from __future__ import annotations

import argparse
import html
import os
import re

MARKER = "<!-- cli-reference -->"


def _walk(parser: argparse.ArgumentParser, path: list[str]):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, path + [name])


def cli_reference() -> str:
    os.environ["COLUMNS"] = "100"  # argparse wraps help text to the terminal width
    from kzmedia.cli import build_parser

    parts = []
    for path, parser in _walk(build_parser(), ["kzmedia"]):
        if len(path) == 1:
            continue
        title = " ".join(path)
        parts.append(f"### {title}\n\n<pre><code>{html.escape(parser.format_help())}</code></pre>\n")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page, config, files):
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, cli_reference())
    return markdown


_ROLE = re.compile(r":(?:class|meth|func|mod|attr|data|exc|obj):(?=<code>)")


def on_page_content(html_text: str, page, config, files):
    """Docstrings use Sphinx roles (:class:`Pipeline`); show them as plain code in the API pages."""
    return _ROLE.sub("", html_text)
