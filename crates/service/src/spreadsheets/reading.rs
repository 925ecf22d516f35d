//! Reading CSV and XLSX uploads into rows of text.

use calamine::{Data, Reader, Xlsx};

use super::{Format, Table};

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
pub(super) fn cell_text(cell: &Data) -> String {
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
