#!/usr/bin/env python3
"""Writes corpora/demo-html/: the demo corpus as the web pages a press office
publishes, for tests/run.rs, which reads them and compares the rows with the
text files'.

Each page carries the site around the article in the page's language, which
a reader of the corpus must leave out: a header with the site's menu, a
breadcrumb trail, a script and a style whose text looks like sentences, a
"related news" list, share links and a footer. Two site templates:

- `news`: HTML5 with <header>, <nav>, <main>, <article>, <aside> and <footer>,
  the title <h1> outside <main> (as many sites place it);
- `ministry`: an older layout with none of those elements, only <div>s and a
  table, a menu of links and a share line, and a <footer>.

Encodings as such sites serve them: the Russian pages in Windows-1251
declared by `<meta http-equiv>`, one Kazakh page in Windows-1251 with the
Kazakh letters as numeric character references (`&#1179;`), the rest UTF-8
declared by `<meta charset>`. Paragraph text is hard-wrapped in the source,
quotes and dashes are written as named references, and some words are
wrapped in <strong> and <a>, so reading a page means what a browser does:
collapsing white space and resolving references. The output depends only
on the demo text, so the files are the same on every run.

Usage (Python's standard library only):

    python3 scripts/make_html_fixtures.py [--demo corpora/demo] [--out corpora/demo-html]
"""
import argparse
import html
import os
import shutil
import textwrap

SITE = {
    "kk": {
        "site": "Қазақстан Республикасы Үкіметінің ресми сайты",
        "menu": ["Басты бет", "Жаңалықтар", "Министрліктер", "Байланыс"],
        "crumbs": ["Басты бет", "Жаңалықтар"],
        "related": "Тағы оқыңыз",
        "news": ["Министр өңірлерге сапар жасады", "Жаңа заң қабылданды"],
        "share": "Бөлісу:",
        "footer": "© 2026 Барлық құқықтар қорғалған. Материалдарды пайдаланғанда сілтеме міндетті.",
        "cookie": "Сайт cookie файлдарын пайдаланады. Жалғастыра отырып, сіз келісім бересіз.",
    },
    "ru": {
        "site": "Официальный сайт Правительства Республики Казахстан",
        "menu": ["Главная", "Новости", "Министерства", "Контакты"],
        "crumbs": ["Главная", "Новости"],
        "related": "Читайте также",
        "news": ["Министр посетил регионы", "Принят новый закон"],
        "share": "Поделиться:",
        "footer": "© 2026 Все права защищены. При использовании материалов ссылка обязательна.",
        "cookie": "Сайт использует файлы cookie. Продолжая, вы соглашаетесь с этим.",
    },
    "en": {
        "site": "Official website of the Government of the Republic of Kazakhstan",
        "menu": ["Home", "News", "Ministries", "Contacts"],
        "crumbs": ["Home", "News"],
        "related": "Read also",
        "news": ["The minister visited the regions", "A new law was adopted"],
        "share": "Share:",
        "footer": "© 2026 All rights reserved. A link is required when using the materials.",
        "cookie": "The site uses cookies. By continuing you agree to this.",
    },
}

# The two layouts, by document: a corpus mixes sites.
TEMPLATE = {
    "2026-03-06-brussels-constitution": "news",
    "2026-03-12-flood-preparedness": "news",
    "2026-03-20-astana-opera-us-tour": "ministry",
}

NAMED = {"«": "&laquo;", "»": "&raquo;", "—": "&mdash;", "–": "&ndash;", '"': "&quot;"}


