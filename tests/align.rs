//! `shanyraq align` on the demo documents against their gold alignments.

mod common;

use std::fs;

use common::*;
use shanyraq::align::check_cover;
use shanyraq::align::gold::parse_beads;

/// (document, pair) of every gold file.
fn gold_files() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for f in fs::read_dir(corpus("demo-gold")).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        if let Some(stem) = name.strip_suffix(".gold") {
            let (doc, pair) = stem.rsplit_once('.').unwrap();
            let (src, tgt) = pair.split_once('-').unwrap();
            out.push((doc.to_string(), src.to_string(), tgt.to_string()));
        }
    }
    out.sort();
    assert_eq!(out.len(), 5);
    out
}

#[test]
fn gold_covers_the_reference_segmentation() {
    for (doc, src, tgt) in gold_files() {
        let gold_dir = corpus("demo-gold");
        let text = fs::read_to_string(gold_dir.join(format!("{doc}.{src}-{tgt}.gold"))).unwrap();
        let beads = parse_beads(&text).unwrap();
        let n = |lang: &str| {
            fs::read_to_string(gold_dir.join(format!("{doc}.{lang}.sents")))
                .unwrap()
                .lines()
                .count()
        };
        check_cover(&beads, n(&src), n(&tgt)).unwrap_or_else(|e| panic!("{doc} {src}-{tgt}: {e}"));
    }
}

#[test]
fn segmenter_reproduces_the_reference_segmentation() {
    for lang in ["kk", "ru", "en"] {
        for f in fs::read_dir(corpus("demo").join(lang)).unwrap() {
            let path = f.unwrap().path();
            let doc = path.file_stem().unwrap().to_str().unwrap().to_string();
            let o = shanyraq(&["segment", "--lang", lang, path.to_str().unwrap()]);
            assert_ok(&o);
            let ours: Vec<String> = stdout(&o)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            let gold = fs::read_to_string(corpus("demo-gold").join(format!("{doc}.{lang}.sents")))
                .unwrap();
            let gold: Vec<&str> = gold.lines().collect();
            assert_eq!(ours, gold, "{doc}.{lang}");
        }
    }
}

/// Strict F1 of `aligner` on each demo gold file, through the CLI.
fn demo_f1(aligner: &str) -> Vec<f64> {
    let mut strict = Vec::new();
    for (doc, src, tgt) in gold_files() {
        let gold_dir = corpus("demo-gold");
        let sents = |lang: &str| gold_dir.join(format!("{doc}.{lang}.sents"));
        let (s, t) = (sents(&src), sents(&tgt));
        let g = gold_dir.join(format!("{doc}.{src}-{tgt}.gold"));
        let base = [
            "align",
            "--presegmented",
            "--aligner",
            aligner,
            "--src-lang",
            &src,
            "--tgt-lang",
            &tgt,
            s.to_str().unwrap(),
            t.to_str().unwrap(),
        ];
        let o = shanyraq(&[&base[..], &["--gold", g.to_str().unwrap()]].concat());
        assert_ok(&o);
        let out = stdout(&o);
        let f1: f64 = out
            .lines()
            .next()
            .unwrap()
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        strict.push(f1);
        // The beads themselves cover both sides.
        let o = shanyraq(&base);
        let beads = parse_beads(&stdout(&o)).unwrap();
        let count = |p: &std::path::Path| fs::read_to_string(p).unwrap().lines().count();
        check_cover(&beads, count(&s), count(&t)).unwrap();
    }
    strict
}

#[test]
fn aligners_on_the_demo_gold() {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let length = demo_f1("length");
    let anchors = demo_f1("anchors");
    eprintln!("demo strict F1: length {length:?}, anchors {anchors:?}");
    // The demo is development data: the anchor aligner was checked on it,
    // so this guards against regressions rather than measuring accuracy
    // (benches/align_eval.rs does that).
    assert!(mean(&anchors) >= 0.9, "anchors {anchors:?}");
    assert!(
        mean(&anchors) > mean(&length),
        "anchors {anchors:?} vs length {length:?}"
    );
}

