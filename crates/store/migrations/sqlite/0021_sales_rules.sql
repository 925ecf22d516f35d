-- Deleting a payment now needs payment.delete. The built-in sales rep
-- deleted their own draft payments without it, so it is given to them.
update roles
set permissions = json_insert(permissions, '$[#]', 'payment.delete')
where code = 'sales_rep'
  and not exists (select 1 from json_each(roles.permissions) where value = 'payment.delete');
