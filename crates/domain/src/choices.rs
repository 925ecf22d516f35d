//! Which option of a choice a text names, as people write it in a file:
//! the option itself (case, width and spaces aside), the same words in the
//! other Chinese script (`重点客户` for `重點客戶`), or the code an option
//! leads with (`A` for `A（重點客戶）`). A text that could name two options
//! names none: the import never guesses.

use crate::text;

/// Pairs of characters, Simplified then Traditional, beyond the place
/// names of [`crate::region`]: the words of levels, industries, sources,
/// methods and other options. A Simplified character written for several
/// Traditional ones (`发` for `發` and `髮`) is in a pair with each.
const PAIRS: &str = "爱愛碍礙罢罷摆擺办辦帮幫宝寶报報贝貝备備笔筆边邊变變标標表錶别別宾賓补補财財参參仓倉层層产產长長尝嘗厂廠场場车車陈陳称稱诚誠迟遲齿齒冲衝冲沖虫蟲础礎处處传傳创創从從丛叢错錯达達带帶单單担擔当當党黨导導灯燈敌敵递遞点點电電调調东東动動冻凍斗鬥独獨断斷队隊对對吨噸夺奪儿兒尔爾发發发髮罚罰范範饭飯访訪纺紡飞飛费費丰豐风風凤鳳肤膚妇婦复復复複负負该該盖蓋干乾干幹赶趕刚剛钢鋼纲綱岗崗个個给給巩鞏贡貢购購构構顾顧关關观觀馆館惯慣广廣归歸规規贵貴国國过過汉漢号號轰轟后後护護沪滬华華划劃画畫话話怀懷坏壞欢歡环環还還换換会會汇匯汇彙绘繪获獲获穫货貨机機积積击擊鸡雞级級极極几幾计計记記际際济濟继繼价價驾駕坚堅监監间間检檢简簡见見将將奖獎讲講较較阶階节節结結洁潔紧緊进進尽盡经經惊驚竞競镜鏡旧舊举舉剧劇据據军軍开開况況亏虧扩擴来來兰蘭览覽劳勞乐樂类類离離礼禮里裡里裏历歷历曆丽麗联聯连連炼煉练練粮糧两兩辆輛疗療辽遼邻鄰临臨灵靈领領刘劉龙龍楼樓录錄陆陸虑慮乱亂论論罗羅络絡马馬买買卖賣满滿贸貿么麼门門们們梦夢面麵庙廟灭滅鸣鳴亩畝难難脑腦内內鸟鳥宁寧农農欧歐盘盤赔賠评評苹蘋凭憑气氣启啟签簽迁遷钱錢浅淺桥橋亲親轻輕庆慶穷窮区區权權劝勸确確让讓热熱认認荣榮软軟萨薩伞傘扫掃杀殺晒曬伤傷赏賞烧燒设設摄攝绅紳审審声聲胜勝圣聖师師时時识識实實势勢视視试試适適饰飾书書属屬术術树樹数數帅帥双雙顺順说說丝絲讼訟诉訴苏蘇虽雖岁歲孙孫态態谈談汤湯讨討题題体體条條铁鐵听聽厅廳头頭图圖团團网網为為伟偉卫衛违違围圍纬緯问問稳穩务務误誤习習系係系繫细細戏戲虾蝦吓嚇鲜鮮显顯险險县縣现現线線宪憲乡鄉详詳响響项項销銷晓曉协協写寫谢謝兴興选選学學询詢训訓讯訊压壓亚亞严嚴盐鹽验驗阳陽养養样樣药藥爷爺业業页頁叶葉医醫仪儀亿億艺藝议議义義译譯阴陰银銀饮飲应應营營赢贏拥擁优優邮郵犹猶鱼魚与與语語预預员員园園远遠愿願约約阅閱云雲运運杂雜灾災载載赞讚则則责責泽澤贼賊赠贈战戰张張涨漲帐帳帐賬帐账这這针針侦偵诊診阵陣镇鎮争爭证證证証织織职職执執质質制製钟鐘钟鍾种種众眾周週轴軸猪豬烛燭筑築专專转轉庄莊装裝状狀准準资資总總综綜组組钻鑽户戶广廣台臺台颱采採辑輯";

/// A character folded to one script for matching: a Traditional character
/// as its Simplified form (`點` as `点`); others as they are.
fn fold_char(c: char) -> char {
    let mut chars = PAIRS.chars();
    while let (Some(simplified), Some(traditional)) = (chars.next(), chars.next()) {
        if traditional == c {
            return simplified;
        }
    }
    // The place names' characters, one for one.
    crate::region::TRADITIONAL
        .chars()
        .position(|traditional| traditional == c)
        .and_then(|at| crate::region::SIMPLIFIED.chars().nth(at))
        .unwrap_or(c)
}

