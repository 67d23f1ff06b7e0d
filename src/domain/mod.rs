//! Domain types: values that can only be built valid.

mod audit;
mod email;
mod language;
mod list_name;
mod person;
mod staff;
mod status;

pub use audit::{
    Actor, ActorKind, AuditAction, AuditEntry, Detail, Subject, SubjectKind, UnknownAuditWord,
};
pub use email::{EmailAddress, EmailError};
pub use language::LanguageTag;
pub use list_name::{ListName, ListNameError};
pub use person::{PersonName, ProfileError, Region};
pub use staff::{AccountName, BadName, Role, UnknownRole};
pub use status::{CampaignStatus, DeliveryState, StatusError, SubscriberStatus};
