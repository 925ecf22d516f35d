-- Deleting a payment now needs payment.delete. The built-in sales rep
-- deleted their own draft payments without it, so it is given to them.
update roles
set permissions = (permissions::jsonb || '["payment.delete"]'::jsonb)::text
where code = 'sales_rep'
  and not (permissions::jsonb ? 'payment.delete');