/// A normalised text with both Chinese scripts read alike.
fn folded(text: &str) -> String {
    text::normalize(text).chars().map(fold_char).collect()
}

/// The code an option leads with: the text before its first bracket or
/// space (`a` of `A（重點客戶）`, normalised), when something follows it.
fn leading_code(option: &str) -> Option<String> {
    let normal = text::normalize(option);
    let at = normal.find(['(', '[', '【', '〔', '「', ' '])?;
    let code = normal[..at].trim();
    (!code.is_empty() && !normal[at..].trim().is_empty()).then(|| code.to_string())
}

/// The place among `options` of the option `text` names (see the module):
/// the option read alike first, else the only one in the other script,
/// else the only one leading with the text as its code; `None` for none,
/// and for a text two options could be.
pub fn find_option<S: AsRef<str>>(options: &[S], text: &str) -> Option<usize> {
    let wanted = text::normalize(text);
    if wanted.is_empty() {
        return None;
    }
    if let Some(at) = options
        .iter()
        .position(|o| text::normalize(o.as_ref()) == wanted)
    {
        return Some(at);
    }
    let only = |matches: Vec<usize>| match matches.as_slice() {
        [one] => Some(Some(*one)),
        [] => None,
        _ => Some(None),
    };
    let script = folded(text);
    let in_script: Vec<usize> = (0..options.len())
        .filter(|&i| folded(options[i].as_ref()) == script)
        .collect();
    if let Some(found) = only(in_script) {
        return found;
    }
    let by_code: Vec<usize> = (0..options.len())
        .filter(|&i| leading_code(options[i].as_ref()).is_some_and(|c| folded(&c) == script))
        .collect();
    only(by_code).flatten()
}

/// How many choices a message lists before it says there are more.
pub const LISTED: usize = 10;

/// The choices a message lists, joined by `separator`: the first
/// [`LISTED`], then `…` where there are more.
pub fn listed<S: AsRef<str>>(options: &[S], separator: &str) -> String {
    let mut shown: Vec<&str> = options.iter().take(LISTED).map(AsRef::as_ref).collect();
    if options.len() > LISTED {
        shown.push("…");
    }
    shown.join(separator)
}

/// The separator of a list in a language (`zh-Hant`, `zh-Hans`, `en`).
pub fn separator(locale: &str) -> &'static str {
    if locale.starts_with("zh") {
        "、"
    } else {
        ", "
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEVELS: [&str; 3] = ["A（重點客戶）", "B（普通客戶）", "C（非優先客戶）"];

    #[test]
    fn a_code_names_the_option_it_leads() {
        assert_eq!(find_option(&LEVELS, "A"), Some(0));
        assert_eq!(find_option(&LEVELS, "ｂ"), Some(1));
        assert_eq!(find_option(&LEVELS, " c "), Some(2));
        let english = ["A (key account)", "B (regular)", "C [low]"];
        assert_eq!(find_option(&english, "a"), Some(0));
        assert_eq!(find_option(&english, "C"), Some(2));
        assert_eq!(find_option(&LEVELS, "D"), None);
    }

    #[test]
    fn the_other_script_names_the_option() {
        assert_eq!(find_option(&LEVELS, "A（重点客户）"), Some(0));
        assert_eq!(find_option(&LEVELS, "A(重点客户)"), Some(0));
        let industries = ["製造業", "資訊科技", "其他"];
        assert_eq!(find_option(&industries, "制造业"), Some(0));
        assert_eq!(find_option(&industries, "资讯科技"), Some(1));
        let simplified = ["银行转账", "现金"];
        assert_eq!(find_option(&simplified, "銀行轉帳"), Some(0));
        assert_eq!(find_option(&simplified, "現金"), Some(1));
    }

    #[test]
    fn a_text_two_options_could_be_names_none() {
        let twins = ["A（重點）", "A（普通）", "B"];
        assert_eq!(find_option(&twins, "A"), None);
        assert_eq!(find_option(&twins, "B"), Some(2));
        let scripts = ["乾貨", "幹貨"];
        assert_eq!(find_option(&scripts, "干货"), None);
        assert_eq!(find_option(&scripts, "乾貨"), Some(0));
        // An option without anything after its code has no code.
        assert_eq!(find_option(&["A", "AB"], "a"), Some(0));
        assert_eq!(find_option(&["Gold"], ""), None);
    }

    #[test]
    fn a_long_list_is_cut_after_ten() {
        let many: Vec<String> = (1..=12).map(|n| n.to_string()).collect();
        assert_eq!(listed(&many, ", "), "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …");
        assert_eq!(
            listed(&LEVELS[..2], separator("zh-Hant")),
            "A（重點客戶）、B（普通客戶）"
        );
    }
}
