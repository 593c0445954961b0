//! Progress on stderr: files walked, binaries fingerprinted, current stage.
//! Hidden when stderr is not a terminal (indicatif checks), with
//! `--no-progress` and with `--quiet`.

use crate::walk::Counters;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Progress {
    inner: Arc<Inner>,
    ticker: Mutex<Option<std::thread::JoinHandle<()>>>,
}

struct Inner {
    bar: ProgressBar,
    counters: Counters,
    stage: Mutex<String>,
    done: AtomicBool,
}

impl Progress {
    pub fn new(visible: bool) -> Self {
        let bar = if visible {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b
        } else {
            ProgressBar::hidden()
        };
        let inner = Arc::new(Inner {
            bar,
            counters: Counters::default(),
            stage: Mutex::new(String::new()),
            done: AtomicBool::new(false),
        });
        let ticker = if visible && !inner.bar.is_hidden() {
            let i = Arc::clone(&inner);
            Some(std::thread::spawn(move || {
                while !i.done.load(Relaxed) {
                    i.draw();
                    std::thread::sleep(Duration::from_millis(120));
                }
            }))
        } else {
            None
        };
        Self {
            inner,
            ticker: Mutex::new(ticker),
        }
    }

    pub fn hidden() -> Self {
        Self::new(false)
    }

    pub fn counters(&self) -> &Counters {
        &self.inner.counters
    }

    pub fn stage(&self, stage: impl Into<String>) {
        *self.inner.stage.lock().unwrap_or_else(|p| p.into_inner()) = stage.into();
    }

    pub fn finish(&self) {
        self.inner.done.store(true, Relaxed);
        if let Some(t) = self.ticker.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = t.join();
        }
        self.inner.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Inner {
    fn draw(&self) {
        let c = &self.counters;
        let stage = self.stage.lock().unwrap_or_else(|p| p.into_inner()).clone();
        self.bar.set_message(format!(
            "{stage}: {} files, {} dirs, {} binaries fingerprinted",
            c.files.load(Relaxed),
            c.dirs.load(Relaxed),
            c.binaries.load(Relaxed)
        ));
        self.bar.tick();
    }
}
