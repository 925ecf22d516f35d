//! What an attachment may be: its type read from its content, a name that
//! claims no other type, and its size within the limit.

use kuijing_domain::FieldError;

/// The kinds of file a CRM keeps: pictures, PDF, office documents and plain
/// text, by the type their content shows and the name people know it by.
pub(super) const ALLOWED: &[(&str, &str)] = &[
    ("image/png", "PNG"),
    ("image/jpeg", "JPEG"),
    ("image/gif", "GIF"),
    ("image/webp", "WebP"),
    ("application/pdf", "PDF"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLSX",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PPTX",
    ),
    ("application/msword", "DOC"),
    ("application/vnd.ms-excel", "XLS"),
    ("application/vnd.ms-powerpoint", "PPT"),
    ("application/zip", "ZIP"),
];

/// The types an attachment may be, as a message names them.
pub fn allowed_types() -> String {
    let mut names: Vec<&str> = ALLOWED.iter().map(|(_, name)| *name).collect();
    names.push("TXT");
    names.join(", ")
}

/// The type of a file from its content (never its name): `Ok` with the
/// type to keep when it is allowed, else `Err` with what was found.
pub(super) fn content_type(bytes: &[u8]) -> Result<&'static str, String> {
    if let Some(kind) = infer::get(bytes) {
        return match ALLOWED.iter().find(|(mime, _)| *mime == kind.mime_type()) {
            Some((mime, _)) => Ok(mime),
            None => Err(format!(
                "{} ({})",
                kind.extension().to_uppercase(),
                kind.mime_type()
            )),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok("text/plain; charset=utf-8"),
        Err(_) => Err("application/octet-stream".into()),
    }
}

/// The size limit of an attachment as a message names it: "20 MB".
pub fn size_limit(max_mb: u64) -> String {
    format!("{max_mb} MB")
}

/// The refusal of a file that did not arrive whole because it is over the
/// limit of `max_mb` (its size is then known only to exceed it).
pub fn over_the_limit(field: &str, max_mb: u64) -> crate::ServiceError {
    let error = FieldError::new(field, "file_too_large")
        .with("max", size_limit(max_mb))
        .with("size", format!("> {}", size_limit(max_mb)));
    crate::ServiceError::Invalid(error.into())
}

/// Types whose files open in the same program, with the extensions their
/// names take: a file named as one and holding another would not open as
/// its name promises. Office documents are zip or OLE containers, so each
/// container is one family.
const FAMILIES: &[(&[&str], &[&str])] = &[
    (&["image/png"], &["png"]),
    (&["image/jpeg"], &["jpg", "jpeg", "jpe"]),
    (&["image/gif"], &["gif"]),
    (&["image/webp"], &["webp"]),
    (&["application/pdf"], &["pdf"]),
    (
        &[
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/zip",
        ],
        &["docx", "xlsx", "pptx", "zip"],
    ),
    (
        &[
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
        ],
        &["doc", "xls", "ppt"],
    ),
    (
        &["text/plain; charset=utf-8"],
        &["txt", "csv", "tsv", "md", "log", "json", "xml", "vcf"],
    ),
    // Programs, scripts and pages: text may hold them, but a file named so
    // would run or render when opened, so no content is let in as one.
    (
        &[],
        &[
            "exe", "com", "bat", "cmd", "msi", "scr", "ps1", "vbs", "js", "jse", "wsf", "sh",
            "jar", "apk", "html", "htm", "xhtml", "svg", "hta", "lnk", "reg",
        ],
    ),
];

/// When a file's name claims a type its content is not (`report.pdf`
/// holding text): the type the name claims and the one the content is, as
/// a message names them. A name without a known extension claims nothing.
pub(super) fn misnamed(name: &str, content_type: &str) -> Option<(String, String)> {
    let (_, extension) = name.rsplit_once('.')?;
    let extension = extension.to_ascii_lowercase();
    let named = FAMILIES
        .iter()
        .position(|(_, names)| names.contains(&extension.as_str()))?;
    let holds = FAMILIES
        .iter()
        .position(|(types, _)| types.contains(&content_type))?;
    if named == holds {
        return None;
    }
    let shown = ALLOWED
        .iter()
        .find(|(mime, _)| *mime == content_type)
        .map_or("TXT", |(_, shown)| shown);
    Some((extension.to_uppercase(), shown.to_string()))
}

/// A size in megabytes, one decimal rounded up (a file just over the limit
/// never reads as the limit itself), as a message names it.
pub(super) fn size_of(bytes: usize) -> String {
    let tenths = (bytes as f64 / (1024.0 * 1024.0) * 10.0).ceil();
    format!("{:.1} MB", tenths / 10.0)
}

/// A file name as shown and downloaded: no folders, no control characters;
/// everything else (quotes, `*`, `%`, `#`, letters of any script) kept as
/// uploaded, the download header encoding it.
pub(super) fn clean_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim().to_string();
    (!cleaned.is_empty() && cleaned.chars().count() <= 200).then_some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n0000"), Ok("image/png"));
        assert_eq!(content_type(b"%PDF-1.7\n"), Ok("application/pdf"));
        assert_eq!(
            content_type("會議紀錄".as_bytes()),
            Ok("text/plain; charset=utf-8")
        );
        // What was found is named, for the message.
        let program = content_type(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00");
        assert!(
            program
                .as_ref()
                .is_err_and(|found| found.starts_with("EXE (")),
            "{program:?}"
        );
        assert_eq!(
            content_type(&[0xff, 0xfe, 0x00, 0xd8]),
            Err("application/octet-stream".to_string())
        );
    }

    #[test]
    fn a_name_must_not_claim_another_type_than_the_content() {
        let text = "text/plain; charset=utf-8";
        assert_eq!(
            misnamed("報價單.PDF", text),
            Some(("PDF".into(), "TXT".into()))
        );
        assert_eq!(
            misnamed("photo.jpg", "image/png"),
            Some(("JPG".into(), "PNG".into()))
        );
        assert_eq!(misnamed("notes.txt", text), None);
        assert_eq!(
            misnamed("run.BAT", text),
            Some(("BAT".into(), "TXT".into()))
        );
        assert_eq!(misnamed("x.svg", text), Some(("SVG".into(), "TXT".into())));
        assert_eq!(misnamed("list.csv", text), None);
        assert_eq!(misnamed("README", text), None);
        assert_eq!(misnamed("plan.final", "application/pdf"), None);
        // Office files are containers that may read as their container.
        assert_eq!(misnamed("sheet.xlsx", "application/zip"), None);
        assert_eq!(misnamed("old.doc", "application/vnd.ms-excel"), None);
        assert_eq!(misnamed("photo.jpeg", "image/jpeg"), None);
    }

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_name("C:\\報價單.pdf").as_deref(), Some("報價單.pdf"));
        assert_eq!(clean_name("  "), None);
    }
}
