//! The error answer every route gives: a status and
//! `{"error": "...", "field": "..."}` (its own file, so the routes and the
//! limits in front of them both use it).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer: `{"error": "...", "field": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        message: impl Into<String>,
        field: Option<&str>,
    ) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            field: field.map(str::to_string),
        }
    }

    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message, Some(field))
    }

    pub(crate) fn conflict(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message, Some(field))
    }

    pub(crate) fn not_found(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message, Some(field))
    }

    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message, None)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            axum::Json(json!({"error": self.message, "field": self.field})),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sparesla\""),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // Over a limit: the server is busy, not broken.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
