//! The OpenAPI document and the router describe the same routes.

use axum::http::Method;

use crate::helpers::TestApp;

/// Every API route the router serves, as `METHOD path`.
const ROUTES: &[&str] = &[
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/logout",
    "GET /api/v1/auth/me",
    "POST /api/v1/auth/password",
    "GET /api/v1/departments",
    "POST /api/v1/departments",
    "GET /api/v1/departments/{id}",
    "PATCH /api/v1/departments/{id}",
    "DELETE /api/v1/departments/{id}",
    "GET /api/v1/users",
    "POST /api/v1/users",
    "GET /api/v1/users/{id}",
    "PATCH /api/v1/users/{id}",
    "POST /api/v1/users/{id}/password",
    "GET /api/v1/roles",
    "POST /api/v1/roles",
    "GET /api/v1/roles/{id}",
    "PATCH /api/v1/roles/{id}",
    "DELETE /api/v1/roles/{id}",
    "GET /api/v1/customers",
    "POST /api/v1/customers",
    "GET /api/v1/customers/duplicates",
    "POST /api/v1/customers/release",
    "GET /api/v1/pools",
    "POST /api/v1/pools",
    "GET /api/v1/pools/recycling",
    "GET /api/v1/pools/{id}",
    "PATCH /api/v1/pools/{id}",
    "DELETE /api/v1/pools/{id}",
    "GET /api/v1/pools/{id}/customers",
    "POST /api/v1/pools/{id}/claim",
    "POST /api/v1/pools/{id}/assign",
    "POST /api/v1/pools/{id}/move",
    "GET /api/v1/customers/export",
    "GET /api/v1/customers/import/template",
    "POST /api/v1/customers/import",
    "POST /api/v1/customers/transfer",
    "GET /api/v1/customers/{id}",
    "PATCH /api/v1/customers/{id}",
    "DELETE /api/v1/customers/{id}",
    "POST /api/v1/customers/{id}/follow-ups",
    "GET /api/v1/customers/{id}/attachments",
    "POST /api/v1/customers/{id}/attachments",
    "GET /api/v1/attachments/{id}",
    "DELETE /api/v1/attachments/{id}",
    "POST /api/v1/customers/{id}/lock",
    "POST /api/v1/customers/{id}/unlock",
    "GET /api/v1/search",
    "POST /api/v1/customers/{id}/team",
    "DELETE /api/v1/customers/{id}/team",
    "GET /api/v1/leads",
    "POST /api/v1/leads",
    "POST /api/v1/leads/convert",
    "GET /api/v1/leads/{id}",
    "PUT /api/v1/leads/{id}",
    "DELETE /api/v1/leads/{id}",
    "POST /api/v1/leads/{id}/follow-ups",
    "POST /api/v1/leads/{id}/team",
    "DELETE /api/v1/leads/{id}/team",
    "GET /api/v1/leads/export",
    "POST /api/v1/leads/import",
    "POST /api/v1/leads/transfer",
    "GET /api/v1/leads/{id}/attachments",
    "POST /api/v1/leads/{id}/attachments",
    "GET /api/v1/settings/lead-field-mapping",
    "PUT /api/v1/settings/lead-field-mapping",
    "GET /api/v1/contacts/export",
    "POST /api/v1/contacts/import",
    "POST /api/v1/contacts/transfer",
    "POST /api/v1/contacts/{id}/follow-ups",
    "GET /api/v1/contacts/{id}/attachments",
    "POST /api/v1/contacts/{id}/attachments",
    "GET /api/v1/contacts",
    "POST /api/v1/contacts",
    "GET /api/v1/contacts/{id}",
    "PUT /api/v1/contacts/{id}",
    "DELETE /api/v1/contacts/{id}",
    "GET /api/v1/options",
    "POST /api/v1/options",
    "PATCH /api/v1/options/{id}",
    "GET /api/v1/fields",
    "GET /api/v1/follow-ups",
    "POST /api/v1/fields",
    "PATCH /api/v1/fields/{id}",
    "DELETE /api/v1/fields/{id}",
    "GET /api/v1/products",
    "POST /api/v1/products",
    "GET /api/v1/products/{id}",
    "PUT /api/v1/products/{id}",
    "DELETE /api/v1/products/{id}",
    "GET /api/v1/product-categories",
    "POST /api/v1/product-categories",
    "PUT /api/v1/product-categories/{id}",
    "DELETE /api/v1/product-categories/{id}",
    "GET /api/v1/pipelines",
    "POST /api/v1/pipelines",
    "PUT /api/v1/pipelines/{id}",
    "GET /api/v1/opportunities",
    "POST /api/v1/opportunities",
    "GET /api/v1/opportunities/board",
    "POST /api/v1/opportunities/stage",
    "POST /api/v1/opportunities/transfer",
    "GET /api/v1/opportunities/{id}",
    "PUT /api/v1/opportunities/{id}",
    "DELETE /api/v1/opportunities/{id}",
    "POST /api/v1/opportunities/{id}/stage",
    "POST /api/v1/opportunities/{id}/follow-ups",
    "GET /api/v1/opportunities/{id}/attachments",
    "POST /api/v1/opportunities/{id}/attachments",
    "GET /api/v1/contracts",
    "POST /api/v1/contracts",
    "POST /api/v1/contracts/transfer",
    "GET /api/v1/contracts/{id}",
    "PUT /api/v1/contracts/{id}",
    "DELETE /api/v1/contracts/{id}",
    "POST /api/v1/contracts/{id}/submit",
    "POST /api/v1/contracts/{id}/void",
    "POST /api/v1/contracts/{id}/plans",
    "DELETE /api/v1/contracts/{id}/plans/{plan_id}",
    "GET /api/v1/contracts/{id}/attachments",
    "POST /api/v1/contracts/{id}/attachments",
    "GET /api/v1/payments",
    "POST /api/v1/payments",
    "GET /api/v1/payments/{id}",
    "PUT /api/v1/payments/{id}",
    "DELETE /api/v1/payments/{id}",
    "POST /api/v1/payments/{id}/submit",
    "POST /api/v1/payments/{id}/void",
    "GET /api/v1/payments/{id}/attachments",
    "POST /api/v1/payments/{id}/attachments",
    "GET /api/v1/approvals/flows",
    "POST /api/v1/approvals/flows",
    "PUT /api/v1/approvals/flows/{id}",
    "GET /api/v1/approvals/waiting",
    "GET /api/v1/approvals/waiting/count",
    "GET /api/v1/approvals/submitted",
    "POST /api/v1/approvals/{id}/actions",
    "GET /api/v1/approvals/stats",
    "GET /api/v1/dashboard",
    "GET /api/v1/exports/{kind}",
    "POST /api/v1/products/import",
    "POST /api/v1/opportunities/import",
    "POST /api/v1/contracts/import",
    "POST /api/v1/payments/import",
    "GET /api/v1/imports/{kind}/template",
    "POST /api/v1/targets",
    "GET /api/v1/requests/kinds",
    "PUT /api/v1/requests/kinds",
    "GET /api/v1/requests",
    "POST /api/v1/requests",
    "GET /api/v1/requests/{id}",
    "PUT /api/v1/requests/{id}",
    "DELETE /api/v1/requests/{id}",
    "POST /api/v1/requests/{id}/submit",
    "GET /api/v1/notifications",
    "GET /api/v1/number-rules",
    "PUT /api/v1/number-rules/{kind}",
    "POST /api/v1/notifications/read",
    "POST /api/v1/notifications/{id}/read",
    "GET /api/v1/views",
    "POST /api/v1/views",
    "DELETE /api/v1/views/{id}",
    "GET /api/v1/reports",
    "GET /api/v1/reports/{name}",
    "GET /api/v1/reports/{name}/export",
    "GET /api/v1/custom-reports/catalog/{kind}",
    "GET /api/v1/custom-reports/fields",
    "GET /api/v1/custom-reports",
    "POST /api/v1/custom-reports",
    "GET /api/v1/custom-reports/{id}",
    "PUT /api/v1/custom-reports/{id}",
    "DELETE /api/v1/custom-reports/{id}",
    "GET /api/v1/custom-reports/{id}/figures",
    "GET /api/v1/custom-reports/{id}/export",
    "POST /api/v1/customers/delete",
    "POST /api/v1/opportunities/delete",
    "POST /api/v1/contracts/delete",
    "GET /api/v1/list-columns/{kind}",
    "PUT /api/v1/list-columns/{kind}",
    "DELETE /api/v1/list-columns/{kind}",
    "GET /api/v1/events",
    "POST /api/v1/events",
    "GET /api/v1/events/{id}",
    "PATCH /api/v1/events/{id}",
    "DELETE /api/v1/events/{id}",
    "POST /api/v1/follow-ups/{id}/attachments",
    "POST /api/v1/opportunities/{id}/team",
    "DELETE /api/v1/opportunities/{id}/team",
    "POST /api/v1/contracts/{id}/team",
    "DELETE /api/v1/contracts/{id}/team",
    "PUT /api/v1/contracts/{id}/plans/{plan_id}",
    "POST /api/v1/pipelines/{id}/default",
    "POST /api/v1/pipelines/{id}/stages/{stage_id}/move",
    "GET /api/v1/targets",
    "DELETE /api/v1/targets/{id}",
    "GET /api/v1/customers/{id}/sales",
];

