-- The payment methods a company starts with carry a stable key, so each is
-- shown in the viewer's language until an administrator renames it. Those
-- of an existing company are found by their starting names in any language.
alter table options add column builtin_key text;
update options set builtin_key = 'bank_transfer'
    where kind = 'payment' and field = 'method_id' and label in ('銀行轉帳', '银行转账', 'Bank transfer');
update options set builtin_key = 'cheque'
    where kind = 'payment' and field = 'method_id' and label in ('支票', 'Cheque');
update options set builtin_key = 'cash'
    where kind = 'payment' and field = 'method_id' and label in ('現金', '现金', 'Cash');
update options set builtin_key = 'credit_card'
    where kind = 'payment' and field = 'method_id' and label in ('信用卡', 'Credit card');
update options set builtin_key = 'other'
    where kind = 'payment' and field = 'method_id' and label in ('其他', 'Other');
