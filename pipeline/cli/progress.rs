//! Progress on long work: a bar on a terminal, a log line every tenth of
//! the work otherwise (CI logs and redirected stderr), nothing with --quiet.

use std::io::{self, IsTerminal};

use indicatif::{ProgressBar, ProgressStyle};

/// Reports (done, total) progress of one stage.
pub struct Progress {
    bar: Option<ProgressBar>,
    label: &'static str,
    quiet: bool,
    last_tenth: usize,
}

impl Progress {
    /// A reporter for the stage `label`.
    pub fn new(label: &'static str, quiet: bool) -> Progress {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {elapsed}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.set_message(label);
            bar
        });
        Progress {
            bar,
            label,
            quiet,
            last_tenth: 0,
        }
    }

    /// Records that `done` of `total` items are finished.
    pub fn update(&mut self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            return;
        }
        let tenth = (done * 10).checked_div(total).unwrap_or(10);
        if !self.quiet && tenth > self.last_tenth {
            self.last_tenth = tenth;
            tracing::info!("{}: {done}/{total}", self.label);
        }
    }

    /// Removes the bar.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
