package org.mqcgm.server.photos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Multipart;
import org.mqcgm.server.testing.TestApp;

/** The photos API over real HTTP: the pipeline's promises as the person sees them, storage, access, purge. */
class PhotosTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();
    static final ObjectMapper JSON = new ObjectMapper();

    static UUID alice;
    static String aliceToken;
    static UUID bob;
    static String bobToken;

    @BeforeAll
    static void users() {
        alice = app.newUser("alice.photos@example.org");
        aliceToken = app.app().apiTokens().create(alice, "phone", java.util.EnumSet.of(Scope.LOGBOOK,
                Scope.COMMUNITY));
        bob = app.newUser("bob.photos@example.org");
        bobToken = app.app().apiTokens().create(bob, "phone", java.util.EnumSet.allOf(Scope.class));
    }

    static HttpResponse<String> upload(String token, String path, byte[] file, String name, String type) {
        return Multipart.upload(app.url(), path, name, type, file, "Authorization", "Bearer " + token);
    }

    static HttpResponse<String> upload(byte[] file) {
        return upload(aliceToken, "/api/v1/photos", file, "photo.jpg", "image/jpeg");
    }

    static String id(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    static HttpResponse<byte[]> download(String token, String path) {
        return Multipart.download(app.url(), path, "Authorization", "Bearer " + token);
    }

    static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as("still decodes").isNotNull();
        return image;
    }

    static long rows(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from photo where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    static void assertRefused(HttpResponse<String> r, int status, String type) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.path("type").asText()).isEqualTo("/problems/" + type);
        assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("file");
    }

    @Test
    @Tag("PR-26")
    void aJpegWithGpsExifAndXmpIsStoredWithoutAnyMetadataAndUpright() throws IOException {
        // 64 × 32 pixels stored sideways: EXIF orientation 6 says "rotate 90° clockwise to view".
        byte[] original = TestImages.withExif(Multipart.picture("jpeg", 64, 32), 6);
        assertThat(TestImages.contains(original, TestImages.MAKE.getBytes(StandardCharsets.US_ASCII))).isTrue();

        HttpResponse<String> r = upload(original);
        String id = id(r);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(body.path("width").asInt()).isEqualTo(32);
        assertThat(body.path("height").asInt()).isEqualTo(64);

        HttpResponse<byte[]> full = download(aliceToken, "/api/v1/photos/" + id);
        assertThat(full.statusCode()).isEqualTo(200);
        byte[] stored = full.body();
        assertThat(TestImages.markers(stored)).as("no APP1 (EXIF, XMP), no comment, no APPn but JFIF")
                .doesNotContain(0xE1, 0xE2, 0xED, 0xEE, 0xFE).contains(0xDB, 0xDA);
        for (String secret : List.of("Exif", "http://ns.adobe.com", TestImages.MAKE, TestImages.MODEL,
                TestImages.SERIAL, TestImages.XMP_SECRET, "GPS")) {
            assertThat(TestImages.contains(stored, secret.getBytes(StandardCharsets.US_ASCII)))
                    .as("the stored photo holds no %s", secret).isFalse();
        }
        BufferedImage image = decode(stored);
        assertThat(image.getWidth()).as("turned upright before the metadata was dropped").isEqualTo(32);
        assertThat(image.getHeight()).isEqualTo(64);

        // What the database holds is encrypted: not even the JPEG's magic bytes are visible.
        byte[] column = app.sql().withHandle(h -> h.createQuery("select full_image from photo where id = :id")
                .bind("id", UUID.fromString(id)).mapTo(byte[].class).one());
        assertThat(TestImages.contains(column, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})).isFalse();
    }

    @Test
    void photosAreServedPrivatelyWithTheirTypeAndAThumbnailOfAtMost320Pixels() throws IOException {
        String id = id(upload(Multipart.picture("jpeg", 1200, 900)));
        HttpResponse<byte[]> full = download(aliceToken, "/api/v1/photos/" + id);
        assertThat(full.statusCode()).isEqualTo(200);
        // ASVS V1.12.2: a download, never a document of this origin (an <img> still shows it: the browser tests)
        assertThat(full.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/octet-stream");
        assertThat(full.headers().firstValue("Cache-Control").orElse("")).isEqualTo("private, no-store");
        assertThat(full.headers().firstValue("X-Content-Type-Options").orElse("")).isEqualTo("nosniff");
        assertThat(full.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("attachment; filename=\"photo-" + id + ".jpg\"");
        assertThat(full.headers().firstValue("Content-Security-Policy").orElse("")).startsWith("sandbox;")
                .contains("default-src 'none'");
        assertThat(decode(full.body()).getWidth()).isEqualTo(1200);

        HttpResponse<byte[]> thumb = download(aliceToken, "/api/v1/photos/" + id + "?size=thumb");
        assertThat(thumb.statusCode()).isEqualTo(200);
        BufferedImage t = decode(thumb.body());
        assertThat(Math.max(t.getWidth(), t.getHeight())).isEqualTo(320);
        assertThat(t.getHeight()).isEqualTo(240);

        assertThat(download(aliceToken, "/api/v1/photos/" + id + "?size=huge").statusCode()).isEqualTo(400);
    }

    @Test
    void aLargePhotoIsStoredAtMost2048PixelsOnTheLongSide() throws IOException {
        HttpResponse<String> r = upload(Multipart.picture("png", 3000, 1000));
        String id = id(r);
        assertThat(JSON.readTree(r.body()).path("width").asInt()).isEqualTo(2048);
        BufferedImage full = decode(download(aliceToken, "/api/v1/photos/" + id).body());
        assertThat(full.getWidth()).isEqualTo(2048);
        assertThat(full.getHeight()).isEqualTo(683);
    }

    @Test
    void someoneElsesPhotoDoesNotExistForThem() throws IOException {
        String id = id(upload(Multipart.picture("jpeg", 40, 30)));
        assertThat(download(bobToken, "/api/v1/photos/" + id).statusCode()).isEqualTo(404);
        assertThat(download(bobToken, "/api/v1/photos/" + id + "?size=thumb").statusCode()).isEqualTo(404);
        assertThat(download(bobToken, "/api/v1/community/photos/" + id).statusCode()).isEqualTo(404);
        assertThat(download(bobToken, "/api/v1/people/" + alice + "/photos/" + id).statusCode()).isEqualTo(404);
        HttpResponse<String> delete = new org.mqcgm.server.testing.Http(app.url()).send("DELETE",
                "/api/v1/photos/" + id, "", "Authorization", "Bearer " + bobToken);
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(download(aliceToken, "/api/v1/photos/" + id).statusCode()).as("untouched").isEqualTo(200);
        assertThat(download(aliceToken, "/api/v1/photos/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(download(aliceToken, "/api/v1/photos/not-a-uuid").statusCode()).isEqualTo(404);
    }

    @Test
    void theOwnerDeletesAPhotoWithEveryRendition() throws IOException {
        String id = id(upload(Multipart.picture("jpeg", 40, 30)));
        org.mqcgm.server.testing.Http http = new org.mqcgm.server.testing.Http(app.url());
        assertThat(http.send("DELETE", "/api/v1/photos/" + id, "", "Authorization", "Bearer " + aliceToken)
                .statusCode()).isEqualTo(204);
        assertThat(download(aliceToken, "/api/v1/photos/" + id).statusCode()).isEqualTo(404);
        assertThat(download(aliceToken, "/api/v1/photos/" + id + "?size=thumb").statusCode()).isEqualTo(404);
        int left = app.sql().withHandle(h -> h.createQuery("select count(*) from photo where id = :id")
                .bind("id", UUID.fromString(id)).mapTo(Integer.class).one());
        assertThat(left).isZero();
        assertThat(http.send("DELETE", "/api/v1/photos/" + id, "", "Authorization", "Bearer " + aliceToken)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void communityUploadsNeedTheCommunityScopeAndLogbookUploadsTheLogbookScope() throws IOException {
        UUID carol = app.newUser("carol.photos@example.org");
        String community = app.app().apiTokens().create(carol, "c", java.util.EnumSet.of(Scope.COMMUNITY));
        byte[] photo = Multipart.picture("jpeg", 40, 30);
        String id = id(upload(community, "/api/v1/community/photos", photo, "p.jpg", "image/jpeg"));
        assertThat(download(community, "/api/v1/community/photos/" + id).statusCode()).isEqualTo(200);
        assertThat(upload(community, "/api/v1/photos", photo, "p.jpg", "image/jpeg").statusCode()).isEqualTo(403);
        String logbook = app.app().apiTokens().create(carol, "l", java.util.EnumSet.of(Scope.LOGBOOK));
        assertThat(upload(logbook, "/api/v1/community/photos", photo, "p.jpg", "image/jpeg").statusCode())
                .isEqualTo(403);
        assertThat(download(logbook, "/api/v1/photos/" + id).statusCode()).as("the owner's photo, either way")
                .isEqualTo(200);
    }

    @Test
    void pngTextChunksAreDropped() throws IOException {
        byte[] png = TestImages.withTextChunk(Multipart.picture("png", 50, 40), "GPS 48.8584N secret-location");
        assertThat(decode(png).getWidth()).isEqualTo(50);
        HttpResponse<String> r = upload(aliceToken, "/api/v1/photos", png, "p.png", "image/png");
        String id = id(r);
        byte[] stored = download(aliceToken, "/api/v1/photos/" + id).body();
        assertThat(TestImages.contains(stored, "secret-location".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(TestImages.contains(stored, "tEXt".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(decode(stored).getWidth()).isEqualTo(50);
    }

    @Test
    void aPngWithTransparencyStaysAPng() throws IOException {
        BufferedImage argb = new BufferedImage(30, 20, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(5, 5, 0x80FF0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(argb, "png", out);
        HttpResponse<String> r = upload(aliceToken, "/api/v1/photos", out.toByteArray(), "a.png", "image/png");
        String id = id(r);
        assertThat(JSON.readTree(r.body()).path("contentType").asText()).isEqualTo("image/png");
        HttpResponse<byte[]> stored = download(aliceToken, "/api/v1/photos/" + id);
        assertThat(stored.headers().firstValue("Content-Disposition").orElse("")).endsWith(".png\"");
        BufferedImage image = decode(stored.body());
        assertThat(image.getColorModel().hasAlpha()).isTrue();
        assertThat((Integer) (image.getRGB(5, 5) >>> 24)).isEqualTo(0x80);
    }

    @Test
    void aWebpIsAcceptedAndStoredAsJpeg() throws IOException {
        byte[] webp = TestImages.webp(48, 36, 200, 100, 50);
        HttpResponse<String> r = upload(aliceToken, "/api/v1/photos", webp, "p.webp", "image/webp");
        String id = id(r);
        assertThat(JSON.readTree(r.body()).path("contentType").asText()).isEqualTo("image/jpeg");
        BufferedImage image = decode(download(aliceToken, "/api/v1/photos/" + id).body());
        assertThat(image.getWidth()).isEqualTo(48);
        int rgb = image.getRGB(10, 10);
        assertThat((rgb >> 16) & 0xFF).isBetween(190, 210);
        assertThat((rgb >> 8) & 0xFF).isBetween(90, 110);
    }

    @Test
    void aTruncatedJpegIsNotAnImageAndNothingIsStored() throws IOException {
        byte[] jpeg = Multipart.picture("jpeg", 300, 200);
        long before = rows(alice);
        assertRefused(upload(Arrays.copyOf(jpeg, jpeg.length * 6 / 10)), 422, "not-an-image");
        assertRefused(upload(Arrays.copyOf(jpeg, 40)), 422, "not-an-image");
        assertThat(rows(alice)).isEqualTo(before);
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderAndNothingIsStored() throws IOException {
        UUID dave = app.newUser("dave.photos@example.org");
        String token = app.app().apiTokens().create(dave, "d", java.util.EnumSet.of(Scope.LOGBOOK));
        byte[] bomb = TestImages.pngBomb(10_000, 10_000);
        assertThat(bomb.length).as("100 megapixels in a few hundred bytes").isLessThan(1_000);
        HttpResponse<String> r = upload(token, "/api/v1/photos", bomb, "bomb.png", "image/png");
        assertRefused(r, 422, "too-many-pixels");
        assertRefused(upload(token, "/api/v1/photos", TestImages.pngBomb(13_000, 10), "wide.png", "image/png"), 422,
                "too-many-pixels");
        assertThat(rows(dave)).isZero();
    }

    @Test
    @Tag("PR-26")
    void svgGifPdfAndHeicAreRefusedWhateverTheyClaimToBe() throws IOException {
        UUID erin = app.newUser("erin.photos@example.org");
        String token = app.app().apiTokens().create(erin, "e", java.util.EnumSet.of(Scope.LOGBOOK));
        byte[] svg = ("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document"
                + ".cookie)</script><rect width=\"10\" height=\"10\"/></svg>").getBytes(StandardCharsets.UTF_8);
        assertRefused(upload(token, "/api/v1/photos", svg, "photo.jpg", "image/jpeg"), 415, "unsupported-media-type");
        assertRefused(upload(token, "/api/v1/photos", Multipart.picture("gif", 10, 10), "a.jpg", "image/jpeg"), 415,
                "unsupported-media-type");
        assertRefused(upload(token, "/api/v1/photos", "%PDF-1.7\n%âãÏÓ\n1 0 obj".getBytes(StandardCharsets.UTF_8),
                "a.png", "image/png"), 415, "unsupported-media-type");
        HttpResponse<String> heic = upload(token, "/api/v1/photos", TestImages.heicHeader(), "IMG_0001.HEIC",
                "image/heic");
        assertRefused(heic, 415, "unsupported-media-type");
        assertThat(JSON.readTree(heic.body()).path("detail").asText()).isEqualTo(PhotoPipeline.HEIC_MESSAGE);
        assertThat(rows(erin)).isZero();
    }

    @Test
    @Tag("PR-26")
    void moreThan10MbIsRefusedAndNothingIsStored() throws IOException {
        UUID frank = app.newUser("frank.photos@example.org");
        String token = app.app().apiTokens().create(frank, "f", java.util.EnumSet.of(Scope.LOGBOOK));
        byte[] big = new byte[11_000_000];
        new java.util.Random(7).nextBytes(big);
        big[0] = (byte) 0xFF;
        big[1] = (byte) 0xD8;
        big[2] = (byte) 0xFF;
        assertRefused(Multipart.upload(true, app.url(), "/api/v1/photos", "big.jpg", "image/jpeg", big,
                "Authorization", "Bearer " + token), 413, "payload-too-large");
        assertThat(rows(frank)).isZero();
    }

    @Test
    @Tag("PR-26")
    void aPolyglotKeepsOnlyItsPixels() throws IOException {
        byte[] jpeg = Multipart.picture("jpeg", 80, 60);
        byte[] zip = TestImages.concat(new byte[] {'P', 'K', 3, 4}, ("payload/index.html<html><script>alert(1)"
                + "</script></html>").getBytes(StandardCharsets.US_ASCII));
        byte[] polyglot = TestImages.concat(jpeg, zip);
        String id = id(upload(polyglot));
        byte[] stored = download(aliceToken, "/api/v1/photos/" + id).body();
        assertThat(TestImages.contains(stored, new byte[] {'P', 'K', 3, 4})).isFalse();
        assertThat(TestImages.contains(stored, "<script>".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(stored[stored.length - 2] & 0xFF).isEqualTo(0xFF);
        assertThat(stored[stored.length - 1] & 0xFF).as("ends with the JPEG's end marker").isEqualTo(0xD9);
        assertThat(decode(stored).getWidth()).isEqualTo(80);
    }

    @Test
    void uploadsOtherThanMultipartOrWithoutTheFileFieldAreRefused() throws IOException {
        org.mqcgm.server.testing.Http http = new org.mqcgm.server.testing.Http(app.url());
        HttpResponse<String> json = http.postJson("/api/v1/photos", "{}", "Authorization", "Bearer " + aliceToken);
        assertRefused(json, 415, "unsupported-media-type");
        HttpResponse<String> wrongField = http.post("/api/v1/photos", "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"a.jpg\"\r\n\r\nxyz\r\n--b--\r\n",
                "Authorization", "Bearer " + aliceToken);
        assertRefused(wrongField, 422, "validation");
    }

    @Test
    void unattachedPhotosAreDeletedAfterADayAndAttachedOnesStay() throws IOException {
        UUID gina = app.newUser("gina.photos@example.org");
        String token = app.app().apiTokens().create(gina, "g", java.util.EnumSet.of(Scope.LOGBOOK));
        byte[] photo = Multipart.picture("jpeg", 40, 30);
        UUID fresh = UUID.fromString(id(upload(token, "/api/v1/photos", photo, "a.jpg", "image/jpeg")));
        UUID old = UUID.fromString(id(upload(token, "/api/v1/photos", photo, "a.jpg", "image/jpeg")));
        UUID oldAttached = UUID.fromString(id(upload(token, "/api/v1/photos", photo, "a.jpg", "image/jpeg")));
        Photos photos = app.app().feature(PhotosFeature.class).photos();
        photos.attach(gina, List.of(oldAttached), Photos.Usage.CHECKIN, "photos");
        app.sql().useHandle(h -> h.createUpdate("update photo set uploaded_at = now() - interval '25 hours' "
                + "where owner_id = :o and id in (:a, :b)").bind("o", gina).bind("a", old).bind("b", oldAttached)
                .execute());
        app.app().jobs().runNow(PhotosFeature.PURGE_JOB);
        assertThat(photos.read(gina, old, Photos.Size.FULL)).isEmpty();
        assertThat(photos.read(gina, fresh, Photos.Size.FULL)).isPresent();
        assertThat(photos.read(gina, oldAttached, Photos.Size.THUMB)).isPresent();
    }

    @Test
    void attachingTakesOnlyTheOwnersFreePhotosAndAllOrNone() throws IOException {
        UUID hal = app.newUser("hal.photos@example.org");
        String token = app.app().apiTokens().create(hal, "h", java.util.EnumSet.of(Scope.LOGBOOK));
        byte[] photo = Multipart.picture("jpeg", 40, 30);
        UUID mine = UUID.fromString(id(upload(token, "/api/v1/photos", photo, "a.jpg", "image/jpeg")));
        UUID post = UUID.fromString(id(upload(token, "/api/v1/photos", photo, "a.jpg", "image/jpeg")));
        UUID others = UUID.fromString(id(upload(photo)));
        Photos photos = app.app().feature(PhotosFeature.class).photos();
        photos.attach(hal, List.of(post), Photos.Usage.POST, "photos");

        assertThatThrownBy(() -> photos.attach(hal, List.of(mine, others, post), Photos.Usage.CHECKIN, "photos"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().errors()).extracting(er -> er.field())
                            .containsExactly("photos[1]", "photos[2]");
                });
        assertThat(photos.usage(hal, mine)).as("none attached").isEmpty();
        photos.attach(hal, List.of(mine), Photos.Usage.CHECKIN, "photos");
        // Attached once, never again, not even to the same kind of thing: two check-ins (or two posts published
        // by a double tap) cannot share a photo, whose deletion would then take it from both.
        assertThatThrownBy(() -> photos.attach(hal, List.of(mine), Photos.Usage.CHECKIN, "photos"))
                .isInstanceOf(ProblemException.class);
        assertThat(photos.usage(hal, mine)).contains(Photos.Usage.CHECKIN);
        assertThat(photos.usage(hal, post)).contains(Photos.Usage.POST);

        // The person's own shared route serves check-in photos only (a post's photos are the community's).
        assertThat(download(token, "/api/v1/people/" + hal + "/photos/" + mine).statusCode()).isEqualTo(403);
        // Their own logbook's photos need the logbook scope there too (as at /api/v1/photos/{id}).
        String readingsOnly = app.app().apiTokens().create(hal, "o", java.util.EnumSet.of(Scope.READINGS_READ));
        assertThat(download(readingsOnly, "/api/v1/people/" + hal + "/photos/" + mine).statusCode()).isEqualTo(403);
        String reader = app.app().apiTokens().create(hal, "r", java.util.EnumSet.of(Scope.READINGS_READ,
                Scope.LOGBOOK));
        assertThat(download(reader, "/api/v1/people/" + hal + "/photos/" + mine).statusCode()).isEqualTo(200);
        assertThat(download(reader, "/api/v1/people/" + hal + "/photos/" + mine + "?size=thumb").statusCode())
                .isEqualTo(200);
        assertThat(download(reader, "/api/v1/people/" + hal + "/photos/" + post).statusCode()).isEqualTo(404);

        photos.delete(hal, List.of(mine, post));
        assertThat(rows(hal)).isZero();
    }

    @Test
    void myDataCountsThePhotosAndTheExportHoldsThem() throws IOException {
        UUID ivy = app.newUser("ivy.photos@example.org");
        String token = app.app().apiTokens().create(ivy, "i", java.util.EnumSet.of(Scope.LOGBOOK));
        String id = id(upload(token, "/api/v1/photos", Multipart.picture("jpeg", 40, 30), "a.jpg", "image/jpeg"));
        PersonalData data = app.app().feature(PhotosFeature.class).personalData().get(0);
        assertThat(data.categories(ivy)).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("photos");
            assertThat(c.count()).isEqualTo(1);
        });
        Map<String, byte[]> files = new LinkedHashMap<>();
        data.export(ivy, (name, description) -> new ByteArrayOutputStream() {
            @Override
            public void close() {
                files.put(name, toByteArray());
            }
        });
        assertThat(files).containsOnlyKeys("photos/" + id + ".jpg", "photos.json");
        assertThat(files.get("photos/" + id + ".jpg")).isEqualTo(download(token, "/api/v1/photos/" + id).body());
        assertThat(new String(files.get("photos.json"), StandardCharsets.UTF_8)).contains(id);
    }

    @Test
    void aWebSessionUploadsWithTheFormsCsrfFieldAndNotWithoutIt() throws IOException {
        app.newUser("jo.photos@example.org");
        org.mqcgm.server.testing.Http http = new org.mqcgm.server.testing.Http(app.url());
        assertThat(http.postForm("/login", Map.of("identifier", "jo.photos@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        String cookie = "SESSION=" + http.cookie("SESSION").orElseThrow();
        String csrf = http.csrfToken();
        byte[] file = Multipart.body("b0und", "file", "meal.jpg", "image/jpeg", Multipart.picture("jpeg", 40, 30));
        byte[] form = TestImages.concat(("--b0und\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf
                + "\r\n").getBytes(StandardCharsets.US_ASCII), file);
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<byte[], HttpResponse<String>> post = body -> {
            try {
                return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.url()
                                + "/api/v1/photos")).header("Content-Type", "multipart/form-data; boundary=b0und")
                        .header("Cookie", cookie).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        HttpResponse<String> withToken = post.apply(form);
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(201);
        HttpResponse<String> forged = post.apply(file);
        assertThat(forged.statusCode()).as("a cross-site form cannot upload: " + forged.body()).isEqualTo(403);
        // The form's CSRF field is read before the route runs: an oversized form is refused there too, not a 5xx.
        byte[] big = new byte[12_000_000];
        big[0] = (byte) 0xFF;
        big[1] = (byte) 0xD8;
        big[2] = (byte) 0xFF;
        HttpResponse<String> tooBig = post.apply(TestImages.concat(("--b0und\r\nContent-Disposition: form-data; "
                + "name=\"_csrf\"\r\n\r\n" + csrf + "\r\n").getBytes(StandardCharsets.US_ASCII),
                Multipart.body("b0und", "file", "big.jpg", "image/jpeg", big)));
        assertThat(tooBig.statusCode()).as(tooBig.body()).isEqualTo(413);
    }

    @Test
    void anotherFeaturesFormStoresAPhotoThroughThePortAndRefusalsNameItsField() {
        UUID kim = app.newUser("kim.photos@example.org");
        Photos photos = app.app().feature(PhotosFeature.class).photos();
        UUID id = photos.upload(kim, Multipart.picture("jpeg", 40, 30), "photo");
        assertThat(photos.read(kim, id, Photos.Size.THUMB)).isPresent();
        assertThat(photos.usage(kim, id)).as("not attached yet").isEmpty();
        assertThatThrownBy(() -> photos.upload(kim, TestImages.heicHeader(), "photo"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(415);
                    assertThat(e.problem().errors()).extracting(er -> er.field()).containsExactly("photo");
                });
        assertThat(rows(kim)).isOne();
    }

    /**
     * ASVS V12.1.3: one person's photos are limited in number and in stored bytes (2,000 and 200 MB by default),
     * counted before anything is written; past either, an upload is a 422 naming the file field and the rule quota.
     */
    @Test
    void aPersonsPhotosAreLimitedInNumberAndSizeBeforeAnythingIsWritten() throws IOException {
        UUID lee = app.newUser("lee.photos@example.org");
        String token = app.app().apiTokens().create(lee, "phone", java.util.EnumSet.of(Scope.LOGBOOK));
        // 1,999 attached photos already (one byte each, made in the database: the count is the rule under test)
        app.sql().useHandle(h -> h.createUpdate("""
                        insert into photo (owner_id, id, uploaded_at, usage, attached_at, content_type, width, height,
                                           full_image, thumb_image)
                        select :o, gen_random_uuid(), now(), 'checkin', now(), 'image/jpeg', 1, 1, '\\x00', '\\x00'
                        from generate_series(1, 1999)""").bind("o", lee).execute());
        byte[] picture = Multipart.picture("jpeg", 64, 48);
        id(upload(token, "/api/v1/photos", picture, "photo.jpg", "image/jpeg")); // the 2,000th
        HttpResponse<String> refused = upload(token, "/api/v1/photos", picture, "photo.jpg", "image/jpeg");
        assertRefused(refused, 422, "validation");
        assertThat(JSON.readTree(refused.body()).path("errors").get(0).path("rule").asText()).isEqualTo("quota");
        assertThat(rows(lee)).isEqualTo(2000);
        // another feature's form goes through the same count, naming its own field
        assertThatThrownBy(() -> app.app().feature(PhotosFeature.class).photos().upload(lee, picture, "photo"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().errors().get(0).field()).isEqualTo("photo");
                    assertThat(e.problem().errors().get(0).rule()).isEqualTo("quota");
                });
        // deleting makes room again
        app.sql().useHandle(h -> h.createUpdate("delete from photo where owner_id = :o and octet_length(full_image) = 1"
                + " and id in (select id from photo where owner_id = :o and octet_length(full_image) = 1 limit 1)")
                .bind("o", lee).execute());
        id(upload(token, "/api/v1/photos", picture, "photo.jpg", "image/jpeg"));

        // the size rule, and the settings (a wrong one names itself)
        PhotosFeature.Quota quota = PhotosFeature.Quota.from(java.util.Map.of("MQCGM_PHOTO_QUOTA_MB", "1",
                "MQCGM_PHOTO_QUOTA_COUNT", "10"));
        assertThat(quota).isEqualTo(new PhotosFeature.Quota(1024 * 1024, 10));
        assertThat(PhotosFeature.Quota.from(java.util.Map.of())).isEqualTo(PhotosFeature.Quota.DEFAULT);
        assertThat(PhotosFeature.Quota.DEFAULT).isEqualTo(new PhotosFeature.Quota(200L * 1024 * 1024, 2000));
        quota.check(9, 1024 * 1024 - 100, 100, "file"); // exactly full is fine
        assertThatThrownBy(() -> quota.check(9, 1024 * 1024 - 100, 101, "file"))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.problem().errors().get(0).rule()).isEqualTo("quota"));
        assertThatThrownBy(() -> quota.check(10, 0, 1, "file"))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.problem().errors().get(0).rule()).isEqualTo("quota"));
        assertThatThrownBy(() -> PhotosFeature.Quota.from(java.util.Map.of("MQCGM_PHOTO_QUOTA_MB", "0")))
                .hasMessageContaining("MQCGM_PHOTO_QUOTA_MB");
    }
}
