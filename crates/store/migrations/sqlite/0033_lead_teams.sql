-- Leads now have teams. The built-in sales manager shares opportunities
-- with their team members, so they may share leads the same way.
update roles
set permissions = json_insert(permissions, '$[#]', 'lead.team')
where code = 'sales_manager'
  and not exists (select 1 from json_each(roles.permissions) where value = 'lead.team');
