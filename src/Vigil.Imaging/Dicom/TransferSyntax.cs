namespace Vigil.Imaging.Dicom;

/// <summary>How the pixel data of a transfer syntax gets decoded.</summary>
internal enum PixelCodec
{
    /// <summary>Uncompressed, in the data set itself.</summary>
    Native,
    /// <summary>Uncompressed frames inside encapsulation fragments (1.2.840.10008.1.2.1.98).</summary>
    EncapsulatedNative,
    /// <summary>RLE Lossless, decoded here.</summary>
    Rle,
    /// <summary>JPEG family, decoded by GDCM's gdcmconv in a child process.</summary>
    Gdcm,
    /// <summary>Known but not decodable (video, HTJ2K, JPIP).</summary>
    Unsupported,
}

/// <summary>A transfer syntax: data-set encoding plus pixel codec.</summary>
internal sealed record TransferSyntax(string Uid, string Name, bool ExplicitVr, bool BigEndian, bool Deflated, PixelCodec Codec)
{
    public bool Encapsulated => Codec is not PixelCodec.Native;

    public static readonly TransferSyntax ImplicitLittle = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, PixelCodec.Native);
    public static readonly TransferSyntax ExplicitLittle = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, PixelCodec.Native);
    public static readonly TransferSyntax ExplicitBig = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, PixelCodec.Native);

    /// <summary>Every transfer syntax this reader knows by name, decodable or not.</summary>
    public static IReadOnlyList<TransferSyntax> Known { get; } =
    [
        ImplicitLittle,
        ExplicitLittle,
        ExplicitBig,
        new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, PixelCodec.Native),
        new("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", true, false, false, PixelCodec.EncapsulatedNative),
        new("1.2.840.10008.1.2.5", "RLE Lossless", true, false, false, PixelCodec.Rle),
        Jpeg("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"),
        Jpeg("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"),
        Jpeg("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
        Jpeg("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])"),
        Jpeg("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
        Jpeg("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)"),
        Jpeg("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)"),
        Jpeg("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression"),
        Jpeg("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)"),
        Jpeg("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression"),
        Unsupported("1.2.840.10008.1.2.4.94", "JPIP Referenced"),
        Unsupported("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate"),
        Unsupported("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
        Unsupported("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
        Unsupported("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
        Unsupported("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
        Unsupported("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
        Unsupported("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
        Unsupported("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
        Unsupported("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"),
        Unsupported("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
        Unsupported("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)"),
        Unsupported("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"),
        Unsupported("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression"),
    ];

    private static readonly Dictionary<string, TransferSyntax> ByUid = Known.ToDictionary(t => t.Uid, StringComparer.Ordinal);

    /// <summary>The syntax for a UID; unknown members of the JPEG family (1.2.840.10008.1.2.4.*, mostly retired) go to GDCM.</summary>
    /// <exception cref="DicomException">The UID is not a transfer syntax this reader can even parse.</exception>
    public static TransferSyntax Lookup(string uid)
    {
        if (ByUid.TryGetValue(uid, out var known)) return known;
        if (uid.StartsWith("1.2.840.10008.1.2.4.", StringComparison.Ordinal)) return Jpeg(uid, "JPEG family (retired or unlisted)");
        throw new DicomException($"unknown transfer syntax UID '{uid}'");
    }

    private static TransferSyntax Jpeg(string uid, string name) => new(uid, name, true, false, false, PixelCodec.Gdcm);
    private static TransferSyntax Unsupported(string uid, string name) => new(uid, name, true, false, false, PixelCodec.Unsupported);
}
