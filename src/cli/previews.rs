//! `willay preview`: a message rendered for one language on the terminal, or
//! for every catalogue locale into files for reviewers, with a note whenever a
//! fallback language stands in for the one asked for.

use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use unic_langid::LanguageIdentifier;

use crate::app::App;
use crate::campaigns::SAMPLE_NAME;
use crate::domain::PersonName;

/// Render a message for a language.
#[derive(Debug, Args)]
pub(super) struct PreviewArgs {
    /// The catalogue message id (a message with a `.subject`).
    message: String,
    /// A subscriber language tag, e.g. `quz-PE`, `en-GB`, `es`.
    #[arg(long, default_value = crate::catalogue::REFERENCE_LOCALE)]
    locale: String,
    /// The name to greet (empty shows the form for people without a name); with
    /// --all-locales the default is a sample name.
    #[arg(long)]
    name: Option<String>,
    /// Print the HTML part instead of the text part.
    #[arg(long)]
    html: bool,
    /// Write every locale's complete `.eml` and its `.html` part into --out, as
    /// `<message>.<locale>.eml` and `.html`, for reviewers to open.
    #[arg(long, requires = "out", conflicts_with_all = ["locale", "html"])]
    all_locales: bool,
    /// The folder for --all-locales (created if missing).
    #[arg(long, requires = "all_locales")]
    out: Option<PathBuf>,
}

/// Runs `willay preview`.
pub(super) fn preview(app: &App, args: PreviewArgs) -> anyhow::Result<()> {
    // The same name a subscriber could have: folded to one line, capped.
    let name = args
        .name
        .as_deref()
        .map(PersonName::parse)
        .transpose()
        .context("--name")?;
    if let Some(out) = &args.out {
        return write_previews(app, &args.message, name.as_deref(), out);
    }
    let chain = app.chain(&args.locale);
    let email = app
        .preview(&args.message, &args.locale, name.as_deref().unwrap_or(""))
        .with_context(|| format!("cannot preview `{}`", args.message))?;
    let used = email.locale.to_string();
    if let Some(wanted) = chain.first()
        && *wanted != email.locale
    {
        note_fallback(
            app,
            &args.message,
            wanted,
            &format!("showing the `{used}` fallback"),
        );
    }
    outln!("Content-Language: {used}")?;
    outln!("Subject: {}", email.subject)?;
    outln!("Preheader: {}", email.preheader)?;
    outln!()?;
    outln!("{}", if args.html { &email.html } else { &email.text })?;
    Ok(())
}

/// Tells a reviewer why `message` is shown in a fallback rather than `wanted`:
/// the translation is missing, or `locales check` finds errors in it (listed).
fn note_fallback(app: &App, message: &str, wanted: &LanguageIdentifier, what: &str) {
    let problems = app.catalogue().problems(wanted, message);
    if problems.is_empty() {
        note!("note: `{message}` has no `{wanted}` translation; {what}");
    } else {
        note!("note: the `{wanted}` translation of `{message}` does not format; {what}");
        for problem in problems {
            note!("  {problem}");
        }
    }
}

/// Writes `<out>/<message>.<locale>.eml` and `.html` for every catalogue locale.
fn write_previews(app: &App, message: &str, name: Option<&str>, out: &Path) -> anyhow::Result<()> {
    let previews = app
        .preview_all_locales(message, name.unwrap_or(SAMPLE_NAME))
        .with_context(|| format!("cannot preview `{message}`"))?;
    // Previews carry a name and a signed link: for this user only.
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(out)
        .with_context(|| format!("cannot create {}", out.display()))?;
    for preview in previews {
        let parts = [
            ("eml", preview.eml.as_slice()),
            ("html", preview.email.html.as_bytes()),
        ];
        for (extension, bytes) in parts {
            let path = out.join(format!("{message}.{}.{extension}", preview.locale));
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&path)
                .and_then(|mut file| file.write_all(bytes))
                .with_context(|| format!("cannot write {}", path.display()))?;
            outln!("{}", path.display())?;
        }
        if preview.email.locale != preview.locale {
            let what = format!("its files show the `{}` fallback", preview.email.locale);
            note_fallback(app, message, &preview.locale, &what);
        }
    }
    Ok(())
}
