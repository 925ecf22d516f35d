-- Instalments of contracts voided before they were paid end with their
-- contract: they are owed no more and are never overdue.
update payment_plans
   set status = 'ended'
 where status in ('pending', 'partly_received', 'overdue')
   and contract_id in (select id from contracts where status = 'void');
