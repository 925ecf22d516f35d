//! Tables in files: reading CSV and XLSX uploads into rows of text, and
//! writing rows to a temporary file that is streamed to the client, so an
//! export of any size never sits in memory.

mod writing;
pub use writing::{Cell, CellFormats, TableWriter};

mod reading;
pub use reading::read;

/// The formats users import and export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A header row and the rows under it, every cell as text.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Where each row is in the file (the header is row 1), as blank rows
    /// are left out of `rows`.
    pub numbers: Vec<usize>,
}

/// Text that a spreadsheet would run as a formula gets a leading `'`.
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The reverse of `safe_cell`, for files that come back.
pub fn unsafe_cell(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};

    use super::reading::cell_text;
    use super::*;

    #[test]
    fn csv_in_utf8_with_a_mark_and_in_gb18030_is_read() {
        let with_mark = "\u{feff}名稱,電話\n台泥,(02)2531-7099\n"
            .as_bytes()
            .to_vec();
        let table = read(&with_mark, Format::Csv).expect("utf-8");
        assert_eq!(table.headers, vec!["名稱", "電話"]);
        assert_eq!(table.rows[0], vec!["台泥", "(02)2531-7099"]);

        let (gb, _, _) = encoding_rs::GB18030.encode("名称,电话\n华为技术,0755-28780808\n");
        let table = read(&gb, Format::Csv).expect("gb18030");
        assert_eq!(table.rows[0][0], "华为技术");

        let (big5, _, _) = encoding_rs::BIG5.encode("公司名稱,總機電話\n繁體公司乙,02-2345-6789\n");
        let table = read(&big5, Format::Csv).expect("big5");
        assert_eq!(table.headers[0], "公司名稱");
        assert_eq!(table.rows[0][0], "繁體公司乙");

        assert_eq!(
            read(b"PK\x03\x04rest", Format::Csv).err(),
            Some("xlsx_as_csv")
        );
    }

    #[test]
    fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
        let table = read(b"a,b\n1,2\n\n3,4\n\"two\nlines\",5\n6,7\n", Format::Csv).expect("read");
        assert_eq!(table.numbers, vec![2, 4, 5, 6]);
        assert_eq!(table.rows[2], vec!["two\nlines", "5"]);
        let table = read(b"a,b\r\n1,2\r\n,\r\n3,4", Format::Csv).expect("read");
        assert_eq!(table.numbers, vec![2, 4]);
    }

    #[test]
    fn formulas_are_neutralised_and_restored() {
        for text in ["=1+1", "+886912345678", "-3", "@SUM(A1)"] {
            let safe = safe_cell(text);
            assert!(safe.starts_with('\''), "{text}");
            assert_eq!(unsafe_cell(&safe), text);
        }
        assert_eq!(safe_cell("台泥"), "台泥");
        assert_eq!(unsafe_cell("'quoted"), "'quoted");
    }

    #[test]
    fn numbers_keep_their_decimals() {
        let cell = |value, decimals| Cell::Number { value, decimals }.text();
        assert_eq!(cell(123_456, 2), "1234.56");
        assert_eq!(cell(-5, 2), "-0.05");
        assert_eq!(cell(333, 1), "33.3");
        assert_eq!(cell(7, 0), "7");
        let dir = tempfile::tempdir().expect("dir");
        let mut writer = TableWriter::new(Format::Xlsx, dir.path()).expect("writer");
        writer
            .write_cells(&[
                Cell::Text("x".into()),
                Cell::Number {
                    value: 150,
                    decimals: 2,
                },
            ])
            .expect("row");
        let path = writer.finish().expect("finish");
        let table = read(&std::fs::read(&path).expect("read"), Format::Xlsx).expect("xlsx");
        assert_eq!(table.headers, vec!["x", "1.5"]);
    }

    #[test]
    fn an_xlsx_written_here_reads_back() {
        let dir = tempfile::tempdir().expect("dir");
        let mut writer = TableWriter::new(Format::Xlsx, dir.path()).expect("writer");
        writer
            .write_row(&["名稱".into(), "統一編號".into()])
            .expect("row");
        writer
            .write_row(&["台泥".into(), "03244509".into()])
            .expect("row");
        let path = writer.finish().expect("finish");
        let bytes = std::fs::read(&path).expect("read");
        let table = read(&bytes, Format::Xlsx).expect("xlsx");
        assert_eq!(table.rows[0], vec!["台泥", "03244509"]);
    }

    #[test]
    fn a_template_gives_id_columns_the_text_format_and_zero_formats_are_read() {
        let dir = tempfile::tempdir().expect("dir");
        let mut writer = TableWriter::new(Format::Xlsx, dir.path()).expect("writer");
        writer.text_columns(&[1]).expect("formats");
        writer
            .write_row(&["名稱".into(), "電話".into()])
            .expect("row");
        let path = writer.finish().expect("finish");
        let mut workbook: Xlsx<_> = calamine::open_workbook(&path).expect("open");
        let styles = workbook.worksheet_style("Sheet1").expect("styles");
        let format = |at| {
            styles
                .get(at)
                .and_then(|s| s.number_format.clone())
                .map(|f| f.format_code)
        };
        assert_eq!(format((0, 1)).as_deref(), Some("@"));
        assert_ne!(format((0, 0)).as_deref(), Some("@"));

        // A phone typed as a number in a column formatted `0000000000`.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let zeros = rust_xlsxwriter::Format::new().set_num_format("0000000000");
        sheet.write_string(0, 0, "Phone").expect("header");
        sheet.write_string(0, 1, "Count").expect("header");
        sheet
            .write_number_with_format(1, 0, 912_345_678.0, &zeros)
            .expect("cell");
        sheet.write_number(1, 1, 42.0).expect("cell");
        sheet
            .write_number_with_format(2, 0, 1.5, &zeros)
            .expect("cell");
        let bytes = book.save_to_buffer().expect("save");
        let table = read(&bytes, Format::Xlsx).expect("xlsx");
        assert_eq!(table.rows[0], vec!["0912345678", "42"]);
        assert_eq!(table.rows[1][0], "1.5");
    }

    #[test]
    fn amounts_and_dates_are_numbers_in_a_spreadsheet_and_text_in_csv() {
        let dir = tempfile::tempdir().expect("dir");
        let date = chrono::NaiveDate::from_ymd_opt(2017, 3, 9).expect("date");
        let row = [
            Cell::Text("=1+1".into()),
            Cell::money(123_456_789, "USD"),
            Cell::money(100_000, "JPY"),
            Cell::Date(date),
            Cell::Count(7),
            Cell::Empty,
        ];
        let mut xlsx = TableWriter::new(Format::Xlsx, dir.path()).expect("writer");
        xlsx.write_cells(&row).expect("row");
        let path = xlsx.finish().expect("finish");
        let mut workbook: Xlsx<_> = calamine::open_workbook(&path).expect("open");
        let sheet = workbook
            .worksheet_range_at(0)
            .expect("sheet")
            .expect("range");
        let cells: Vec<&Data> = sheet.rows().next().expect("row").iter().collect();
        assert_eq!(cells[0], &Data::String("=1+1".into()));
        assert_eq!(cells[1], &Data::Float(1_234_567.89));
        assert_eq!(cells[2], &Data::Float(1000.0));
        assert!(matches!(cells[3], Data::DateTime(_)), "{:?}", cells[3]);
        assert_eq!(cell_text(cells[3]), "2017-03-09");
        assert_eq!(cells[4], &Data::Float(7.0));
        // Read back, the amount is the same decimal text an import takes.
        assert_eq!(cell_text(cells[1]), "1234567.89");
        assert_eq!(cell_text(cells[2]), "1000");

        let mut csv = TableWriter::new(Format::Csv, dir.path()).expect("writer");
        csv.write_cells(&row).expect("row");
        let path = csv.finish().expect("finish");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            text.trim_start_matches('\u{feff}').trim_end(),
            "'=1+1,1234567.89,1000,2017-03-09,7,"
        );
    }

    #[test]
    fn rates_are_numbers_in_percent_in_both_files() {
        let dir = tempfile::tempdir().expect("dir");
        let row = [Cell::Percent(450), Cell::Percent(1_250), Cell::Percent(-5)];
        let mut xlsx = TableWriter::new(Format::Xlsx, dir.path()).expect("writer");
        xlsx.write_cells(&row).expect("row");
        let path = xlsx.finish().expect("finish");
        let mut workbook: Xlsx<_> = calamine::open_workbook(&path).expect("open");
        let sheet = workbook
            .worksheet_range_at(0)
            .expect("sheet")
            .expect("range");
        let cells: Vec<&Data> = sheet.rows().next().expect("row").iter().collect();
        assert_eq!(
            cells,
            [&Data::Float(0.45), &Data::Float(1.25), &Data::Float(-0.005)]
        );
        let styles = workbook.worksheet_style("Sheet1").expect("styles");
        let format = styles
            .get((0, 0))
            .and_then(|s| s.number_format.clone())
            .map(|f| f.format_code);
        assert_eq!(format.as_deref(), Some("0.0%"));

        let mut csv = TableWriter::new(Format::Csv, dir.path()).expect("writer");
        csv.write_cells(&row).expect("row");
        let path = csv.finish().expect("finish");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            text.trim_start_matches('\u{feff}').trim_end(),
            "45.0,125.0,-0.5"
        );
    }
}
