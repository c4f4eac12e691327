package org.mqcgm.server.community;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.mqcgm.server.platform.search.PersonalSearch;

/**
 * The community search: posts the caller may see (PostgreSQL full text over the index of posts visible beyond
 * their author; the newest {@link #CANDIDATES} matches ranked with {@code ts_rank}), the caller's own private
 * posts (decrypted and matched here, at most
 * {@link #PRIVATE_SCAN} of the newest — they are never indexed), and the caller's own logbook
 * ({@link PersonalSearch}). Anonymous callers search public posts only. The query is used for this request only:
 * never stored, never logged.
 */
final class Search {

    /**
     * The search statement: only the newest {@code :candidates} matches are ranked, picked by row address (a narrow
     * sort), then read and ranked (the benchmark runs this very statement).
     */
    static final String RANK_NEWEST = "select " + PostStore.POST_COLUMNS + """
            , ts_rank(search, q, 32) as rank
             from community_post, cast(:q as tsquery) q
            where ctid = any(array(
                    select ctid
                      from community_post
                     where search @@ cast(:q as tsquery)
                       and ((hidden_at is null and visibility = any(:kinds)) or owner_id = :viewer)
                       and (cast(:from as timestamptz) is null or created_at >= :from)
                       and (cast(:to as timestamptz) is null or created_at < :to)
                       and (cardinality(cast(:tags as text[])) = 0
                            or search_tags @> cast(:tags as text[]))
                     order by created_at desc, id desc limit :candidates))
            order by rank desc, created_at desc, id desc limit :limit""";

    static final int LIMIT = 20;
    static final int PRIVATE_SCAN = 500;
    static final int MAX_QUERY = 200;
    /**
     * How many of the newest matching posts are ranked: when more match (a common word on a large server), older
     * ones are not considered, so that a query's cost does not grow with the number of posts.
     */
    static final int CANDIDATES = 1_000;

    /** One result, best first by rank. */
    record Hit(String type, UUID id, String snippet, Instant time, double rank) {
    }

    private final Community community;
    private final PersonalSearch logbook;
    private final int candidates;

    Search(Community community, PersonalSearch logbook) {
        this(community, logbook, CANDIDATES);
    }

    /** With another number of ranked candidates (tests). */
    Search(Community community, PersonalSearch logbook, int candidates) {
        this.community = community;
        this.logbook = logbook;
        this.candidates = candidates;
    }

    /** The consent port (whose logbook a search may cover). */
    org.mqcgm.server.platform.consent.Consents consents() {
        return community.consents();
    }

    /**
     * Posts {@code viewer} may see (null: anonymous) and, when {@code logbookOwner} is not null, that person's own
     * logbook.
     */
    List<Hit> search(UUID viewer, UUID logbookOwner, String q, Instant from, Instant to, List<String> tags) {
        String query = q == null ? "" : q.length() > MAX_QUERY ? q.substring(0, MAX_QUERY) : q;
        List<SearchText.Group> groups = SearchText.groups(query);
        List<String> wanted = tags.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        List<Hit> hits = new ArrayList<>();
        if (!groups.isEmpty()) {
            hits.addAll(indexed(viewer, SearchText.query(groups), groups, from, to, wanted));
        }
        if (viewer != null && (!groups.isEmpty() || !wanted.isEmpty())) {
            hits.addAll(privatePosts(viewer, groups, from, to, wanted));
        }
        if (logbookOwner != null && !groups.isEmpty()) {
            for (PersonalSearch.Hit h : logbook.search(logbookOwner, query, from, to, LIMIT)) {
                hits.add(new Hit(h.type(), h.id(), h.snippet(), h.time(), h.rank()));
            }
        }
        return hits.stream().sorted(Comparator.comparingDouble(Hit::rank).reversed()
                .thenComparing(Hit::time, Comparator.reverseOrder())).limit(LIMIT).toList();
    }

    /** Posts of the index the viewer may see. */
    private List<Hit> indexed(UUID viewer, String tsquery, List<SearchText.Group> groups, Instant from, Instant to,
                              List<String> tags) {
        List<String> kinds = viewer == null ? List.of("public") : List.of("public", "followers");
        record Ranked(PostStore.Row row, double rank) {
        }
        // Only the newest `candidates` matches are ranked (ts_rank reads each row's tsvector; a common word matches a
        // good part of the table), picked by row address so that their sort stays narrow. Planned for this query's
        // own words (a custom plan): the plan that fits a common word (walk the newest posts until enough match) is
        // the worst for a rare one, and a generic plan cannot tell them apart.
        List<Ranked> rows = community.store().jdbi().inTransaction(h -> {
            h.execute("set local plan_cache_mode = force_custom_plan");
            return h.createQuery(RANK_NEWEST)
                    .bind("q", tsquery).bind("viewer", viewer).bindArray("kinds", String.class, kinds)
                    .bind("from", PostStore.utc(from)).bind("to", PostStore.utc(to))
                    .bindArray("tags", String.class, tags).bind("candidates", candidates).bind("limit", LIMIT * 3)
                    .map((rs, ctx) -> new Ranked(PostStore.row(rs), rs.getDouble("rank"))).list();
        });
        List<Hit> hits = new ArrayList<>();
        for (Ranked r : rows) {
            if (hits.size() == LIMIT || !community.visible(r.row(), viewer)) {
                continue;
            }
            Community.Content c = community.content(r.row());
            hits.add(new Hit("post", r.row().id(), SearchText.snippet(c.text(), groups), r.row().createdAt(),
                    r.rank()));
        }
        return hits;
    }

    /** The viewer's own private posts, decrypted and matched in memory (never indexed). */
    private List<Hit> privatePosts(UUID viewer, List<SearchText.Group> groups, Instant from, Instant to,
                                   List<String> tags) {
        List<Hit> hits = new ArrayList<>();
        for (PostStore.Row r : community.store().privatePostsOf(viewer, from, to, PRIVATE_SCAN)) {
            Community.Content c = community.content(r);
            List<String> lower = c.tags().stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
            if (!lower.containsAll(tags)) {
                continue;
            }
            if (groups.isEmpty() || SearchText.matches(c.text(), c.tags(), groups)) {
                hits.add(new Hit("post", r.id(), SearchText.snippet(c.text(), groups), r.createdAt(),
                        rank(c.text(), groups)));
            }
        }
        return hits;
    }

    /** A rank like {@code ts_rank}'s with normalisation 32 (rank / (rank + 1)): more occurrences rank higher. */
    static double rank(String text, List<SearchText.Group> groups) {
        String lower = text.toLowerCase(Locale.ROOT);
        double score = 0;
        for (SearchText.Group g : groups) {
            int n = 0;
            int at = 0;
            while ((at = lower.indexOf(g.text(), at)) >= 0) {
                n++;
                at += g.text().length();
            }
            score += 0.1 * n;
        }
        return score / (score + 1);
    }
}
