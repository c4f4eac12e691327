-- The controller's contact (PR-89) each policy version was published with: a publication compares the contact the
-- server runs with against the last one recorded, and a change of contact is a major change (section VIII.5,
-- PR-84), so a minor publication is refused. Write-once, like the versions themselves.
create table policy_contact (
    number      integer     primary key references policy_version (number),
    contact     text        not null,
    recorded_at timestamptz not null
);

create function policy_contact_write_once() returns trigger language plpgsql as $$
begin
    raise exception 'policy_contact is write-once';
end $$;

create trigger policy_contact_write_once before update or delete on policy_contact
    for each statement execute function policy_contact_write_once();
create trigger policy_contact_no_truncate before truncate on policy_contact
    for each statement execute function policy_contact_write_once();
