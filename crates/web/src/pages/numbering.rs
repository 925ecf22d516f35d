//! Settings → numbering: the rule each numbered kind follows, with the
//! number it would give today.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::sales::{DatePart, NumberRule, Reset};
use kuijing_service::numbering::NumberRuleView;
use kuijing_service::{Caller, ServiceError};
use serde::Deserialize;

use super::Shell;
use super::forms::{FormErrors, after_post, answer, done};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;

const PATH: &str = "/settings/numbering";

/// One kind's rule as the form shows it.
pub struct RuleForm {
    pub kind: String,
    pub prefix: String,
    pub date_part: String,
    pub reset: String,
    pub width: String,
    pub example: String,
}

#[derive(Template)]
#[template(path = "settings_numbering.html")]
struct NumberingView {
    shell: Shell,
    rules: Vec<RuleForm>,
    /// The kind whose save was refused, to show its errors beside it.
    refused: Option<String>,
    errors: FormErrors,
}

impl NumberingView {
    fn date_parts(&self) -> [&'static str; 4] {
        ["yyyymmdd", "yyyymm", "yyyy", "none"]
    }

    fn resets(&self) -> [&'static str; 4] {
        ["daily", "monthly", "yearly", "never"]
    }

    fn error(&self, kind: &str, field: &str) -> Option<&String> {
        (self.refused.as_deref() == Some(kind))
            .then(|| self.errors.get(field))
            .flatten()
    }
}

fn form_of(view: NumberRuleView) -> RuleForm {
    RuleForm {
        kind: view.kind,
        prefix: view.rule.prefix,
        date_part: view.rule.date_part.as_str().into(),
        reset: view.rule.reset.as_str().into(),
        width: view.rule.width.to_string(),
        example: view.example,
    }
}

async fn numbering_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    typed: Option<RuleForm>,
    errors: FormErrors,
    done: Option<&str>,
) -> Result<NumberingView, ServiceError> {
    let mut rules: Vec<RuleForm> = state
        .app
        .number_rules(caller)
        .await?
        .into_iter()
        .map(form_of)
        .collect();
    let refused = typed.as_ref().map(|t| t.kind.clone());
    if let Some(typed) = typed
        && let Some(slot) = rules.iter_mut().find(|r| r.kind == typed.kind)
    {
        // The refused form shows what was typed, with the example it had.
        let example = std::mem::take(&mut slot.example);
        *slot = RuleForm { example, ..typed };
    }
    Ok(NumberingView {
        shell: Shell::new(state, caller, lang, PATH, "numbering.title").with_notice(done),
        rules,
        refused,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show_numbering(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<DoneQuery>,
) -> Response {
    answer(
        numbering_view(
            &state,
            &caller,
            lang,
            None,
            FormErrors::default(),
            query.done.as_deref(),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct NumberRuleForm {
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    date_part: String,
    #[serde(default)]
    reset: String,
    #[serde(default)]
    width: String,
}

pub async fn save_number_rule(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Path(kind): Path<String>,
    Form(form): Form<NumberRuleForm>,
) -> Response {
    let mut errors = kuijing_domain::FieldErrors::new();
    let date_part = errors.take("date_part", DatePart::parse(&form.date_part));
    let reset = errors.take("reset", Reset::parse(&form.reset));
    let width = errors.take(
        "width",
        form.width
            .trim()
            .parse::<i64>()
            .map_err(|_| "number_invalid"),
    );
    let result = match (date_part, reset, width) {
        (Some(date_part), Some(reset), Some(width)) if errors.is_empty() => {
            let rule = NumberRule {
                prefix: form.prefix.clone(),
                date_part,
                reset,
                width,
            };
            state.app.set_number_rule(&caller, &kind, rule).await
        }
        _ => Err(ServiceError::Invalid(errors)),
    };
    let typed = RuleForm {
        kind: kind.clone(),
        prefix: form.prefix,
        date_part: form.date_part,
        reset: form.reset,
        width: form.width,
        example: String::new(),
    };
    after_post(
        result,
        |_| done(PATH, "saved"),
        async |errors| numbering_view(&state, &caller, lang, Some(typed), errors, None).await,
        &caller,
        lang,
    )
    .await
}
