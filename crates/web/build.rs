//! Rebuilds the crate when a locale file changes: the translations are
//! compiled in, and the macro that reads them does not tell cargo.

fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=templates");
}