def paragraphs(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def escape(text):
    out = html.escape(text, quote=False)
    for char, ref in NAMED.items():
        out = out.replace(char, ref)
    return out


def marked_up(text, index):
    """`text` escaped, with its second word in <strong> and, in every other
    paragraph, its fourth in a link (a word, so the block is no menu), and
    hard-wrapped as editors wrap their source."""
    words = text.split(" ")
    words = [escape(w) for w in words]
    if len(words) > 2:
        words[1] = f"<strong>{words[1]}</strong>"
    if len(words) > 4 and index % 2 == 1:
        words[3] = f'<a href="/glossary/{index}">{words[3]}</a>'
    return textwrap.fill(" ".join(words), width=72, initial_indent="      ",
                         subsequent_indent="      ", break_long_words=False,
                         break_on_hyphens=False)


def links(items, prefix):
    return "\n".join(f'        <li><a href="/{prefix}/{i}">{escape(t)}</a></li>'
                     for i, t in enumerate(items))


def news_page(lang, title, body, charset):
    s = SITE[lang]
    paras = "\n".join(f"    <p>\n{marked_up(p, i)}\n    </p>" for i, p in enumerate(body))
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  {charset}
  <title>{escape(title)} | {escape(s["site"])}</title>
  <style>.lead {{ font-weight: bold; }} /* Мәтін. Текст. Text. */</style>
  <script>window.dataLayer = []; var note = "{escape(s["cookie"])}";</script>
</head>
<body>
  <header>
    <a class="logo" href="/">{escape(s["site"])}</a>
    <nav>
      <ul>
{links(s["menu"], lang)}
      </ul>
    </nav>
  </header>
  <div class="breadcrumbs"><a href="/">{escape(s["crumbs"][0])}</a> / <a href="/news">{escape(s["crumbs"][1])}</a></div>
  <h1>{escape(title)}</h1>
  <main>
    <article>
{paras}
      <div class="share">{escape(s["share"])} <a href="#fb">Facebook</a> <a href="#tg">Telegram</a></div>
    </article>
  </main>
  <aside>
    <h2>{escape(s["related"])}</h2>
    <ul>
{links(s["news"], "news")}
    </ul>
  </aside>
  <div class="cookie" hidden>{escape(s["cookie"])}</div>
  <footer><p>{escape(s["footer"])}</p></footer>
</body>
</html>
"""


def ministry_page(lang, title, body, charset):
    s = SITE[lang]
    menu = " | ".join(f'<a href="/{lang}/{i}">{escape(t)}</a>' for i, t in enumerate(s["menu"]))
    paras = "\n".join(f'      <div class="text">\n{marked_up(p, i)}\n      </div>'
                      for i, p in enumerate(body))
    return f"""<html>
<head>
{charset}
<title>{escape(title)}</title>
<script type="text/javascript">document.write("<p>{escape(s["cookie"])}</p>");</script>
</head>
<body>
<table width="100%"><tr>
  <td class="logo"><img src="/logo.gif" alt="{escape(s["site"])}"></td>
  <td id="menu">{menu}</td>
</tr></table>
<div id="content">
  <div class="title"><b>{escape(title)}</b></div>
{paras}
  <div class="share">{escape(s["share"])} <a href="#fb">Facebook</a> <a href="#tg">Telegram</a></div>
</div>
<footer>{escape(s["footer"])}</footer>
</body>
</html>
"""


def write(path, page, encoding):
    with open(path, "wb") as f:
        f.write(page.encode(encoding, errors="xmlcharrefreplace"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demo", default="corpora/demo")
    ap.add_argument("--out", default="corpora/demo-html")
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    for lang in sorted(os.listdir(args.demo)):
        os.makedirs(os.path.join(args.out, lang))
        for name in sorted(os.listdir(os.path.join(args.demo, lang))):
            doc = name.removesuffix(".txt")
            title, *body = paragraphs(os.path.join(args.demo, lang, name))
            # Older Kazakh sites serve Windows-1251, which lacks six Kazakh
            # letters: those go as character references.
            legacy = lang == "ru" or (lang == "kk" and doc == "2026-03-12-flood-preparedness")
            if legacy:
                encoding = "cp1251"
                charset = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
            else:
                encoding = "utf-8"
                charset = '<meta charset="utf-8">'
            make = news_page if TEMPLATE[doc] == "news" else ministry_page
            page = make(lang, title, body, charset)
            write(os.path.join(args.out, lang, doc + ".html"), page, encoding)


if __name__ == "__main__":
    main()