/// The demo opera item's Kazakh and English sentence files, and the
/// `align --presegmented` arguments for them.
fn opera_kk_en() -> (std::path::PathBuf, std::path::PathBuf, Vec<String>) {
    let g = corpus("demo-gold");
    let doc = "2026-03-20-astana-opera-us-tour";
    let (s, t) = (
        g.join(format!("{doc}.kk.sents")),
        g.join(format!("{doc}.en.sents")),
    );
    let args = [
        "align",
        "--presegmented",
        "--src-lang",
        "kk",
        "--tgt-lang",
        "en",
        s.to_str().unwrap(),
        t.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    (s, t, args)
}

#[test]
fn an_unavailable_encoder_falls_back_with_a_warning() {
    let (_, _, args) = opera_kk_en();
    let base: Vec<&str> = args.iter().map(String::as_str).collect();
    let plain = shanyraq(&base);
    let o = shanyraq(&[&base[..], &["--encoder", "/no/such/encoder"]].concat());
    assert_ok(&o);
    assert!(
        stderr(&o).contains("aligning without embeddings"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), stdout(&plain));
}

#[test]
fn the_e5_encoder_runs_in_the_aligner() {
    let dir = std::env::var_os("SHANYRAQ_E5_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target/e5-small"));
    let found = dir.join("model.safetensors").exists().then_some(());
    if require(
        found,
        "the e5-small fixture",
        "run scripts/make_e5_fixture.sh (scripts/setup.sh does)",
    )
    .is_none()
    {
        return;
    }
    let (s, t, args) = opera_kk_en();
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.extend(["--encoder", dir.to_str().unwrap()]);
    let count = |p: &std::path::Path| fs::read_to_string(p).unwrap().lines().count();
    // In int8 where the CPU allows it (the default), and in float32.
    for extra in [None, Some("--encoder-float32")] {
        let args: Vec<&str> = args.iter().copied().chain(extra).collect();
        let o = shanyraq(&args);
        assert_ok(&o);
        assert!(!stderr(&o).contains("without embeddings"), "{}", stderr(&o));
        let beads = parse_beads(&stdout(&o)).unwrap();
        check_cover(&beads, count(&s), count(&t)).unwrap();
    }
    let dir = dir.to_str().unwrap();
    let id = |float32| {
        let e = shanyraq::align::embed::load(dir, float32).unwrap().unwrap();
        let id = e.lock().unwrap().model_id().to_string();
        id
    };
    assert!(!id(true).ends_with("+int8"), "{}", id(true));
    // Int8 is one of the CPU's fast paths, which SHANYRAQ_CPU_FAST_PATHS=0
    // turns off (the whole suite then runs the code a GPU runs).
    #[cfg(target_arch = "x86_64")]
    if shanyraq_models::cpu_fast_paths_on() && std::arch::is_x86_feature_detected!("avx512vnni") {
        assert!(id(false).ends_with("+int8"), "{}", id(false));
    }
}

#[test]
fn kazakh_english_takes_the_built_in_dictionary() {
    // Apart from `сәуір` = April, only the dictionary (`елші` =
    // ambassador, `барлық` = all, `тауарлар` = goods) links these
    // sentences. Lengths alone pair them one to one as well, but without
    // evidence the aligner is unsure of it; the beads' scores (posterior
    // probabilities) tell whether the dictionary was used.
    let dir = tempfile::tempdir().unwrap();
    let (kk, en) = (dir.path().join("kk.txt"), dir.path().join("en.txt"));
    fs::write(
        &kk,
        "Елші келді.\nБарлық тауарлар сатылды.\nСәуірде жиналыс болады.\n",
    )
    .unwrap();
    fs::write(
        &en,
        "The ambassador arrived.\nAll goods were sold.\nThe meeting will be held in April.\n",
    )
    .unwrap();
    let (kk, en) = (kk.to_str().unwrap(), en.to_str().unwrap());
    // The beads without their scores, and the lowest score.
    let align = |src: &str, tgt: &str, s: &str, t: &str, extra: &[&str]| {
        let base = [
            "align",
            "--presegmented",
            "--scores",
            "--src-lang",
            src,
            "--tgt-lang",
            tgt,
            s,
            t,
        ];
        let o = shanyraq(&[&base[..], extra].concat());
        assert_ok(&o);
        let mut beads = String::new();
        let mut weakest = f64::INFINITY;
        for line in stdout(&o).lines() {
            let (bead, score) = line.rsplit_once(':').unwrap();
            beads.push_str(bead);
            beads.push('\n');
            weakest = weakest.min(score.parse().unwrap());
        }
        (beads, weakest)
    };
    let one_to_one = "[0]:[0]\n[1]:[1]\n[2]:[2]\n";
    let (beads, sure) = align("kk", "en", kk, en, &[]);
    assert_eq!(beads, one_to_one);
    assert!(sure > 0.9, "{sure}");
    // The other way round, the same list serves reversed.
    assert_eq!(align("en", "kk", en, kk, &[]), (beads, sure));
    let (beads, unsure) = align("kk", "en", kk, en, &["--no-builtin-dict"]);
    assert_eq!(beads, one_to_one);
    assert!(unsure < 0.7, "{unsure}");
    // A dictionary given replaces it.
    let empty = dir.path().join("empty.dic");
    fs::write(&empty, "").unwrap();
    let given = align("kk", "en", kk, en, &["--dict", empty.to_str().unwrap()]);
    assert_eq!(given, align("kk", "en", kk, en, &["--no-builtin-dict"]));
}

