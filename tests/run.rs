//! `shanyraq run`: the invariant that no sentence is lost, gaps, the
//! summary, and bad input.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

fn run_jsonl(corpus: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "run",
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--no-fill",
    ];
    args.extend_from_slice(extra);
    shanyraq(&args)
}

fn rows(path: &Path) -> Vec<Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The number of sentences our segmenter finds in a file.
fn sentence_count(path: &Path, lang: &str) -> usize {
    let o = shanyraq(&["segment", "--lang", lang, path.to_str().unwrap()]);
    assert_ok(&o);
    stdout(&o).lines().filter(|l| !l.is_empty()).count()
}

#[test]
fn every_sentence_lands_in_exactly_one_row_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo.jsonl");
    let demo = corpus("demo");
    let o = run_jsonl(&demo, &out, &[]);
    assert_ok(&o);
    let rows = rows(&out);
    let mut docs: Vec<String> = rows
        .iter()
        .map(|r| r["doc"].as_str().unwrap().to_string())
        .collect();
    docs.dedup();
    assert_eq!(docs.len(), 3, "rows are grouped by document");
    for doc in &docs {
        for lang in ["kk", "ru", "en"] {
            let file = demo.join(lang).join(format!("{doc}.txt"));
            let mut next = 0;
            for r in rows.iter().filter(|r| r["doc"] == doc.as_str()) {
                let cell = &r[lang];
                if cell.is_null() {
                    continue;
                }
                let s = cell["sentences"].as_array().unwrap();
                assert_eq!(s[0].as_u64().unwrap() as usize, next, "{doc} {lang}");
                next = s[1].as_u64().unwrap() as usize;
            }
            let expected = if file.exists() {
                sentence_count(&file, lang)
            } else {
                0
            };
            assert_eq!(next, expected, "{doc} {lang}: all sentences present");
        }
    }
    // The flood notice has no English version: every row has an English gap.
    let flood: Vec<&Value> = rows
        .iter()
        .filter(|r| r["doc"] == "2026-03-12-flood-preparedness")
        .collect();
    assert!(!flood.is_empty() && flood.iter().all(|r| r["en"].is_null()));
    let summary = stderr(&o);
    assert!(
        summary.contains("documents: 3 (kk 3, ru 3, en 2)"),
        "{summary}"
    );
    assert!(summary.contains("gaps: "), "{summary}");
}

#[test]
fn flat_layout_equals_nested_layout() {
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("flat");
    fs::create_dir(&flat).unwrap();
    for lang in ["kk", "ru", "en"] {
        for f in fs::read_dir(corpus("demo").join(lang)).unwrap() {
            let f = f.unwrap().path();
            let stem = f.file_stem().unwrap().to_str().unwrap();
            fs::copy(&f, flat.join(format!("{stem}.{lang}.txt"))).unwrap();
        }
    }
    let (a, b) = (dir.path().join("a.tsv"), dir.path().join("b.tsv"));
    assert_ok(&run_jsonl(&corpus("demo"), &a, &[]));
    assert_ok(&run_jsonl(&flat, &b, &[]));
    assert_eq!(fs::read(a).unwrap(), fs::read(b).unwrap());
}

#[test]
fn a_paragraph_a_line_reads_like_blank_line_paragraphs() {
    // The founding press release came with a headline line and then one
    // paragraph a line, no blank lines: the headline, which has no full
    // stop, must stay a row of its own rather than join the first sentence.
    let dir = tempfile::tempdir().unwrap();
    let packed = dir.path().join("packed");
    for lang in ["kk", "ru", "en"] {
        fs::create_dir_all(packed.join(lang)).unwrap();
        for f in fs::read_dir(corpus("demo").join(lang)).unwrap() {
            let f = f.unwrap().path();
            let text = fs::read_to_string(&f).unwrap();
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            assert!(
                lines.len() > 3,
                "{}: a paragraph a line already",
                f.display()
            );
            let name = f.file_name().unwrap();
            fs::write(packed.join(lang).join(name), lines.join("\n") + "\n").unwrap();
        }
    }
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    assert_ok(&run_jsonl(&corpus("demo"), &a, &[]));
    assert_ok(&run_jsonl(&packed, &b, &[]));
    let cells = |p: &Path| -> Vec<[Value; 3]> {
        rows(p)
            .into_iter()
            .map(|r| ["kk", "ru", "en"].map(|l| r[l]["text"].clone()))
            .collect()
    };
    assert_eq!(cells(&a), cells(&b));
}

