//! Whose data: the people and departments a viewer may choose, and the owners whose records count.

use super::*;

impl App {
    /// Whose figures a query asks for, checked against the org chart and
    /// the viewer's own data scope, adding each refusal to `errors` (the
    /// whole company where the choice cannot be read), so a report names
    /// every bad field at once.
    pub(crate) async fn whose_checked(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        query: &DashboardQuery,
        errors: &mut FieldErrors,
    ) -> Result<Whose> {
        let org = departments::org_chart(tx).await?;
        let people = kuijing_store::users::all_names(tx).await?;
        let reach = Reach::of(caller, &org);
        let chosen = match self.chosen_people(query, (&org, &reach), &people) {
            Ok(chosen) => chosen,
            Err(ServiceError::Invalid(more)) => {
                // A field the caller could not read is already refused.
                let unread = |field: &str| query.unread.iter().any(|e| e.field == field);
                errors
                    .0
                    .extend(more.0.into_iter().filter(|e| !unread(&e.field)));
                None
            }
            Err(other) => return Err(other),
        };
        Ok(Whose {
            org,
            people,
            chosen,
        })
    }

    /// The departments and people a viewer may pick for the dashboard and
    /// the reports: only those inside their own data scope, by name.
    pub async fn insight_choices(
        &self,
        caller: &Caller,
    ) -> Result<(Vec<crate::choices::Choice>, Vec<crate::choices::Choice>)> {
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let reach = Reach::of(caller, &org);
        Self::choices_within(&mut tx, &org, &reach).await
    }

    /// What "whose data: all" gives a viewer: `company` when they see
    /// everyone's records, `department` when they see whole departments
    /// (their own, and those below), `team` when theirs and some people's
    /// (those below them), `own` when only their own.
    pub async fn insight_whole(&self, caller: &Caller) -> Result<&'static str> {
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let reach = Reach::of(caller, &org);
        Ok(if reach.0.all {
            "company"
        } else if reach.0.departments.is_empty() && reach.0.users.len() > 1 {
            "team"
        } else if reach.0.departments.is_empty() {
            "own"
        } else {
            "department"
        })
    }

    /// The departments and people whose records of one kind a viewer sees
    /// (the report builder's choices of owners and departments).
    pub(crate) async fn scoped_choices(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
    ) -> Result<(Vec<crate::choices::Choice>, Vec<crate::choices::Choice>)> {
        let org = departments::org_chart(tx).await?;
        let reach = Reach(caller.actor.visibility(kind, &org));
        Self::choices_within(tx, &org, &reach).await
    }

    async fn choices_within(
        tx: &mut Tx,
        org: &OrgChart,
        reach: &Reach,
    ) -> Result<(Vec<crate::choices::Choice>, Vec<crate::choices::Choice>)> {
        let ids: Vec<i64> = org
            .department_ids()
            .filter(|d| reach.has_department(*d))
            .collect();
        let mut departments = departments::names(tx, &ids).await?;
        departments.sort_by(|a, b| a.1.cmp(&b.1));
        let people = kuijing_store::users::active_names(tx)
            .await?
            .into_iter()
            .filter(|(id, _)| reach.has_user(org, *id))
            .collect();
        Ok((departments, people))
    }

    /// The people a query names, checked: `None` for the whole company (as
    /// far as the viewer sees it). A department or person outside the
    /// viewer's data scope is refused, naming the field, never answered with
    /// figures of nobody.
    fn chosen_people(
        &self,
        query: &DashboardQuery,
        (org, reach): (&OrgChart, &Reach),
        people: &[(i64, String)],
    ) -> Result<Option<BTreeSet<i64>>> {
        let invalid =
            |field: &str, code| ServiceError::Invalid(FieldError::new(field, code).into());
        match query.scope.as_deref().unwrap_or("company") {
            "company" => Ok(None),
            "department" => {
                // A viewer who sees no whole department is told what they
                // do see, not sent to choose among none, whether or not a
                // department was named.
                let none_seen = if !reach.0.all && reach.0.departments.is_empty() {
                    Some(if reach.0.users.len() > 1 {
                        "insight_department_team_only"
                    } else {
                        "insight_department_own_only"
                    })
                } else {
                    None
                };
                let department = match (query.department_id, none_seen) {
                    (Some(department), _) => department,
                    (None, Some(code)) => return Err(invalid("department_id", code)),
                    (None, None) => return Err(invalid("department_id", "required")),
                };
                // A department that does not exist is refused as one outside
                // the viewer's scope, so that which ids exist beyond it
                // cannot be told; one who sees everything is told plainly.
                let known = org.department_ids().any(|d| d == department);
                if !known && reach.0.all {
                    return Err(invalid("department_id", "invalid_choice"));
                }
                if !known || !reach.has_department(department) {
                    let code = none_seen.unwrap_or("insight_department_out_of_scope");
                    return Err(invalid("department_id", code));
                }
                let departments = if query.with_children.unwrap_or(true) {
                    org.department_and_below(department)
                } else {
                    BTreeSet::from([department])
                };
                Ok(Some(
                    people
                        .iter()
                        .map(|(id, _)| *id)
                        .filter(|id| {
                            org.department_of(*id)
                                .is_some_and(|d| departments.contains(&d))
                        })
                        .collect(),
                ))
            }
            "user" | "users" => {
                if query.user_ids.is_empty() {
                    // Only the choices the viewer has are offered: one who
                    // sees no whole department is not sent to pick one.
                    let code = if reach.0.all || !reach.0.departments.is_empty() {
                        "choose_people"
                    } else if reach.0.users.len() > 1 {
                        "insight_people_team_only"
                    } else {
                        "insight_people_own_only"
                    };
                    return Err(invalid("user_ids", code));
                }
                // As for a department: no one by that id and someone out of
                // scope get the same answer, but for one who sees everyone.
                let unknown = |u: &i64| !people.iter().any(|(id, _)| id == u);
                if reach.0.all && query.user_ids.iter().any(unknown) {
                    return Err(invalid("user_ids", "invalid_choice"));
                }
                if query
                    .user_ids
                    .iter()
                    .any(|u| unknown(u) || !reach.has_user(org, *u))
                {
                    return Err(invalid("user_ids", "insight_people_out_of_scope"));
                }
                Ok(Some(query.user_ids.iter().copied().collect()))
            }
            _ => Err(ServiceError::Invalid(
                crate::error::not_one_of("scope", &["company", "department", "users"]).into(),
            )),
        }
    }
}

