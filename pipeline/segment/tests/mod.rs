//! Tests of the segmenter as a whole: table-driven cases per language,
//! FLORES-200 sentences, properties on random input, and input-size limits.

mod cases_en;
mod cases_kk;
mod cases_ru;
mod limits;
mod props;
mod shared_data;

use super::{segment_text, segmenter_for, Paragraph, RuleSegmenter};
use crate::lang::Lang;

/// One table-driven case: a paragraph and the sentences expected from it.
pub(super) type Case = (&'static str, &'static [&'static str]);

/// The sentences of `paragraph` as strings.
pub(super) fn sentences(lang: Lang, paragraph: &str) -> Vec<&str> {
    segmenter_for(lang)
        .split(paragraph)
        .into_iter()
        .map(|r| &paragraph[r])
        .collect()
}

/// Runs every case and reports all failures at once, with the decisions of
/// the rules, so a table can be fixed in one go.
pub(super) fn run_cases(lang: Lang, cases: &[Case]) {
    let mut failures = Vec::new();
    for (input, expected) in cases {
        let got = sentences(lang, input);
        if got != *expected {
            let why: Vec<String> = RuleSegmenter::new(lang)
                .explain(input)
                .iter()
                .map(|d| format!("{}@{}={}", d.rule, d.at, d.split))
                .collect();
            failures.push(format!(
                "[{lang}] {input:?}\n  expected {expected:?}\n  got      {got:?}\n  rules    {why:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn enough_cases_per_language() {
    let counts = [
        cases_kk::CASES.len(),
        cases_ru::CASES.len(),
        cases_en::CASES.len(),
    ];
    assert!(counts.iter().all(|&n| n >= 15), "{counts:?}");
    assert!(counts.iter().sum::<usize>() >= 60, "{counts:?}");
}

#[test]
fn segment_text_gives_offsets_in_the_whole_text() {
    let text = "Тақырып\n\n  Бірінші сөйлем. Екінші\r\nсөйлем.\r\n \t\r\n- тізім\n- соңы\n";
    let got = segment_text(text, Lang::Kk);
    let show: Vec<(&str, Vec<&str>)> = got
        .iter()
        .map(|p| {
            let sentences = p.sentences.iter().map(|s| &text[s.clone()]).collect();
            (&text[p.range.clone()], sentences)
        })
        .collect();
    assert_eq!(
        show,
        vec![
            ("Тақырып", vec!["Тақырып"]),
            (
                "Бірінші сөйлем. Екінші\r\nсөйлем.",
                vec!["Бірінші сөйлем.", "Екінші\r\nсөйлем."]
            ),
            ("- тізім\n- соңы", vec!["- тізім", "- соңы"]),
        ]
    );
    // Ranges index the whole text.
    let title = 0..14;
    let expected = Paragraph {
        range: title.clone(),
        sentences: vec![title],
    };
    assert_eq!(got[0], expected);
    assert!(segment_text(" \n\r\n\t", Lang::En).is_empty());
    assert!(segment_text("", Lang::Ru).is_empty());
}

#[test]
fn generic_languages() {
    let cases: &[(Lang, &str, &[&str])] = &[
        (
            Lang::De,
            "Am 3. März 2026 fand die Sitzung statt. Sie dauerte z.B. drei Stunden. Dr. Weber kam.",
            &[
                "Am 3. März 2026 fand die Sitzung statt.",
                "Sie dauerte z.B. drei Stunden.",
                "Dr. Weber kam.",
            ],
        ),
        (
            Lang::Fr,
            "Mme Dupont est arrivée. Elle a dit : « Bonjour ! » Puis elle est partie.",
            &[
                "Mme Dupont est arrivée.",
                "Elle a dit : « Bonjour ! »",
                "Puis elle est partie.",
            ],
        ),
        (
            Lang::Is,
            "Hann kom t.d. í gær. Hún fór heim.",
            &["Hann kom t.d. í gær.", "Hún fór heim."],
        ),
    ];
    for &(lang, input, expected) in cases {
        assert_eq!(sentences(lang, input), expected, "{lang}");
    }
}

#[test]
fn explain_names_the_deciding_rules() {
    let decisions = RuleSegmenter::new(Lang::Ru).explain("Это т.е. пример. Всё.\n- пункт");
    let rules: Vec<(&str, bool)> = decisions.iter().map(|d| (d.rule, d.split)).collect();
    assert_eq!(
        rules,
        [
            ("continuation", false),
            ("default", true),
            // `- пункт` reads as a lowercase continuation, but the line
            // starts with a list marker: the layout splits anyway.
            ("continuation", false),
            (super::LINE_BREAK, true),
        ]
    );
}
