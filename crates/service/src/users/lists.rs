//! User lists, the picker and a user's page, in the caller's scope.

use std::collections::{BTreeMap, BTreeSet};

use kuijing_domain::{Action, FieldErrors, Kind, RoleKind, User, UserStatus, text};
use kuijing_store::users::UserFilter;
use kuijing_store::{Tx, departments, roles, users};

use crate::error::{Result, ServiceError};
use crate::{App, Caller, ListPage, PageRequest};

use super::{UserDetail, UserQuery, UserView, user};

impl App {
    pub async fn list_users(
        &self,
        caller: &Caller,
        query: &UserQuery,
        page: PageRequest,
    ) -> Result<ListPage<UserView>> {
        caller.require(user(Action::View))?;
        let mut errors = FieldErrors::new();
        let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
            Some(status) => errors.take("status", UserStatus::parse(status)),
            None => None,
        };
        errors.into_result()?;

        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::User, &org);
        let department_ids = query.department_id.map(|id| {
            if query.with_sub_departments {
                org.department_and_below(id).into_iter().collect()
            } else {
                vec![id]
            }
        });
        // A phone typed with dashes or full-width digits finds the same user.
        let search = query
            .search
            .as_deref()
            .map(|q| text::parse_phone(q).unwrap_or_else(|_| text::normalize(q)));
        let filter = UserFilter {
            search: search.filter(|s| !s.is_empty()),
            department_ids,
            status,
        };
        let store_page = page.store_page();
        let found = users::list(&mut tx, &visibility, &filter, page.probe()).await?;
        let total = users::count(&mut tx, &visibility, &filter).await?;
        let items = views(&mut tx, found).await?;
        Ok(ListPage::new(items, total, store_page.limit, |v| v.user.id))
    }

    /// Active users in scope for choosing a superior or a head; disabled
    /// users never appear in pickers.
    pub async fn pick_users(&self, caller: &Caller, search: Option<&str>) -> Result<Vec<UserView>> {
        let query = UserQuery {
            search: search.map(str::to_string),
            status: Some(UserStatus::Active.as_str().to_string()),
            ..UserQuery::default()
        };
        let page = PageRequest {
            cursor: None,
            limit: Some(PageRequest::MAX_LIMIT),
            anchor: None,
        };
        Ok(self.list_users(caller, &query, page).await?.items)
    }

    pub async fn get_user(&self, caller: &Caller, id: i64) -> Result<UserDetail> {
        caller.require(user(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::User, &org);
        let found = users::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let held = roles::of_user(&mut tx, id).await?;
        let superior_name = match found.superior_id {
            Some(superior) => users::names(&mut tx, &[superior])
                .await?
                .pop()
                .map(|(_, n)| n),
            None => None,
        };
        let change_log = self.change_log_of(&mut tx, caller, Kind::User, id).await?;
        let view = views(&mut tx, vec![found]).await?.remove(0);
        let waiting_approvals = kuijing_store::approvals::waiting_count(&mut tx, id).await?;
        Ok(UserDetail {
            waiting_approvals,
            view,
            superior_name,
            super_admin: held.iter().any(|r| r.kind == RoleKind::SuperAdmin),
            roles: held
                .into_iter()
                .map(|r| (r.id, caller.role_name(&r)))
                .collect(),
            change_log,
        })
    }
}
async fn views(tx: &mut Tx, found: Vec<User>) -> Result<Vec<UserView>> {
    let department_ids: Vec<i64> = found
        .iter()
        .map(|u| u.department_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let names: BTreeMap<i64, String> = departments::names(tx, &department_ids)
        .await?
        .into_iter()
        .collect();
    let mut items = Vec::with_capacity(found.len());
    for user in found {
        let role_ids = users::role_ids(tx, user.id).await?;
        items.push(UserView {
            department_name: names.get(&user.department_id).cloned(),
            role_ids,
            user,
        });
    }
    Ok(items)
}