/// Whose figures count (the dashboard's and the reports' "whose data"):
/// the org chart, everyone's names, and the people chosen.
pub(crate) struct Whose {
    pub(crate) org: OrgChart,
    pub(crate) people: Vec<(i64, String)>,
    chosen: Option<BTreeSet<i64>>,
}

impl Whose {
    /// Whether the viewer narrowed the figures to chosen departments or
    /// people.
    pub(crate) fn is_narrowed(&self) -> bool {
        self.chosen.is_some()
    }

    /// The people chosen (a department's, or those named), when any.
    pub(crate) fn chosen(&self) -> Option<&BTreeSet<i64>> {
        self.chosen.as_ref()
    }

    /// A person's name, empty when unknown.
    pub(crate) fn name_of(&self, user: i64) -> String {
        self.people
            .iter()
            .find(|(id, _)| *id == user)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }

    /// The owners whose records of a kind count for this viewer.
    pub(crate) fn owners(&self, caller: &Caller, kind: Kind) -> Option<Vec<i64>> {
        owners_for(
            &caller.actor.visibility(kind, &self.org),
            &self.org,
            &self.people,
            self.chosen.as_ref(),
        )
    }
}

/// The kinds whose figures the dashboard and the reports show.
const INSIGHT_KINDS: [Kind; 7] = [
    Kind::Customer,
    Kind::Lead,
    Kind::Contact,
    Kind::Opportunity,
    Kind::Contract,
    Kind::Payment,
    Kind::FollowUp,
];

/// How far a viewer's data scope reaches over the kinds the dashboard and
/// the reports count: the union of their scopes for those kinds.
pub(crate) struct Reach(Visibility);

impl Reach {
    pub(crate) fn of(caller: &Caller, org: &OrgChart) -> Self {
        let mut reach = Visibility::default();
        for kind in INSIGHT_KINDS {
            let seen = caller.actor.visibility(kind, org);
            reach.all |= seen.all;
            reach.users.extend(seen.users);
            reach.departments.extend(seen.departments);
        }
        Self(reach)
    }

    /// Whether the viewer may pick a whole department: they see everyone,
    /// or everyone in it.
    fn has_department(&self, department: i64) -> bool {
        self.0.all || self.0.departments.contains(&department)
    }

    /// Whether the viewer may pick a person: they see some of their records.
    fn has_user(&self, org: &OrgChart, user: i64) -> bool {
        self.0.all
            || org
                .department_of(user)
                .is_some_and(|d| self.0.sees(user, d))
    }
}

/// The owners a kind's figures count: the chosen people the viewer may see,
/// or `None` when the viewer sees all and chose the whole company.
fn owners_for(
    visibility: &Visibility,
    org: &OrgChart,
    people: &[(i64, String)],
    chosen: Option<&BTreeSet<i64>>,
) -> Option<Vec<i64>> {
    if visibility.all && chosen.is_none() {
        return None;
    }
    Some(
        people
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| chosen.is_none_or(|c| c.contains(id)))
            .filter(|id| {
                visibility.all
                    || org
                        .department_of(*id)
                        .is_some_and(|d| visibility.sees(*id, d))
            })
            .collect(),
    )
}
