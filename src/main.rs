fn main() -> std::process::ExitCode {
    // Exit quietly when the reader of stdout goes away (`sireach reach --json | head`), as
    // command-line tools do, instead of panicking in `println!`.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    sireach::cli::main()
}
