package dev.osimg.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Product info and configs decode as Go's encoding/json decodes them for the reference implementation. */
class GoJsonDecodingTest {
    @TempDir
    Path dir;

    private static ProductInfo productInfo(String json) throws Exception {
        return ProductInfo.parse(json.getBytes(StandardCharsets.UTF_8), "product.json");
    }

    @Test
    void missingKeysAreZeroValues() throws Exception {
        ProductInfo info = productInfo("{\"id\": \"os\", \"name\": \"OS\", \"version\": \"1\", \"variant\": \"x86_64\"}");
        assertThat(info).isEqualTo(new ProductInfo("os", "OS", "1", "x86_64", "", "", false, List.of()));
        assertThat(productInfo("{}")).isEqualTo(ProductInfo.EMPTY);
    }

    @Test
    void unknownKeysAreIgnored() throws Exception {
        assertThat(productInfo("{\"id\": \"os\", \"extra\": {\"deep\": [1, 2]}, \"more\": null}").id()).isEqualTo("os");
    }

    @Test
    void keysMatchCaseInsensitively() throws Exception {
        ProductInfo info = productInfo("{\"ID\": \"os\", \"Name\": \"OS\", \"Build_Tree_Dirty\": true, \"COMMIT_HASH\": \"abc\","
                + " \"Components\": [{\"ID\": \"kernel\", \"Version\": \"6.1\"}]}");
        assertThat(info).isEqualTo(new ProductInfo("os", "OS", "", "", "abc", "", true, List.of(new Component("kernel", "6.1"))));
    }

    @Test
    void nullMembersAreZeroValuesAsInGo() throws Exception {
        assertThat(productInfo("{\"id\": null, \"build_tree_dirty\": null, \"components\": null}")).isEqualTo(ProductInfo.EMPTY);
    }

    @Test
    void aValueOfTheWrongTypeIsAnErrorNamingTheField() {
        assertThatThrownBy(() -> productInfo("{\"id\": 5}")).isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("product.json").hasMessageContaining("id").hasMessageContaining("a string");
        assertThatThrownBy(() -> productInfo("{\"version\": 1.5}")).hasMessageContaining("version");
        assertThatThrownBy(() -> productInfo("{\"name\": true}")).hasMessageContaining("name");
        assertThatThrownBy(() -> productInfo("{\"build_tree_dirty\": \"true\"}")).hasMessageContaining("build_tree_dirty")
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> productInfo("{\"build_tree_dirty\": 1}")).hasMessageContaining("build_tree_dirty");
        assertThatThrownBy(() -> productInfo("{\"components\": {\"id\": \"x\"}}")).hasMessageContaining("components");
        assertThatThrownBy(() -> productInfo("[]")).isInstanceOf(OsImageFormatException.class).hasMessageContaining("an object");
    }

    @Test
    void trailingGarbageIsAnError() throws Exception {
        assertThat(productInfo("{\"id\": \"os\"}\n \t\r\n").id()).isEqualTo("os");
        assertThatThrownBy(() -> productInfo("{\"id\": \"os\"} x")).isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("not valid JSON at line 1, column 14");
        assertThatThrownBy(() -> productInfo("{\"id\": \"os\"}{}")).isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("after the JSON value");
    }

    @Test
    void nullOrNothingIsAClearError() {
        assertThatThrownBy(() -> productInfo("null")).isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("product.json is null; expected a JSON object");
        assertThatThrownBy(() -> productInfo("  ")).isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("product.json is empty");
    }

    @Test
    void productInfoFilesAreReadWithASizeCap() throws Exception {
        assertThatThrownBy(() -> ProductInfo.read(Path.of("/dev/zero"))).isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("/dev/zero is larger than " + ProductInfo.MAX_FILE_SIZE + " bytes");
        Path file = Files.writeString(dir.resolve("p.json"), "{\"id\": \"os\"}");
        assertThat(ProductInfo.read(file).id()).isEqualTo("os");
    }

    private Path layout() throws Exception {
        return TestLayouts.build(dir.resolve("img"), new Compression.None(), new byte[] {1, 2, 3}, new byte[5000]);
    }

    @Test
    void configsDecodeAsInGo() throws Exception {
        Path layout = layout();
        TestLayouts.editConfig(layout, c -> {
            c.remove("product_info");
            c.put("Unknown", 1);
            var payload = (com.fasterxml.jackson.databind.node.ObjectNode) c.withArray("payloads").get(0);
            payload.set("NAME", payload.remove("name"));
            payload.put("extra", "ignored");
        });
        OsImage image = TestLayouts.read(layout);
        assertThat(image.productInfo()).isEqualTo(ProductInfo.EMPTY);
        assertThat(image.payloads().getFirst().name()).isEqualTo("kernel.efi");
    }

    @Test
    void configsWithWrongTypesTrailingGarbageOrNullAreInvalid() throws Exception {
        Path layout = layout();
        byte[] good = Files.readAllBytes(TestLayouts.configFile(layout));
        String text = new String(good, StandardCharsets.UTF_8);
        for (String bad : List.of(text + "garbage", text.replace("\"size\": 5000", "\"size\": \"5000\""),
                text.replace("\"size\": 5000", "\"size\": 5000.5"), "null")) {
            TestLayouts.replaceConfig(layout, bad.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> TestLayouts.read(layout)).as(bad).isInstanceOf(OsImageFormatException.class)
                    .hasMessageContaining("config").hasMessageNotContaining("Cannot").hasMessageNotContaining("`");
        }
    }
}
