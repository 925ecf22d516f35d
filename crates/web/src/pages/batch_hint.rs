//! The hint above a list's ticked rows: what the viewer may do with them,
//! naming only the actions their rights give them.

use crate::i18n::Lang;

/// "Tick leads to transfer, export or delete them." with the actions the
/// viewer may take, in the order given; `list` names the hint
/// (`records_gaps.batch_hint.<list>`).
pub fn batch_hint(lang: Lang, list: &str, actions: &[(&str, bool)]) -> String {
    let words: Vec<String> = actions
        .iter()
        .filter(|(_, allowed)| *allowed)
        .map(|(action, _)| lang.t(&format!("records_gaps.batch_actions.{action}")))
        .collect();
    let joined = match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!(
            "{}{}{last}",
            rest.join(&lang.t("records_gaps.list_and")),
            lang.t("records_gaps.list_or")
        ),
    };
    lang.t(&format!("records_gaps.batch_hint.{list}"))
        .replace("%{actions}", &joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_names_only_the_allowed_actions() {
        let all = [("transfer", true), ("convert", true), ("delete", true)];
        assert_eq!(
            batch_hint(Lang::En, "leads", &all),
            "Tick leads to transfer, convert or delete them."
        );
        let some = [("transfer", false), ("export", true), ("delete", false)];
        assert_eq!(
            batch_hint(Lang::En, "leads", &some),
            "Tick leads to export them."
        );
        assert_eq!(
            batch_hint(Lang::ZhHant, "leads", &all),
            "勾選線索後即可轉移、轉化或刪除。"
        );
    }
}
