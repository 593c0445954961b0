use std::process::ExitCode;

fn main() -> ExitCode {
    fixed_mmap_threshold();
    sovscan::cli::main()
}

/// glibc's allocator tuned for a scan's pattern of allocations: buffers
/// of up to a few MiB made and freed per file, by two or more threads.
///
/// - Blocks of 4 MiB and more are mapped fresh from the kernel, so a
///   buffer a large binary is read into in part costs only the pages the
///   parts land in (`fingerprint::buffer`; smaller ones are reused per
///   thread). glibc's default raises this threshold to the size of every
///   mapped block freed (up to 32 MiB), after which such a buffer came
///   from the heap and `calloc` zeroed all of it.
/// - A fixed threshold also fixes the trim threshold at 128 KiB, and the
///   threads' heaps were trimmed and regrown with `madvise` and
///   `mprotect` calls that each stop the other cores to flush their TLBs;
///   the heap is trimmed only past 32 MiB free.
///
/// Measured in `docs/performance.md` ("Binaries read in part, buffers
/// reused").
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fixed_mmap_threshold() {
    // SAFETY: mallopt only sets an allocator parameter; it is called once,
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 32 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fixed_mmap_threshold() {}
