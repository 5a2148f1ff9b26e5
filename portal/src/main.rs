use std::process::ExitCode;

fn main() -> ExitCode {
    portal::main()
}
