fn main() -> std::process::ExitCode {
    sireach::cli::main()
}
