//! Tables in files: reading CSV and XLSX uploads into rows of text, and
//! writing rows to a temporary file that is streamed to the client, so an
//! export of any size never sits in memory.

use std::io::Write;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use kuijing_domain::money;

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

/// Reads an upload. CSV may be UTF-8 with or without a byte-order mark, or
/// GB18030 (which covers GBK and GB2312); anything that is not valid UTF-8 is
/// read as GB18030.
pub fn read(bytes: &[u8], format: Format) -> Result<Table, &'static str> {
    let rows = match format {
        Format::Csv => read_csv(bytes)?,
        Format::Xlsx => read_xlsx(bytes)?
            .into_iter()
            .enumerate()
            .map(|(index, row)| (index + 1, row))
            .collect(),
    };
    let mut rows = rows.into_iter();
    let headers: Vec<String> = rows
        .next()
        .ok_or("file_empty")?
        .1
        .into_iter()
        .map(|h| h.trim().to_string())
        .collect();
    let (numbers, rows) = rows
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .unzip();
    Ok(Table {
        headers,
        rows,
        numbers,
    })
}

/// The records of a CSV file, each with its row as a spreadsheet shows the
/// file: blank lines count as rows (the reader skips them), a line break
/// inside a quoted cell does not.
fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, &'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err("xlsx_as_csv");
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        // Taiwanese spreadsheets save CSV in Big5, mainland ones in GBK or
        // GB18030. Either decoding may succeed on the other's bytes, so the
        // one that reads as more everyday characters wins.
        Err(_) => {
            let (big5, _, big5_errors) = encoding_rs::BIG5.decode(bytes);
            let (gb, _, gb_errors) = encoding_rs::GB18030.decode(bytes);
            match (big5_errors, gb_errors) {
                (true, true) => return Err("encoding_unknown"),
                (false, true) => big5.into_owned(),
                (true, false) => gb.into_owned(),
                (false, false) if everyday(&big5) > everyday(&gb) => big5.into_owned(),
                (false, false) => gb.into_owned(),
            }
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut row = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        let starts = reader.position().line();
        if !reader.read_record(&mut record).map_err(|_| "csv_invalid")? {
            break;
        }
        // The lines read for this record, less its own, are blank lines
        // before it.
        let read = reader.position().line().saturating_sub(starts) as usize;
        let own = 1 + record
            .iter()
            .map(|c| c.matches('\n').count())
            .sum::<usize>();
        row += 1 + read.saturating_sub(own);
        rows.push((row, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

/// Characters common in business text, in both scripts: company words,
/// places, and the most frequent characters of written Chinese.
const EVERYDAY: &str = "的一是不了人我在有他這这中大來来上國国個个到說说們们為为子和你地出道也時时年得就那要下以生會会自著着去之過过家學学對对可她裡里後后小麼么心多天而能好都然沒没日於于起還还發发成事只作當当想看文無无開开手十用主行方又如前所本見见經经頭头面公同三已老從从動动兩两長长司電电話话名稱称業业號号市區区路段樓楼股份有限科技工程建設设材料實实產产服務务銀银行金融保險险投資资集團团興兴華华台臺北南東东西新竹高雄桃園园中心客戶户聯联繫系人郵邮件址統统一編编碼码網网站傳传真總总機机手";

fn everyday(text: &str) -> usize {
    text.chars().filter(|c| EVERYDAY.contains(*c)).count()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, &'static str> {
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|_| "xlsx_invalid")?;
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or("file_empty")?
        .map_err(|_| "xlsx_invalid")?;
    // A whole number shown with a format of zeros (`0000000000`) is read
    // as shown, leading zeros and all: a phone or tax ID typed as a number.
    let styles = workbook
        .sheet_names()
        .first()
        .cloned()
        .and_then(|name| workbook.worksheet_style(&name).ok());
    let (top, left) = sheet.start().unwrap_or((0, 0));
    Ok((top..)
        .zip(sheet.rows())
        .map(|(at_row, row)| {
            (left..)
                .zip(row)
                .map(|(at_column, cell)| {
                    let width = styles
                        .as_ref()
                        .and_then(|s| s.get((at_row, at_column))?.number_format.as_ref())
                        .map_or(0, |f| zeros_width(&f.format_code));
                    padded(cell, width)
                })
                .collect()
        })
        .collect())
}

/// The width a number format of zeros alone pads to (`00000` is 5); none
/// for any other format.
fn zeros_width(code: &str) -> usize {
    if code.chars().all(|c| c == '0') {
        code.len()
    } else {
        0
    }
}

/// A cell as text, a whole number of at least 0 padded with zeros to `width`.
fn padded(cell: &Data, width: usize) -> String {
    let text = cell_text(cell);
    let whole = match cell {
        Data::Float(f) => f.fract() == 0.0 && *f >= 0.0,
        Data::Int(i) => *i >= 0,
        _ => false,
    };
    if whole && text.chars().all(|c| c.is_ascii_digit()) {
        format!("{text:0>width$}")
    } else {
        text
    }
}

/// A cell as text: whole numbers without `.0`, dates as ISO dates.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => {
                at.date().format("%Y-%m-%d").to_string()
            }
            Some(at) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
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

/// Rows written to a temporary file in the data folder.
pub enum TableWriter {
    Csv(Box<csv::Writer<std::io::BufWriter<tempfile::NamedTempFile>>>),
    Xlsx {
        workbook: Box<rust_xlsxwriter::Workbook>,
        row: u32,
        path: tempfile::TempPath,
        formats: Box<CellFormats>,
    },
}

/// One cell of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// An amount in minor units, written with the decimals of its currency
    /// (see [`Cell::money`]).
    Money {
        minor: i64,
        decimals: u32,
    },
    Count(i64),
    /// A whole number scaled by ten to the `decimals` (a rate of 12.5 is
    /// 125 with one decimal).
    Number {
        value: i64,
        decimals: u8,
    },
    Date(chrono::NaiveDate),
    /// A rate in tenths of a percent (976 is 97.6%): a spreadsheet gets
    /// 0.976 shown as 97.6%, a CSV file `97.6%`, so that the figure reads
    /// as a rate beside amounts.
    Percent(i64),
    Empty,
}

