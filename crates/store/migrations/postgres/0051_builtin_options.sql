-- The other options a company starts with (customer levels, industries,
-- sources and follow-up methods) carry a stable key too, so each is shown in
-- the viewer's language until an administrator renames it. Those of an
-- existing company are found by their starting names in any language; where
-- two options of a field read as the same starting one, the older keeps it.
update options set builtin_key = 'key_account'
    where kind = 'customer' and field = 'level_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'level_id' and label in ('A（重點客戶）', 'A（重点客户）', 'A (key account)'));
update options set builtin_key = 'regular'
    where kind = 'customer' and field = 'level_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'level_id' and label in ('B（普通客戶）', 'B（普通客户）', 'B (regular)'));
update options set builtin_key = 'low_priority'
    where kind = 'customer' and field = 'level_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'level_id' and label in ('C（非優先客戶）', 'C（非优先客户）', 'C (low priority)'));
update options set builtin_key = 'manufacturing'
    where kind = 'customer' and field = 'industry_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'industry_id' and label in ('製造業', '制造业', 'Manufacturing'));
update options set builtin_key = 'wholesale_retail'
    where kind = 'customer' and field = 'industry_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'industry_id' and label in ('批發零售', '批发零售', 'Wholesale and retail'));
update options set builtin_key = 'information_technology'
    where kind = 'customer' and field = 'industry_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'industry_id' and label in ('資訊科技', '信息技术', 'Information technology'));
update options set builtin_key = 'finance_insurance'
    where kind = 'customer' and field = 'industry_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'industry_id' and label in ('金融保險', '金融保险', 'Finance and insurance'));
update options set builtin_key = 'construction'
    where kind = 'customer' and field = 'industry_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'industry_id' and label in ('建築營造', '建筑工程', 'Construction'));
update options set builtin_key = 'services'
    where kind = 'customer' and field = 'industry_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'industry_id' and label in ('服務業', '服务业', 'Services'));
update options set builtin_key = 'other'
    where kind = 'customer' and field = 'industry_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'industry_id' and label in ('其他', 'Other'));
update options set builtin_key = 'website'
    where kind = 'customer' and field = 'source_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'source_id' and label in ('網路', '网络', 'Website'));
update options set builtin_key = 'cold_call'
    where kind = 'customer' and field = 'source_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'source_id' and label in ('電話開發', '电话开发', 'Cold call'));
update options set builtin_key = 'referral'
    where kind = 'customer' and field = 'source_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'source_id' and label in ('客戶介紹', '客户介绍', 'Referral'));
update options set builtin_key = 'trade_show'
    where kind = 'customer' and field = 'source_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'source_id' and label in ('展會', '展会', 'Trade show'));
update options set builtin_key = 'advertising'
    where kind = 'customer' and field = 'source_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'source_id' and label in ('廣告', '广告', 'Advertising'));
update options set builtin_key = 'other'
    where kind = 'customer' and field = 'source_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'customer' and field = 'source_id' and label in ('其他', 'Other'));
update options set builtin_key = 'phone'
    where kind = 'follow_up' and field = 'method_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'follow_up' and field = 'method_id' and label in ('電話', '电话', 'Phone'));
update options set builtin_key = 'email'
    where kind = 'follow_up' and field = 'method_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'follow_up' and field = 'method_id' and label in ('電子郵件', '电子邮件', 'E-mail'));
update options set builtin_key = 'visit'
    where kind = 'follow_up' and field = 'method_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'follow_up' and field = 'method_id' and label in ('拜訪', '拜访', 'Visit'));
update options set builtin_key = 'sms'
    where kind = 'follow_up' and field = 'method_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'follow_up' and field = 'method_id' and label in ('簡訊', '短信', 'SMS'));
update options set builtin_key = 'wechat'
    where kind = 'follow_up' and field = 'method_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'follow_up' and field = 'method_id' and label in ('微信', 'WeChat'));
update options set builtin_key = 'other'
    where kind = 'follow_up' and field = 'method_id' and builtin_key is null
    and id = (select min(id) from options
        where kind = 'follow_up' and field = 'method_id' and label in ('其他', 'Other'));
