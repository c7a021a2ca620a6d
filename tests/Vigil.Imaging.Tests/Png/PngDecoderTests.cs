using Vigil.Imaging.Png;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Png;

/// <summary>
/// PngDecoder against expected pixels computed by pypng (an independent decoder) in make_png_fixtures.py:
/// hand-written fixtures covering every colour type, bit depth, filter, Adam7 and split IDATs, and
/// scikit-image's real sample PNGs.
/// </summary>
public sealed class PngDecoderTests
{
    // file, width, height, channels, bit depth, SHA-256 of the frame bytes (from make_png_fixtures.py)
    public static TheoryData<string, int, int, int, int, string> Fixtures => new()
    {
        { "grey1_13x11.png", 13, 11, 1, 8, "105321b6e05e081b2ca072059ce01776ce7281739ac103a89f838f77a1f2b342" },
        { "grey1_adam7_13x11.png", 13, 11, 1, 8, "48c4361a250b59db518c4331131be0d02609e4d80a8bd5104eec32fcb6ea2208" },
        { "grey2_13x11.png", 13, 11, 1, 8, "3d43c335f77121291f1846e2842566c6d42761366fea25dde307f73be510b409" },
        { "grey2_adam7_13x11.png", 13, 11, 1, 8, "e854c7d583199512292f7e0966ea9d786a974829e5f06eef1895955350f1c59f" },
        { "grey4_13x11.png", 13, 11, 1, 8, "8a5de1f256643c91576aa20913080cc0c28a139f003b4d8b751e6b1b10982588" },
        { "grey4_adam7_13x11.png", 13, 11, 1, 8, "49bcf8139fd6d197f31634d7ddaea4d061cf976b7875383900ebbbcfefe5f637" },
        { "grey8_13x11.png", 13, 11, 1, 8, "6ad51edb1b894d313eaf5e707f0aa9e006817f8d5752239aa56418169d2e6bf0" },
        { "grey8_adam7_13x11.png", 13, 11, 1, 8, "02bca25d17cf6f2d2e10e680cec4724dc1bd011a87fc8d11891a829dcc2a3eac" },
        { "grey16_13x11.png", 13, 11, 1, 16, "5b2e641c16980e4b1f2b3dcc381cc9d14d69c5bc5ec816107299cc7463077eb9" },
        { "grey16_adam7_13x11.png", 13, 11, 1, 16, "91e84c0154a0d60b00328b8b612dccba00c4aac030ded23394de061d89bc6886" },
        { "greyalpha8_9x7.png", 9, 7, 1, 8, "af2d18217355b13fa1e2092eb17587436abcdd926aea3da45e73fd09e16009c3" },
        { "greyalpha8_adam7_9x7.png", 9, 7, 1, 8, "736ba7f0a234f5e91a530eaa7254c9a134411b4aa6fb702f756f20acea615f3e" },
        { "greyalpha16_9x7.png", 9, 7, 1, 16, "6c34157b964b82ca7eaebe71a0b74400dcb8fc69990220d73af5991ba9e75f1c" },
        { "greyalpha16_adam7_9x7.png", 9, 7, 1, 16, "9947482a66f2899b1a0033a27036a50762ff10ca2574196e3ba17b6ad530a8cf" },
        { "rgb8_9x7.png", 9, 7, 3, 8, "5e39c7fb545764b4dcacdb8eafdbfc9f0272e4a3d9eb5a9f48959eb06af9dff1" },
        { "rgb8_adam7_9x7.png", 9, 7, 3, 8, "95dec71c94c898043f5c75b651d64c315d97c11c8a8682a57e317406f1c37814" },
        { "rgb16_9x7.png", 9, 7, 3, 16, "134736057a0b83099f615a6e9b41972705b52719d317719308aee74ae6eef6d3" },
        { "rgb16_adam7_9x7.png", 9, 7, 3, 16, "ef52a6f5a0eaa97126dcbc6c17dcb789f24d8c497c65cdad38b5f145d4c840ee" },
        { "rgba8_9x7.png", 9, 7, 3, 8, "3afc9a71df90a93f4b95c077e6191843ab8b29f4d26be3f1216c571f1adb4a53" },
        { "rgba8_adam7_9x7.png", 9, 7, 3, 8, "55b56e97d71088713a34f4aa2372448fdc80aa610b2029af29d878537f0ed977" },
        { "rgba16_9x7.png", 9, 7, 3, 16, "55cd6ddebc8cb0099344bc42991b7253ae5a995c783268585edeb1f766fec6a2" },
        { "rgba16_adam7_9x7.png", 9, 7, 3, 16, "2725fbdd4740df272a3ab33aee23cff7306034f787d3d9233a6f4b95ef793e88" },
        { "palette1_11x5.png", 11, 5, 3, 8, "3d48d26cb4f5e5b0967133970a3f11205e80f51a6cb70cba5b794064b6b81535" },
        { "palette1_adam7_11x5.png", 11, 5, 3, 8, "4e5f54c16276c7cbcce66c9619ecb8b020568eede595124d06b3831f78db7a97" },
        { "palette2_11x5.png", 11, 5, 3, 8, "981d26d0ad84de74a776a095dbda24d1f3792712ce2f0e03bdabb81935db937e" },
        { "palette2_adam7_11x5.png", 11, 5, 3, 8, "89a1c6bf825449695ea6c77ede9ee91caf1113e1dafe187e9ff7ec738761610b" },
        { "palette4_11x5.png", 11, 5, 3, 8, "c484b5b495ac97cdddaf13f788b88f83e4bf74d2451a62df74a7f9dbec122567" },
        { "palette4_adam7_11x5.png", 11, 5, 3, 8, "c7123b453ba6322363b158c7dfc44bc3fb4e602adb2ae965389c7a8237c09b08" },
        { "palette8_11x5.png", 11, 5, 3, 8, "a8a548693b41256b21fefa2ebeeff5205a6385bb3ee655c864313da668fe0610" },
        { "palette8_adam7_11x5.png", 11, 5, 3, 8, "a594526c598b44b59576970f6c896ef39176160018d3e76ae424b710109fa7a6" },
        { "palette8_greys_6x4.png", 6, 4, 1, 8, "fed3c810cda7894c198cffafa41a1cd73cd3d68033af314e13279acd140bba64" },
        { "grey8_trns_8x6.png", 8, 6, 1, 8, "a208346e9c9391308826efb433ce63f7263d1ffa9f58c467f37b2dae3af5df5b" },
        { "grey16_trns_8x6.png", 8, 6, 1, 16, "f1c93e22a775a39f47d778dc9f8513baa18422b67c72eb13a30d5e04ce8c9db2" },
        { "grey2_trns_8x6.png", 8, 6, 1, 8, "6248c544690a2005a8ddc8566cbbc89c93394aa95a47200ab659f0addf8f25e7" },
        { "rgb8_trns_7x5.png", 7, 5, 3, 8, "d362e4343350c9c355f6ea4554e8b49a21cf2d2f7984dabcdbd82564d2389b0d" },
        { "rgb16_trns_7x5.png", 7, 5, 3, 16, "e19c465659b7f39772a4650ad3847cbd7eab343e6b1fd509ccf1379f1bb6892b" },
        { "rgba16_adam7_1x1.png", 1, 1, 3, 16, "b0f66adc83641586656866813fd9dd0b8ebb63796075661ba45d1aa8089e1d44" },
        { "grey4_adam7_3x2.png", 3, 2, 1, 8, "6135e77cf9f374d3b97bbb0539dd156fb311e7571a59c5f847808405d3eae889" },
        { "grey16_multi_idat_61x47.png", 61, 47, 1, 16, "bdfec9872edeea4e3d901da0ee4e97bb7e781a547b2ad039e8723888a4acb5dc" },
        { "rgb8_adam7_multi_idat_33x29.png", 33, 29, 3, 8, "77c3ed11f531af760384579650f8c45938d22b65b3d5b9fe5f0e474c9759883c" },
    };

