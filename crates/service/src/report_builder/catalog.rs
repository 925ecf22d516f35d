//! What the report builder's form offers for a kind: its fields with what
//! each may be used for, the operators that fit each, and the choices of
//! fields that hold ids or options; and who a report may be shared with.

use kuijing_domain::fields::FieldType as CustomType;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_store::{options, pipelines, roles, users};
use serde::Serialize;
use utoipa::ToSchema;

use super::{SPECS, Type, custom_value_kind};
use crate::conditions::ValueKind;
use crate::error::Result;
use crate::{App, Caller};

/// A field the builder offers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CatalogField {
    /// `owner_id`, `signed_on`, ... or `custom.KEY`.
    pub name: String,
    /// A custom field's own label (system fields are named by the page).
    pub label: Option<String>,
    /// May group rows.
    pub groupable: bool,
    /// May be summed or averaged.
    pub measurable: bool,
    /// Groups by a day bucket.
    pub dated: bool,
    /// May be what the period picker applies to.
    pub period: bool,
    /// `text`, `ids`, `options`, `bool`, `instant`, `day` or `number`.
    pub value_kind: &'static str,
    /// The operators that fit the field; a date-time also takes
    /// `older_than_days` (its value the days: before that many days ago,
    /// or empty and created before) and, when it may lie ahead (a next
    /// contact time), `passed` (before now).
    pub operators: Vec<&'static str>,
    /// For ids and options: the value and its label. Fixed values
    /// (statuses, outcomes) carry their code as the label.
    pub choices: Vec<(String, String)>,
    /// Whether the choices are codes the page translates.
    pub coded: bool,
}

/// The form's catalog for one kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BuilderCatalog {
    pub kinds: Vec<&'static str>,
    pub kind: &'static str,
    pub fields: Vec<CatalogField>,
    pub users: Vec<(i64, String)>,
    pub departments: Vec<(i64, String)>,
    pub roles: Vec<(i64, String)>,
}

fn kind_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Text => "text",
        ValueKind::Ids => "ids",
        ValueKind::Options => "options",
        ValueKind::Bool => "bool",
        ValueKind::Instant => "instant",
        ValueKind::Day => "day",
        ValueKind::Number => "number",
    }
}

impl App {
    /// Whether the caller may build reports (the form and the API's create).
    pub fn may_build_reports(&self, caller: &Caller) -> Result<()> {
        if caller.can(Permission::new(Kind::Report, Action::Create)) {
            return Ok(());
        }
        caller.require(Permission::new(Kind::Report, Action::Manage))
    }

    /// The fields, operators and choices the builder offers for a kind.
    pub async fn report_catalog(&self, caller: &Caller, kind: &str) -> Result<BuilderCatalog> {
        self.may_build_reports(caller)?;
        let spec = SPECS
            .iter()
            .find(|s| s.kind == kind)
            .ok_or_else(|| super::invalid("kind", "invalid_choice"))?;
        let mut tx = self.db.read().await?;
        let people = users::active_names(&mut tx).await?;
        let departments = self.department_choices().await?;
        // Owners and their departments are offered within the viewer's
        // scope of the kind only, as the dashboard's whose-data picker does.
        let (scoped_departments, scoped_people) = self
            .scoped_choices(&mut tx, caller, spec.permission)
            .await?;
        let all_pipelines = pipelines::list(&mut tx).await?;
        let mut fields = Vec::new();
        for field in spec.fields {
            let value_kind = super::value_kind(&super::Resolved::System(field));
            let choices: Vec<(String, String)> = match field.kind {
                Type::User => scoped_people
                    .iter()
                    .map(|(i, n)| (i.to_string(), n.clone()))
                    .collect(),
                Type::Department => scoped_departments
                    .iter()
                    .map(|(i, n)| (i.to_string(), n.clone()))
                    .collect(),
                Type::Choice(of, name) => caller
                    .shown_options(options::of_field(&mut tx, of, name).await?)
                    .into_iter()
                    .map(|o| (o.id.to_string(), o.label))
                    .collect(),
                Type::Pipeline => all_pipelines
                    .iter()
                    .map(|p| (p.id.to_string(), p.name.clone()))
                    .collect(),
                Type::Stage => all_pipelines
                    .iter()
                    .flat_map(|p| {
                        p.stages
                            .iter()
                            .map(move |s| (s.id.to_string(), format!("{} · {}", p.name, s.name)))
                    })
                    .collect(),
                Type::Fixed(values) => values
                    .iter()
                    .map(|v| (v.to_string(), v.to_string()))
                    .collect(),
                _ => Vec::new(),
            };
            let measurable = field.kind == Type::Money;
            let mut operators = value_kind.operators().to_vec();
            if field.kind == Type::Instant {
                operators.extend(super::filters::time_operators(field.name));
            }
            let dated = matches!(field.kind, Type::Instant | Type::Day);
            fields.push(CatalogField {
                name: field.name.to_string(),
                label: None,
                groupable: !measurable,
                measurable,
                dated,
                period: dated,
                value_kind: kind_name(value_kind),
                operators,
                choices,
                coded: matches!(field.kind, Type::Fixed(_)),
            });
        }
        for def in self.custom_defs(&mut tx, spec).await? {
            let value_kind = custom_value_kind(def.field_type);
            let measurable = matches!(def.field_type, CustomType::Number | CustomType::Money);
            let choices = match def.field_type {
                CustomType::Choice => def.options.iter().map(|o| (o.clone(), o.clone())).collect(),
                CustomType::User => people
                    .iter()
                    .map(|(i, n)| (i.to_string(), n.clone()))
                    .collect(),
                CustomType::Department => departments
                    .iter()
                    .map(|(i, n)| (i.to_string(), n.clone()))
                    .collect(),
                _ => Vec::new(),
            };
            fields.push(CatalogField {
                name: format!("custom.{}", def.key),
                label: Some(def.label.clone()),
                groupable: !measurable,
                measurable,
                dated: matches!(def.field_type, CustomType::Date | CustomType::DateTime),
                period: false,
                value_kind: kind_name(value_kind),
                operators: value_kind.operators().to_vec(),
                choices,
                coded: false,
            });
        }
        let roles = roles::list(&mut tx, None)
            .await?
            .into_iter()
            .map(|r| (r.id, caller.role_name(&r)))
            .collect();
        Ok(BuilderCatalog {
            kinds: super::kinds(),
            kind: spec.kind,
            fields,
            users: people,
            departments,
            roles,
        })
    }
}
