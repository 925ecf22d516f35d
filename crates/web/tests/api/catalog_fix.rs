//! The Traditional Chinese wording and the multi-select hint.

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};

#[tokio::test]
async fn traditional_chinese_says_contract_one_way_and_multi_select_keys_need_a_pointer() {
    let root = env!("CARGO_MANIFEST_DIR");
    let hant = std::fs::read_to_string(format!("{root}/locales/zh-Hant.yml")).expect("zh-Hant");
    // 合約 is only a header spelling an import also accepts.
    let stray: Vec<&str> = hant
        .lines()
        .filter(|line| line.contains("合約") && !line.trim_start().starts_with('#'))
        .filter(|line| !line.contains("|合約"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    let hans = std::fs::read_to_string(format!("{root}/locales/zh-Hans.yml")).expect("zh-Hans");
    assert!(!hans.contains("合约"), "Simplified Chinese says 合同 too");
    for locale in [&hant, &hans] {
        let hints: Vec<&str> = locale
            .lines()
            .filter(|l| l.contains("Ctrl") && !l.contains("multi_select_keys"))
            .collect();
        assert!(hints.is_empty(), "{hints:?}");
    }

    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/settings/approval-flows", "zh-Hant").await;
    assert!(
        html.contains(
            "<span class=\"pointer-only\"> 按住 Ctrl（Mac 上為 ⌘）再點選，可選多位。</span>"
        ),
        "the keys are said only where a pointer hovers"
    );
    let css = std::fs::read_to_string(format!("{root}/static/app.css")).expect("css");
    assert!(css.contains(".pointer-only { display: none; }"));
    assert!(css.contains("@media (hover: hover) and (pointer: fine)"));
}