/// Two kk–ru document pairs in directories `kk/` and `ru/` under `dir`,
/// each three sentence pairs that numbers link one to one.
fn two_documents(dir: &std::path::Path) -> (String, String) {
    let (kk, ru) = (dir.join("kk"), dir.join("ru"));
    fs::create_dir_all(&kk).unwrap();
    fs::create_dir_all(&ru).unwrap();
    let pairs = [
        (
            "a",
            [
                (
                    "2019 жылы 15 мың адам келді.",
                    "В 2019 году приехали 15 тысяч человек.",
                ),
                (
                    "Бюджет 340 млрд теңге болды.",
                    "Бюджет составил 340 млрд тенге.",
                ),
                (
                    "Жоба 2024 жылы аяқталады.",
                    "Проект завершится в 2024 году.",
                ),
            ],
        ),
        (
            "b",
            [
                ("Мектепте 812 оқушы бар.", "В школе 812 учеников."),
                ("Ауылда 57 үй салынды.", "В селе построили 57 домов."),
                (
                    "Жол 96 шақырымға созылады.",
                    "Дорога протянется на 96 километров.",
                ),
            ],
        ),
    ];
    for (name, sentences) in pairs {
        let kk_text: String = sentences.iter().map(|p| format!("{}\n", p.0)).collect();
        let ru_text: String = sentences.iter().map(|p| format!("{}\n", p.1)).collect();
        fs::write(kk.join(name), kk_text).unwrap();
        fs::write(ru.join(name), ru_text).unwrap();
    }
    (
        kk.to_str().unwrap().to_string(),
        ru.to_str().unwrap().to_string(),
    )
}

