//! `willay tokens …`: API tokens for the admin API and the dashboard.

use clap::Subcommand;
use tabled::Tabled;

use crate::access::Role;
use crate::app::{App, NoCatalogue};
use crate::domain::Actor;
use crate::store::Millis;
use crate::web::auth;

#[derive(Debug, Subcommand)]
pub(super) enum TokensCommand {
    /// Create a token; it is printed once and stored only as a hash.
    Create {
        /// A name saying whose it is, e.g. `ana-laptop` or `prometheus`.
        name: String,
        /// What it may do: admin, manager, translator or analyst (e.g.
        /// `analyst` for a Prometheus scraper).
        #[arg(long)]
        role: Role,
        /// The staff member it belongs to; it goes when they go, and their
        /// role must cover the token's.
        #[arg(long)]
        staff: Option<String>,
    },
    /// List tokens (names and dates, never the tokens).
    List,
    /// Revoke a token: it stops working at once, with its dashboard sessions.
    Revoke {
        /// The token's name.
        name: String,
    },
}

#[derive(Tabled)]
struct Row {
    name: String,
    role: Role,
    staff: String,
    created: String,
    #[tabled(rename = "last used")]
    last_used: String,
}

pub(super) fn time(ms: Option<Millis>) -> String {
    ms.and_then(chrono::DateTime::<chrono::Utc>::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%MZ").to_string())
        .unwrap_or_else(|| "never".into())
}

pub(super) async fn run(app: &App<NoCatalogue>, command: TokensCommand) -> anyhow::Result<()> {
    match command {
        TokensCommand::Create { name, role, staff } => {
            let token =
                auth::create_token(&app.store, &name, role, staff.as_deref(), &Actor::Cli).await?;
            note!(
                "created {role} token `{}`; it is shown only this once:",
                name.trim()
            );
            outln!("{token}")?;
        }
        TokensCommand::List => {
            let rows: Vec<Row> = app
                .store
                .api_tokens()
                .await?
                .into_iter()
                .map(|t| Row {
                    name: t.name,
                    role: t.role,
                    staff: t.staff.unwrap_or_else(|| "—".into()),
                    created: time(Some(t.created_at)),
                    last_used: time(t.last_used_at),
                })
                .collect();
            if rows.is_empty() {
                outln!("no tokens yet: create one with `willay tokens create NAME --role ROLE`")?;
            } else {
                outln!("{}", super::reach::table(rows))?;
            }
        }
        TokensCommand::Revoke { name } => {
            if app.store.revoke_api_token(&name, &Actor::Cli).await? {
                outln!("revoked token `{name}`")?;
            } else {
                anyhow::bail!("there is no token named `{name}` (see `willay tokens list`)");
            }
        }
    }
    Ok(())
}
