//! Writing rows of an export to a temporary file, as CSV or XLSX.

use std::io::Write;
use std::path::Path;

use kuijing_domain::money;

use super::{Format, safe_cell};

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
    /// A rate in tenths of a percent (976 is 97.6%), written as a number:
    /// a spreadsheet gets 0.976 formatted as 97.6%, a CSV file the figure
    /// in percent, `97.6`, under a heading that names the unit ("(%)"), so
    /// either file sums and sorts it as a number.
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
            Self::Percent(tenths) => Self::Number {
                value: *tenths,
                decimals: 1,
            }
            .text(),
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
