//! The static files (stylesheet, script, icon, manifest), served with a
//! fingerprint so a new version is fetched after an upgrade.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The fingerprint of the static files, computed once.
pub(crate) fn asset_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        // FNV-1a over both files: cheap, stable, and enough to tell versions apart.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in include_str!("../../static/app.css")
            .bytes()
            .chain(include_str!("../../static/app.js").bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    })
}

pub(super) async fn stylesheet() -> Response {
    static_file(
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    )
}

pub(super) async fn script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    )
}

pub(super) async fn icon() -> Response {
    static_file("image/svg+xml", include_str!("../../static/icon.svg"))
}

pub(super) async fn manifest(State(_): State<AppState>) -> Response {
    static_file(
        "application/manifest+json",
        include_str!("../../static/manifest.webmanifest"),
    )
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
