-- Community: posts, comments, likes, reports of abuse and the public display name.
-- Texts are personal data: they are stored encrypted under the author's key (content). The search index
-- (terms) is kept only for posts visible beyond their author (followers/public); private posts have none and
-- are searched by their author only, by decrypting them.

create table community_profile (
    owner_id     uuid not null references account (id) on delete cascade,
    display_name text not null check (char_length(display_name) between 1 and 40),
    primary key (owner_id)
);

create table community_post (
    owner_id    uuid not null references account (id) on delete cascade,
    id          uuid not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    visibility  text not null check (visibility in ('private', 'followers', 'public')),
    content     bytea not null,
    photos      uuid[] not null default '{}',
    hidden_at   timestamptz,
    search      tsvector,
    search_tags text[],
    primary key (owner_id, id),
    check (visibility <> 'private' or (search is null and search_tags is null))
);
create unique index community_post_id on community_post (id);
create index community_post_feed on community_post (created_at desc, id desc) where hidden_at is null;
create index community_post_search on community_post using gin (search) where search is not null;
create index community_post_tags on community_post using gin (search_tags) where search_tags is not null;

create table community_comment (
    owner_id   uuid not null references account (id) on delete cascade,
    id         uuid not null,
    post_owner uuid not null,
    post_id    uuid not null,
    created_at timestamptz not null,
    content    bytea not null,
    hidden_at  timestamptz,
    primary key (owner_id, id),
    foreign key (post_owner, post_id) references community_post (owner_id, id) on delete cascade
);
create unique index community_comment_id on community_comment (id);
create index community_comment_post on community_comment (post_id, created_at);

create table community_like (
    owner_id   uuid not null references account (id) on delete cascade,
    post_owner uuid not null,
    post_id    uuid not null,
    created_at timestamptz not null,
    primary key (owner_id, post_id),
    foreign key (post_owner, post_id) references community_post (owner_id, id) on delete cascade
);
create index community_like_post on community_like (post_id);

create table community_report (
    owner_id   uuid not null references account (id) on delete cascade,
    id         uuid not null,
    post_owner uuid not null,
    post_id    uuid not null,
    created_at timestamptz not null,
    reason     bytea not null,
    primary key (owner_id, id),
    foreign key (post_owner, post_id) references community_post (owner_id, id) on delete cascade
);
create index community_report_post on community_report (post_id);
