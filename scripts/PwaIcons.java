import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * Draws the PNG icons of the installable web app from the shapes of static/icon.svg (a teal rounded square with a
 * white trace), with the JDK only. Run from the repository root: {@code java scripts/PwaIcons.java}; the PNGs are
 * committed as static assets.
 */
public class PwaIcons {
    public static void main(String[] args) throws Exception {
        String dir = "server/src/main/resources/static/";
        write(draw(192, false), dir + "icon-192.png");
        write(draw(512, false), dir + "icon-512.png");
        write(draw(180, false), dir + "apple-touch-icon.png");
        write(draw(512, true), dir + "icon-maskable-512.png");
    }

    /** The 32-unit SVG drawn at {@code size} px; maskable: full-bleed background, trace in the 80 % safe zone. */
    static BufferedImage draw(int size, boolean maskable) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(new Color(0x0f766e));
        double u = size / 32.0;
        if (maskable) {
            g.fillRect(0, 0, size, size);
            // Shrink the drawing around the centre so that it lies inside the safe circle (radius 40 %).
            g.translate(size / 2.0, size / 2.0);
            g.scale(0.75, 0.75);
            g.translate(-size / 2.0, -size / 2.0);
        } else {
            g.fill(new RoundRectangle2D.Double(0, 0, size, size, 14 * u, 14 * u));
        }
        Path2D.Double p = new Path2D.Double();
        double[][] pts = {{4, 20}, {10, 20}, {13, 10}, {18, 25}, {21, 16}, {28, 16}};
        p.moveTo(pts[0][0] * u, pts[0][1] * u);
        for (int i = 1; i < pts.length; i++) {
            p.lineTo(pts[i][0] * u, pts[i][1] * u);
        }
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke((float) (3 * u), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(p);
        g.dispose();
        return img;
    }

    static void write(BufferedImage img, String path) throws Exception {
        if (!ImageIO.write(img, "png", new File(path))) {
            throw new IllegalStateException("no PNG writer");
        }
    }
}
