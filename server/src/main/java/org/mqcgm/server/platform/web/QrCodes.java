package org.mqcgm.server.platform.web;

import io.nayuki.qrcodegen.QrCode;

/** QR codes drawn as inline SVG for pages (two-factor enrolment, sharing invitations): no script, no style. */
public final class QrCodes {

    private QrCodes() {
    }

    /** {@code text} as a QR code: one path of dark modules, a quiet zone of four modules. */
    public static String svg(String text) {
        return svg(text, "");
    }

    /** As {@link #svg(String)}, with extra attributes on the {@code svg} element (e.g. a test id). */
    public static String svg(String text, String attributes) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int border = 4;
        int size = qr.size + border * 2;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M').append(x + border).append(',').append(y + border).append("h1v1h-1z");
                }
            }
        }
        return "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
                + "\" role=\"img\" aria-label=\"QR code\"" + attributes + "><rect width=\"100%\" height=\"100%\""
                + " fill=\"#fff\"/><path d=\"" + path + "\" fill=\"#000\"/></svg>";
    }
}
