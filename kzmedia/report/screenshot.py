"""Screenshot a report in headless Chromium (how ``docs/img/report-seeds.png`` is made).

``python -m kzmedia.report.screenshot report.html out.png [--hover CSS-SELECTOR] [--chromium PATH]``

Needs the ``playwright`` package and a Chromium binary (Debian: ``apt-get install chromium``;
``playwright install`` is not needed). Requests other than the file itself are refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def screenshot(report: str | Path, out: str | Path, *, hover: str | None = None, width: int = 1400,
               height: int = 950, chromium: str = "/usr/bin/chromium") -> list[str]:
    """Write a PNG of the top of ``report``; returns the console messages (should be empty)."""
    from playwright.sync_api import sync_playwright

    url = Path(report).resolve().as_uri()
    messages: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
            page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
            page.goto(url)
            if hover:
                page.locator(hover).first.hover()
            page.screenshot(path=str(out))
        finally:
            browser.close()
    return messages


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kzmedia.report.screenshot", description=__doc__.splitlines()[0])
    p.add_argument("report")
    p.add_argument("out")
    p.add_argument("--hover", help="CSS selector of an element to hover before the shot")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--width", type=int, default=1400)
    p.add_argument("--height", type=int, default=950)
    args = p.parse_args(argv)
    messages = screenshot(args.report, args.out, hover=args.hover, width=args.width, height=args.height,
                          chromium=args.chromium)
    for m in messages:
        print(m, file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
