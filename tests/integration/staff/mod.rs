//! The staff workspace: staff members and their roles, what each role may
//! reach, tokens that carry a role.

mod cli;
mod roles;
