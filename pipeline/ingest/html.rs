//! Web pages (`.html`, `.htm`): the article's text, without the site around
//! it.
//!
//! Ministries and news agencies publish each language version as a page of
//! their site, and a linguist saves the three pages. The page holds the
//! site's menus, breadcrumbs, "related news", share buttons and footer, in
//! the page's language, and those would be aligned as sentences like any
//! other. So the reader keeps what a reader of the article reads:
//! - inside `<main>` or `<article>` (or `role="main"`/`"article"`) when the
//!   page has one, plus its `<h1>` titles, which sites often put outside;
//!   the whole `<body>` otherwise;
//! - never scripts, styles, `<nav>`, `<aside>`, forms, `<template>`, elements
//!   marked `hidden`, `aria-hidden="true"` or with a navigation role, nor
//!   `<header>` and `<footer>` outside the article (the site's);
//! - no block whose text is mostly links (menus and lists of other news
//!   that are not marked up as such).
//!
//! Every block element (`<p>`, headings, list items, table cells, `<div>`
//! ...) is a paragraph; `<br>` a line break. Spaces collapse as a browser
//! collapses them, except in `<pre>`. The tokenizer is html5ever's, so
//! character references and malformed markup are read as browsers read
//! them; the choice of what to keep needs no tree, only the open elements.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::TokenizerResult;

use super::Legacy;

/// The article text of the page `bytes`, paragraphs separated by blank
/// lines, and whether it was decoded as `legacy` for want of a declared
/// encoding; `Err` says why the page cannot be read.
pub fn body_text(bytes: &[u8], legacy: Option<Legacy>) -> Result<(String, bool), String> {
    let (html, was_legacy) = decode(bytes, legacy)?;
    let text = article_text(&html);
    if text.is_empty() {
        // Sites built in JavaScript send an empty body and fill it in later.
        return Err("it holds no article text (a page its scripts fill in?); \
             save it from a browser once it has loaded, or as text"
            .into());
    }
    Ok((text, was_legacy))
}

/// The article text of a decoded page.
pub fn article_text(html: &str) -> String {
    let tokenizer = Tokenizer::new(Page::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The tokenizer stops early only for a tree builder's scripts, which
    // this sink never asks for: one feed reads the whole page.
    let done = tokenizer.feed(&input);
    debug_assert!(matches!(done, TokenizerResult::Done));
    tokenizer.end();
    let reading = std::mem::take(&mut *tokenizer.sink.state.borrow_mut());
    reading.finish()
}

/// The page as decoded text: a byte-order mark, else the encoding the page
/// declares, else UTF-8, else `legacy`.
fn decode(bytes: &[u8], legacy: Option<Legacy>) -> Result<(String, bool), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, "its byte-order mark says UTF-8").map(|s| (s, false));
    }
    // Word's "Unicode" web pages are UTF-16 with a byte-order mark, which
    // overrides any charset they declare, as in browsers.
    match bytes {
        [0xFF, 0xFE, rest @ ..] => return utf16(rest, u16::from_le_bytes).map(|s| (s, false)),
        [0xFE, 0xFF, rest @ ..] => return utf16(rest, u16::from_be_bytes).map(|s| (s, false)),
        _ => {}
    }
    match declared_charset(bytes) {
        Some(label) => match encoding(&label) {
            Some(Some(enc)) => Ok((enc.decode(bytes), false)),
            Some(None) => utf8(bytes, "it declares UTF-8").map(|s| (s, false)),
            None => Err(format!(
                "it declares charset `{label}`, which is not read; convert it, e.g. `iconv -f {label} -t UTF-8`"
            )),
        },
        None => match (std::str::from_utf8(bytes), legacy) {
            (Ok(s), _) => Ok((s.to_string(), false)),
            (Err(_), Some(enc)) => Ok((enc.decode(bytes), true)),
            (Err(e), None) => Err(format!(
                "{} is not UTF-8 and the page declares no charset; add `<meta charset=...>` or pass --legacy-encoding",
                place(bytes, e.valid_up_to())
            )),
        },
    }
}

/// UTF-16 text after its byte-order mark, or where it is broken.
fn utf16(rest: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, String> {
    super::utf16_text(rest, unit).map_err(|at| {
        format!("byte {at} is not UTF-16 (or the page ends in half a character); save it as UTF-8")
    })
}

fn utf8(bytes: &[u8], why: &str) -> Result<String, String> {
    std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
        format!(
            "{} is not UTF-8, though {why}",
            place(bytes, e.valid_up_to())
        )
    })
}

/// Where byte `at` of the page is, for a message: `line N (byte B)`.
fn place(bytes: &[u8], at: usize) -> String {
    format!("line {} (byte {at})", super::line_at(bytes, at))
}

