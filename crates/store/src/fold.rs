//! Text compared the way the search box compares it, width and case aside:
//! full-width letters, digits and punctuation and the ideographic space
//! read as their half-width forms, and upper case as lower, on either
//! backend.

use sea_query::{Alias, Expr, Func, SimpleExpr};

use crate::db::Backend;

/// The first and last full-width forms of the printable ASCII characters;
/// each is its ASCII character plus `WIDE_OFFSET`.
const WIDE_FIRST: u32 = 0xff01;
const WIDE_LAST: u32 = 0xff5e;
const WIDE_OFFSET: u32 = 0xfee0;
const IDEOGRAPHIC_SPACE: u32 = 0x3000;

/// A text a filter looks for, folded as `folded` folds a column.
pub(crate) fn fold_text(text: &str) -> String {
    kuijing_domain::text::half_width(text).to_lowercase()
}

/// A column's (or custom value's) text, its full-width forms made half-width
/// and then lowercased. PostgreSQL translates in one call; SQLite, which has
/// no `translate`, replaces each form with its ASCII character (numbers
/// only in the statement, so nothing in it reads as a parameter).
pub(crate) fn folded(backend: Backend, text: SimpleExpr) -> SimpleExpr {
    let pairs = (WIDE_FIRST..=WIDE_LAST)
        .map(|wide| (wide, wide - WIDE_OFFSET))
        .chain([(IDEOGRAPHIC_SPACE, u32::from(b' '))]);
    let half_width = match backend {
        Backend::Postgres => {
            let (wide, narrow): (String, String) = pairs
                .filter_map(|(w, n)| Some((char::from_u32(w)?, char::from_u32(n)?)))
                .unzip();
            Func::cust(Alias::new("translate"))
                .args([text, Expr::val(wide).into(), Expr::val(narrow).into()])
                .into()
        }
        Backend::Sqlite => pairs.fold(text, |inner, (wide, narrow)| {
            Func::cust(Alias::new("replace"))
                .args([
                    inner,
                    Expr::cust(format!("char({wide})")),
                    Expr::cust(format!("char({narrow})")),
                ])
                .into()
        }),
    };
    Func::lower(half_width).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_folds_to_half_width_lower_case() {
        assert_eq!(fold_text("Ｆｕｌｌ　Ｗｉｄｔｈ１２"), "full width12");
        assert_eq!(fold_text("客戶ＡＢＣ"), "客戶abc");
    }
}
