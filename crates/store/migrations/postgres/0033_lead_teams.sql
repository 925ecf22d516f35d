-- Leads now have teams. The built-in sales manager shares opportunities
-- with their team members, so they may share leads the same way.
update roles
set permissions = (permissions::jsonb || '["lead.team"]'::jsonb)::text
where code = 'sales_manager'
  and not (permissions::jsonb ? 'lead.team');
