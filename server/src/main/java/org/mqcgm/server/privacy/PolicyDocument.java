package org.mqcgm.server.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy's plain text cut into a readable page: the preamble, then one section per Roman-numbered heading
 * (Ⅰ–Ⅹ, or VII/IX as the text sometimes spells them), each made of paragraphs, numbered items (short ones are
 * sub-headings) and lettered list items. The table of contents lists the sections. Nothing of the text is dropped:
 * every line ends up in exactly one block. A translation keeps the markers, so it parses into the same blocks
 * (full-width punctuation ends an item as the ASCII one does). Public for the page templates only.
 */
public record PolicyDocument(List<Block> preamble, List<Section> sections) {

    /** A block of text: a paragraph, a sub-heading, or a list item with its marker ("a", "1"). */
    public record Block(Kind kind, String marker, String text) {
        public enum Kind { PARAGRAPH, SUBHEADING, ITEM }

        public boolean paragraph() {
            return kind == Kind.PARAGRAPH;
        }

        public boolean subheading() {
            return kind == Kind.SUBHEADING;
        }

        public boolean item() {
            return kind == Kind.ITEM;
        }
    }

    /** A section: its numeral (Ⅰ…Ⅹ), an anchor id, its title and its blocks. */
    public record Section(String numeral, String anchor, String title, List<Block> blocks) {
    }

    private static final String UNICODE = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ";
    private static final String[] ASCII = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"};
    /** A Roman numeral (Unicode, or ASCII with a dot or of two letters or more) starting a line. */
    private static final Pattern HEADING = Pattern.compile(
            "^(?:([ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])\\.?|(VIII|VII|III|II|IV|VI|IX)\\.?|(I|V|X)\\.)\\s+(.+)$");
    private static final Pattern NUMBERED = Pattern.compile("^(\\d{1,2})\\.\\s*(.+)$");
    private static final Pattern LETTERED = Pattern.compile("^([a-z])\\.\\s+(.+)$");
    private static final Pattern BRACKETED = Pattern.compile("^\\((\\d{1,2})\\)\\s*(.+)$");

    static PolicyDocument parse(String text) {
        List<String> toc = new ArrayList<>();
        List<Block> preamble = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        List<Block> current = preamble;
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (h.matches() && sections.isEmpty() && line.endsWith(";")) {
                // The policy's own list of contents: kept to name the sections, not repeated as text.
                toc.add(h.group(4).substring(0, h.group(4).length() - 1).strip());
                continue;
            }
            if (h.matches()) {
                String numeral = numeral(h);
                String title = h.group(4).strip();
                String rest = null;
                int index = UNICODE.indexOf(numeral);
                // "How to update this policy Our privacy policy may change.": the title as listed, the rest as text.
                if (index >= 0 && index < toc.size() && title.startsWith(toc.get(index))
                        && title.length() > toc.get(index).length()) {
                    rest = title.substring(toc.get(index).length()).strip();
                    title = toc.get(index);
                }
                current = new ArrayList<>();
                sections.add(new Section(numeral, "section-" + (index + 1), title, current));
                if (rest != null && !rest.isEmpty()) {
                    current.add(new Block(Block.Kind.PARAGRAPH, null, rest));
                }
                continue;
            }
            Matcher n = NUMBERED.matcher(line);
            if (n.matches()) {
                String body = n.group(2).strip();
                boolean heading = body.length() <= 90 && !body.matches(".*[.;:,。；：，]$");
                current.add(new Block(heading ? Block.Kind.SUBHEADING : Block.Kind.ITEM, n.group(1), body));
                continue;
            }
            Matcher l = LETTERED.matcher(line);
            if (l.matches()) {
                current.add(new Block(Block.Kind.ITEM, l.group(1), l.group(2).strip()));
                continue;
            }
            Matcher b = BRACKETED.matcher(line);
            if (b.matches()) {
                current.add(new Block(Block.Kind.ITEM, "(" + b.group(1) + ")", b.group(2).strip()));
                continue;
            }
            current.add(new Block(Block.Kind.PARAGRAPH, null, line));
        }
        return new PolicyDocument(List.copyOf(preamble), List.copyOf(sections));
    }

    /** The numeral in its Unicode form (Ⅶ for "VII"). */
    private static String numeral(Matcher h) {
        if (h.group(1) != null) {
            return h.group(1);
        }
        String ascii = h.group(2) != null ? h.group(2) : h.group(3);
        for (int i = 0; i < ASCII.length; i++) {
            if (ASCII[i].equals(ascii)) {
                return String.valueOf(UNICODE.charAt(i));
            }
        }
        return ascii;
    }
}
