#!/usr/bin/env python3
"""Re-print the real-ingest set's web-page documents to PDF, as the manifests' notes describe.

Usage: python bench/real-ingest/reprint.py [--repo /work/main] [--only PREFIX ...]

Needs: markdown-it-py and PyYAML (in /tmp/reprint/venv), chromium, poppler-utils (pdfinfo, pdftotext).
Sources come from the fetched bare mirrors (/work/.mirror/owner+name/...) at the manifest's commit; where a
repository is over the fetch limit, from /tmp/reprint/src/<file>.src (saved with the search tool's read_file
at the same commit).

Kinds of print (chosen from the manifest note / repository):
  md-top   isomerpages/ura-lkywcp features: front matter dropped except the title, a source line at the top,
           each image replaced by an '[Image: alt]' line followed by its caption (A4).
  md-foot  Jekyll/Eleventy Markdown pages (jazdow, Olsztyn blog, LGD Chełmno, Brovary): front matter stripped,
           title/address/date kept as heading, images/iframes dropped, long link targets shortened, a source
           line at the foot (A4).
  mdx      eco-misto MDX project pages: title/description/period as header, galleries/videos/logo blocks dropped,
           <Badge> turned into subheadings, other JSX wrappers unwrapped (A4).
  html     stored HTML page printed as it is, offline (network blocked), images off (drabivska-gromada).
  site     stored HTML page printed from a checkout of its site folder (repo CSS, offline) (GovLab en-06).
  php      text extracted from a WordPress template (title, date, paragraphs) (zdybanka).
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

MIRRORS = Path("/work/.mirror")
WORK = Path("/tmp/reprint/work")
SAVED = Path("/tmp/reprint/src")

CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; font-size: 11pt; line-height: 1.45; color: #111; }
h1 { font-size: 20pt; margin: 0 0 .3em; } h2 { font-size: 15pt; } h3 { font-size: 13pt; } h4 { font-size: 12pt; }
h5, h6 { font-size: 11pt; }
.meta { color: #444; margin: 0 0 1.2em; }
.source { color: #555; font-size: 9pt; border-top: 1px solid #aaa; margin-top: 2em; padding-top: .4em; word-break: break-all; }
.source.top { border-top: none; border-bottom: 1px solid #aaa; margin: 0 0 1.2em; padding: 0 0 .4em; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: 2px 6px; }
blockquote { border-left: 3px solid #bbb; margin-left: 0; padding-left: 1em; color: #333; }
a { color: inherit; }
"""


def md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def git_dir(repo: str) -> Path | None:
    folder = MIRRORS / repo.replace("/", "+")
    found = [p.parent for p in folder.glob("**/HEAD") if (p.parent / "objects").is_dir()] if folder.is_dir() else []
    return found[0] if found else None


def source(item: dict) -> bytes:
    gd = git_dir(item["repo"])
    if gd is not None:
        out = subprocess.run(["git", "--git-dir", str(gd), "show", f"{item['commit']}:{item['path']}"],
                             capture_output=True, check=True)
        return out.stdout
    saved = SAVED / (item["file"] + ".src")
    if saved.is_file():
        return saved.read_bytes()
    raise FileNotFoundError(f"no mirror for {item['repo']} and no saved source {saved}")


def source_url(item: dict) -> str:
    return f"https://github.com/{item['repo']}/blob/{item['commit']}/{item['path']}"


def split_front(text: str) -> tuple[dict, str]:
    text = text.lstrip("\ufeff")
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n?", text, re.S)
    if not m:
        return {}, text
    try:
        front = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError:
        front = {}
    return front, text[m.end():]


def fmt_date(value) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).split("T")[0] if value else ""


