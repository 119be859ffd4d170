//! The core's JSON forms of the lifecycle and access values, for a host that stores contact
//! states, histories and users as JSON (the same form the Rust API, the Python package and the
//! conformance corpus use: `snake_case` names, dates `YYYY-MM-DD`, times `YYYY-MM-DDTHH:MM:SS`).
//!
//! Conversion only: serde does the work, with the core's own types.

use cms_core::access::{OrganisationRecord, User};
use cms_core::lifecycle::{Action, ContactState, Event};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{guard, CmsError};

fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, CmsError> {
    guard(|| {
        serde_json::from_str(text).map_err(|e| CmsError::Argument {
            reason: format!("not {what} in JSON: {e}"),
        })
    })
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A contact state from its JSON form.
#[uniffi::export]
pub fn contact_state_from_json(text: String) -> Result<ContactState, CmsError> {
    from_json("a contact state", &text)
}

/// A contact state's JSON form.
#[uniffi::export]
pub fn contact_state_to_json(state: ContactState) -> String {
    to_json(&state)
}

/// An event from its JSON form.
#[uniffi::export]
pub fn event_from_json(text: String) -> Result<Event, CmsError> {
    from_json("an event", &text)
}

/// An event's JSON form.
#[uniffi::export]
pub fn event_to_json(event: Event) -> String {
    to_json(&event)
}

/// An action from its JSON form (`{"action": "resolve", "text": "..."}`).
#[uniffi::export]
pub fn action_from_json(text: String) -> Result<Action, CmsError> {
    from_json("an action", &text)
}

/// An action's JSON form.
#[uniffi::export]
pub fn action_to_json(action: Action) -> String {
    to_json(&action)
}

/// A user from its JSON form.
#[uniffi::export]
pub fn user_from_json(text: String) -> Result<User, CmsError> {
    from_json("a user", &text)
}

/// A user's JSON form.
#[uniffi::export]
pub fn user_to_json(user: User) -> String {
    to_json(&user)
}

/// An organisation record from its JSON form.
#[uniffi::export]
pub fn organisation_record_from_json(text: String) -> Result<OrganisationRecord, CmsError> {
    from_json("an organisation", &text)
}

/// An organisation record's JSON form.
#[uniffi::export]
pub fn organisation_record_to_json(organisation: OrganisationRecord) -> String {
    to_json(&organisation)
}
