//! Who may do what: the staff's roles and the areas of willay each one
//! opens, decided here and nowhere else (API routes, dashboard pages and the
//! OpenAPI document all ask [`Role::may`]).

pub mod password;
pub mod secret;
pub mod staff;

pub use crate::domain::{AccountName, BadName, Role, UnknownRole};

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

    /// Whether every area `other` opens, this role opens too: a staff member
    /// may hold tokens of the roles their own covers, and no other.
    pub fn covers(self, other: Role) -> bool {
        Area::ALL.into_iter().all(|a| !other.may(a) || self.may(a))
    }
}

impl Area {
    /// Every area.
    pub const ALL: [Area; 6] = [
        Area::Staff,
        Area::Audience,
        Area::Campaigns,
        Area::Progress,
        Area::Messages,
        Area::Metrics,
    ];

    /// The roles that open this area, most powerful first.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| r.may(self)).collect()
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
    fn a_role_covers_the_roles_whose_areas_it_opens() {
        use Role::*;
        for (role, covered) in [
            (Admin, "admin manager translator analyst"),
            (Manager, "manager translator analyst"),
            (Translator, "translator"),
            (Analyst, "analyst"),
        ] {
            let names: Vec<&str> = Role::ALL
                .into_iter()
                .filter(|other| role.covers(*other))
                .map(Role::as_str)
                .collect();
            assert_eq!(names.join(" "), covered, "{role}");
        }
    }
}