    public static TheoryData<string, int, int, int, int, string> SkimageFiles => new()
    {
        { "astronaut.png", 512, 512, 3, 8, "a8c429c18afa7b0fd5673e598d73a21225d94c864a71bbb3885126fdecb41071" },
        { "block.png", 10, 10, 3, 8, "d9d6471927e84e638219d6de44f9473aa3814d0b03d5944c05d4a6fae9a11234" },
        { "brick.png", 512, 512, 1, 8, "664a145c5253f0d66db1a12776785f0ea35a44cc7447ffc933f6d6118dc58643" },
        { "bw_text.png", 516, 333, 3, 8, "26a1578feeedd930dba40c32ca40042f8b45c01cc042f5a5709f58e8d252b072" },
        { "camera.png", 512, 512, 1, 8, "5cb24482a53416f99052258be2b1ee38cd31c559a70c8a8b321cba231b332e21" },
        { "cell.png", 550, 660, 1, 8, "dc464a59c68346fbe7a36fb75421d02a5e29780874b92efd3c920a319bfcb3b0" },
        { "checker_bilevel.png", 10, 10, 1, 8, "9f78cf4f21971f1894365d3bb9ea536dc3d1cd2515fb7f0e1b4b55a86333cdf0" },
        { "chelsea.png", 451, 300, 3, 8, "416b729128bfb2c3d1eb69bf9b1734a796293abc17939267b2dc94f8a5784031" },
        { "chessboard_GRAY.png", 200, 200, 1, 8, "60c868d760df4979a61102c3711c656dcc9380194e1df978e7fdc8a3355d3d45" },
        { "chessboard_RGB.png", 200, 200, 3, 16, "0c27a9fd351e2437609e3a8d3a314ca82e6c90021826b3aab36ce420a61c9b91" },
        { "clock_motion.png", 400, 300, 1, 8, "ad313afa739ea86c00ce55d190f1fa284c1982e9bc70eb4c9b21ac29c5c7a85c" },
        { "coffee.png", 600, 400, 3, 8, "0ce2b51640b9c95f19617f03eabf40c3f0368589cc1ee1190b70966165ac184f" },
        { "coins.png", 384, 303, 1, 8, "e080cc03805f1fa70516c3cb84883d4633bda2a1b51841da7c22f3d14c072451" },
        { "color.png", 371, 370, 3, 8, "4ce89baa8b291cfec33e2e67908a588b16eee46478ad4b664a93c7a17ea4b277" },
        { "foo3x5x4indexed.png", 5, 3, 3, 8, "f55ee72b9fa98b67143ef4678d01e6f065a1265790512344c86ed008d7822d60" },
        { "grass.png", 512, 512, 1, 8, "b18dae4c68bf850a7a7b28a29d1846c76be890665117b57fd125fe29c4d4ede6" },
        { "gravel.png", 512, 512, 1, 8, "3d51ad45f789cd8b98534b7af6bce774e499ead45421135afd757358c7230009" },
        { "green_palette.png", 320, 240, 3, 8, "5fd4805053c92983444ce6d53aff56850a7de7be4e9d1c9d9835369592e3560a" },
        { "horse.png", 400, 328, 3, 8, "2cd8898f8764917f1a829a0321abd26870dd1ed53c487e05c813c012d1211e90" },
        { "ihc.png", 512, 512, 3, 8, "c5b3ef509a92f16d4c29be8cf0300fe75d53e13a3ce650159db932caea8dcc1b" },
        { "logo.png", 500, 500, 3, 8, "17be4850288aa25b79790e4508165da432585627d4bd46d7992ab1d6496f43df" },
        { "microaneurysms.png", 102, 102, 1, 8, "78db349f8ec2c55042ac896f290f733590d2cf12b63e1a965200ae164a4eae09" },
        { "moon.png", 512, 512, 1, 8, "a20362266d5b01021f6f0f54bd603c3137f921b741770420deeb5ea0141716c0" },
        { "motorcycle_left.png", 741, 500, 3, 8, "ca829467c1d4f427da9c4862ba43829da6ac90afe1f75735e95dba9e3fd9620b" },
        { "motorcycle_right.png", 741, 500, 3, 8, "ae44d83f55e66623c7985499fd2f1685a56023e442e66eca89b3457dd46b17af" },
        { "page.png", 384, 191, 1, 8, "667bfd85aab58052ae90251fae1a265cf8be6d1097b1e61dcfc183b65887a1fe" },
        { "palette_color.png", 10, 10, 3, 8, "52b16741bcfda22c7be5a115d1e110548d3f2bc6b39a6e77c010b8cd982e2353" },
        { "palette_gray.png", 10, 10, 1, 8, "bba6cc42403f35961419787dbb810c4b482574835d7cf3b13eaf0a41eff650c2" },
        { "phantom.png", 400, 400, 3, 8, "64ee405c3b109b962d591223a0eb59133a378192fd3df2766f63af15fa9e1cb7" },
        { "text.png", 448, 172, 1, 8, "6705caed21e6281799a52591c27498da5526cace39f2b6af3141b2ff11e2e517" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_decodes_to_the_pixels_pypng_reads(string file, int width, int height, int channels, int depth, string sha256)
    {
        var frame = PngDecoder.Decode(File.ReadAllBytes(Path.Combine(PngFiles.Fixtures, file)));
        PngFiles.AssertFrame(frame, width, height, channels, depth, sha256);
    }

    [Theory]
    [MemberData(nameof(SkimageFiles))]
    public void Real_png_decodes_to_the_pixels_pypng_reads(string file, int width, int height, int channels, int depth, string sha256)
    {
        var images = new PngReader().Read(TestCorpora.File(TestCorpora.Skimage, file), ImageReadOptions.Default).ToList();
        var image = Assert.Single(images);
        Assert.Equal("", image.Key);
        PngFiles.AssertFrame(image.Frame, width, height, channels, depth, sha256);
    }

    [Fact]
    public void Sixteen_bit_samples_keep_full_depth()
    {
        // chessboard_RGB.png is 16-bit RGB; a reader reducing to 8 bits would only produce multiples of 257.
        var frame = PngDecoder.Decode(File.ReadAllBytes(TestCorpora.File(TestCorpora.Skimage, "chessboard_RGB.png")));
        Assert.Equal(16, frame.BitDepth);
        var fixture = PngDecoder.Decode(File.ReadAllBytes(Path.Combine(PngFiles.Fixtures, "grey16_13x11.png")));
        Assert.Contains(fixture.Samples16.ToArray(), s => s % 257 != 0);
    }

    [Fact]
    public void Reader_claims_png_by_signature_and_extension()
    {
        var reader = new PngReader();
        Assert.Contains(".png", reader.Extensions);
        Assert.True(reader.MatchesSignature(File.ReadAllBytes(Path.Combine(PngFiles.Fixtures, "grey8_13x11.png")).AsSpan(0, 16)));
        Assert.False(reader.MatchesSignature("GIF89a.........."u8));
    }
}
