using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Vigil.Imaging.Numpy;

/// <summary>
/// NumPy .npz archives (zip, stored or deflated members) in the MedMNIST layout (train/val/test images and labels)
/// or the Keras/plain layouts <see cref="NpzLayout"/> lists. Each image carries its label name
/// (<see cref="MedMnistCatalog"/> names MedMNIST classes) and its official split; keys read "train-00017".
/// Images are streamed: an archive larger than memory still reads.
/// </summary>
public sealed class NpzReader : IImageReader
{
    // Deflate cannot expand data more than 1032:1; a member claiming more lies about its sizes.
    private const long MaxDeflateRatio = 1032;

    /// <inheritdoc />
    public string FormatName => "NumPy npz";

    /// <inheritdoc />
    public IReadOnlyList<string> Extensions { get; } = [".npz"];

    /// <inheritdoc />
    /// <remarks>A zip file whose first member is a ".npy": other zip files are left to other readers.</remarks>
    public bool MatchesSignature(ReadOnlySpan<byte> header)
    {
        if (header.Length < 30 || !header.StartsWith("PK\x03\x04"u8)) return false;
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[26..]);
        return header.Length >= 30 + nameLength && header.Slice(30, nameLength).EndsWith(".npy"u8);
    }

    /// <inheritdoc />
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default) =>
        ReaderGuard.Guard(Images(path, options, cancellationToken), path);

    private static IEnumerable<DecodedImage> Images(string path, ImageReadOptions options, CancellationToken cancellationToken)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var zip = new ZipArchive(file, ZipArchiveMode.Read);
        var members = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
            if (entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) members.TryAdd(entry.FullName[..^4], entry);
        if (members.Count == 0) throw new ImageFormatException(path, "zip archive holds no .npy arrays");

        var dataset = MedMnistCatalog.Find(path);
        foreach (var group in NpzLayout.Find(members.Keys, path))
        {
            var images = OpenMember(members[group.Images], path);
            var layout = ImageLayout.Infer(images.Header.Shape, stacked: group.Split is not null || group.Labels is not null, options, path, images.What);
            var labels = group.Labels is null ? null
                : LabelColumn.Read(OpenMember(members[group.Labels], path), layout.Count, dataset, cancellationToken);
            var stream = new ArrayImageStream(images.OpenData, images.Header.Element, layout, path);
            var mapping = stream.ChooseMapping(cancellationToken);
            var extra = new Dictionary<string, string> { ["array"] = group.Images, ["dtype"] = images.Header.Element.Name };
            if (!mapping.IsIdentity) mapping.Describe(extra);
            if (dataset is not null) extra["medmnist"] = dataset.Name;
            string prefix = group.Split ?? "image";
            string digits = "D" + Math.Max(5, (layout.Count - 1).ToString(CultureInfo.InvariantCulture).Length);
            long index = 0;
            foreach (var frame in stream.Frames(mapping, cancellationToken))
            {
                var metadata = new ImageMetadata
                {
                    Label = labels?[index], OfficialSplit = group.Split, Extra = extra,
                    Modality = dataset?.Modality, BodyPart = dataset?.Region,
                };
                yield return new DecodedImage(frame, metadata, $"{prefix}-{index.ToString(digits, CultureInfo.InvariantCulture)}");
                index++;
            }
        }
    }

    private static NpyArray OpenMember(ZipArchiveEntry entry, string path)
    {
        string what = $"member {entry.FullName}";
        if (entry.Length > entry.CompressedLength * MaxDeflateRatio + (1 << 16))
            throw new ImageFormatException(path, $"{what} claims {entry.Length:N0} bytes from {entry.CompressedLength:N0} compressed: the archive's sizes are inconsistent");
        return NpyArray.Open(entry.Open, entry.Length, path, what);
    }
}
