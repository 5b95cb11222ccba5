//! `shanyraq segment` from the command line.

mod common;

use common::*;

#[test]
fn reads_stdin_and_separates_paragraphs() {
    let text = "Тақырып\n\nР.Василенко 15.03.2026 ж. сөз сөйледі. Ол т.б. мәселелерді айтты.\nЕкінші жол.\n";
    let o = shanyraq_stdin(&["segment", "--lang", "kk", "-"], text);
    assert_ok(&o);
    assert_eq!(
        stdout(&o),
        "Тақырып\n\nР.Василенко 15.03.2026 ж. сөз сөйледі.\nОл т.б. мәселелерді айтты.\nЕкінші жол.\n"
    );
}

#[test]
fn russian_and_english_rules_apply() {
    let o = shanyraq_stdin(
        &["segment", "--lang", "ru"],
        "Он прибыл в г. Астану, т.е. в столицу. Затем уехал.",
    );
    assert_eq!(
        stdout(&o),
        "Он прибыл в г. Астану, т.е. в столицу.\nЗатем уехал.\n"
    );
    let o = shanyraq_stdin(
        &["segment", "--lang", "en"],
        "Mr. A. B. Smith met U.S. officials, e.g. Dr. Lee. They agreed.",
    );
    assert_eq!(
        stdout(&o),
        "Mr. A. B. Smith met U.S. officials, e.g. Dr. Lee.\nThey agreed.\n"
    );
}