#[tokio::test]
async fn the_openapi_document_lists_every_route_the_router_has() {
    let t = TestApp::new().await;
    let answer = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(answer.status, 200);
    let mut documented = Vec::new();
    for (path, item) in answer.body["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("operations").keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    documented.sort();
    let mut expected: Vec<String> = ROUTES.iter().map(|r| r.to_string()).collect();
    expected.sort();
    assert_eq!(documented, expected);

    // Each documented route is served: anything but 404 and 405.
    for route in ROUTES {
        // A fresh token each time: one of the routes signs out.
        let token = t.admin().await;
        let (method, path) = route.split_once(' ').expect("route");
        let method: Method = method.parse().expect("method");
        // A list's columns are of a list kind; exports and imports of a sales kind.
        let kind = if path.starts_with("/api/v1/list-columns/") {
            "customer"
        } else {
            "products"
        };
        let path = path
            .replace("{id}", "999999")
            .replace("{plan_id}", "999998")
            .replace("{kind}", kind)
            .replace("{name}", "sales");
        let body = matches!(method, Method::POST | Method::PATCH | Method::PUT)
            .then(|| serde_json::json!({}));
        let served = t.call(method.clone(), &path, Some(&token), body).await;
        assert_ne!(
            served.body["code"], "unknown_route",
            "{route} is not served"
        );
        assert_ne!(served.status, 405, "{route}");
        if path.contains("999999") {
            assert!(
                served.status == 404 || served.status == 422 || served.status == 400,
                "{route}: {}",
                served.status
            );
            assert_eq!(
                served.headers["content-type"], "application/problem+json",
                "{route}"
            );
        } else {
            assert!(
                served.status != 404 && served.status != 405,
                "{route}: {}",
                served.status
            );
        }
    }

    // A path the router does not have is a problem document too.
    let missing = t.get("/api/v1/nothing-here", &t.admin().await).await;
    assert_eq!(missing.body["code"], "unknown_route");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.headers["content-type"], "application/problem+json");
}

#[tokio::test]
async fn the_health_check_answers_when_the_database_answers() {
    let t = TestApp::new().await;
    assert_eq!(
        t.call(Method::GET, "/healthz", None, None).await.status,
        200
    );
}

#[tokio::test]
async fn a_filter_value_is_described_by_the_shapes_it_takes() {
    let t = TestApp::new().await;
    let answer = t.call(Method::GET, "/api/openapi.json", None, None).await;
    let value = &answer.body["components"]["schemas"]["FilterInput"]["properties"]["value"];
    let shapes: Vec<&str> = value["oneOf"]
        .as_array()
        .expect("one of several shapes")
        .iter()
        .filter_map(|shape| shape["type"].as_str())
        .collect();
    assert_eq!(
        shapes,
        ["string", "number", "boolean", "array", "object", "null"],
        "{value}"
    );
    assert!(
        value["description"]
            .as_str()
            .is_some_and(|d| d.contains("one_of"))
    );
}
