using System.Buffers.Binary;

namespace Vigil.Imaging.Raster;

/// <summary>
/// Checks a classic TIFF's directory chain against the file's length before LibTiff reads it. LibTiff sizes its
/// buffers from the tags (a tag's value count, a strip's byte count, the strip count implied by the image height)
/// and allocates before it looks at the data, so a damaged tag could make it ask for gigabytes from a 5 KB file.
/// Every size that would have to lie inside the file is compared with the file's length here. BigTIFF is left to
/// LibTiff: its 8-byte offsets are read with the same care there and no damaged BigTIFF has been seen to misbehave.
/// </summary>
internal static class TiffLayout
{
    private const ushort ImageWidth = 256, ImageLength = 257, SamplesPerPixel = 277, RowsPerStrip = 278, StripByteCounts = 279,
        PlanarConfiguration = 284, TileWidth = 322, TileLength = 323, TileByteCounts = 325;

    /// <summary>Throws <see cref="ImageFormatException"/> when a directory, a tag's data or a strip cannot fit in <paramref name="file"/>.</summary>
    public static void Check(ReadOnlySpan<byte> file, string path, int maxPages)
    {
        if (file.Length < 8 || file[2] + (file[3] << 8) is not (42 or 42 << 8)) return; // BigTIFF or not TIFF at all: LibTiff says which
        bool big = file[0] == (byte)'M';
        var visited = new HashSet<uint>();
        uint ifd = U32(file, 4, big);
        for (int page = 1; ifd != 0 && page <= maxPages && visited.Add(ifd); page++)
        {
            if (ifd > file.Length - 2L) throw Bad(path, $"page {page}'s directory starts at byte {ifd:N0}, beyond the end of the file ({file.Length:N0} bytes)");
            int entries = U16(file, (int)ifd, big);
            long end = ifd + 2L + 12L * entries;
            if (end + 4 > file.Length) throw Bad(path, $"page {page}'s directory of {entries:N0} tags runs past the end of the file");
            var values = new Dictionary<ushort, long>();
            for (int i = 0; i < entries; i++)
            {
                int e = (int)ifd + 2 + 12 * i;
                ushort tag = U16(file, e, big);
                long bytes = (long)U32(file, e + 4, big) * TypeSize(U16(file, e + 2, big));
                if (bytes > 4 && U32(file, e + 8, big) + bytes > file.Length)
                    throw Bad(path, $"page {page}: tag {tag} declares {bytes:N0} bytes of data at byte {U32(file, e + 8, big):N0}, beyond the end of the file ({file.Length:N0} bytes)");
                if (tag is StripByteCounts or TileByteCounts) CheckByteCounts(file, e, bytes, big, path, page);
                values[tag] = bytes <= 4 && U16(file, e + 2, big) == 3 ? U16(file, e + 8, big) : U32(file, e + 8, big);
            }
            CheckPieceCount(values, file.Length, path, page);
            ifd = U32(file, (int)end, big);
        }
    }

    // A strip or tile cannot hold more bytes than the whole file; LibTiff would allocate that many to read it.
    private static void CheckByteCounts(ReadOnlySpan<byte> file, int entry, long bytes, bool big, string path, int page)
    {
        int type = U16(file, entry + 2, big);
        long count = U32(file, entry + 4, big);
        int at = bytes <= 4 ? entry + 8 : (int)U32(file, entry + 8, big);
        for (long i = 0; i < count; i++)
        {
            long value = type == 3 ? U16(file, at + (int)i * 2, big) : type == 4 ? U32(file, at + (int)i * 4, big) : 0;
            if (value > file.Length)
                throw Bad(path, $"page {page}: a strip or tile declares {value:N0} bytes, more than the whole file ({file.Length:N0} bytes)");
        }
    }

    // LibTiff allocates its strip and tile tables from the count the image size implies, whatever the file lists:
    // each strip or tile needs at least a 4-byte offset in the file, which bounds how many there can be.
    private static void CheckPieceCount(Dictionary<ushort, long> tags, long fileLength, string path, int page)
    {
        long width = tags.GetValueOrDefault(ImageWidth), height = tags.GetValueOrDefault(ImageLength);
        long planes = tags.GetValueOrDefault(PlanarConfiguration, 1) == 2 ? Math.Max(1, tags.GetValueOrDefault(SamplesPerPixel, 1)) : 1;
        long pieces;
        if (tags.TryGetValue(TileWidth, out long tw) && tags.TryGetValue(TileLength, out long th))
            pieces = tw <= 0 || th <= 0 ? 0 : (width + tw - 1) / tw * ((height + th - 1) / th);
        else
        {
            long rows = tags.GetValueOrDefault(RowsPerStrip, uint.MaxValue);
            pieces = rows <= 0 ? 0 : (height + rows - 1) / rows;
        }
        if (pieces * planes * 4 > fileLength)
            throw Bad(path, $"page {page} declares {width:N0}x{height:N0} pixels in {pieces * planes:N0} strips or tiles, more than a {fileLength:N0}-byte file can hold");
    }

    private static long TypeSize(int type) => type switch
    {
        1 or 2 or 6 or 7 => 1,
        3 or 8 => 2,
        4 or 9 or 11 or 13 => 4,
        5 or 10 or 12 or 16 or 17 or 18 => 8,
        _ => 0, // unknown types are skipped by LibTiff
    };

    private static ushort U16(ReadOnlySpan<byte> b, int at, bool big) =>
        at < 0 || at + 2 > b.Length ? (ushort)0 : big ? BinaryPrimitives.ReadUInt16BigEndian(b[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at, bool big) =>
        at < 0 || at + 4 > b.Length ? 0 : big ? BinaryPrimitives.ReadUInt32BigEndian(b[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);

    private static ImageFormatException Bad(string path, string message) => new(path, "damaged TIFF: " + message);
}
