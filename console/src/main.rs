use std::process::ExitCode;

fn main() -> ExitCode {
    console::main()
}
