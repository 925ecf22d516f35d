//! What an option is shown by, worked out in SQL so that a list sorted on a
//! choice column follows the names its viewer reads: a built-in option
//! (one with a key) by the product's name for it in the viewer's language
//! while its stored label is one the product gave it in any language, any
//! other by its stored label (the rule of
//! `kuijing_domain::builtin_names::option_label`).

use kuijing_domain::builtin_names::{LANGUAGES, option_keys, starting_label};
use kuijing_domain::defaults::starting_names;
use sea_query::{Alias, CaseStatement, Condition, Expr, Func, Query, SimpleExpr};

use crate::schema::Options;

/// The label the option whose id is `of` is shown by in `language`; its
/// stored label when no language is given.
pub(crate) fn shown_label(of: SimpleExpr, language: Option<&str>) -> SimpleExpr {
    let alias = Alias::new("shown");
    let col = |column: Options| Expr::col((alias.clone(), column));
    let stored = col(Options::Label);
    let shown: Option<SimpleExpr> = language.and_then(|language| {
        let mut case: Option<CaseStatement> = None;
        for (kind, field, _) in starting_names(language).options.iter() {
            for key in option_keys(kind, field).unwrap_or_default() {
                let Some(name) = starting_label(kind, field, key, language) else {
                    continue;
                };
                let started: Vec<&str> = LANGUAGES
                    .iter()
                    .filter_map(|lang| starting_label(kind, field, key, lang))
                    .collect();
                let trimmed = Func::cust(Alias::new("trim")).arg(stored.clone());
                let matches = Condition::all()
                    .add(col(Options::Kind).eq(*kind))
                    .add(col(Options::Field).eq(*field))
                    .add(col(Options::BuiltinKey).eq(*key))
                    .add(Expr::expr(trimmed).is_in(started));
                case = Some(match case {
                    None => Expr::case(matches, Expr::val(name)),
                    Some(case) => case.case(matches, Expr::val(name)),
                });
            }
        }
        case.map(|case| case.finally(stored.clone()).into())
    });
    let select = Query::select()
        .expr(shown.unwrap_or_else(|| stored.clone().into()))
        .from_as(Options::Table, alias.clone())
        .and_where(col(Options::Id).eq(of))
        .to_owned();
    SimpleExpr::SubQuery(None, Box::new(select.into_sub_query_statement()))
}
