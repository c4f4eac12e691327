package org.mqcgm.server.community;

import org.commonmark.node.Link;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;

/**
 * Post and comment texts: a Markdown subset rendered with commonmark (raw HTML is escaped, never passed through;
 * unsafe link schemes are dropped; links get {@code rel="nofollow ugc"}), then cleaned by jsoup against a safelist
 * (paragraphs, emphasis, lists, quotes, code, links over http/https/mailto): whatever a script tag, an event
 * handler or a {@code javascript:} link tried, what comes out is inert.
 */
final class PostText {

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
            .escapeHtml(true)
            .sanitizeUrls(true)
            .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                if (node instanceof Link) {
                    attributes.put("rel", "nofollow ugc");
                }
            })
            .build();
    private static final Safelist SAFELIST = Safelist.basic()
            .removeTags("span", "cite", "dl", "dt", "dd", "sub", "sup")
            .removeEnforcedAttribute("a", "rel")
            .addEnforcedAttribute("a", "rel", "nofollow ugc")
            .removeProtocols("a", "href", "ftp");
    private static final Document.OutputSettings OUTPUT = new Document.OutputSettings().prettyPrint(false);

    private PostText() {
    }

    /** The text's safe HTML. */
    static String html(String markdown) {
        String rendered = RENDERER.render(PARSER.parse(markdown));
        return Jsoup.clean(rendered, "", SAFELIST, OUTPUT);
    }
}
