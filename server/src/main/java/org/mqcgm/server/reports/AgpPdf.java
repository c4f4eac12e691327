package org.mqcgm.server.reports;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PDFontSupplier;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;
import com.openhtmltopdf.util.XRLog;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import org.apache.fontbox.ttf.TrueTypeCollection;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.web.PageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-page PDF report, modelled on the IDC AGP report (v5): the report's {@link ReportView} rendered by the
 * JTE template {@code reports/agp-pdf.jte} as XHTML with the same SVG charts as the web page (each carrying its own
 * styles), then laid out by openhtmltopdf (PDFBox, Batik for the SVG).
 *
 * <p>Text uses one embedded font for English and Simplified Chinese: WenQuanYi Micro Hei, from the Debian package
 * {@code fonts-wqy-microhei} (installed by {@code scripts/install-system-deps}). It has TrueType outlines, which
 * PDFBox can subset; the Noto CJK fonts of {@code fonts-noto-cjk} are CFF-based and PDFBox cannot embed them. When
 * the font file is missing the PDF is refused with a 503 problem naming the package.
 */
final class AgpPdf {

    /** Where Debian's fonts-wqy-microhei installs its font collection. */
    static final Path DEFAULT_FONT = Path.of("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
    /** The PostScript name of the proportional face in the collection. */
    static final String FONT_NAME = "WenQuanYiMicroHei";
    /** At most this many daily profiles fit the page (two rows of seven): the last days of the period. */
    static final int MAX_DAYS = 14;

    private static final Logger log = LoggerFactory.getLogger(AgpPdf.class);
    private static final String CSS = resource("/reports/pdf.css");

    static {
        // openhtmltopdf logs through java.util.logging by default; its diagnostics are passed to our log instead.
        XRLog.setLoggingEnabled(false);
    }

    private final Path fontFile;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private volatile byte[] font;

    AgpPdf(Path fontFile) {
        this.fontFile = fontFile;
    }

    /**
     * Renders the report.
     *
     * @param page      language, unit and texts
     * @param generated when the report was generated, formatted for the footer
     */
    byte[] render(ReportView view, PageContext page, String generated) {
        byte[] fontBytes = font();
        // One render at a time on a node: each parses the 5 MB font collection afresh (below) and allocates about
        // 30 MB, arrays of a megabyte and more among it; in a 256 MB heap two or three at once, beside 2,000 live
        // streams, left the collector without room to copy into (docs/benchmarks.md, "Ten thousand wearers").
        rendering.acquireUninterruptibly();
        try {
            return renderAlone(view, page, generated, fontBytes);
        } finally {
            rendering.release();
        }
    }

    private final java.util.concurrent.Semaphore rendering = new java.util.concurrent.Semaphore(1, true);

    private byte[] renderAlone(ReportView view, PageContext page, String generated, byte[] fontBytes) {
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("v", view);
        params.put("generated", generated);
        params.put("css", CSS);
        StringOutput html = new StringOutput();
        templates.render("reports/agp-pdf.jte", params, html);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
        try (PDDocument doc = new PDDocument()) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle(page.t("reports.title") + " " + view.periodLabel());
            info.setCreator("mqcgm");
            PDFont face = loadFont(doc, fontBytes);
            PdfRendererBuilder builder = new PdfRendererBuilder();
            builder.usePDDocument(doc);
            builder.useFont(new PDFontSupplier(face), "report", 400, FontStyle.NORMAL, true);
            builder.useFont(new PDFontSupplier(face), "report", 700, FontStyle.NORMAL, true);
            builder.useSVGDrawer(new BatikSVGDrawer());
            builder.withDiagnosticConsumer(d -> {
                if (d.getLevel().intValue() >= Level.WARNING.intValue()) {
                    log.warn("PDF layout: {}", d.getLogMessageId()); // the id only: messages may quote content
                }
            });
            builder.withHtmlContent(html.toString(), null);
            builder.withProducer("mqcgm");
            builder.toStream(out);
            builder.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static PDFont loadFont(PDDocument doc, byte[] bytes) throws IOException {
        // A fresh parse per document: fontbox fonts are not safe to share between concurrent renders.
        TrueTypeCollection collection = new TrueTypeCollection(new java.io.ByteArrayInputStream(bytes));
        TrueTypeFont ttf = collection.getFontByName(FONT_NAME);
        if (ttf == null) {
            throw new IOException("font " + FONT_NAME + " not found in the collection");
        }
        return PDType0Font.load(doc, ttf, true);
    }

    /** The font file's bytes, read once. */
    private byte[] font() {
        byte[] f = font;
        if (f == null) {
            try {
                f = Files.readAllBytes(fontFile);
            } catch (NoSuchFileException e) {
                throw new ProblemException(Problem.of(503, "pdf-font-missing", "PDF font missing",
                        "The PDF report needs the font WenQuanYi Micro Hei at " + fontFile
                                + ": install the Debian package fonts-wqy-microhei (scripts/install-system-deps)."));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            font = f;
        }
        return f;
    }

    /** True when the font is installed (logged once at start-up when it is not). */
    boolean fontAvailable() {
        return Files.isReadable(fontFile);
    }

    private static String resource(String name) {
        try (InputStream in = AgpPdf.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
