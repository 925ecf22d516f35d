//! Departments: the tree, with a head; deleting is refused while occupied.

use std::collections::BTreeMap;

use kuijing_domain::change::Diff;
use kuijing_domain::{
    Action, Change, ChangeAction, Department, FieldErrors, Kind, OrgChart, Permission, UserStatus,
    text,
};
use kuijing_store::departments::{self, DepartmentFields};
use kuijing_store::{Tx, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::error::{Result, ServiceError};
use crate::input::nullable;
use crate::{App, Caller};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentView {
    #[serde(flatten)]
    pub department: Department,
    pub head_name: Option<String>,
    /// Whether the head is a disabled user (kept as head, approving nothing).
    pub head_disabled: bool,
    /// Users of any status in this department, counted in the caller's scope.
    pub user_count: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentDetail {
    #[serde(flatten)]
    pub view: DepartmentView,
    pub parent_name: Option<String>,
    pub children: Vec<DepartmentView>,
    pub members: Vec<crate::users::UserView>,
    pub change_log: Vec<LogView>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    pub name: String,
    /// The top department when left out.
    pub parent_id: Option<i64>,
    pub head_id: Option<i64>,
    pub sort_order: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub parent_id: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub head_id: Option<Option<i64>>,
    pub sort_order: Option<i64>,
}

fn department(action: Action) -> Permission {
    Permission::new(Kind::Department, action)
}

impl App {
    /// Visible departments in display order, each with its head and size.
    pub async fn list_departments(
        &self,
        caller: &Caller,
        search: Option<&str>,
    ) -> Result<Vec<DepartmentView>> {
        caller.require(department(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Department, &org);
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let found = departments::list(&mut tx, &visibility, search).await?;
        self.department_views(&mut tx, caller, &org, found).await
    }

    pub async fn get_department(&self, caller: &Caller, id: i64) -> Result<DepartmentDetail> {
        caller.require(department(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Department, &org);
        let found = departments::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let parent_name = match found.parent_id {
            Some(parent) => departments::names(&mut tx, &[parent])
                .await?
                .pop()
                .map(|(_, n)| n),
            None => None,
        };
        let children: Vec<Department> = departments::list(&mut tx, &visibility, None)
            .await?
            .into_iter()
            .filter(|d| d.parent_id == Some(id))
            .collect();
        let children = self
            .department_views(&mut tx, caller, &org, children)
            .await?;
        let view = self
            .department_views(&mut tx, caller, &org, vec![found])
            .await?
            .remove(0);
        let change_log = self
            .change_log_of(&mut tx, caller, Kind::Department, id)
            .await?;
        drop(tx);
        let members = if caller.can(Permission::new(Kind::User, Action::View)) {
            let query = crate::users::UserQuery {
                department_id: Some(id),
                ..Default::default()
            };
            let page = crate::PageRequest {
                cursor: None,
                limit: Some(crate::PageRequest::MAX_LIMIT),
                anchor: None,
            };
            self.list_users(caller, &query, page).await?.items
        } else {
            Vec::new()
        };
        Ok(DepartmentDetail {
            view,
            parent_name,
            children,
            members,
            change_log,
        })
    }

    pub async fn create_department(
        &self,
        caller: &Caller,
        input: NewDepartment,
    ) -> Result<DepartmentDetail> {
        caller.require(department(Action::Create))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let parent = match input.parent_id {
            Some(parent) => Some(parent),
            None => departments::top_id(&mut tx).await?,
        };
        let draft = DepartmentFields {
            name: input.name,
            parent_id: parent,
            head_id: input.head_id,
            sort_order: input.sort_order.unwrap_or(0),
        };
        let fields = self
            .check_department(&mut tx, caller, &org, None, draft)
            .await?;

        let now = self.now();
        let id = departments::insert(&mut tx, &fields, now).await?;
        let mut diff = Diff::new();
        describe(&mut diff, None, Some(&fields));
        let change = Change {
            kind: Kind::Department,
            record_id: id,
            action: ChangeAction::Create,
            fields: diff.into_fields(),
        };
        self.log(&mut tx, caller, change).await?;
        tx.commit().await?;
        tracing::info!(
            department.id = id,
            actor.id = caller.user.id,
            "department created"
        );
        self.get_department(caller, id).await
    }

    pub async fn update_department(
        &self,
        caller: &Caller,
        id: i64,
        patch: DepartmentPatch,
    ) -> Result<DepartmentDetail> {
        caller.require(department(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Department, &org);
        let current = departments::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if patch.version.is_some_and(|v| v != current.version) {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        let draft = DepartmentFields {
            name: patch.name.unwrap_or(current.name.clone()),
            parent_id: patch.parent_id.or(current.parent_id),
            head_id: patch.head_id.unwrap_or(current.head_id),
            sort_order: patch.sort_order.unwrap_or(current.sort_order),
        };
        let fields = self
            .check_department(&mut tx, caller, &org, Some(&current), draft)
            .await?;

        let old = DepartmentFields {
            name: current.name.clone(),
            parent_id: current.parent_id,
            head_id: current.head_id,
            sort_order: current.sort_order,
        };
        let mut diff = Diff::new();
        describe(&mut diff, Some(&old), Some(&fields));
        if diff.is_empty() {
            drop(tx);
            return self.get_department(caller, id).await;
        }
        if !departments::update(&mut tx, id, current.version, &fields, self.now()).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        let change = Change {
            kind: Kind::Department,
            record_id: id,
            action: ChangeAction::Update,
            fields: diff.into_fields(),
        };
        self.log(&mut tx, caller, change).await?;
        tx.commit().await?;
        self.get_department(caller, id).await
    }

    /// Deletes an empty department; one with users or sub-departments, or
    /// the top department, is refused with the reason.
    pub async fn delete_department(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(department(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Department, &org);
        let current = departments::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.parent_id.is_none() {
            return Err(ServiceError::Refused {
                code: "department_is_top",
            });
        }
        let (children, members) = departments::occupancy(&mut tx, id).await?;
        if children > 0 {
            return Err(ServiceError::Refused {
                code: "department_has_children",
            });
        }
        if members > 0 {
            return Err(ServiceError::Refused {
                code: "department_has_users",
            });
        }
        departments::delete(&mut tx, id).await?;
        let fields = vec![kuijing_domain::FieldChange {
            field: "name".into(),
            old: Some(current.name),
            new: None,
        }];
        self.log(
            &mut tx,
            caller,
            Change {
                kind: Kind::Department,
                record_id: id,
                action: ChangeAction::Delete,
                fields,
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            department.id = id,
            actor.id = caller.user.id,
            "department deleted"
        );
        Ok(())
    }

    async fn check_department(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        org: &OrgChart,
        current: Option<&Department>,
        draft: DepartmentFields,
    ) -> Result<DepartmentFields> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", text::parse_name(&draft.name, 50));
        let visibility = caller.actor.visibility(Kind::Department, org);
        let is_top = current.is_some_and(|c| c.parent_id.is_none());
        match (draft.parent_id, is_top) {
            (Some(_), true) => errors.add("parent_id", "top_has_no_parent"),
            (None, false) => errors.add("parent_id", "required"),
            (Some(parent), false) => {
                if departments::get(tx, &visibility, parent).await?.is_none() {
                    errors.add("parent_id", "department_unknown");
                } else if current.is_some_and(|c| org.parent_would_cycle(c.id, parent)) {
                    errors.add("parent_id", "department_cycle");
                }
            }
            (None, true) => {}
        }
        if let Some(name) = &name
            && departments::sibling_named(tx, draft.parent_id, name, current.map(|c| c.id)).await?
        {
            errors.add("name", "department_name_taken");
        }
        // A disabled head kept as it was is no change; a new head must be active.
        let kept_head = current.is_some_and(|c| c.head_id == draft.head_id);
        if let Some(head) = draft.head_id.filter(|_| !kept_head) {
            let users_visible = caller.actor.visibility(Kind::User, org);
            match users::get(tx, &users_visible, head).await? {
                None => errors.add("head_id", "user_unknown"),
                Some(u) if u.status != UserStatus::Active => errors.add("head_id", "user_disabled"),
                Some(_) => {}
            }
        }
        if !(0..=100_000).contains(&draft.sort_order) {
            errors.add("sort_order", "out_of_range");
        }
        errors.into_result()?;
        Ok(DepartmentFields {
            name: name.unwrap_or_default(),
            ..draft
        })
    }

    async fn department_views(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        org: &OrgChart,
        found: Vec<Department>,
    ) -> Result<Vec<DepartmentView>> {
        let heads: Vec<i64> = found.iter().filter_map(|d| d.head_id).collect();
        let names: BTreeMap<i64, String> = users::names(tx, &heads).await?.into_iter().collect();
        let user_visibility = caller.actor.visibility(Kind::User, org);
        let mut views = Vec::with_capacity(found.len());
        for department in found {
            let filter = kuijing_store::users::UserFilter {
                department_ids: Some(vec![department.id]),
                ..Default::default()
            };
            let user_count = users::count(tx, &user_visibility, &filter).await?;
            let head_name = department.head_id.and_then(|h| names.get(&h).cloned());
            let head_disabled = match department.head_id {
                Some(head) => users::for_actor(tx, head)
                    .await?
                    .is_some_and(|(u, _)| u.status != UserStatus::Active),
                None => false,
            };
            views.push(DepartmentView {
                department,
                head_name,
                head_disabled,
                user_count,
            });
        }
        Ok(views)
    }
}

fn describe(diff: &mut Diff, old: Option<&DepartmentFields>, new: Option<&DepartmentFields>) {
    diff.field(
        "name",
        old.map(|f| f.name.clone()),
        new.map(|f| f.name.clone()),
    );
    diff.field(
        "parent_id",
        old.and_then(|f| f.parent_id),
        new.and_then(|f| f.parent_id),
    );
    diff.field(
        "head_id",
        old.and_then(|f| f.head_id),
        new.and_then(|f| f.head_id),
    );
    diff.field(
        "sort_order",
        old.map(|f| f.sort_order),
        new.map(|f| f.sort_order),
    );
}

impl App {
    /// The name of a department, for the caller's own page.
    pub async fn department_name(&self, id: i64) -> Result<String> {
        let mut tx = self.db.read().await?;
        Ok(departments::names(&mut tx, &[id])
            .await?
            .pop()
            .map(|(_, n)| n)
            .unwrap_or_default())
    }
}