impl Cell {
    /// An amount in its currency: `1000` yen, `1000.50` dollars.
    pub fn money(minor: i64, currency: &str) -> Self {
        Self::Money {
            minor,
            decimals: money::decimals(currency),
        }
    }

    /// What the cell says in a CSV file (and what an import reads back).
    pub fn text(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Money { minor, decimals: 0 } if minor % money::MINOR_PER_MAJOR == 0 => {
                (minor / money::MINOR_PER_MAJOR).to_string()
            }
            Self::Money { minor, .. } => money::amount_text(*minor),
            Self::Count(count) => count.to_string(),
            Self::Number { value, decimals } => {
                if *decimals == 0 {
                    return value.to_string();
                }
                let scale = 10u64.pow(u32::from(*decimals));
                let sign = if *value < 0 { "-" } else { "" };
                let whole = value.unsigned_abs() / scale;
                let part = value.unsigned_abs() % scale;
                format!(
                    "{sign}{whole}.{part:0width$}",
                    width = usize::from(*decimals)
                )
            }
            Self::Date(date) => date.to_string(),
            Self::Percent(tenths) => format!(
                "{}%",
                Self::Number {
                    value: *tenths,
                    decimals: 1,
                }
                .text()
            ),
            Self::Empty => String::new(),
        }
    }

    pub fn date(date: Option<chrono::NaiveDate>) -> Self {
        date.map_or(Self::Empty, Self::Date)
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

/// How numbers and dates look in a spreadsheet.
pub struct CellFormats {
    money: rust_xlsxwriter::Format,
    /// Money in a currency without decimals (yen, won).
    whole_money: rust_xlsxwriter::Format,
    percent: rust_xlsxwriter::Format,
    date: rust_xlsxwriter::Format,
}

fn excel_date(date: chrono::NaiveDate) -> Option<rust_xlsxwriter::ExcelDateTime> {
    use chrono::Datelike;
    let year = u16::try_from(date.year()).ok()?;
    rust_xlsxwriter::ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

impl TableWriter {
    pub fn new(format: Format, dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::Builder::new()
            .prefix("export-")
            .suffix(format.extension())
            .tempfile_in(dir)?;
        Ok(match format {
            Format::Csv => {
                let mut out = std::io::BufWriter::new(file);
                // Spreadsheet programs read UTF-8 CSV correctly only with a mark.
                out.write_all(b"\xEF\xBB\xBF")?;
                Self::Csv(Box::new(csv::Writer::from_writer(out)))
            }
            Format::Xlsx => {
                let mut workbook = rust_xlsxwriter::Workbook::new();
                workbook.set_tempdir(dir).map_err(std::io::Error::other)?;
                workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(std::io::Error::other)?;
                Self::Xlsx {
                    workbook: Box::new(workbook),
                    row: 0,
                    path: file.into_temp_path(),
                    formats: Box::new(CellFormats {
                        money: rust_xlsxwriter::Format::new().set_num_format("#,##0.00"),
                        whole_money: rust_xlsxwriter::Format::new().set_num_format("#,##0"),
                        percent: rust_xlsxwriter::Format::new().set_num_format("0.0%"),
                        date: rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd"),
                    }),
                }
            }
        })
    }

    /// Gives the columns (counted from 0) the text format (`@`) in a
    /// spreadsheet, so what is typed into them later keeps its leading
    /// zeros (phones, postcodes, tax IDs); a CSV file has no formats.
    pub fn text_columns(&mut self, columns: &[u16]) -> std::io::Result<()> {
        if let Self::Xlsx { workbook, .. } = self {
            let sheet = workbook
                .worksheet_from_index(0)
                .map_err(std::io::Error::other)?;
            let text = rust_xlsxwriter::Format::new().set_num_format("@");
            for column in columns {
                sheet
                    .set_column_format(*column, &text)
                    .map_err(std::io::Error::other)?;
            }
        }
        Ok(())
    }

    /// A row of text cells.
    pub fn write_row(&mut self, cells: &[String]) -> std::io::Result<()> {
        let cells: Vec<Cell> = cells.iter().map(|c| Cell::Text(c.clone())).collect();
        self.write_cells(&cells)
    }

    /// A row of typed cells: a spreadsheet gets numbers and dates it can
    /// add up and sort, a CSV file their usual text.
    pub fn write_cells(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        match self {
            Self::Csv(writer) => writer
                // Only text can be a formula; a negative amount stays a number.
                .write_record(cells.iter().map(|c| match c {
                    Cell::Text(text) => safe_cell(text),
                    other => other.text(),
                }))
                .map_err(std::io::Error::other),
            Self::Xlsx {
                workbook,
                row,
                formats,
                ..
            } => {
                let sheet = workbook
                    .worksheet_from_index(0)
                    .map_err(std::io::Error::other)?;
                for (column, cell) in cells.iter().enumerate() {
                    let column = column as u16;
                    let written = match cell {
                        // Text is written as text, never as a formula.
                        Cell::Text(text) => sheet.write_string(*row, column, text.as_str()),
                        Cell::Money { minor, decimals } => sheet.write_number_with_format(
                            *row,
                            column,
                            *minor as f64 / money::MINOR_PER_MAJOR as f64,
                            if *decimals == 0 {
                                &formats.whole_money
                            } else {
                                &formats.money
                            },
                        ),
                        Cell::Count(count) => sheet.write_number(*row, column, *count as f64),
                        Cell::Number { value, decimals } => sheet.write_number(
                            *row,
                            column,
                            *value as f64 / 10f64.powi(i32::from(*decimals)),
                        ),
                        Cell::Date(date) => match excel_date(*date) {
                            Some(at) => {
                                sheet.write_datetime_with_format(*row, column, at, &formats.date)
                            }
                            None => sheet.write_string(*row, column, date.to_string()),
                        },
                        Cell::Percent(tenths) => sheet.write_number_with_format(
                            *row,
                            column,
                            *tenths as f64 / 1000.0,
                            &formats.percent,
                        ),
                        Cell::Empty => Ok(&mut *sheet),
                    };
                    written.map_err(std::io::Error::other)?;
                }
                *row += 1;
                Ok(())
            }
        }
    }

    /// Closes the file and answers its path; it is deleted when dropped.
    pub fn finish(self) -> std::io::Result<tempfile::TempPath> {
        match self {
            Self::Csv(writer) => {
                let out = writer
                    .into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                let file = out
                    .into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                Ok(file.into_temp_path())
            }
            Self::Xlsx {
                mut workbook, path, ..
            } => {
                workbook.save(&*path).map_err(std::io::Error::other)?;
                Ok(path)
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
}
