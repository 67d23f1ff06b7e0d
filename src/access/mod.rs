//! Who may do what: the staff's roles and the areas of willay each one
//! opens, decided here and nowhere else (API routes, dashboard pages and the
//! OpenAPI document all ask [`Role::may`]).

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

/// A part of willay that a route or page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    /// Staff accounts, API tokens and the audit log.
    Staff,
    /// Lists and subscribers: names and addresses.
    Audience,
    /// Creating and steering campaigns.
    Campaigns,
    /// Campaign progress and reach: aggregate numbers only.
    Progress,
    /// The catalogue's messages and previews.
    Messages,
    /// Prometheus metrics: aggregate counters and gauges.
    Metrics,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Translator, Role::Analyst];

    /// Whether this role opens `area`.
    pub const fn may(self, area: Area) -> bool {
        use Area as A;
        match self {
            Role::Admin => true,
            Role::Manager => !matches!(area, A::Staff),
            Role::Translator => matches!(area, A::Messages),
            Role::Analyst => matches!(area, A::Progress | A::Metrics),
        }
    }

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

impl Area {
    /// The roles that open this area, most powerful first.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| r.may(self)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of roles, area by area.
    #[test]
    fn each_role_opens_exactly_its_areas() {
        use Area as A;
        for (area, roles) in [
            (A::Staff, "admin"),
            (A::Audience, "admin manager"),
            (A::Campaigns, "admin manager"),
            (A::Progress, "admin manager analyst"),
            (A::Messages, "admin manager translator"),
            (A::Metrics, "admin manager analyst"),
        ] {
            let names: Vec<&str> = area.roles().into_iter().map(Role::as_str).collect();
            assert_eq!(names.join(" "), roles, "{area:?}");
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
