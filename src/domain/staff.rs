//! Who works in willay, as stored and typed: roles and account names.

use std::fmt;
use std::str::FromStr;

/// What a staff member (or a token) is allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Everything, including staff, tokens and the audit log.
    Admin,
    /// Lists, subscribers, campaigns, messages and reach.
    Manager,
    /// The catalogue's messages and their previews; no subscriber data, no campaigns.
    Translator,
    /// Reach and campaign progress: aggregate numbers, never a name or an address.
    Analyst,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Translator, Role::Analyst];

    /// The role's name, as stored and typed (`admin`, `manager`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Translator => "translator",
            Role::Analyst => "analyst",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is none of willay's roles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role: use admin, manager, translator or analyst")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Self, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
            .ok_or_else(|| UnknownRole(text.to_owned()))
    }
}

impl TryFrom<String> for Role {
    type Error = UnknownRole;

    fn try_from(text: String) -> Result<Self, UnknownRole> {
        text.parse()
    }
}

/// The name of a staff member or a token: 1–100 characters, none of them
/// control characters (a name ends up in tables, pages and the audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountName(String);

/// A name that is empty, too long or has control characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a name must be 1–100 printable characters")]
pub struct BadName;

impl AccountName {
    /// `text` without surrounding white space, if it is a valid name.
    pub fn parse(text: &str) -> Result<Self, BadName> {
        let name = text.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(BadName);
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_are_printable_and_short() {
        let long = "n".repeat(101);
        for (text, expected) in [
            ("  rosa ", Ok("rosa")),
            ("Ana Quispe", Ok("Ana Quispe")),
            ("", Err(BadName)),
            ("   ", Err(BadName)),
            ("ana\nadmin", Err(BadName)),
            ("ana\u{0}", Err(BadName)),
            (long.as_str(), Err(BadName)),
        ] {
            let parsed = AccountName::parse(text);
            assert_eq!(
                parsed.as_ref().map(AccountName::as_str),
                expected.as_ref().map(|s| *s),
                "{text:?}"
            );
        }
    }

    #[test]
    fn role_names_parse_and_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!(" analyst ".parse::<Role>(), Ok(Role::Analyst));
        for wrong in ["", "Admin", "root", "manager,admin"] {
            assert_eq!(wrong.parse::<Role>(), Err(UnknownRole(wrong.into())));
        }
    }
}