#[test]
fn unknown_language_lists_the_supported_ones() {
    let o = shanyraq_stdin(&["segment", "--lang", "xx"], "text");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("unsupported language code `xx`") && err.contains("kk, ru, en"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_on_stdin_is_reported_with_its_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.txt");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(b"ok\nbad \xff\n")
        .unwrap();
    let o = shanyraq(&["segment", "--lang", "en", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.txt:2: invalid UTF-8 at byte offset 7"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_word_document_segments_like_its_text() {
    let name = "2026-03-06-brussels-constitution";
    let docx = corpus("demo-docx").join(format!("kk/{name}.docx"));
    let txt = corpus("demo").join(format!("kk/{name}.txt"));
    let a = shanyraq(&["segment", "--lang", "kk", docx.to_str().unwrap()]);
    let b = shanyraq(&["segment", "--lang", "kk", txt.to_str().unwrap()]);
    assert_ok(&a);
    assert_eq!(stdout(&a), stdout(&b));
    // A text file named .docx is not read as text: the error says so.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.docx");
    std::fs::copy(&txt, &fake).unwrap();
    let o = shanyraq(&["segment", "--lang", "kk", fake.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("fake.docx: cannot read it as an office document: not a zip archive"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_legacy_encoded_file_segments_when_asked() {
    let txt = corpus("demo").join("kk/2026-03-06-brussels-constitution.txt");
    let Some(bytes) = iconv_to("RK1048", &txt) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let kz = dir.path().join("kz1048.txt");
    std::fs::write(&kz, bytes).unwrap();
    let want = shanyraq(&["segment", "--lang", "kk", txt.to_str().unwrap()]);
    let got = shanyraq(&[
        "segment",
        "--lang",
        "kk",
        "--legacy-encoding",
        "kz1048",
        kz.to_str().unwrap(),
    ]);
    assert_ok(&got);
    assert_eq!(stdout(&got), stdout(&want));
    assert!(
        stderr(&got).contains("kz1048.txt: not UTF-8; read as KZ-1048"),
        "{}",
        stderr(&got)
    );
}

#[test]
fn office_formats_agree_on_what_the_page_shows() {
    // One document (corpora/office-features/features.fodt) saved by
    // LibreOffice as .odt, .docx, .doc and .rtf: its footnote comes after
    // the body and its comment is left out, list items and table cells are
    // paragraphs, the line break stays inside its paragraph.
    let want = "Су тасқынына дайындық\n\nМинистрлік 15 наурызда хабарлады.\nШтабтар тәулік бойы жұмыс істейді.\n\nБірінші жол.\nЕкінші жол.\n\nСолтүстік өңір.\n\nШығыс өңір.\n\nӨзен\n\nДеңгей, см\n\nЕсіл\n\n412\n\nСоңғы «сөйлем».\n\nЕскерту мәтіні.\n";
    for ext in ["odt", "docx", "doc", "rtf"] {
        let path = corpus("office-features").join(format!("features.{ext}"));
        let o = shanyraq(&["segment", "--lang", "kk", path.to_str().unwrap()]);
        assert_ok(&o);
        assert_eq!(stdout(&o), want, "{ext}");
    }
    // Printed to PDF: the same sentences, the footnote last. Where a line
    // break inside a paragraph ends a sentence, the page cannot tell it
    // from the end of the paragraph.
    let o = shanyraq(&[
        "segment",
        "--lang",
        "kk",
        &fixture("office-features/features.pdf"),
    ]);
    assert_ok(&o);
    let sentences = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(sentences(&stdout(&o)), sentences(want));
}

#[test]
fn a_word_97_text_box_is_read_after_the_body() {
    // corpora/office-features/textbox.doc: LibreOffice's Word 97–2003 file
    // of textbox.fodt, a text box anchored in the second paragraph.
    let o = shanyraq(&[
        "segment",
        "--lang",
        "kk",
        &fixture("office-features/textbox.doc"),
    ]);
    assert_ok(&o);
    assert_eq!(
        stdout(&o),
        "Бірінші абзац.\n\nЕкінші абзац.\n\nСоңғы абзац.\n\nҚорапшадағы мәтін.\n"
    );
}

fn fixture(name: &str) -> String {
    corpus(name).to_str().unwrap().to_string()
}

#[test]
fn a_typeset_pdf_reads_as_its_text() {
    // corpora/pdf-layout/report.ru.pdf (scripts/make_pdf_fixtures.py): the
    // Russian demo as an A5 report with a running header, page numbers,
    // justified paragraphs marked only by a first-line indent, words
    // hyphenated at line ends, centred titles, a footnote, a bulleted item
    // and two columns. report.ru.expected is the text it was typeset from.
    let o = shanyraq(&[
        "segment",
        "--lang",
        "ru",
        &fixture("pdf-layout/report.ru.pdf"),
    ]);
    assert_ok(&o);
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("report.txt");
    std::fs::copy(corpus("pdf-layout/report.ru.expected"), &text).unwrap();
    let want = shanyraq(&["segment", "--lang", "ru", text.to_str().unwrap()]);
    assert_ok(&want);
    // The one word the page cannot tell: a compound broken at its own
    // hyphen, in a document that hyphenates words, written nowhere else.
    let want = stdout(&want).replace("мастер-классы", "мастерклассы");
    assert_eq!(stdout(&o), want);
}

#[test]
fn a_pdf_needing_a_password_is_one_clear_error() {
    // lopdf, the PDF library, logs its own warning about the password;
    // the user gets only shanyraq's error, which says what to do.
    use pdf_extract::content::{Content, Operation};
    use pdf_extract::{dictionary, Document, EncryptionState, EncryptionVersion, Object};
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let text = Content {
        operations: vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("Tj", vec![Object::string_literal("Secret.")]),
            Operation::new("ET", vec![]),
        ],
    };
    let text = doc.add_object(pdf_extract::Stream::new(
        dictionary! {},
        text.encode().unwrap(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => text,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    let tree = dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 };
    doc.objects.insert(pages, Object::Dictionary(tree));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let id = Object::string_literal("0123456789abcdef");
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "secret",
        key_length: 128,
        permissions: Default::default(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.pdf");
    doc.save(&path).unwrap();
    let o = shanyraq(&["segment", "--lang", "en", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("protected by a password"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
