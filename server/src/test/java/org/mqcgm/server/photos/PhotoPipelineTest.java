package org.mqcgm.server.photos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.testing.Multipart;

/** The pipeline's parts without HTTP: orientation, the EXIF reader on hostile input, bombs in JPEG headers. */
class PhotoPipelineTest {

    static final int W = 40;
    static final int H = 20;
    static final int RED = 0xFF0000;
    static final int GREY = 0x808080;

    /** Where EXIF orientation {@code o} shows the stored pixel {@code (x, y)} of a {@code W × H} image. */
    static int[] shown(int o, int x, int y) {
        return switch (o) {
            case 2 -> new int[] {W - 1 - x, y};
            case 3 -> new int[] {W - 1 - x, H - 1 - y};
            case 4 -> new int[] {x, H - 1 - y};
            case 5 -> new int[] {y, x};
            case 6 -> new int[] {H - 1 - y, x};
            case 7 -> new int[] {H - 1 - y, W - 1 - x};
            case 8 -> new int[] {y, W - 1 - x};
            default -> new int[] {x, y};
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyExifOrientationIsTurnedUpright(int orientation) {
        BufferedImage stored = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                stored.setRGB(x, y, x < W / 2 && y < H / 2 ? RED : GREY);
            }
        }
        BufferedImage upright = PhotoPipeline.render(stored, orientation, 2048, false);
        boolean sideways = orientation >= 5;
        assertThat(upright.getWidth()).isEqualTo(sideways ? H : W);
        assertThat(upright.getHeight()).isEqualTo(sideways ? W : H);
        int[] red = shown(orientation, W / 4, H / 4);
        int[] grey = shown(orientation, 3 * W / 4, 3 * H / 4);
        assertThat(upright.getRGB(red[0], red[1]) & 0xFFFFFF).isEqualTo(RED);
        assertThat(upright.getRGB(grey[0], grey[1]) & 0xFFFFFF).isEqualTo(GREY);
    }

    @Test
    void theOrientationIsReadFromTheExifSegment() {
        byte[] jpeg = Multipart.picture("jpeg", 16, 8);
        assertThat(PhotoPipeline.Exif.orientation(jpeg)).isEqualTo(1);
        for (int o = 1; o <= 8; o++) {
            assertThat(PhotoPipeline.Exif.orientation(TestImages.withExif(jpeg, o))).isEqualTo(o);
        }
    }

    @Test
    void theExifReaderNeverFailsOnHostileBytes() {
        Random random = new Random(12);
        byte[] real = TestImages.withExif(Multipart.picture("jpeg", 16, 8), 6);
        for (int i = 0; i < 5_000; i++) {
            byte[] b = java.util.Arrays.copyOf(real, 4 + random.nextInt(real.length - 4));
            for (int k = 0; k < 1 + random.nextInt(6); k++) {
                b[2 + random.nextInt(b.length - 2)] = (byte) random.nextInt(256);
            }
            int o = PhotoPipeline.Exif.orientation(b);
            assertThat(o).isBetween(1, 8);
        }
    }

    @Test
    void aJpegWhoseHeaderClaimsTooManyPixelsIsRefusedBeforeDecoding() {
        byte[] jpeg = Multipart.picture("jpeg", 16, 8);
        byte[] bomb = withSof(jpeg, 60_000, 60_000);
        assertThatThrownBy(() -> new PhotoPipeline().process(bomb))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().type()).isEqualTo("/problems/too-many-pixels");
                });
        byte[] tall = withSof(jpeg, 100, 12_001);
        assertThatThrownBy(() -> new PhotoPipeline().process(tall)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("12,000");
    }

    /** {@code jpeg} with its frame header (SOF0) claiming {@code width × height}. */
    static byte[] withSof(byte[] jpeg, int width, int height) {
        byte[] b = jpeg.clone();
        int i = 2;
        while ((b[i + 1] & 0xFF) != 0xC0) {
            i += 2 + (((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF));
        }
        b[i + 5] = (byte) (height >> 8);
        b[i + 6] = (byte) height;
        b[i + 7] = (byte) (width >> 8);
        b[i + 8] = (byte) width;
        return b;
    }

    @Test
    void formatsAreRecognisedByTheirFirstBytesOnly() {
        assertThat(PhotoPipeline.recognise(Multipart.picture("jpeg", 4, 4))).isEqualTo(PhotoPipeline.Format.JPEG);
        assertThat(PhotoPipeline.recognise(Multipart.picture("png", 4, 4))).isEqualTo(PhotoPipeline.Format.PNG);
        assertThat(PhotoPipeline.recognise(TestImages.webp(4, 4, 1, 2, 3))).isEqualTo(PhotoPipeline.Format.WEBP);
        for (byte[] refused : new byte[][] {new byte[0], new byte[] {(byte) 0xFF, (byte) 0xD8},
                Multipart.picture("gif", 4, 4), Multipart.picture("bmp", 4, 4), "<svg/>".getBytes(),
                "RIFF\0\0\0\0WAVEfmt ".getBytes()}) {
            assertThatThrownBy(() -> PhotoPipeline.recognise(refused)).isInstanceOfSatisfying(
                    ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(415));
        }
    }
}
