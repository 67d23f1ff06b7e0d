//! The names the catalogue, its renderer and its checks agree on: the
//! reference locale, and the variables every campaign message is given.

/// The locale every other locale falls back to, and the one translators follow.
pub const REFERENCE_LOCALE: &str = "es";

/// The person's name (may be empty), given to every part of every campaign message.
pub const NAME_VARIABLE: &str = "name";

/// `yes` or `no`: whether [`NAME_VARIABLE`] is not empty, for greetings' selectors.
pub const HAS_NAME_VARIABLE: &str = "has-name";

/// Every variable the renderer gives every part (text, `.subject`,
/// `.preheader`) of every campaign message. `locales check` accepts these in
/// any campaign message, whatever the reference uses, and no others.
pub const PERSON_VARIABLES: [&str; 2] = [NAME_VARIABLE, HAS_NAME_VARIABLE];