/// The `charset` a page declares in its head (`<meta charset="...">` or
/// `content="text/html; charset=..."`), looked for in the first 4 KB as
/// browsers look in the first kilobyte (sites put long heads first).
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = bytes[..bytes.len().min(4096)].to_ascii_lowercase();
    // The word may come first elsewhere (`document.charset` in a script):
    // the declaration is the first one followed by `=`.
    head.windows(7)
        .enumerate()
        .filter(|(_, w)| w == b"charset")
        .find_map(|(at, _)| {
            let rest = head[at + 7..]
                .trim_ascii_start()
                .strip_prefix(b"=")?
                .trim_ascii_start();
            let rest = rest
                .strip_prefix(b"\"")
                .or(rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let end = rest
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(b)))
                .unwrap_or(rest.len());
            (end > 0).then(|| String::from_utf8_lossy(&rest[..end]).into_owned())
        })
}

/// A charset label as the WHATWG Encoding standard maps it: `Some(None)` is
/// UTF-8, `Some(Some(_))` a legacy encoding read here, `None` any other.
fn encoding(label: &str) -> Option<Option<Legacy>> {
    match label {
        "utf-8" | "utf8" | "unicode-1-1-utf-8" => Some(None),
        "windows-1251" | "cp1251" | "x-cp1251" => Some(Some(Legacy::Cp1251)),
        "kz-1048" | "rk1048" | "strk1048-2002" => Some(Some(Legacy::Kz1048)),
        // Browsers read Latin-1 and ASCII pages as Windows-1252.
        "windows-1252" | "cp1252" | "x-cp1252" | "iso-8859-1" | "iso8859-1" | "latin1" | "l1"
        | "us-ascii" | "ascii" | "cp819" => Some(Some(Legacy::Cp1252)),
        _ => None,
    }
}

/// The tokenizer's sink (html5ever hands it tokens through `&self`).
#[derive(Default)]
struct Page {
    state: RefCell<Reading>,
}

impl TokenSink for Page {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return state.open(&tag),
                TagKind::EndTag => state.close(&tag.name),
            },
            Token::CharacterTokens(text) => state.text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// What an open element does to the text inside it.
#[derive(Clone, Copy, Default, PartialEq)]
struct Effect {
    skip: bool,
    content: bool,
    link: bool,
    pre: bool,
    title: bool,
}

/// Where in the page the reader is, and the blocks read so far.
#[derive(Default)]
struct Reading {
    /// Open elements whose end tag HTML requires, with what each does.
    open: Vec<(String, Effect)>,
    /// Counts of open elements by effect.
    skip: usize,
    content: usize,
    link: usize,
    pre: usize,
    title: usize,
    /// Whether the page has a main or article element (kept or not).
    has_content: bool,
    blocks: Vec<Block>,
    current: Block,
}

/// A paragraph as read, with where it stood.
#[derive(Default)]
struct Block {
    text: String,
    /// Inside the page's main content, or a title.
    content: bool,
    /// Non-space characters, and those of them inside links.
    chars: usize,
    link_chars: usize,
}

/// Elements never read, with all they hold.
#[rustfmt::skip]
const SKIPPED: [&str; 16] = [
    "script", "style", "noscript", "template", "head", "title", "svg", "math",
    "iframe", "object", "select", "button", "textarea", "form", "nav", "aside",
];

/// Block elements: each starts and ends a paragraph.
#[rustfmt::skip]
const BLOCKS: [&str; 35] = [
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "ol", "p", "pre", "section", "summary", "td", "th", "ul",
];

/// Elements whose end tag may be left out, or that have none: they go on
/// the stack of open elements only when they do something.
#[rustfmt::skip]
const UNTRACKED: [&str; 30] = [
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
    "option", "optgroup", "colgroup", "caption", "html", "body", "rb", "rt", "rp", "br",
    "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "source",
];

/// How deep the stack of open elements goes: browsers stop nesting too,
/// and a page of 100,000 unclosed `<div>`s and stray end tags would
/// otherwise take quadratic time.
const MAX_OPEN: usize = 512;

/// Elements without content or end tag.
#[rustfmt::skip]
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
];

/// ARIA roles of the site around the article.
#[rustfmt::skip]
const SITE_ROLES: [&str; 7] = [
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
];

