//! A staff member's own settings: the dashboard's language, stored with them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::form::SignedForm;
use super::text::DashText;
use super::{error_page, failed};
use crate::web::auth::Staff;
use crate::web::state::WebState;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct LanguageForm {
    lang: String,
}

/// `POST /dashboard/language`: the signed-in staff member's dashboard
/// language, kept for their next visits.
pub(super) async fn choose_language(
    State(state): State<WebState>,
    staff: Staff,
    SignedForm(form): SignedForm<LanguageForm>,
) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let Some(staff_id) = staff.session.staff_id else {
        // A token has no person to remember the choice for.
        let message = t.get("dash-language-token");
        return error_page(
            &t,
            Some(&staff),
            StatusCode::CONFLICT,
            "dash-conflict-title",
            message,
        );
    };
    let known = state.app.catalogue().locale_ids();
    let Some(locale) = known.iter().find(|l| l.to_string() == form.lang) else {
        let message = t.get("dash-refused-other");
        return error_page(
            &t,
            Some(&staff),
            StatusCode::UNPROCESSABLE_ENTITY,
            "dash-invalid-title",
            message,
        );
    };
    let locale = locale.to_string();
    if let Err(error) = state
        .app
        .store
        .set_staff_locale(staff_id, Some(&locale))
        .await
    {
        return failed(&state, &staff, error);
    }
    tracing::info!(staff_id, locale = %locale, "dashboard language chosen");
    // Pages send no Referer (their policy is no-referrer): back to the overview.
    Redirect::to("/dashboard").into_response()
}
