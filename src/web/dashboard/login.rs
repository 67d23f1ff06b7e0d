//! Log-in with a staff member's password or an API token into a
//! server-side session, and log-out.

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::form::SignedForm;
use super::text::DashText;
use super::{error_page, failed, forged, page};
use crate::access::staff;
use crate::store::{SessionOpener, now_millis};
use crate::web::auth::{self, FORM_COOKIE, SESSION_COOKIE, Staff};
use crate::web::state::WebState;

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage<'a> {
    t: &'a DashText<'a>,
    csrf: &'a str,
    error: Option<&'a str>,
}

/// The log-in form in `t`'s language, with `error` (a message id) above it.
fn login_form(
    state: &WebState,
    t: &DashText<'_>,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let (csrf, fresh) = auth::form_token(headers);
    let error = error.map(|id| t.get(id));
    let body = LoginPage {
        t,
        csrf: &csrf,
        error: error.as_deref(),
    }
    .render();
    let mut response = page(t, status, body);
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(FORM_COOKIE, &csrf, 3600, state.secure_cookies),
        );
    }
    response
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct LanguageQuery {
    lang: Option<String>,
}

/// `GET /login`, in `?lang=` or the browser's language.
pub(super) async fn login_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    query: Result<Query<LanguageQuery>, QueryRejection>,
) -> Response {
    let chosen = query.ok().and_then(|Query(q)| q.lang);
    let t = DashText::for_visitor(&state, chosen.as_deref(), &headers);
    login_form(&state, &t, &headers, StatusCode::OK, None)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct LoginForm {
    csrf: String,
    /// A staff member's name and password…
    name: String,
    password: String,
    /// …or an API token.
    token: String,
    /// The language the form was shown in.
    lang: String,
}

/// Whoever is at the log-in form is not signed in yet: a failure on our side
/// is logged in full and described to them only generically.
pub(super) fn login_failed(t: &DashText<'_>, error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "dashboard log-in failed");
    let message = t.get("dash-login-failed");
    let status = StatusCode::INTERNAL_SERVER_ERROR;
    error_page(t, None, status, "dash-login-failed-title", message)
}

/// `POST /login`: a valid token opens a session (a cookie holding its id).
pub(super) async fn login(
    State(state): State<WebState>,
    headers: HeaderMap,
    form: Result<axum::Form<LoginForm>, FormRejection>,
) -> Response {
    // A body that is not a form cannot carry the anti-forgery value either.
    let Ok(axum::Form(form)) = form else {
        return forged(&DashText::for_visitor(&state, None, &headers), None);
    };
    let t = DashText::for_visitor(&state, Some(&form.lang), &headers);
    if !auth::form_token_ok(&headers, &form.csrf) {
        return forged(&t, None);
    }
    let store = &state.app.store;
    let by_password = !form.name.trim().is_empty();
    let opener = if by_password {
        staff::log_in(store, &form.name, &form.password)
            .await
            .map(|id| id.map(SessionOpener::Staff))
    } else {
        auth::authenticate(store, &form.token)
            .await
            .map(|token| token.map(|t| SessionOpener::Token(t.id)))
    };
    let opener = match opener {
        Ok(Some(opener)) => opener,
        Ok(None) => {
            // The same words whether the name exists or not.
            let refusal = if by_password {
                "dash-login-refused-password"
            } else {
                "dash-login-refused-token"
            };
            tracing::info!(by_password, "dashboard log-in refused");
            // `staff::log_in` records a refused password itself, with the staff id.
            if !by_password && let Err(error) = auth::token_log_in_refused(store).await {
                return login_failed(&t, error);
            }
            let status = StatusCode::UNAUTHORIZED;
            return login_form(&state, &t, &headers, status, Some(refusal));
        }
        Err(error) => return login_failed(&t, error),
    };
    let session = auth::random_text();
    let now = now_millis();
    let ttl = state.config.session_ttl;
    if let Err(error) = store
        .create_session(
            &auth::digest(&session),
            opener,
            &auth::random_text(),
            now,
            now + ttl.as_millis() as i64,
        )
        .await
    {
        return login_failed(&t, error);
    }
    match opener {
        SessionOpener::Staff(id) => tracing::info!(staff_id = id, "dashboard log-in"),
        SessionOpener::Token(id) => tracing::info!(token_id = id, "dashboard log-in"),
    }
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

/// A form with nothing but its anti-forgery value.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct Empty {}

/// `POST /logout`: ends the session server-side.
pub(super) async fn logout(
    State(state): State<WebState>,
    staff: Staff,
    _: SignedForm<Empty>,
) -> Response {
    if let Err(error) = state
        .app
        .store
        .delete_session(&staff.id_hash, &staff.session.actor())
        .await
    {
        return failed(&state, &staff, error);
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies),
    );
    response
}
