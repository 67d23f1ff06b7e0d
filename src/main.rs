use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("WILLAY_LOG")
                .unwrap_or_else(|_| EnvFilter::new("willay=info,warn")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for people: not in log files or CI output.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = willay::cli::Cli::parse();
    let result = match cli.runtime() {
        Ok(runtime) => runtime.block_on(cli.run()),
        Err(error) => Err(anyhow::Error::new(error).context("cannot start the async runtime")),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", describe(&error));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each cause once: many errors already
/// quote their source in their own message.
fn describe(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}
