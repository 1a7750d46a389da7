#!/usr/bin/env python3
"""Screenshots of the editorial pages of a running site, wide and narrow, for a person to look at.

    .venv/bin/python scripts/screenshots.py DIR                   # against `make run` on http://127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py DIR --base-url http://127.0.0.1:8791 --widths 1280 400

Saves the whole page (full height) of the home page, a province portal and a policy page of the demo data at each
width, in Chinese, as DIR/<name>-<width>.png (home-1280.png, portal-400.png, ...). It drives Debian's Chromium
through Playwright, as the browser tests do ($CHROMIUM_PATH, else /usr/bin/chromium); Chinese needs a CJK font
such as fonts-wqy-zenhei.

A page that does not answer 200, or that is wider than the window (something a reader on a phone would have to
scroll sideways to see), is reported with the elements that stick out, and the script exits with status 1 once
every screenshot is taken.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

# The demo's pages (demo/data/pages.toml): name -> address.
PAGES = {
    "home": "/",
    "portal": "/jiangsu/",
    "policy": "/policies/innovation-community-plan/",
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

# The outermost elements whose right edge passes the window's (their parent's does not): what makes the page scroll
# sideways.
OVERFLOWING = """width => {
  const sticksOut = element => element.getBoundingClientRect().right > width + 1;
  return Array.from(document.querySelectorAll("body *"))
    .filter(element => sticksOut(element) && !sticksOut(element.parentElement))
    .slice(0, 10)
    .map(element => {
      const box = element.getBoundingClientRect();
      const classes = typeof element.className === "string" ? element.className.trim().split(/\\s+/) : [];
      const name = [element.tagName.toLowerCase(), ...classes.filter(Boolean)].join(".");
      const text = element.textContent.trim().slice(0, 40);
      return `${name} (${Math.round(box.left)}-${Math.round(box.right)} px): ${text}`;
    });
}"""


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("Chromium not found: install the Debian package chromium, or point CHROMIUM_PATH at a Chromium binary.")


def shoot(page: Page, url: str, width: int, path: Path) -> list[str]:
    """Save the page at this width; return what is wrong with it (nothing when all is well)."""
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url, wait_until="networkidle")
    problems = []
    if response is None or response.status != 200:
        problems.append(f"answered {response.status if response else 'nothing'}")
    # Images below the window load lazily, when scrolled to; a full-page screenshot does not scroll, so load them all.
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(image => { image.loading = 'eager'; })")
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.screenshot(path=str(path), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{scroll_width} px wide in a {width} px window")
        problems.extend(f"  sticks out: {element}" for element in page.evaluate(OVERFLOWING, width))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, help="where the PNG files go (made if missing)")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="the running site (default: %(default)s)")
    parser.add_argument("--widths", type=int, nargs="+", default=[1280, 400], help="window widths in px")
    options = parser.parse_args()
    options.directory.mkdir(parents=True, exist_ok=True)
    base = options.base_url.rstrip("/")
    failed = False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN")
            page = context.new_page()
            for name, address in PAGES.items():
                for width in options.widths:
                    path = options.directory / f"{name}-{width}.png"
                    problems = shoot(page, base + address, width, path)
                    print(f"{path}  {address} at {width} px" + ("" if problems else "  ok"))
                    for problem in problems:
                        print(f"  {problem}")
                    failed = failed or bool(problems)
        finally:
            browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