#[test]
fn directories_align_as_one_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let (kk, ru) = two_documents(dir.path());
    let out = dir.path().join("out");
    let base = [
        "align",
        "--presegmented",
        "--src-lang",
        "kk",
        "--tgt-lang",
        "ru",
    ];
    let o = shanyraq(&[&base[..], &[&kk, &ru, "--out-dir", out.to_str().unwrap()]].concat());
    assert_ok(&o);
    // One file per document, named after it, every sentence covered.
    for name in ["a", "b"] {
        let text = fs::read_to_string(out.join(format!("{name}.align"))).unwrap();
        let beads = parse_beads(&text).unwrap();
        check_cover(&beads, 3, 3).unwrap();
        assert_eq!(text, "[0]:[0]\n[1]:[1]\n[2]:[2]\n", "{name}");
    }
    // Word's lock file beside a document that is open is no document.
    fs::write(dir.path().join("kk").join("~$a.docx"), b"\x0bowner").unwrap();
    let o = shanyraq(
        &[
            &base[..],
            &[
                &kk,
                &ru,
                "--format",
                "tsv",
                "--out-dir",
                out.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert_ok(&o);
    let tsv = fs::read_to_string(out.join("b.tsv")).unwrap();
    assert!(
        tsv.starts_with("Мектепте 812 оқушы бар.\tВ школе 812 учеников.\n"),
        "{tsv}"
    );

    // Gold files named as the documents are scored together, as vecalign's
    // score.py scores several files: `a` right, `b` with a 2-2 bead where
    // the aligner makes two 1-1 beads. Test beads 6, 4 of them in the gold
    // (P 4/6); gold beads 5, 4 of them found (R 4/5). Averaging the two
    // documents' scores instead would give P 2/3 but R 3/4.
    let gold = dir.path().join("gold");
    fs::create_dir_all(&gold).unwrap();
    fs::write(gold.join("a"), "[0]:[0]\n[1]:[1]\n[2]:[2]\n").unwrap();
    fs::write(gold.join("b"), "[0,1]:[0,1]\n[2]:[2]\n").unwrap();
    let o = shanyraq(&[&base[..], &[&kk, &ru, "--gold", gold.to_str().unwrap()]].concat());
    assert_ok(&o);
    assert!(
        stdout(&o).starts_with("strict\tP 0.6667\tR 0.8000\tF1 0.7273\n"),
        "{}",
        stdout(&o)
    );

    // A document without its namesake is named, and nothing is written.
    fs::write(dir.path().join("kk").join("c"), "Жалғыз сөйлем.\n").unwrap();
    let fresh = dir.path().join("fresh");
    let o = shanyraq(&[&base[..], &[&kk, &ru, "--out-dir", fresh.to_str().unwrap()]].concat());
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("kk/c") && err.contains("same name"), "{err}");
    assert!(!fresh.exists());
    // Without --out-dir or --gold there is nowhere to put the beads.
    fs::remove_file(dir.path().join("kk").join("c")).unwrap();
    let o = shanyraq(&[&base[..], &[&kk, &ru]].concat());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out-dir"));
}

#[test]
fn two_texts_that_do_not_translate_each_other_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, lines: Vec<String>| {
        let path = dir.path().join(name);
        fs::write(&path, lines.join("\n") + "\n").unwrap();
        path.to_str().unwrap().to_string()
    };
    let kk = write(
        "kk.txt",
        (0..10)
            .map(|i| format!("{} жылы {} жаңа мектеп салынды.", 2010 + i, 12 * i + 5))
            .collect(),
    );
    let ru = write(
        "ru.txt",
        (0..10)
            .map(|i| format!("В {} году построено {} новых школ.", 2010 + i, 12 * i + 5))
            .collect(),
    );
    let other = write(
        "other.txt",
        (0..10)
            .map(|i| {
                format!(
                    "Оркестр сыграл симфонию номер {} для {} слушателей.",
                    i + 1,
                    300 + 17 * i
                )
            })
            .collect(),
    );
    let align = |tgt: &str| {
        let args = [
            "align",
            "--presegmented",
            "--src-lang",
            "kk",
            "--tgt-lang",
            "ru",
            &kk,
            tgt,
        ];
        let o = shanyraq(&args);
        assert_ok(&o);
        // The beads are written all the same.
        assert!(!stdout(&o).is_empty());
        stderr(&o)
    };
    assert!(!align(&ru).contains("does not look like a translation"));
    let err = align(&other);
    assert!(
        err.contains("other.txt does not look like a translation of"),
        "{err}"
    );
}

#[test]
fn a_rerun_reads_sentence_embeddings_back_from_the_cache() {
    // The tiny sentence-transformers fixture as the encoder: the first
    // alignment encodes every sentence (and run of sentences), the second
    // reads them all back and gives the same beads.
    let dir = tempfile::tempdir().unwrap();
    let encoder = root().join("models/tests/fixtures/st-tiny");
    let cache = dir.path().join("cache");
    let doc = |lang: &str| {
        corpus("demo")
            .join(lang)
            .join("2026-03-20-astana-opera-us-tour.txt")
    };
    let (kk, ru) = (doc("kk"), doc("ru"));
    let align = || {
        let o = shanyraq(&[
            "-v",
            "align",
            "--src-lang",
            "kk",
            "--tgt-lang",
            "ru",
            kk.to_str().unwrap(),
            ru.to_str().unwrap(),
            "--encoder",
            encoder.to_str().unwrap(),
            "--cache-dir",
            cache.to_str().unwrap(),
        ]);
        assert_ok(&o);
        (stdout(&o), stderr(&o))
    };
    let (first, said) = align();
    assert!(said.contains("encoded, 0 read from the cache"), "{said}");
    assert!(!said.contains(" 0 encoded"), "{said}");
    assert!(cache.join("embeddings.bin").exists());
    let (second, said) = align();
    assert!(said.contains("sentence embeddings: 0 encoded"), "{said}");
    assert_eq!(first, second);
}
