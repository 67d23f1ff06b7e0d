//! Each API area's guard, the one place a request's token and role are
//! checked: no valid token is 401, a role the area does not open is 403
//! `forbidden`. The same promise is written into the OpenAPI document.

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

use crate::access::Area;
use crate::web::auth::ApiCaller;
use crate::web::error::ApiError;
use crate::web::state::WebState;

/// `router`'s routes, each answering only callers whose role opens `area`.
pub(super) fn guarded(state: &WebState, area: Area, router: Router<WebState>) -> Router<WebState> {
    router.route_layer(middleware::from_fn_with_state((state.clone(), area), check))
}

async fn check(
    State((state, area)): State<(WebState, Area)>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let caller = ApiCaller::of(request.headers(), &state.app.store).await?;
    caller.may(area)?;
    request.extensions_mut().insert(caller);
    Ok(next.run(request).await)
}

/// `doc` with what the guard answers written into each operation: the bearer
/// token with the roles `area` needs, 401 and 403.
pub(super) fn documented(area: Area, mut doc: OpenApi) -> OpenApi {
    let roles: Vec<&str> = area.roles().into_iter().map(|r| r.as_str()).collect();
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            operation.security = Some(vec![SecurityRequirement::new("bearer", roles.clone())]);
            let note = format!("Roles: {}.", roles.join(", "));
            operation.description = Some(match operation.description.take() {
                Some(text) if !text.is_empty() => format!("{text}\n\n{note}"),
                _ => note,
            });
            let responses = &mut operation.responses.responses;
            responses.insert("401".into(), refusal("no token, or not a valid one").into());
            let forbidden = format!("the token's role is not {}", roles.join(" or "));
            responses.insert("403".into(), refusal(&forbidden).into());
        }
    }
    doc
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
}

fn refusal(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}
