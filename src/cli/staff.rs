//! `willay staff …`: the people who work in willay, and their roles.

use clap::Subcommand;
use tabled::Tabled;

use crate::access::staff::{self, PasswordLink};
use crate::access::{AccountName, Role};
use crate::app::{App, NoCatalogue};
use crate::domain::Actor;

#[derive(Debug, Subcommand)]
pub(super) enum StaffCommand {
    /// Add a staff member; prints a one-time link for them to set a password.
    Add {
        /// The name they log in with, e.g. `rosa`.
        name: String,
        /// admin, manager, translator or analyst.
        #[arg(long)]
        role: Role,
    },
    /// List staff members (never their passwords).
    List,
    /// Remove a staff member, with their tokens and sessions.
    Remove {
        /// Their name.
        name: String,
    },
    /// Change a staff member's role; their tokens the new role does not
    /// cover are revoked, and their sessions end.
    SetRole {
        /// Their name.
        name: String,
        /// The new role.
        role: Role,
    },
    /// A new one-time link for a staff member to set (or reset) their password.
    PasswordLink {
        /// Their name.
        name: String,
    },
}

#[derive(Tabled)]
struct Row {
    name: String,
    role: Role,
    password: &'static str,
    tokens: i64,
    added: String,
}

pub(super) async fn run(app: &App<NoCatalogue>, command: StaffCommand) -> anyhow::Result<()> {
    let store = &app.store;
    let public_url = &app.settings.public_url;
    match command {
        StaffCommand::Add { name, role } => {
            let name = AccountName::parse(&name)?;
            let link = staff::add(store, public_url, &name, role, &Actor::Cli).await?;
            note!("added {role} `{name}`; send them this link to set their password:");
            print_link(&link)?;
        }
        StaffCommand::List => {
            let rows: Vec<Row> = store
                .staff()
                .await?
                .into_iter()
                .map(|m| Row {
                    name: m.name,
                    role: m.role,
                    password: if m.has_password { "set" } else { "not yet" },
                    tokens: m.tokens,
                    added: super::tokens::time(Some(m.created_at)),
                })
                .collect();
            if rows.is_empty() {
                outln!("no staff yet: add someone with `willay staff add NAME --role ROLE`")?;
            } else {
                outln!("{}", super::reach::table(rows))?;
            }
        }
        StaffCommand::Remove { name } => {
            if !store.remove_staff(&name, &Actor::Cli).await? {
                return Err(staff::StaffError::Unknown(name).into());
            }
            outln!("removed `{name}`, with their tokens and sessions")?;
        }
        StaffCommand::SetRole { name, role } => {
            let Some(revoked) = store.set_staff_role(&name, role, &Actor::Cli).await? else {
                return Err(staff::StaffError::Unknown(name).into());
            };
            outln!("`{name}` is now {role}")?;
            for token in revoked {
                outln!("revoked their token `{token}`: a {role} may not hold it")?;
            }
        }
        StaffCommand::PasswordLink { name } => {
            let link = staff::password_link(store, public_url, &name, &Actor::Cli).await?;
            note!("a new link for `{name}` to set their password:");
            print_link(&link)?;
        }
    }
    Ok(())
}

/// The link on stdout (so it can be piped into a message), its validity on stderr.
fn print_link(link: &PasswordLink) -> anyhow::Result<()> {
    outln!("{}", link.url)?;
    note!(
        "it works once, for {} hours; until it is used they cannot log in",
        link.ttl.as_secs() / 3600
    );
    Ok(())
}
