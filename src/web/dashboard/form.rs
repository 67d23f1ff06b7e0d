//! A dashboard form as posted by a signed-in staff member: parsed (repeated
//! keys, like ticked checkboxes, collect into a `Vec`) and carrying this
//! session's anti-forgery value, or the "form expired" page, checked once here.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::Response;
use serde::de::DeserializeOwned;

use super::forged;
use super::text::DashText;
use crate::web::auth::Staff;
use crate::web::state::WebState;

/// The form `T`, from a page of this session.
pub(super) struct SignedForm<T>(pub T);

/// The one field every dashboard form carries.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct AntiForgery {
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<WebState> for SignedForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let refused = || forged(&DashText::for_staff(state, &staff), Some(&staff));
        // A body that is not a form cannot carry the anti-forgery value either.
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| refused())?;
        let sent: AntiForgery = serde_html_form::from_bytes(&bytes).map_err(|_| refused())?;
        if !staff.csrf_ok(&sent.csrf) {
            return Err(refused());
        }
        serde_html_form::from_bytes(&bytes)
            .map(SignedForm)
            .map_err(|_| refused())
    }
}
