//! The `shanyraq` binary: parse arguments, run, map the outcome to an exit
//! code (0 success, 1 a quality gate failed, 2 an error). All logic lives in
//! the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    shanyraq::cli::main()
}
