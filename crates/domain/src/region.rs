//! A customer's region: province, city and district read from an address
//! written in one line, as registry files and older records keep it
//! (`臺北市中正區重慶南路一段122號`, `新竹縣竹北市…`, `广东省深圳市南山区…`).

/// An address split into its region and the rest (the detail line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Region {
    /// A postal code leading the address (`100`, `(100)`, `10048`), kept
    /// as text so its leading zeros survive.
    pub postcode: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    /// What follows the region; the whole text when no region was found.
    pub detail: Option<String>,
}

/// Taiwan's cities and counties in their official (臺) form.
const TAIWAN: &[&str] = &[
    "臺北市",
    "新北市",
    "桃園市",
    "臺中市",
    "臺南市",
    "高雄市",
    "基隆市",
    "新竹市",
    "嘉義市",
    "新竹縣",
    "苗栗縣",
    "彰化縣",
    "南投縣",
    "雲林縣",
    "嘉義縣",
    "屏東縣",
    "宜蘭縣",
    "花蓮縣",
    "臺東縣",
    "澎湖縣",
    "金門縣",
    "連江縣",
    "臺北縣",
    "臺中縣",
    "臺南縣",
];

const CITY_ENDS: &[char] = &['市', '縣', '县'];
const DISTRICT_ENDS: &[char] = &['區', '区', '鄉', '乡', '鎮', '镇', '市', '縣', '县'];

/// The region of a one-line address. A city (a name of two to four
/// characters ending in 市 or 縣) must come first, after an optional postal
/// code, country and province; without one nothing is taken and the whole
/// text stays the detail. Taiwanese names written with 台 are kept in their
/// official 臺 form, so 台北市 and 臺北市 are one city.
pub fn split_address(address: &str) -> Region {
    let trimmed = address.trim();
    let whole = Region {
        detail: (!trimmed.is_empty()).then(|| trimmed.to_string()),
        ..Region::default()
    };
    let typed = as_read(trimmed);
    let found = split(&typed).or_else(|| {
        // A science or industrial park written before the city
        // (新竹科學園區新竹市力行二路…) stays in the detail line.
        let at = typed.find("園區")? + "園區".len();
        let (park, rest) = typed.split_at(at);
        if park.chars().count() > 8 || !park.chars().all(is_han) {
            return None;
        }
        let mut region = split(rest)?;
        region.detail = Some(format!("{park}{}", region.detail.unwrap_or_default()));
        region.postcode = None;
        Some(region)
    });
    found.unwrap_or(whole)
}

/// Abbreviations of Taiwanese cities in everyday addresses.
const SHORT: &[(&str, &str)] = &[("北市", "臺北市"), ("高市", "高雄市")];

/// The postal code leading a one-line address whose region follows it
/// (`100台北市…`, `(100) 臺北市…`), and the address without it. A number
/// before anything else (`100 Main Street`) is no postal code.
pub fn take_postcode(address: &str) -> Option<(String, String)> {
    let code = split_address(address).postcode?;
    let typed = as_read(address.trim());
    let (_, rest) = leading_postcode(&typed);
    Some((code, rest.to_string()))
}

/// An address as it is read: full-width digits, brackets and hyphens
/// (`２３５`, `（１００）`) in their half-width forms, and 巿 (fú), a frequent
/// slip for 市, as 市.
fn as_read(address: &str) -> String {
    address
        .chars()
        .map(|c| match c {
            '０'..='９' | '（' | '）' | '－' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '巿' => '市',
            c => c,
        })
        .collect()
}

/// Simplified characters of Taiwan's city and district names, and below
/// them their Traditional forms, one for one (后 is left: 后里區 is
/// written so).
pub(crate) const SIMPLIFIED: &str = "区乡镇县万华义内桥庄树莺峡芦门双贡乌来园坜杨龟龙观复兴丰东势雾栖头罗苏员线坛盐鱼国爱库仑麦长脚恒峦顶边车满狮兰壮围结莲凤寿滨荣关绿岛达屿马宁营鸟冈弥浓玛学将军归庙横宝馆铜锣乐间云连";
pub(crate) const TRADITIONAL: &str = "區鄉鎮縣萬華義內橋莊樹鶯峽蘆門雙貢烏來園壢楊龜龍觀復興豐東勢霧棲頭羅蘇員線壇鹽魚國愛庫崙麥長腳恆巒頂邊車滿獅蘭壯圍結蓮鳳壽濱榮關綠島達嶼馬寧營鳥岡彌濃瑪學將軍歸廟橫寶館銅鑼樂間雲連";