def page(title: str, body: str, lang: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>")


def shorten_links(rendered: str) -> str:
    def short(m: re.Match) -> str:
        url = html.unescape(m.group(1))
        if len(url) <= 80:
            return m.group(0)
        base = re.match(r"^(https?://[^/?#]+)", url)
        return f'href="{html.escape(base.group(1) + "/…" if base else url[:80])}"'
    return re.sub(r'href="([^"]*)"', short, rendered)


def build_md_top(item: dict, text: str) -> str:
    front, body = split_front(text)
    title = str(front.get("title", "")).strip()

    def image(m: re.Match) -> str:
        alt = m.group(1).strip()
        return f"\\[Image: {alt}\\]<br>" if alt else "\\[Image\\]<br>"
    body = re.sub(r"!\[([^\]]*)\]\([^)]*\)", image, body)
    rendered = md().render(body)
    head = f'<p class="source top">Source: {html.escape(source_url(item))}</p>'
    return page(title, f"{head}<h1>{html.escape(title)}</h1>{rendered}", item.get("lang", "en"))


def build_md_foot(item: dict, text: str) -> str:
    front, body = split_front(text)
    title = str(front.get("title", "")).strip()
    meta = [str(front["address"]) for f in ["address"] if front.get(f)]
    if front.get("date"):
        meta.append(fmt_date(front["date"]))
    body = re.sub(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)", "", body)      # linked images
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)                      # images
    body = re.sub(r"<img\b[^>]*>", "", body, flags=re.I)
    body = re.sub(r"<iframe\b.*?</iframe>", "", body, flags=re.I | re.S)
    rendered = shorten_links(md().render(body))
    head = f"<h1>{html.escape(title)}</h1>"
    if meta:
        head += f'<p class="meta">{html.escape(" · ".join(meta))}</p>'
    foot = f'<p class="source">Source: {html.escape(source_url(item))}</p>'
    return page(title, head + rendered + foot, item.get("lang", "pl"))


def build_mdx(item: dict, text: str) -> str:
    front, body = split_front(text)
    title = str(front.get("title", "")).strip()
    body = re.sub(r"^import .*?;\s*$", "", body, flags=re.M)
    body = re.sub(r"^export const .*?\];\s*$", "", body, flags=re.M | re.S)
    body = re.sub(r"\{/\*.*?\*/\}", "", body, flags=re.S)
    for tag in ("Logos", "ImageGrid", "MultiSlideGallery", "Video", "Gallery", "Slider"):
        body = re.sub(rf"<{tag}\b[^>]*/>", "", body, flags=re.S)
        body = re.sub(rf"<{tag}\b.*?</{tag}>", "", body, flags=re.S)
    body = re.sub(r"<(MyPicture|Full|Icon|img)\b[^>]*/?>", "", body, flags=re.S)
    body = re.sub(r"<div class=\"donor-logo\">.*?</div>", "", body, flags=re.S)
    body = re.sub(r"<Badge>\s*(.*?)\s*</Badge>", lambda m: f"\n\n### {m.group(1)}\n\n", body, flags=re.S)
    body = re.sub(r"<Blockquote>", "\n\n<blockquote>\n\n", body)
    body = re.sub(r"</Blockquote>", "\n\n</blockquote>\n\n", body)
    body = re.sub(r"</?[A-Z][A-Za-z]*\b[^>]*>", "\n\n", body)              # other JSX wrappers: unwrap
    body = re.sub(r"</?span>", "", body)
    body = "\n".join(line.strip() for line in body.splitlines())            # JSX indentation is not code
    body = re.sub(r"\n{3,}", "\n\n", body)
    period = front.get("period") or {}
    when = ""
    if period:
        start = f"{period.get('startMonth', '')} {period.get('startYear', '')}".strip()
        end = f"{period.get('endMonth', '')} {period.get('endYear', '')}".strip()
        when = f"{start} – {end}" if end else start
    head = f"<h1>{html.escape(title)}</h1>"
    if front.get("description"):
        head += f"<p><strong>{html.escape(str(front['description']))}</strong></p>"
    if when:
        head += f'<p class="meta">{html.escape(when)}</p>'
    return page(title, head + md().render(body), item.get("lang", "uk"))


