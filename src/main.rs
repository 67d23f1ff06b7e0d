use std::io::{IsTerminal, Write};

use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let cli = match willay::cli::Cli::parse_layered(std::env::args_os()) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let filter = EnvFilter::try_new(cli.log_filter()).unwrap_or_else(|error| {
        let _ = writeln!(
            std::io::stderr(),
            "willay: WARNING: the log filter `{}` does not parse ({error}); logging warnings only",
            cli.log_filter()
        );
        EnvFilter::new("warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LogWriter)
        // A failed write must not be reported on the stderr that just failed.
        .log_internal_errors(false)
        // Colour codes only for people: not in log files or CI output.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    for warning in cli.config_warnings() {
        let _ = writeln!(std::io::stderr(), "willay: WARNING: {warning}");
    }
    let result = match cli.runtime() {
        Ok(runtime) => runtime.block_on(cli.run()),
        Err(error) => Err(anyhow::Error::new(error).context("cannot start the async runtime")),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // `eprintln!` panics on a closed stderr; the exit code still tells.
            let _ = writeln!(std::io::stderr(), "error: {}", describe(&error));
            std::process::ExitCode::FAILURE
        }
    }
}

/// stderr for log lines: when it is a closed pipe (`willay worker 2>&1 | head`)
/// or a full disk, the line is lost, never the process and its claimed rows.
struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Above the progress bars, when a terminal shows some, not through them.
        let _ = willay::cli::above_bars(|| std::io::stderr().write_all(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
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
