package org.mqcgm.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.mqcgm.server.photos.PhotosFeature;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The photo pipeline on a 12-megapixel camera photo (4000 × 3000 JPEG, quality 0.92, a gradient with per-pixel
 * noise so it does not compress to nothing: about 4–5 MB): recognise, read the header, decode, drop the metadata,
 * re-encode at 2,048 px and thumbnail at 320 px, one upload at a time. Goal (issue 12): at most 500 ms. Run: see
 * docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class PhotoPipelineBenchmark {

    byte[] photo;

    @Setup
    public void setUp() throws IOException {
        photo = cameraPhoto(4000, 3000);
        System.out.println("\nthe 12 MP JPEG: " + photo.length + " bytes");
    }

    /** A gradient with noise, written as a quality-0.92 JPEG like a phone's. */
    static byte[] cameraPhoto(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = clamp(255 * x / width + random.nextInt(-24, 25));
                int g = clamp(255 * y / height + random.nextInt(-24, 25));
                int b = clamp(128 + random.nextInt(-40, 41));
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.92f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    @Benchmark
    public int[] stripReencodeAndThumbnail12Megapixels() {
        return PhotosFeature.reencode(photo);
    }

    /**
     * The same work timed by the thread's CPU time as well as by the wall clock: on a machine shared with other
     * builds the wall time says how long the upload waited, the CPU time how much work the pipeline is (the
     * pipeline runs on the request's one thread). Warms up with 10 runs, then measures 20.
     */
    public static void main(String[] args) throws IOException {
        byte[] photo = cameraPhoto(4000, 3000);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 10; i++) {
            PhotosFeature.reencode(photo);
        }
        int runs = 20;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            PhotosFeature.reencode(photo);
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        System.out.printf("12 MP JPEG (%d bytes): %.0f ms CPU, %.0f ms wall per photo (%d runs)%n", photo.length,
                cpu / 1e6 / runs, wall / 1e6 / runs, runs);
    }
}
