//! The board at `/`: one self-contained page (inline CSS, inline script,
//! inline SVG; no external tiles, scripts or fonts) under a strict
//! Content-Security-Policy that allows only its own inline code, by hash,
//! and requests to this server.

use crate::scenario::Scenario;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const STYLE: &str = include_str!("board.css");
const SCRIPT: &str = include_str!("board.js");

/// The page and its policy.
pub struct Page {
    html: String,
    policy: String,
}

impl Page {
    pub fn new(scenario: &Scenario) -> Page {
        let html = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>sparesla command centre: {name}</title><style>{STYLE}</style></head>\
             <body><header><h1>sparesla command centre <span class=\"scenario\">{name}</span></h1>\
             <div id=\"clock\">…</div><div id=\"summary\">loading…</div><div id=\"link\" class=\"down\">connecting</div></header>\
             <main><section class=\"map\"><h2>Map</h2><svg id=\"map\" viewBox=\"0 0 800 520\" role=\"img\" aria-label=\"map of depots, sites and engineers\"></svg>\
             <p class=\"legend\"><span class=\"k depot\"></span>depot <span class=\"k site\"></span>site with an open incident \
             <span class=\"k late\"></span>late or unassigned <span class=\"k eng\"></span>engineer</p></section>\
             <section class=\"list\"><h2>Open incidents</h2><table id=\"incidents\"><thead><tr><th>incident</th><th>site</th>\
             <th>part</th><th>state</th><th>engineer</th><th>arrive</th><th>deadline in</th><th>reason</th></tr></thead>\
             <tbody></tbody></table></section>\
             <section class=\"gantt\"><h2>Engineers' day</h2><svg id=\"gantt\" viewBox=\"0 0 1000 40\"></svg></section></main>\
             <script>{SCRIPT}</script></body></html>\n",
            name = escape(&scenario.name),
        );
        let policy = format!(
            "default-src 'none'; script-src '{}'; style-src '{}'; connect-src 'self'; img-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            hash(SCRIPT),
            hash(STYLE)
        );
        Page { html, policy }
    }

    pub fn response(&self) -> Response {
        let mut response = axum::response::Html(self.html.clone()).into_response();
        let headers = response.headers_mut();
        if let Ok(policy) = HeaderValue::from_str(&self.policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// `sha256-…` of an inline block, as CSP names it.
fn hash(text: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (k, b)| acc | (u32::from(*b) << (16 - 8 * k)));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The geography the board draws: depots and sites.
pub fn network(scenario: &Scenario) -> Value {
    json!({
        "depots": scenario.depots.iter().map(|d| json!({
            "id": d.id, "name": d.name, "lat": d.location.lat, "lon": d.location.lon,
        })).collect::<Vec<_>>(),
        "sites": scenario.sites.iter().map(|s| json!({
            "id": s.id, "customer": s.customer, "lat": s.location.lat, "lon": s.location.lon,
            "tier": scenario.tiers[s.tier.index()].id,
        })).collect::<Vec<_>>(),
    })
}

/// The OpenAPI description of the API.
pub fn openapi() -> Value {
    let error = json!({"$ref": "#/components/schemas/Error"});
    let incident = json!({"$ref": "#/components/schemas/Incident"});
    let answer = |code: &str, what: &str, schema: &Value| json!({code: {"description": what, "content": {"application/json": {"schema": schema}}}});
    let errors = |codes: &[(&str, &str)]| {
        let mut map = serde_json::Map::new();
        for (code, what) in codes {
            map.insert(
                code.to_string(),
                json!({"description": what, "content": {"application/json": {"schema": error}}}),
            );
        }
        Value::Object(map)
    };
    let merge = |a: Value, b: Value| {
        let mut a = a.as_object().cloned().unwrap_or_default();
        a.extend(b.as_object().cloned().unwrap_or_default());
        Value::Object(a)
    };
    let auth = [
        ("401", "missing or unknown token"),
        ("403", "a viewer token on a write"),
    ];
    let busy = (
        "503",
        "over a limit: the request time limit, or too many requests or event streams at once (see Retry-After)",
    );
    json!({
        "openapi": "3.0.3",
        "info": {"title": "sparesla command centre", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Live dispatch desk: tickets, engineer reports, re-planning. See docs/serve.md."},
        "security": [{"bearer": []}],
        "paths": {
            "/healthz": {"get": {"summary": "Liveness (no token)", "security": [],
                "responses": {"200": {"description": "serving"}}}},
            "/api/incidents": {
                "post": {"summary": "Open an incident; answers its assignment. The same id and body again is no duplicate (200); the same id with another body is 409.",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewIncident"}}}},
                    "responses": merge(merge(answer("201", "created and planned", &incident), answer("200", "a repeat of the same request", &incident)),
                        errors(&[("400", "not a JSON object"), ("409", "the id exists with another body"), ("413", "body too large"), ("422", "a field is missing or wrong (named in `field`)"), auth[0], auth[1], busy]))},
                "get": {"summary": "Incidents, optionally filtered",
                    "parameters": [{"name": "status", "in": "query", "schema": {"type": "string"},
                        "description": "a state (open, accepted, en_route, on_site, done, cancelled, resolved_remotely, active) or a plan status (on_time, late, unassigned)"}],
                    "responses": merge(json!({"200": {"description": "the incidents"}}), errors(&[("400", "unknown status"), auth[0], busy]))}
            },
            "/api/incidents/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"summary": "One incident with its events", "responses": merge(answer("200", "the incident", &incident), errors(&[("404", "no such incident"), auth[0], busy]))},
                "patch": {"summary": "Cancel, or mark resolved remotely (no dispatch)",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["state"],
                        "properties": {"state": {"type": "string", "enum": ["cancelled", "resolved_remotely"]}, "note": {"type": "string"}}}}}},
                    "responses": merge(answer("200", "closed and re-planned", &incident), errors(&[("404", "no such incident"), ("409", "already closed"), ("422", "bad field"), auth[0], auth[1], busy]))}
            },
            "/api/engineers": {"get": {"summary": "Engineers: place, availability, planned jobs", "responses": {"200": {"description": "the engineers"}}}},
            "/api/engineers/{id}/events": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "post": {"summary": "An engineer's report: accepted, en_route, on_site, done (with `incident`), unavailable (with `until`), location (with `site` or `depot`)",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EngineerEvent"}}}},
                    "responses": merge(json!({"200": {"description": "recorded and re-planned"}}),
                        errors(&[("404", "no such engineer or incident"), ("409", "the incident is planned for another engineer, closed, or the report goes backwards"), ("422", "bad field"), auth[0], auth[1], busy]))}
            },
            "/api/dispatch": {"get": {"summary": "Every open incident with engineer, status, deadline and reason",
                "responses": {"200": {"description": "{\"incidents\": [...]}", "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"now": {"type": "string"}, "version": {"type": "integer"}, "incidents": {"type": "array", "items": incident}}}}}}}}},
            "/api/network": {"get": {"summary": "Depots and sites (for the board's map)", "responses": {"200": {"description": "geography"}}}},
            "/api/events": {"get": {"summary": "Server-sent events: one `change` event per acknowledged write",
                "responses": merge(json!({"200": {"description": "text/event-stream"}}), errors(&[auth[0], busy]))}},
            "/": {"get": {"summary": "The board (HTML). `/?token=…` trades a token for a same-site cookie that authorises reads.",
                "responses": {"200": {"description": "the page"}, "303": {"description": "token taken, go to /"}}}}
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "string"}, "field": {"type": "string", "nullable": true}}},
                "NewIncident": {"type": "object", "required": ["id", "site", "part"], "additionalProperties": false,
                    "properties": {"id": {"type": "string"}, "site": {"type": "string"}, "part": {"type": "string"},
                        "opened": {"type": "string", "description": "RFC 3339, or a local time of the site; default now"},
                        "kind": {"type": "string", "enum": ["reactive", "proactive"]}}},
                "EngineerEvent": {"type": "object", "required": ["event"], "additionalProperties": false,
                    "properties": {"event": {"type": "string", "enum": ["accepted", "en_route", "on_site", "done", "unavailable", "location"]},
                        "incident": {"type": "string"}, "until": {"type": "string"}, "site": {"type": "string"}, "depot": {"type": "string"}, "note": {"type": "string"}}},
                "Incident": {"type": "object", "properties": {
                    "id": {"type": "string"}, "site": {"type": "string"}, "customer": {"type": "string"}, "part": {"type": "string"},
                    "opened": {"type": "string"}, "kind": {"type": "string"},
                    "state": {"type": "string", "enum": ["open", "accepted", "en_route", "on_site", "done", "cancelled", "resolved_remotely"]},
                    "engineer": {"type": "string", "nullable": true}, "source_depot": {"type": "string", "nullable": true},
                    "mode": {"type": "string", "enum": ["engineer_pickup", "courier"], "nullable": true},
                    "depart": {"type": "string", "nullable": true}, "arrive": {"type": "string", "nullable": true},
                    "finish": {"type": "string", "nullable": true}, "deadline": {"type": "string", "nullable": true},
                    "status": {"type": "string", "enum": ["on_time", "late", "unassigned"]},
                    "reason": {"type": "string", "nullable": true, "description": "why it is late or unassigned"},
                    "pinned": {"type": "boolean"}}}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