impl Reading {
    fn open(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if name == "br" {
            if self.skip == 0 {
                let text = &mut self.current.text;
                text.truncate(text.trim_end_matches(' ').len());
                text.push('\n');
            }
            return TokenSinkResult::Continue;
        }
        if BLOCKS.contains(&name) {
            self.end_block();
        }
        if name == "body" {
            // `</head>` may be left out.
            self.close("head");
        }
        let attr = |key: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == key)
                .map(|a| a.value.to_ascii_lowercase())
        };
        let role = attr("role").unwrap_or_default();
        let site_part = (name == "header" || name == "footer") && self.content == 0;
        let effect = Effect {
            skip: SKIPPED.contains(&name)
                || site_part
                || attr("hidden").is_some()
                || attr("aria-hidden").as_deref() == Some("true")
                || SITE_ROLES.contains(&role.as_str()),
            content: matches!(name, "main" | "article") || role == "main" || role == "article",
            link: name == "a",
            pre: matches!(name, "pre" | "listing" | "xmp"),
            title: name == "h1",
        };
        if effect.content && self.skip == 0 {
            self.has_content = true;
        }
        let raw = match name {
            "script" => Some(RawKind::ScriptData),
            "style" | "noscript" | "iframe" | "xmp" | "noembed" | "noframes" => {
                Some(RawKind::Rawtext)
            }
            "title" | "textarea" => Some(RawKind::Rcdata),
            _ => None,
        };
        let untracked = UNTRACKED.contains(&name);
        let ends_open = |open: &str| {
            // `<li>` ends the `<li>` before it, `<p>` the `<p>`, and any
            // block a `<p>`.
            open == name && untracked || open == "p" && BLOCKS.contains(&name)
        };
        if let Some((open, _)) = self.open.last().filter(|(n, _)| ends_open(n)) {
            let open = open.clone();
            self.close(&open);
        }
        // An element whose end tag may be left out goes on the stack only
        // when it does something (`<li hidden>`), to end with its end tag,
        // its sibling's start or its parent's end; an element that has no
        // content never does.
        let void = VOID.contains(&name);
        if !void
            && (self.open.len() < MAX_OPEN || raw.is_some())
            && (!tag.self_closing || raw.is_some())
            && (!untracked || effect != Effect::default())
        {
            self.apply(effect, true);
            self.open.push((name.to_string(), effect));
        }
        match raw {
            Some(kind) => TokenSinkResult::RawData(kind),
            None => TokenSinkResult::Continue,
        }
    }

    fn close(&mut self, name: &str) {
        if BLOCKS.contains(&name) {
            self.end_block();
        }
        // An end tag closes its element and every element opened inside it
        // and left open; one with no open element is ignored, as browsers do.
        if let Some(at) = self.open.iter().rposition(|(n, _)| n == name) {
            while self.open.len() > at {
                let (_, effect) = self.open.pop().expect("open element");
                self.apply(effect, false);
            }
        }
    }

    fn apply(&mut self, e: Effect, on: bool) {
        for (flag, count) in [
            (e.skip, &mut self.skip),
            (e.content, &mut self.content),
            (e.link, &mut self.link),
            (e.pre, &mut self.pre),
            (e.title, &mut self.title),
        ] {
            if flag {
                *count = if on { *count + 1 } else { *count - 1 };
            }
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip > 0 {
            return;
        }
        let block = &mut self.current;
        block.content |= self.content > 0 || self.title > 0;
        for c in text.chars() {
            if c.is_ascii_whitespace() && self.pre == 0 {
                if !block.text.is_empty() && !block.text.ends_with([' ', '\n']) {
                    block.text.push(' ');
                }
                continue;
            }
            block.text.push(c);
            if !c.is_whitespace() {
                block.chars += 1;
                if self.link > 0 {
                    block.link_chars += 1;
                }
            }
        }
    }

    fn end_block(&mut self) {
        let block = std::mem::take(&mut self.current);
        if block.text.trim().is_empty() {
            return;
        }
        self.blocks.push(block);
    }

    fn finish(mut self) -> String {
        self.end_block();
        let has_content = self.has_content;
        let kept = self
            .blocks
            .into_iter()
            .filter(|b| (b.content || !has_content) && 2 * b.link_chars <= b.chars);
        let mut out = String::new();
        for block in kept {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            // A line break at a block's edge is no line of the text.
            out.push_str(block.text.trim_matches([' ', '\n']));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_article_is_read_without_the_site_around_it() {
        let page = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>Сайт</title>
<style>p { color: red }</style><script>var s = "Мәтін емес. <p>Жоқ</p>";</script></head>
<body><header><a href="/">Басты бет</a> <nav><ul><li><a href="/kk">Жаңалықтар</a></li></ul></nav></header>
<div class="crumbs"><a href="/">Басты</a> / <a href="/news">Жаңалықтар</a></div>
<h1>Су тасқынына дайындық</h1>
<main><article><header><time>15.03.2026</time></header>
<p>Министрлік &laquo;Қазгидромет&raquo; болжамын   жариялады.
 Бұл   бірінші абзац.</p>
<p>Толығырақ <a href="/x">сайтта</a> оқыңыз.</p>
<p><a href="/a">Басқа жаңалық</a></p>
<ul><li>Бірінші тармақ<li>Екінші&nbsp;тармақ</ul>
<div hidden>Жасырын мәтін.</div><p aria-hidden="true">Бұл да.</p>
</article></main>
<aside><p>Ұқсас жаңалықтар</p></aside>
<footer><p>© 2026 Министрлік. Барлық құқықтар қорғалған.</p></footer>
<noscript><p>JavaScript қосыңыз.</p></noscript></body></html>"#;
        assert_eq!(
            article_text(page),
            "Су тасқынына дайындық\n\n15.03.2026\n\n\
             Министрлік «Қазгидромет» болжамын жариялады. Бұл бірінші абзац.\n\n\
             Толығырақ сайтта оқыңыз.\n\nБірінші тармақ\n\nЕкінші\u{a0}тармақ"
        );
    }

    #[test]
    fn utf16_pages_with_a_byte_order_mark_are_read() {
        let page = "<meta charset=windows-1251><main><p>Су тасқыны — 15 наурыз.</p></main>";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(page.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(page.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for bytes in [le, be] {
            assert_eq!(
                body_text(&bytes, None).unwrap().0,
                "Су тасқыны — 15 наурыз."
            );
        }
        let err = body_text(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00], None).unwrap_err();
        assert!(err.contains("byte 2") && err.contains("UTF-8"), "{err}");
        assert!(body_text(&[0xFF, 0xFE, 0x41], None)
            .unwrap_err()
            .contains("half"));
    }

    #[test]
    fn a_page_without_main_content_is_read_whole_except_its_menus() {
        let page = "<head><title>Not read</title><body><div id=menu><a href=/>Home</a> | <a href=/news>News</a></div>\
            <div role=navigation><p>Skip me.</p></div>\
            <h2>Title</h2><p>First line<br>second line.<br><br>A new paragraph.</p>\
            <pre>  kept   as\n  is</pre><td>Cell</td><footer>Site footer.</footer></body>";
        assert_eq!(
            article_text(page),
            "Title\n\nFirst line\nsecond line.\n\nA new paragraph.\n\nkept   as\n  is\n\nCell"
        );
    }

    #[test]
    fn unclosed_and_stray_tags_do_not_lose_the_rest() {
        // A stray </nav> closes nothing; an unclosed <a> ends with its div.
        let page = "<article></nav><div><a href=/>Link <b>text</div><p>Body text here.</article>\
            <p>After the article.";
        assert_eq!(article_text(page), "Body text here.");
        // A hidden input has no content to hide; a hidden paragraph ends
        // where the next block starts.
        let page =
            "<p>Before.<input type=hidden name=x hidden>After.<p hidden>Gone.<div>Kept.</div>";
        assert_eq!(article_text(page), "Before.After.\n\nKept.");
        // Nesting past the bound: elements deeper down have no effect of
        // their own, but a script's text is still not read.
        let deep = format!(
            "{}<script>var x;</script>Deep.{}",
            "<div>".repeat(600),
            "</b>".repeat(600)
        );
        assert_eq!(article_text(&deep), "Deep.");
        assert_eq!(article_text("plain text, no tags"), "plain text, no tags");
        assert_eq!(article_text(""), "");
        let app = b"<body><div id=root></div><script>render()</script></body>";
        assert!(body_text(app, None)
            .unwrap_err()
            .contains("no article text"));
    }

    #[test]
    fn the_declared_charset_decodes_the_page() {
        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" \
            content=\"text/html; charset=Windows-1251\"></head><body><p>"
            .to_vec();
        page.extend([0xCC, 0xE8, 0xF0]); // Мир
        page.extend(b"</p></body></html>");
        assert_eq!(body_text(&page, None).unwrap(), ("Мир".into(), false));
        let kz =
            b"<script>x = document.charset;</script><meta charset='rk1048'><p>\xAA\xFB\xEB</p>";
        assert_eq!(body_text(kz, None).unwrap().0, "Ғыл");
        let koi = b"<meta charset=koi8-r><p>\xED\xE9\xF2</p>";
        let err = body_text(koi, None).unwrap_err();
        assert!(err.contains("charset `koi8-r`") && err.contains("iconv -f koi8-r"));
    }

    #[test]
    fn an_undeclared_legacy_page_needs_the_encoding_named() {
        let page = b"<p>\n\xCC\xE8\xF0</p>";
        let err = body_text(page, None).unwrap_err();
        assert!(
            err.contains("line 2 (byte 4) is not UTF-8") && err.contains("--legacy-encoding"),
            "{err}"
        );
        assert_eq!(
            body_text(page, Some(Legacy::Cp1251)).unwrap(),
            ("Мир".into(), true)
        );
        let bom = b"\xEF\xBB\xBF<p>\xD0\x9C\xD0\xB8\xD1\x80</p>";
        assert_eq!(body_text(bom, None).unwrap().0, "Мир");
        let lying = b"<meta charset=utf-8><p>\xCC</p>";
        assert!(body_text(lying, None)
            .unwrap_err()
            .contains("declares UTF-8"));
    }
}
