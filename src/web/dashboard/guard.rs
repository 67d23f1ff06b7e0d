//! The dashboard's pages by area: a session first (else the log-in page),
//! then its role (else a 403 page), checked once per request here.

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};

use super::error_page;
use super::text::DashText;
use crate::access::Area;
use crate::web::auth::Staff;
use crate::web::state::WebState;

/// `router`'s pages, shown only to sessions whose role opens `area`.
pub(super) fn guarded(state: &WebState, area: Area, router: Router<WebState>) -> Router<WebState> {
    router.route_layer(middleware::from_fn_with_state((state.clone(), area), check))
}

async fn check(
    State((state, area)): State<(WebState, Area)>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let staff = match Staff::from_request_parts(&mut parts, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let role = staff.session.role;
    // The overview is everyone's first page; a translator's is the messages.
    if parts.uri.path() == "/dashboard" && !role.may(area) && role.may(Area::Messages) {
        return Redirect::to("/dashboard/messages").into_response();
    }
    if !role.may(area) {
        let t = DashText::for_staff(&state, &staff);
        let message = t.with("dash-forbidden", "role", t.role(staff.session.role));
        let status = StatusCode::FORBIDDEN;
        return error_page(&t, Some(&staff), status, "dash-forbidden-title", message);
    }
    parts.extensions.insert(staff);
    next.run(Request::from_parts(parts, body)).await
}
