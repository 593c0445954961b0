use std::process::ExitCode;

fn main() -> ExitCode {
    fixed_mmap_threshold();
    sovscan::cli::main()
}

/// Binaries are read in part into zeroed buffers of their file's size
/// (`fingerprint::part_buffer`), which costs only the pages the parts land
/// in when the block is mapped fresh from the kernel. glibc maps blocks of
/// 128 KiB and more, but raises that threshold to the size of every mapped
/// block freed (up to 32 MiB): after the first large binary, a buffer for
/// a 20 MB library came from the heap and `calloc` zeroed all of it
/// (`memset` was 8 % of a desktop scan, and the freed heap stayed
/// resident). A fixed threshold keeps large blocks mapped. Measured in
/// `docs/performance.md` ("Binaries read in part, buffers mapped").
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fixed_mmap_threshold() {
    // SAFETY: mallopt only sets an allocator parameter; it is called once,
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 10);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fixed_mmap_threshold() {}
