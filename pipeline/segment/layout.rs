//! Which line breaks are paragraph breaks.
//!
//! A blank line always is. Files also come with one paragraph a line and no
//! blank lines at all (scraped news, the project's founding press release:
//! a headline line, then the body a paragraph a line), where the headline,
//! having no full stop, would join the first sentence if line breaks were
//! spaces. Hard-wrapped text looks different: its lines end wherever the
//! width ran out, only now and then at the end of a sentence. So a block of
//! lines between blank lines is read as a paragraph a line when most of its
//! lines end the way a paragraph ends.

use super::chars::{is_closer, is_stop};

/// Whether the lines of `block` (text without a blank line) are paragraphs
/// of their own: it has three lines or more, and more than half of the
/// lines before its last end with a stop, `:` or `;` (closing quotes and
/// brackets aside). Two lines are too few to judge by: the rules decide at
/// the line break, as in wrapped text.
pub(crate) fn lines_are_paragraphs(block: &str) -> bool {
    let mut lines = block.trim_end().lines().map(str::trim_end);
    // The last line ends with a stop whatever the layout.
    lines.next_back();
    let (mut ended, mut total) = (0, 0);
    for line in lines {
        total += 1;
        let last = line.trim_end_matches(is_closer).chars().next_back();
        if last.is_some_and(|c| is_stop(c) || c == ':' || c == ';') {
            ended += 1;
        }
    }
    total >= 2 && 2 * ended > total
}

/// The block that starts at `pos`: up to the first blank line after it.
pub(crate) fn block_at(text: &str, pos: usize) -> &str {
    let rest = &text[pos..];
    let mut end = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim().is_empty() {
            break;
        }
        end += line.len();
    }
    &rest[..end]
}

/// Whether the line starting at `pos` is blank (or there is none).
pub(crate) fn line_is_blank(text: &str, pos: usize) -> bool {
    let rest = &text[pos..];
    rest[..rest.find('\n').unwrap_or(rest.len())]
        .trim()
        .is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_a_line_is_told_from_wrapped_text() {
        let press = "Брюссельде жоба таныстырылды\nШараны Елші ашты.\nОл реформа туралы айтты.\nНәтижесі «жақсы».";
        assert!(lines_are_paragraphs(press));
        let wrapped = "The Ministry of Water Resources said on Monday that flood\nheadquarters in the north will work around the clock from\n15 March. The decision follows a report by Kazhydromet on\nsnow cover.";
        assert!(!lines_are_paragraphs(wrapped));
        // One or two lines: too few to judge by.
        assert!(!lines_are_paragraphs("Жалғыз жол."));
        assert!(!lines_are_paragraphs("Headline\nBody text."));
        assert!(!lines_are_paragraphs("One.\nTwo."));
        // Lines ending with a colon or a semicolon end like paragraphs.
        assert!(lines_are_paragraphs(
            "Министрлік хабарлады:\n1) бірінші;\n2) екінші."
        ));
    }

    #[test]
    fn blocks_end_at_blank_lines() {
        let text = "a\nb\n \nc";
        assert_eq!(block_at(text, 0), "a\nb\n");
        assert_eq!(block_at(text, 6), "c");
        assert!(line_is_blank(text, 4));
        assert!(!line_is_blank(text, 2));
        assert!(line_is_blank(text, text.len()));
    }
}
