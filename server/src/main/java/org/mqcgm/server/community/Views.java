package org.mqcgm.server.community;

import java.util.ArrayList;
import java.util.List;

/** The models of the community pages (public for the precompiled templates only). */
public final class Views {

    private Views() {
    }

    /** A photo of a post: its full and thumbnail addresses. */
    public record Photo(String full, String thumb) {
    }

    /** A post as a page shows it; {@code html} is sanitised. */
    public record Post(String id, String author, boolean mine, String visibility, String html, List<String> tags,
                       List<Photo> photos, String createdAt, int likes, boolean liked, int comments,
                       boolean hidden, Snapshot snapshot) {
    }

    /**
     * The author's metrics attached to a post, formatted in the viewer's unit and language.
     *
     * @param stats    label and value of each metric
     * @param ranges   the time in each range, highest first
     * @param below    percent below range, for the bar
     * @param inRange  percent in range
     * @param above    percent above range
     */
    public record Snapshot(String title, List<Stat> stats, List<Range> ranges, double below, double inRange,
                           double above) {
    }

    /** One metric of a snapshot. */
    public record Stat(String label, String value, String testId) {
    }

    /** One range of a snapshot: its class (colour), label and percent. */
    public record Range(String cls, String label, String percent) {
    }

    /** A comment as a page shows it. */
    public record Comment(String id, String author, boolean mine, String html, String createdAt, boolean hidden) {
    }

    /** What the publish form shows again after a refused submission. */
    public record Form(String text, String visibility, String tags, String snapshot, List<String> photos,
                       String displayName, boolean confirmContactDetails) {
        static final Form EMPTY = new Form("", null, "", "", List.of(), null, false);
    }

    /**
     * The preview of a post for followers or everyone (PR-52): the post as others will see it, who they are, and
     * the draft carried to "Publish" or "Edit".
     *
     * @param digest the draft's digest, which publishing needs (what is published is what was shown)
     */
    public record Preview(Post post, String audience, Form draft, String digest) {
    }

    /**
     * The community page: the feed and the publish form.
     *
     * @param contactDetails contact details found in the text (PR-90): the form asks to publish anyway or remove
     *                       them
     */
    public record Feed(List<Post> posts, String next, Form form, List<String> messages, List<String> contactDetails,
                       String displayName, boolean published) {
    }

    /** One post with its comments. */
    public record PostPage(Post post, List<Comment> comments, boolean signedIn, boolean reported) {
    }

    /** A piece of a snippet: plain text, marked when it matched. */
    public record Part(String text, boolean mark) {
    }

    /** One search result. */
    public record Result(String type, String href, List<Part> snippet, String time) {
    }

    /** The search page. */
    public record Search(String q, String from, String to, String tags, List<Result> results, boolean searched,
                         List<String> messages) {
    }

    /** A reported post in the moderation queue: how often, why, and its comments. */
    public record Reported(Post post, int count, List<String> reasons, List<Comment> comments) {
    }

    /** The moderation queue. */
    public record Moderation(List<Reported> posts) {
    }

    /** A snippet with {@code [[…]]} marks, in parts (the template escapes each). */
    static List<Part> parts(String snippet) {
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < snippet.length()) {
            int open = snippet.indexOf("[[", at);
            int close = open < 0 ? -1 : snippet.indexOf("]]", open + 2);
            if (open < 0 || close < 0) {
                parts.add(new Part(snippet.substring(at), false));
                break;
            }
            if (open > at) {
                parts.add(new Part(snippet.substring(at, open), false));
            }
            parts.add(new Part(snippet.substring(open + 2, close), true));
            at = close + 2;
        }
        return parts;
    }
}
