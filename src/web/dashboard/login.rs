//! Log-in with an API token into a server-side session, and log-out.

use askama::Template;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::{error_page, failed, forged, page};
use crate::store::{SessionOpener, now_millis};
use crate::web::auth::{self, FORM_COOKIE, SESSION_COOKIE, Staff};
use crate::web::state::WebState;

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    error: Option<&'a str>,
}

fn login_form(
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<&str>,
    secure: bool,
) -> Response {
    let (csrf, fresh) = auth::form_token(headers);
    let mut response = page(status, LoginPage { csrf: &csrf, error }.render());
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(FORM_COOKIE, &csrf, 3600, secure),
        );
    }
    response
}

/// `GET /login`.
pub(super) async fn login_page(State(state): State<WebState>, headers: HeaderMap) -> Response {
    login_form(&headers, StatusCode::OK, None, state.secure_cookies)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct LoginForm {
    csrf: String,
    token: String,
}

/// Whoever is at the log-in form is not signed in yet: a failure on our side
/// is logged in full and described to them only generically.
fn login_failed(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "dashboard log-in failed");
    error_page(
        None,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Log-in failed",
        "The log-in could not be completed because of a problem on the server; it has been logged. Please try again later.".into(),
    )
}

/// `POST /login`: a valid token opens a session (a cookie holding its id).
pub(super) async fn login(
    State(state): State<WebState>,
    headers: HeaderMap,
    form: Result<axum::Form<LoginForm>, FormRejection>,
) -> Response {
    // A body that is not a form cannot carry the anti-forgery value either.
    let Ok(axum::Form(form)) = form else {
        return forged(None);
    };
    if !auth::form_token_ok(&headers, &form.csrf) {
        return forged(None);
    }
    let store = &state.app.store;
    let token = match auth::authenticate(store, &form.token).await {
        Ok(Some(token)) => token,
        Ok(None) => {
            return login_form(
                &headers,
                StatusCode::UNAUTHORIZED,
                Some("That token is not valid (or was revoked)."),
                state.secure_cookies,
            );
        }
        Err(error) => return login_failed(error),
    };
    let session = auth::random_text();
    let now = now_millis();
    let ttl = state.config.session_ttl;
    if let Err(error) = store
        .create_session(
            &auth::digest(&session),
            SessionOpener::Token(token.id),
            &auth::random_text(),
            now,
            now + ttl.as_millis() as i64,
        )
        .await
    {
        return login_failed(error);
    }
    tracing::info!(token = %token.name, "dashboard log-in");
    let mut response = Redirect::to("/dashboard").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            SESSION_COOKIE,
            &session,
            ttl.as_secs() as i64,
            state.secure_cookies,
        ),
    );
    response
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct CsrfForm {
    csrf: String,
}

/// `POST /logout`: ends the session server-side.
pub(super) async fn logout(
    State(state): State<WebState>,
    staff: Staff,
    form: Result<axum::Form<CsrfForm>, FormRejection>,
) -> Response {
    let Ok(axum::Form(form)) = form else {
        return forged(Some(&staff));
    };
    if !staff.csrf_ok(&form.csrf) {
        return forged(Some(&staff));
    }
    if let Err(error) = state.app.store.delete_session(&staff.id_hash).await {
        return failed(&staff, error);
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies),
    );
    response
}
