//! `willay locales …` (no database needed).

use std::path::Path;

use clap::{Args, Subcommand, ValueEnum};
use tabled::Tabled;

use crate::catalogue::check::{CheckReport, check};

#[derive(Debug, Subcommand)]
pub(super) enum LocalesCommand {
    /// Check every .ftl file: syntax, then each translation against the reference `es`
    /// (missing messages and attributes, variables, undefined terms, extra messages).
    Check(CheckArgs),
    /// Show each locale's completeness and review status.
    List,
}

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// Treat every warning (e.g. a message missing in a translation) as an error.
    #[arg(long)]
    strict: bool,
    /// `text`: one `file:line:column: error|warning: …` line each; `json`: one object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs a `locales` command on the catalogue folder `root`.
pub(super) fn run(root: &Path, command: Option<LocalesCommand>) -> anyhow::Result<()> {
    match command.unwrap_or(LocalesCommand::List) {
        LocalesCommand::Check(args) => run_check(root, &args),
        LocalesCommand::List => list(root),
    }
}

fn run_check(root: &Path, args: &CheckArgs) -> anyhow::Result<()> {
    let report = check(root, args.strict)?;
    match args.format {
        Format::Text => {
            for diagnostic in &report.diagnostics {
                outln!("{diagnostic}")?;
            }
            outln!("{}", report.summary())?;
        }
        Format::Json => outln!("{}", serde_json::to_string_pretty(&json(&report))?)?,
    }
    if report.has_errors() {
        anyhow::bail!(
            "the catalogue at {} has {} error(s)",
            root.display(),
            report.errors().count()
        );
    }
    Ok(())
}

fn json(report: &CheckReport) -> serde_json::Value {
    let errors: Vec<_> = report.errors().collect();
    let warnings: Vec<_> = report.warnings().collect();
    serde_json::json!({
        "root": report.root,
        "strict": report.strict,
        "error_count": errors.len(),
        "warning_count": warnings.len(),
        "errors": errors,
        "warnings": warnings,
        "locales": report.locales,
    })
}

#[derive(Tabled)]
struct LocaleRow {
    locale: String,
    files: usize,
    messages: String,
    missing: String,
    review: String,
}

fn list(root: &Path) -> anyhow::Result<()> {
    let report = check(root, false)?;
    let rows = report.locales.iter().map(|l| LocaleRow {
        locale: l.locale.clone(),
        files: l.files,
        messages: format!("{}/{}", l.translated, l.reference_messages),
        missing: if l.missing.is_empty() {
            "-".into()
        } else {
            l.missing.join(", ")
        },
        review: match l.pending_entries {
            0 => l.review.join(", "),
            n => format!("{} ({n} entries pending)", l.review.join(", ")),
        },
    });
    outln!("{}", super::reach::table(rows))?;
    let (errors, warnings) = (report.errors().count(), report.warnings().count());
    if errors + warnings > 0 {
        outln!("{errors} error(s), {warnings} warning(s): see `willay locales check` for where")?;
    }
    Ok(())
}