#[test]
fn office_documents_give_the_rows_of_their_text() {
    // corpora/demo-docx and demo-odt are the demo corpus written by
    // python-docx and odfpy, demo-doc and demo-rtf the Word files saved as
    // Word 97–2003 and RTF by LibreOffice (scripts/make_office_fixtures.py):
    // runs cut inside words, headings. demo-html is the demo as a press
    // office's web pages (scripts/make_html_fixtures.py): menus, related
    // news, share links, footers, scripts to leave out; Windows-1251 and
    // UTF-8; hard-wrapped source, character references. demo-pdf is the
    // Word files printed to PDF by LibreOffice (scripts/make_pdf_fixtures.py):
    // lines to join back into paragraphs.
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    assert_ok(&run_jsonl(&corpus("demo"), &a, &[]));
    let formats = [
        "demo-doc",
        "demo-docx",
        "demo-odt",
        "demo-rtf",
        "demo-html",
        "demo-pdf",
    ];
    for office in formats {
        let b = dir.path().join(format!("{office}.jsonl"));
        assert_ok(&run_jsonl(&corpus(office), &b, &[]));
        assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap(), "{office}");
    }
}

/// Breaks the Russian flood document of `fixture` with `damage`, then
/// checks that a run stops naming it with every one of `said`, writes
/// nothing, and with `--skip-invalid` completes without that version.
fn a_broken_version_is_named_and_can_be_skipped(
    fixture: &str,
    ext: &str,
    damage: impl FnOnce(&std::path::Path),
    said: &[&str],
) {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    copy_dir(&corpus(fixture), &c);
    damage(&c.join(format!("ru/2026-03-12-flood-preparedness.{ext}")));
    let out = dir.path().join("out.jsonl");
    let o = run_jsonl(&c, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for what in said {
        assert!(err.contains(what), "{what}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists());
    assert_ok(&run_jsonl(&c, &out, &["--skip-invalid"]));
    let ru_rows = rows(&out)
        .into_iter()
        .filter(|r| r["doc"] == "2026-03-12-flood-preparedness" && !r["ru"].is_null())
        .count();
    assert_eq!(ru_rows, 0, "the broken version is left out");
}

/// Cuts a file to `1/parts` of its length, as a failed download does.
fn cut(parts: usize) -> impl FnOnce(&std::path::Path) {
    move |path| {
        let mut bytes = fs::read(path).unwrap();
        bytes.truncate(bytes.len() / parts);
        fs::write(path, bytes).unwrap();
    }
}

#[test]
fn a_broken_word_document_is_named_and_can_be_skipped() {
    a_broken_version_is_named_and_can_be_skipped(
        "demo-docx",
        "docx",
        cut(2),
        &[
            "2026-03-12-flood-preparedness.docx: cannot read it as an office document",
            "save it again (.docx or .odt)",
        ],
    );
}

#[test]
fn a_pdf_that_cannot_be_read_is_named_and_can_be_skipped() {
    a_broken_version_is_named_and_can_be_skipped(
        "demo-pdf",
        "pdf",
        cut(3),
        &["2026-03-12-flood-preparedness.pdf: cannot read the PDF: "],
    );
}

#[test]
fn a_web_page_that_cannot_be_read_is_named_and_can_be_skipped() {
    // A page in an encoding shanyraq does not read, as old Russian sites
    // served them.
    let koi8 = |path: &std::path::Path| {
        fs::write(path, b"<meta charset=koi8-r><p>\xed\xe9\xf2.</p>").unwrap()
    };
    a_broken_version_is_named_and_can_be_skipped(
        "demo-html",
        "html",
        koi8,
        &[
            "2026-03-12-flood-preparedness.html: cannot read the web page",
            "iconv -f koi8-r",
        ],
    );
}

#[test]
fn legacy_encoded_files_are_read_when_asked() {
    // The demo's Kazakh and Russian versions as an archive would hold them:
    // KZ-1048 and Windows-1251, converted by iconv (an independent encoder).
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    copy_dir(&corpus("demo"), &c);
    let mut converted = Vec::new();
    for (lang, enc) in [("kk", "RK1048"), ("ru", "CP1251")] {
        for f in fs::read_dir(c.join(lang)).unwrap() {
            let f = f.unwrap().path();
            let Some(bytes) = iconv_to(enc, &f) else {
                return;
            };
            fs::write(&f, bytes).unwrap();
            converted.push(f);
        }
    }
    let out = dir.path().join("out.jsonl");
    let o = run_jsonl(&c, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-f RK1048"), "{}", stderr(&o));
    // KZ-1048 is Windows-1251 wherever Russian text has letters, so one
    // encoding reads both.
    let o = run_jsonl(&c, &out, &["--legacy-encoding", "kz1048"]);
    assert_ok(&o);
    let err = stderr(&o);
    for f in &converted {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(
            err.lines()
                .any(|l| l.contains(name) && l.contains("not UTF-8; read as KZ-1048")),
            "{name}: {err}"
        );
    }
    let demo = dir.path().join("demo.jsonl");
    assert_ok(&run_jsonl(&corpus("demo"), &demo, &[]));
    assert_eq!(fs::read(&demo).unwrap(), fs::read(&out).unwrap());
}

#[test]
fn invalid_utf8_names_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    copy_dir(&corpus("demo"), &c);
    let bad = c.join("ru/2026-03-12-flood-preparedness.txt");
    let mut bytes = fs::read(&bad).unwrap();
    bytes.extend_from_slice(b"\n\xd0 broken\n");
    fs::write(&bad, bytes).unwrap();
    let out = dir.path().join("out.tmx");
    let o = run_jsonl(&c, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("2026-03-12-flood-preparedness.txt:")
            && err.contains("invalid UTF-8 at byte offset"),
        "{err}"
    );
    assert!(err.contains("--skip-invalid"), "{err}");
    assert!(!out.exists());
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
    // With --skip-invalid the run goes on and says what it left out.
    let o = run_jsonl(&c, &out, &["--skip-invalid"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("skipped:"), "{}", stderr(&o));
    assert!(out.exists());
}

#[test]
fn bad_corpus_and_output_paths_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_jsonl(&dir.path().join("missing"), &dir.path().join("o.tmx"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not found"), "{}", stderr(&o));

    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let o = run_jsonl(&empty, &dir.path().join("o.tmx"), &[]);
    assert!(stderr(&o).contains("no documents"), "{}", stderr(&o));

    let o = run_jsonl(&corpus("demo"), &dir.path().join("no/such/dir/o.tmx"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
}

#[test]
fn awkward_but_valid_input() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    for lang in ["kk", "ru", "en"] {
        fs::create_dir_all(c.join(lang)).unwrap();
    }
    // CRLF and a BOM.
    fs::write(
        c.join("kk/a.txt"),
        "\u{feff}Тақырып\r\n\r\nБірінші сөйлем. Екінші сөйлем.\r\n",
    )
    .unwrap();
    fs::write(
        c.join("ru/a.txt"),
        "Заголовок\r\n\r\nПервое предложение. Второе предложение.\r\n",
    )
    .unwrap();
    // An empty file, and a document in one language only.
    fs::write(c.join("en/a.txt"), "").unwrap();
    fs::write(c.join("kk/b.txt"), "Тек қазақша.\n").unwrap();
    // A 1 MB paragraph without a stop.
    let huge = "сөз ".repeat(250_000);
    fs::write(c.join("ru/huge.txt"), &huge).unwrap();
    let out = dir.path().join("o.jsonl");
    let o = run_jsonl(&c, &out, &[]);
    assert_ok(&o);
    let err = stderr(&o);
    assert!(err.contains("empty document"), "{err}");
    assert!(err.contains("exists in kk only"), "{err}");
    let rows = rows(&out);
    let a: Vec<&Value> = rows.iter().filter(|r| r["doc"] == "a").collect();
    assert_eq!(a[0]["kk"]["text"], "Тақырып", "BOM removed");
    assert!(a.iter().all(|r| r["en"].is_null()));
    let huge_rows: Vec<&Value> = rows.iter().filter(|r| r["doc"] == "huge").collect();
    assert_eq!(huge_rows.len(), 1);
    assert_eq!(
        huge_rows[0]["ru"]["text"].as_str().unwrap().len(),
        huge.trim_end().len()
    );
}

#[test]
fn a_dictionary_can_be_given_per_pair() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.jsonl");
    let dict = root().join("corpora/dictionaries/kk-en.kaznu.dic");
    let arg = format!("kk-en={}", dict.display());
    assert_ok(&run_jsonl(&corpus("demo"), &out, &["--dict", &arg]));
    let o = run_jsonl(&corpus("demo"), &out, &["--dict", "kk-en=/no/such.dic"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such.dic"), "{}", stderr(&o));
    let bad = dir.path().join("bad.dic");
    fs::write(&bad, "no separator here\n").unwrap();
    let o = run_jsonl(
        &corpus("demo"),
        &out,
        &["--dict", &format!("kk-en={}", bad.display())],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 1"), "{}", stderr(&o));
}

#[test]
fn kazakh_english_takes_the_built_in_dictionary_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str, extra: &[&str]| -> String {
        let path = dir.path().join(name);
        assert_ok(&run_jsonl(&corpus("demo"), &path, extra));
        fs::read_to_string(path).unwrap()
    };
    let shipped = root().join("corpora/dictionaries/kk-en.kaznu.dic");
    let given = format!("kk-en={}", shipped.display());
    let report = dir.path().join("r.json");
    let report_arg = report.to_str().unwrap();
    let dictionaries = || -> Value {
        let text = fs::read_to_string(&report).unwrap();
        serde_json::from_str::<Value>(&text).unwrap()["aligner"]["dictionaries"].clone()
    };
    let default = out("default.jsonl", &["--report", report_arg]);
    let kk_en = dictionaries()["kk-en"].as_str().unwrap().to_string();
    assert!(kk_en.starts_with("built-in"), "{kk_en}");
    // The built-in list is the shipped file.
    assert_eq!(
        default,
        out("given.jsonl", &["--dict", &given, "--report", report_arg])
    );
    assert_eq!(dictionaries()["kk-en"], shipped.display().to_string());
    let without = out("none.jsonl", &["--no-builtin-dict", "--report", report_arg]);
    assert_ne!(default, without);
    assert_eq!(dictionaries(), serde_json::json!({}));
}

#[test]
fn the_config_names_the_aligner_resources() {
    // `[align]` in shanyraq.toml: a dictionary relative to the file, and an
    // encoder; both used with --no-fill, and --encoder overrides the file.
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("corpora/dictionaries/kk-en.kaznu.dic"),
        dir.path().join("kk-en.dic"),
    )
    .unwrap();
    let config = dir.path().join("shanyraq.toml");
    fs::write(
        &config,
        "[align]\nencoder = \"/no/such/encoder\"\ndictionaries = { kk-en = \"kk-en.dic\" }\n",
    )
    .unwrap();
    let out = dir.path().join("o.jsonl");
    let cfg = config.to_str().unwrap();
    let o = run_jsonl(&corpus("demo"), &out, &["--config", cfg]);
    assert_ok(&o);
    assert!(
        stderr(&o).contains("/no/such/encoder"),
        "the configured encoder was tried: {}",
        stderr(&o)
    );
    let o = run_jsonl(
        &corpus("demo"),
        &out,
        &["--config", cfg, "--encoder", "none"],
    );
    assert_ok(&o);
    assert!(!stderr(&o).contains("/no/such/encoder"), "{}", stderr(&o));
    // A dictionary that is not there is named, with the config's directory.
    fs::remove_file(dir.path().join("kk-en.dic")).unwrap();
    let o = run_jsonl(
        &corpus("demo"),
        &out,
        &["--config", cfg, "--encoder", "none"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("kk-en.dic"), "{}", stderr(&o));
    fs::write(&config, "[align]\nencodr = \"e5-small\"\n").unwrap();
    let o = run_jsonl(&corpus("demo"), &out, &["--config", cfg]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("encodr"), "{}", stderr(&o));
}

#[test]
fn a_passage_kazakh_lacks_pairs_russian_with_english() {
    // The Kazakh version lacks the third paragraph, which the Russian and
    // English versions both have: its sentences must share rows with a
    // Kazakh gap, not stand alone with two gaps each.
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let versions = [
        (
            "kk",
            vec![
                "Үкімет 2019 жылы Атырау облысында 120 жаңа мектеп салды.",
                "Астанада 2020 жылы 45 аурухана ашылды. Оларда 3000 дәрігер жұмыс істейді.",
                "Ақтөбеде 2022 жылы 18 спорт кешені пайдалануға берілді.",
                "Барлық жобаларға 950 млрд теңге жұмсалды.",
            ],
        ),
        (
            "ru",
            vec![
                "Правительство в 2019 году построило 120 новых школ в Атырауской области.",
                "В Астане в 2020 году открыто 45 больниц. В них работают 3000 врачей.",
                "В 2021 году в Шымкенте построено 300 новых жилых домов для молодых семей. Жители получили 75 ключей 14 мая.",
                "В Актобе в 2022 году введены в эксплуатацию 18 спортивных комплексов.",
                "На все проекты потрачено 950 млрд тенге.",
            ],
        ),
        (
            "en",
            vec![
                "In 2019 the government built 120 new schools in Atyrau region.",
                "In Astana, 45 hospitals opened in 2020. They employ 3,000 doctors.",
                "In 2021, 300 new apartment buildings for young families were built in Shymkent. Residents received 75 keys on 14 May.",
                "In Aktobe, 18 sports complexes were commissioned in 2022.",
                "All projects cost 950 billion tenge.",
            ],
        ),
    ];
    for (lang, paragraphs) in &versions {
        fs::create_dir_all(corpus.join(lang)).unwrap();
        fs::write(
            corpus.join(lang).join("report.txt"),
            paragraphs.join("\n\n"),
        )
        .unwrap();
    }
    let out = dir.path().join("o.jsonl");
    assert_ok(&run_jsonl(&corpus, &out, &[]));
    let rows = rows(&out);
    let text = |r: &Value, lang: &str| r[lang]["text"].as_str().map(str::to_string);
    let paired: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r["kk"].is_null())
        .filter_map(|r| Some((text(r, "ru")?, text(r, "en")?)))
        .collect();
    assert_eq!(
        paired,
        vec![
            (
                "В 2021 году в Шымкенте построено 300 новых жилых домов для молодых семей."
                    .to_string(),
                "In 2021, 300 new apartment buildings for young families were built in Shymkent."
                    .to_string()
            ),
            (
                "Жители получили 75 ключей 14 мая.".to_string(),
                "Residents received 75 keys on 14 May.".to_string()
            ),
        ],
        "{rows:#?}"
    );
    let beads = rows
        .iter()
        .find(|r| r["kk"].is_null() && !r["ru"].is_null())
        .unwrap()["beads"]
        .clone();
    assert_eq!(beads[0]["pair"], "ru-en");
    assert_eq!(beads[0]["shape"], "1-1");
    // Every other row has its Kazakh sentence: nothing else was moved.
    assert_eq!(rows.iter().filter(|r| r["kk"].is_null()).count(), 2);
    assert_eq!(rows.len(), 7);
}

#[test]
fn a_version_of_another_document_is_reported() {
    // ru/b.txt holds another text than kk/b.txt (a file named after the
    // wrong document); ru/a.txt is the Russian of kk/a.txt.
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    let cities = [
        ("Атырау", "Атырау"),
        ("Ақтөбе", "Актобе"),
        ("Шымкент", "Шымкент"),
        ("Павлодар", "Павлодар"),
        ("Қостанай", "Костанай"),
        ("Орал", "Уральск"),
        ("Тараз", "Тараз"),
        ("Семей", "Семей"),
        ("Түркістан", "Туркестан"),
        ("Көкшетау", "Кокшетау"),
    ];
    let kk: Vec<String> = cities
        .iter()
        .enumerate()
        .map(|(i, (city, _))| {
            format!(
                "{} жылы {city} қаласында {} жаңа мектеп салынды.",
                2010 + i,
                12 * i + 5
            )
        })
        .collect();
    let ru: Vec<String> = cities
        .iter()
        .enumerate()
        .map(|(i, (_, city))| {
            format!(
                "В {} году в городе {city} построено {} новых школ.",
                2010 + i,
                12 * i + 5
            )
        })
        .collect();
    let other: Vec<String> = (0..10)
        .map(|i| {
            format!(
                "Оркестр сыграл симфонию номер {} для {} слушателей в зале «Классика».",
                i + 1,
                300 + 17 * i
            )
        })
        .collect();
    for (lang, doc, text) in [
        ("kk", "a", &kk),
        ("ru", "a", &ru),
        ("kk", "b", &kk),
        ("ru", "b", &other),
    ] {
        fs::create_dir_all(c.join(lang)).unwrap();
        fs::write(c.join(lang).join(format!("{doc}.txt")), text.join("\n\n")).unwrap();
    }
    let out = dir.path().join("o.jsonl");
    let report = dir.path().join("report.json");
    let o = run_jsonl(&c, &out, &["--report", report.to_str().unwrap()]);
    assert_ok(&o);
    let err = stderr(&o);
    let warned: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("does not look like a translation"))
        .collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(
        warned[0].contains("b.txt") && warned[0].contains("document `b`"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    let warnings = report["warnings"].as_array().unwrap();
    assert!(warnings
        .iter()
        .any(|w| w.as_str().unwrap().contains("document `b`")));
    // The rows are written all the same: nothing is lost.
    for lang in ["kk", "ru"] {
        let held: u64 = rows(&out)
            .iter()
            .filter(|r| r["doc"] == "b" && !r[lang].is_null())
            .map(|r| {
                let s = &r[lang]["sentences"];
                s[1].as_u64().unwrap() - s[0].as_u64().unwrap()
            })
            .sum();
        assert_eq!(held, 10, "{lang}");
    }
}

#[test]
fn a_rerun_reads_sentence_embeddings_back_from_the_cache() {
    // The tiny sentence-transformers fixture as the encoder: the first run
    // encodes every sentence, the second reads them all back and aligns
    // alike.
    let dir = tempfile::tempdir().unwrap();
    let encoder = root().join("models/tests/fixtures/st-tiny");
    let cache = dir.path().join("cache");
    let report = dir.path().join("r.json");
    let run = |name: &str| {
        let out = dir.path().join(name);
        let o = run_jsonl(
            &corpus("demo"),
            &out,
            &[
                "--encoder",
                encoder.to_str().unwrap(),
                "--cache-dir",
                cache.to_str().unwrap(),
                "--report",
                report.to_str().unwrap(),
            ],
        );
        assert_ok(&o);
        assert!(!stderr(&o).contains("without embeddings"), "{}", stderr(&o));
        let text = fs::read_to_string(&report).unwrap();
        let counts =
            serde_json::from_str::<Value>(&text).unwrap()["aligner"]["encoder_sentences"].clone();
        (fs::read(out).unwrap(), counts)
    };
    let (first, counts) = run("a.jsonl");
    let encoded = counts["encoded"].as_u64().unwrap();
    assert!(encoded > 50, "{counts}");
    assert_eq!(counts["from_cache"], 0);
    assert!(cache.join("embeddings.bin").exists());
    let (second, counts) = run("b.jsonl");
    assert_eq!(counts["encoded"], 0, "{counts}");
    assert_eq!(counts["from_cache"].as_u64(), Some(encoded));
    assert_eq!(first, second);
}