def build_php(item: dict, text: str) -> str:
    title = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    date = re.search(r'<p class="event-date">(.*?)</p>', text, re.S)
    paras = re.findall(r'<p class="event-text">(.*?)</p>', text, re.S)
    t = html.unescape(title.group(1).strip()) if title else ""
    body = f"<h1>{html.escape(t)}</h1>"
    if date:
        body += f'<p class="meta">{date.group(1).strip()}</p>'
    body += "".join(f"<p>{p.strip()}</p>" for p in paras)
    return page(t, body, item.get("lang", "uk"))


def chromium(url: str, out: Path, images: bool = True) -> None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    profile = WORK / "profile"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
           f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
           "--virtual-time-budget=5000", "--run-all-compositor-stages-before-draw",
           f"--print-to-pdf={out}"]
    if not images:
        cmd.append("--blink-settings=imagesEnabled=false")
    cmd.append(url)
    out.unlink(missing_ok=True)
    subprocess.run(cmd, capture_output=True, timeout=180)
    if not out.is_file():
        raise RuntimeError(f"chromium printed nothing for {url}")


def kind(item: dict) -> str:
    note, path = item.get("note", ""), item["path"]
    if path.endswith(".php"):
        return "php"
    if path.endswith(".mdx"):
        return "mdx"
    if path.endswith(".html"):
        return "site" if "repo CSS" in note else "html"
    if "source line added at the top" in note or "source line at the top" in note:
        return "md-top"
    return "md-foot"


def is_printed(item: dict) -> bool:
    note = item.get("note", "").lower()
    return item["path"].rsplit(".", 1)[-1].lower() != item["file"].rsplit(".", 1)[-1].lower() and (
        "print" in note or "chromium" in note)


def print_item(item: dict, docs: Path) -> Path:
    out = docs / item["file"]
    k = kind(item)
    stem = item["file"].rsplit(".", 1)[0]
    WORK.mkdir(parents=True, exist_ok=True)
    if k == "site":
        gd = git_dir(item["repo"])
        top = item["path"].split("/")[0]
        root = WORK / stem
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        listing = subprocess.run(["git", "--git-dir", str(gd), "ls-tree", "-r", item["commit"], f"{top}/static/"],
                                 capture_output=True, text=True, check=True).stdout.splitlines()
        wanted = [row.split("\t", 1)[1] for row in listing if not row.split("\t", 1)[1].startswith(f"{top}/static/files/")]
        for rel in wanted + [item["path"]]:                # page + its CSS/JS/images (big files are absent)
            blob = subprocess.run(["git", "--git-dir", str(gd), "show", f"{item['commit']}:{rel}"], capture_output=True)
            if blob.returncode == 0:
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_bytes(blob.stdout)
        chromium((root / item["path"]).as_uri(), out)
        return out
    raw = source(item)
    if k == "html":
        src = WORK / f"{stem}.html"
        src.write_bytes(raw)
        chromium(src.as_uri(), out, images=False)
        return out
    text = raw.decode("utf-8")
    built = {"md-top": build_md_top, "md-foot": build_md_foot, "mdx": build_mdx, "php": build_php}[k](item, text)
    src = WORK / f"{stem}.html"
    src.write_text(built, encoding="utf-8")
    chromium(src.as_uri(), out)
    return out


def check(path: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    return pages, len(text.split())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", type=Path, default=Path("/work/main"))
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--force", action="store_true", help="print again even if the file is there")
    args = ap.parse_args()
    here = args.repo / "bench" / "real-ingest"
    docs = here / "docs"
    docs.mkdir(exist_ok=True)
    failed = 0
    for manifest in sorted(here.glob("manifest-*.jsonl")):
        for line in manifest.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if not is_printed(item) or (args.only and not any(item["file"].startswith(p) for p in args.only)):
                continue
            if (docs / item["file"]).is_file() and not args.force and not args.only:
                print(f"present  {item['file']}")
                continue
            try:
                out = print_item(item, docs)
                pages, words = check(out)
                print(f"printed  {item['file']} [{kind(item)}]: {pages} pages (manifest {item.get('pages')}), {words} words")
            except Exception as exc:  # noqa: BLE001
                failed += 1
                print(f"FAILED   {item['file']}: {exc}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