/// A name in Traditional characters, as far as [`SIMPLIFIED`] goes.
fn traditional(name: &str) -> String {
    name.chars()
        .map(|c| {
            SIMPLIFIED
                .chars()
                .position(|simplified| simplified == c)
                .and_then(|at| TRADITIONAL.chars().nth(at))
                .unwrap_or(c)
        })
        .collect()
}

/// The digits leading a text (with the brackets, spaces and hyphens around
/// them) and the rest of it; the whole text when it starts with none.
fn leading_postcode(address: &str) -> (Option<String>, &str) {
    let rest = address
        .trim_start_matches(|c: char| {
            c.is_ascii_digit() || c.is_whitespace() || "()（）-".contains(c)
        })
        .trim_start();
    let code: String = address[..address.len() - rest.len()]
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    let code = code.trim_matches('-');
    if code.chars().any(|c| c.is_ascii_digit()) {
        (Some(code.to_string()), rest)
    } else {
        (None, address)
    }
}

fn split(text: &str) -> Option<Region> {
    let (postcode, mut rest) = leading_postcode(text);
    for country in [
        "中華民國",
        "臺灣省",
        "台灣省",
        "臺灣",
        "台灣",
        "中国",
        "中國",
    ] {
        if let Some(after) = rest.strip_prefix(country) {
            rest = after.trim_start();
            break;
        }
    }
    let mut province = None;
    if let Some((name, after)) = segment(rest, &["省", "自治区", "自治區"], 2, 8) {
        province = Some(name.to_string());
        rest = after;
    }
    let (city, after) = first_segment(rest, CITY_ENDS, 4)?;
    let taiwanese = province.is_none();
    let city = match SHORT.iter().find(|(short, _)| *short == city) {
        Some((_, full)) if taiwanese => full.to_string(),
        _ => {
            let full = official(&traditional(city));
            if taiwanese && TAIWAN.contains(&full.as_str()) {
                full
            } else {
                city.to_string()
            }
        }
    };
    rest = after;
    let district = match district_of(rest) {
        Some((district, after)) => {
            rest = after;
            // A Taiwanese district in the city's form: 中正区 is 中正區.
            Some(if TAIWAN.contains(&city.as_str()) {
                official(&traditional(district))
            } else {
                district.to_string()
            })
        }
        None => None,
    };
    let detail = rest.trim();
    Some(Region {
        postcode,
        province,
        city: Some(city),
        district,
        detail: (!detail.is_empty()).then(|| detail.to_string()),
    })
}

/// The district leading `text`. A district whose name has 市, 縣, 鎮 or 鄉
/// before its own end is read whole (臺南市新市區 is 新市區, not 新市;
/// 桃園市平鎮區 is 平鎮區, 高雄市前鎮區 is 前鎮區), and a park (科學園區,
/// 工業區 …) is no district: it stays in the detail line.
fn district_of(text: &str) -> Option<(&str, &str)> {
    let (mut name, mut after) = first_segment(text, DISTRICT_ENDS, 4)?;
    if let Some(end) = after
        .chars()
        .next()
        .filter(|c| DISTRICT_ENDS[..6].contains(c))
    {
        // Townships have names of two characters or more before their 鎮 or
        // 鄉 (鹿港鎮), so one character and a 鎮 before a 區 is a district.
        let township_in_name = name.chars().count() == 2
            && name.ends_with(['鎮', '镇', '鄉', '乡'])
            && ['區', '区'].contains(&end);
        let city_like = name.ends_with(['市', '縣', '县']) || township_in_name;
        let end_len = end.len_utf8();
        if city_like && name.chars().count() < 4 {
            let whole = name.len() + end_len;
            (name, after) = (&text[..whole], &text[whole..]);
        }
    }
    let park = ["園區", "园区", "工業區", "工业区", "加工區", "加工区"];
    (!park.iter().any(|p| name.ends_with(p))).then_some((name, after))
}

/// The leading name (two to `longest` characters) ending in one of `ends`.
fn first_segment<'a>(text: &'a str, ends: &[char], longest: usize) -> Option<(&'a str, &'a str)> {
    let mut chars = text.char_indices();
    // The first character is never an end: `市府路` is no city.
    let (_, first) = chars.next()?;
    if !is_han(first) {
        return None;
    }
    for (count, (at, c)) in chars.enumerate() {
        if count + 2 > longest || !is_han(c) {
            return None;
        }
        if ends.contains(&c) {
            let end = at + c.len_utf8();
            return Some((&text[..end], &text[end..]));
        }
    }
    None
}

