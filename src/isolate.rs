//! Running third-party parsers on hostile input: a panic becomes an error
//! for that one file, and the panic hook stays quiet about it (the error
//! entry already says what happened).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is inside [`catch`]; the process panic hook
/// prints nothing then.
pub fn active() -> bool {
    ACTIVE.with(Cell::get)
}

/// A panic caught by [`catch`]: its message, which callers put into the
/// error entry of the file that caused it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Panic {
    pub message: String,
}

/// Runs `f`, turning a panic into `Err`.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Panic> {
    let was = ACTIVE.with(|a| a.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    ACTIVE.with(|a| a.set(was));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        Panic { message }
    })
}

/// Runs `f` on a thread with a 256 KiB stack, an eighth of a worker's: the
/// depth-bound tests of the recursive parsers feed nested input there,
/// where a missing bound aborts the test run instead of passing by luck.
#[cfg(test)]
pub fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn a test thread")
        .join()
        .expect("the test thread panicked")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error_and_the_flag_is_restored() {
        let r = super::catch(|| -> () { panic!("bad table at {}", 7) });
        assert_eq!(r.unwrap_err().to_string(), "bad table at 7");
        assert!(!super::active());
        assert_eq!(super::catch(|| 3), Ok(3));
    }
}
