fn main() -> std::process::ExitCode {
    pingform::command::main()
}