/// The leading name ending in one of `ends` (words), within `shortest` to
/// `longest` characters.
fn segment<'a>(
    text: &'a str,
    ends: &[&str],
    shortest: usize,
    longest: usize,
) -> Option<(&'a str, &'a str)> {
    let mut best: Option<usize> = None;
    for end in ends {
        if let Some(at) = text.find(end) {
            let stop = at + end.len();
            let chars = text[..stop].chars().count();
            let name = &text[..at];
            if (shortest..=longest).contains(&chars)
                && name.chars().all(is_han)
                && !name.contains(DISTRICT_ENDS)
                && best.is_none_or(|b| stop < b)
            {
                best = Some(stop);
            }
        }
    }
    best.map(|stop| (&text[..stop], &text[stop..]))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// A Taiwanese name in its official form: 臺 for a leading 台.
fn official(name: &str) -> String {
    match name.strip_prefix('台') {
        Some(rest) => format!("臺{rest}"),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(
        address: &str,
    ) -> (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) {
        let r = split_address(address);
        (r.province, r.city, r.district, r.detail)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn taiwanese_addresses_give_city_and_district() {
        assert_eq!(
            parts("臺北市中正區重慶南路一段122號"),
            (
                None,
                some("臺北市"),
                some("中正區"),
                some("重慶南路一段122號")
            )
        );
        assert_eq!(
            parts("台北市大安區敦化南路2段207號30、31樓"),
            (
                None,
                some("臺北市"),
                some("大安區"),
                some("敦化南路2段207號30、31樓")
            )
        );
        assert_eq!(
            parts("新竹縣竹北市台元一街8號"),
            (None, some("新竹縣"), some("竹北市"), some("台元一街8號"))
        );
        assert_eq!(
            parts("彰化縣鹿港鎮鹿工路1號"),
            (None, some("彰化縣"), some("鹿港鎮"), some("鹿工路1號"))
        );
        assert_eq!(
            parts("屏東縣三地門鄉中正路1號"),
            (None, some("屏東縣"), some("三地門鄉"), some("中正路1號"))
        );
        assert_eq!(
            parts("嘉義市東區民族路1號"),
            (None, some("嘉義市"), some("東區"), some("民族路1號"))
        );
        assert_eq!(
            parts("台東縣台東市中華路1號"),
            (None, some("臺東縣"), some("臺東市"), some("中華路1號"))
        );
        assert_eq!(
            parts("10048 臺北市中正區"),
            (None, some("臺北市"), some("中正區"), None)
        );
    }

    #[test]
    fn registry_quirks_are_read() {
        // 巿 for 市, a park before the city, the short 北市.
        assert_eq!(
            parts("高雄巿前金區中正四路170號"),
            (None, some("高雄市"), some("前金區"), some("中正四路170號"))
        );
        assert_eq!(
            parts("新竹科學園區新竹市力行二路三號"),
            (None, some("新竹市"), None, some("新竹科學園區力行二路三號"))
        );
        assert_eq!(
            parts("南部科學園區台南市善化區南科八路一號"),
            (
                None,
                some("臺南市"),
                some("善化區"),
                some("南部科學園區南科八路一號")
            )
        );
        assert_eq!(
            parts("北市松山區東興路12號6樓"),
            (None, some("臺北市"), some("松山區"), some("東興路12號6樓"))
        );
        assert_eq!(parts("新竹科學園區創新二路2號").1, None);
        assert_eq!(
            parts("74145 台南市新市區大利一路3號"),
            (None, some("臺南市"), some("新市區"), some("大利一路3號"))
        );
        assert_eq!(
            parts("新竹市科學園區力行路1號"),
            (None, some("新竹市"), None, some("科學園區力行路1號"))
        );
        assert_eq!(
            parts("高雄市楠梓加工區經三路1號"),
            (None, some("高雄市"), None, some("楠梓加工區經三路1號"))
        );
        assert_eq!(parts("板橋區民生路一段一號").1, None);
    }

    #[test]
    fn a_district_with_a_township_or_city_in_its_name_is_read_whole() {
        assert_eq!(
            parts("桃園市平鎮區環南路100號"),
            (None, some("桃園市"), some("平鎮區"), some("環南路100號"))
        );
        assert_eq!(
            parts("高雄市前鎮區中山二路5號"),
            (None, some("高雄市"), some("前鎮區"), some("中山二路5號"))
        );
        assert_eq!(
            parts("台南市新市區中華路1號"),
            (None, some("臺南市"), some("新市區"), some("中華路1號"))
        );
        assert_eq!(
            parts("高雄市鳳山區光復路二段132號"),
            (
                None,
                some("高雄市"),
                some("鳳山區"),
                some("光復路二段132號")
            )
        );
        // A township before a road named with 區 is still the township.
        assert_eq!(parts("彰化縣鹿港鎮區運路1號").2, some("鹿港鎮"));
        assert_eq!(parts("越南海防市陽京郡海城坊范文同路第9里程").1, None);
        assert_eq!(
            parts("中國福建省晉江市青陽蓮嶼工業區"),
            (some("福建省"), some("晉江市"), None, some("青陽蓮嶼工業區"))
        );
    }

    #[test]
    fn a_leading_postcode_is_kept_apart_with_its_zeros() {
        let region = split_address("100台北市中正區重慶南路一段122號");
        assert_eq!(region.postcode, some("100"));
        assert_eq!(region.city, some("臺北市"));
        assert_eq!(region.detail, some("重慶南路一段122號"));
        assert_eq!(split_address("(100) 臺北市中正區").postcode, some("100"));
        assert_eq!(split_address("（100）臺北市中正區").postcode, some("100"));
        assert_eq!(split_address("10048 臺北市中正區").postcode, some("10048"));
        assert_eq!(
            split_address("012-34 臺北市中正區").postcode,
            some("012-34")
        );
        assert_eq!(split_address("臺北市中正區").postcode, None);
        assert_eq!(
            take_postcode("(100) 臺北市中正區重慶南路一段122號"),
            Some(("100".into(), "臺北市中正區重慶南路一段122號".into()))
        );
        assert_eq!(take_postcode("中山路100號"), None);
        assert_eq!(take_postcode("100 Main Street, Springfield"), None);
        assert_eq!(take_postcode("臺北市中正區"), None);
        assert_eq!(leading_postcode("  "), (None, "  "));
    }

    #[test]
    fn full_width_digits_and_brackets_are_read() {
        let region = split_address("２３５新北市中和區中山路３段１號");
        assert_eq!(region.postcode, some("235"));
        assert_eq!(region.city, some("新北市"));
        assert_eq!(region.district, some("中和區"));
        assert_eq!(region.detail, some("中山路3段1號"));
        assert_eq!(
            split_address("（１００）臺北市中正區").postcode,
            some("100")
        );
        assert_eq!(
            take_postcode("２３５新北市中和區中山路３段１號"),
            Some(("235".into(), "新北市中和區中山路3段1號".into()))
        );
    }

    #[test]
    fn a_simplified_taiwanese_address_gives_the_traditional_region() {
        assert_eq!(
            parts("100台北市中正区重庆南路一段122号"),
            (
                None,
                some("臺北市"),
                some("中正區"),
                some("重庆南路一段122号")
            )
        );
        assert_eq!(parts("桃园市平镇区环南路100号").2, some("平鎮區"));
        assert_eq!(parts("台北市万华区").2, some("萬華區"));
        assert_eq!(parts("台东县台东市中华路1号").1, some("臺東縣"));
        assert_eq!(parts("台东县台东市中华路1号").2, some("臺東市"));
        assert_eq!(parts("台中市后里区").2, some("后里區"));
        // Mainland names stay as written.
        assert_eq!(parts("广东省深圳市南山区科技园1号").2, some("南山区"));
        assert_eq!(parts("北京市朝阳区建国路1号").2, some("朝阳区"));
    }

    #[test]
    fn a_city_without_a_district_keeps_the_rest_as_detail() {
        assert_eq!(
            parts("台北市中山北路2段113號"),
            (None, some("臺北市"), None, some("中山北路2段113號"))
        );
    }

    #[test]
    fn mainland_addresses_give_the_province_too() {
        assert_eq!(
            parts("广东省深圳市南山区科技园1号"),
            (
                some("广东省"),
                some("深圳市"),
                some("南山区"),
                some("科技园1号")
            )
        );
        assert_eq!(
            parts("北京市朝阳区建国路1号"),
            (None, some("北京市"), some("朝阳区"), some("建国路1号"))
        );
        // A road named after a province is no province.
        assert_eq!(
            parts("臺北市信義區省府路1號"),
            (None, some("臺北市"), some("信義區"), some("省府路1號"))
        );
        // 台州 is a mainland city and keeps its name.
        assert_eq!(parts("浙江省台州市椒江区").1, some("台州市"));
    }

    #[test]
    fn text_without_a_city_stays_the_detail() {
        assert_eq!(
            parts("中山路100號"),
            (None, None, None, some("中山路100號"))
        );
        assert_eq!(parts("市府路1號").1, None);
        assert_eq!(
            parts("No.113, Sec.2, Zhongshan N. Rd., Taipei"),
            (
                None,
                None,
                None,
                some("No.113, Sec.2, Zhongshan N. Rd., Taipei")
            )
        );
        assert_eq!(parts("  "), (None, None, None, None));
    }
}
