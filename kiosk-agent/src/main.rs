use std::process::ExitCode;

fn main() -> ExitCode {
    kiosk_agent::main()
}
