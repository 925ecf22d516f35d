//! `/api/v1/products` and `/api/v1/product-categories`.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_service::ListPage;
use kuijing_service::products::{Category, CategoryInput, Product, ProductInput, ProductListQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use super::edits::Edit;
use super::{
    Body, respond, respond_created, respond_created_in, respond_done, respond_in, sorted_page_of,
};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductParams {
    /// Text found in the name or the code.
    pub q: Option<String>,
    /// Products of this category and of the categories below it.
    pub category_id: Option<i64>,
    /// Only products on sale (`true`) or off sale (`false`).
    pub on_sale: Option<bool>,
    /// Any column the list shows (`name`, `code`, `category_id`, `unit`,
    /// `price`, `on_sale`, ...) or a custom field (`custom.<key>`); `-`
    /// first for descending (`-price`). A category sorts by its name. Ties
    /// break on the id and empty values come last. In the order added when
    /// left out.
    pub sort: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50); a number outside the range is refused (422, `limit_out_of_range`).
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/products", tag = "products", params(ProductParams),
    responses((status = 200, body = ListPage<Product>), (status = 422, body = Problem)))]
pub async fn list_products(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<ProductParams>,
) -> Response {
    let page = match sorted_page_of(
        p.cursor.as_deref(),
        p.sort.as_deref(),
        p.limit,
        lang,
        &caller.request_id,
    ) {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    let query = ProductListQuery {
        search: p.q,
        category_id: p.category_id,
        on_sale: p.on_sale,
    };
    respond(
        state
            .app
            .list_products_sorted(&caller, &query, p.sort.as_deref(), page)
            .await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/products", tag = "products", request_body = ProductInput,
    responses((status = 201, body = Product), (status = 422, description = "A field is wrong; a code or name already used is `taken`", body = Problem)))]
pub async fn create_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ProductInput>,
) -> Response {
    respond_created(state.app.create_product(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "products",
    responses((status = 200, body = Product), (status = 404, body = Problem)))]
pub async fn get_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_product(&caller, id).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/products/{id}", tag = "products", request_body = ProductInput,
    description = "Fields left out keep their stored values; `null` (or `[]` for a list) clears one. Custom fields sent replace the stored ones key by key; the others are kept. `version` is the version read; a save on a newer one answers 409 with the stored record as `current`.",
    responses((status = 200, body = Product), (status = 409, description = "Saved by someone else meanwhile; `current` is the stored product", body = Problem), (status = 422, body = Problem)))]
pub async fn update_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    edit: Edit,
) -> Response {
    let body: ProductInput = match edit.whole(&state, &caller, lang, (Kind::Product, id)).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    respond(
        state.app.update_product(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(delete, path = "/api/v1/products/{id}", tag = "products",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, description = "Product lines use it (`product_in_use`); take it off sale instead", body = Problem)))]
pub async fn delete_product(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_product(&caller, id).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/product-categories", tag = "products",
    responses((status = 200, body = Vec<Category>)))]
pub async fn list_categories(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.product_categories(&caller).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/product-categories", tag = "products", request_body = CategoryInput,
    responses((status = 201, body = Category), (status = 422, body = Problem)))]
pub async fn create_category(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<CategoryInput>,
) -> Response {
    let result = state.app.create_category(&caller, body).await;
    respond_created_in("category", result, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/product-categories/{id}", tag = "products", request_body = CategoryInput,
    responses((status = 200, body = Category), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_category(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<CategoryInput>,
) -> Response {
    let result = state.app.update_category(&caller, id, body).await;
    respond_in("category", result, &caller, lang)
}

#[utoipa::path(delete, path = "/api/v1/product-categories/{id}", tag = "products",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, description = "Products or sub-categories are in it (`category_in_use`)", body = Problem)))]
pub async fn delete_category(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_category(&caller, id).await, &caller, lang)
}
