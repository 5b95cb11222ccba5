//! Hub loading without a network: the standard cache layout under HF_HOME,
//! HF_HUB_OFFLINE, and an unreachable endpoint. One test, because it sets
//! process-wide environment variables.
#![cfg(feature = "hub")]

mod common;

use common::fixture;
use shanyraq_models::{Error, ModelSource};

#[test]
fn hub_sources_use_the_cache_and_fail_clearly() {
    let home = tempfile::tempdir().unwrap();
    let repo_dir = home.path().join("hub/models--shanyraq--marian-tiny");
    let snapshot = repo_dir.join("snapshots/0123456789abcdef0123456789abcdef01234567");
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo_dir.join("refs")).unwrap();
    std::fs::write(
        repo_dir.join("refs/main"),
        "0123456789abcdef0123456789abcdef01234567",
    )
    .unwrap();
    for e in std::fs::read_dir(fixture("marian-tiny")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), snapshot.join(e.file_name())).unwrap();
    }
    std::env::set_var("HF_HOME", home.path());
    std::env::remove_var("HF_HUB_CACHE");
    let cached = ModelSource::Hub {
        repo: "shanyraq/marian-tiny".into(),
        revision: None,
    };
    let missing = ModelSource::Hub {
        repo: "shanyraq/absent".into(),
        revision: None,
    };

    std::env::set_var("HF_HUB_OFFLINE", "1");
    let files = cached.resolve().unwrap();
    // The id names the commit `main` resolved to, not the moving branch.
    assert_eq!(
        files.id,
        "shanyraq/marian-tiny@0123456789abcdef0123456789abcdef01234567"
    );
    assert!(files.config.starts_with(&snapshot));
    // Known before loading too, from the cache's refs/main.
    assert_eq!(cached.pinned_id(), files.id);
    assert_eq!(missing.pinned_id(), "shanyraq/absent@main");
    let tagged = ModelSource::Hub {
        repo: "shanyraq/marian-tiny".into(),
        revision: Some("v1".into()),
    };
    assert_eq!(tagged.pinned_id(), "shanyraq/marian-tiny@v1");
    assert!(files.generation_config.is_some());
    assert!(files.tokenizer.source_spm.is_some());
    let err = missing.resolve().unwrap_err();
    assert!(
        matches!(&err, Error::Hub { reason, .. } if reason.contains("HF_HUB_OFFLINE")),
        "{err}"
    );

    // Online but unreachable: the cache still serves, an uncached repo fails
    // with an error that says the Hub is unreachable.
    std::env::remove_var("HF_HUB_OFFLINE");
    std::env::set_var("HF_ENDPOINT", "http://127.0.0.1:9");
    assert!(cached.resolve().is_ok());
    assert_eq!(cached.pinned_id(), files.id);
    let err = missing.resolve().unwrap_err();
    assert!(
        matches!(&err, Error::Hub { reason, .. } if reason.contains("unreachable")),
        "{err}"
    );
}
