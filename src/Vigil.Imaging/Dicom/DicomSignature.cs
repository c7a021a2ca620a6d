using System.Buffers.Binary;

namespace Vigil.Imaging.Dicom;

/// <summary>
/// Recognises DICOM content: "DICM" after the 128-byte preamble, or (for files written without preamble and meta,
/// as some old tools did) a data set that plainly starts with group 0002 or 0008 elements.
/// </summary>
internal static class DicomSignature
{
    private static ReadOnlySpan<byte> Magic => "DICM"u8;

    /// <summary>True when the header looks like DICOM.</summary>
    public static bool Matches(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 132 && header.Slice(128, 4).SequenceEqual(Magic)) return true;
        if (header.Length >= 6 && header[..4].SequenceEqual(Magic) && header[4] == 0x02 && header[5] == 0x00) return true;
        if (StartsWithMetaElement(header)) return true;
        return GuessEncoding(header, requireGroup8: true) is not null && SecondElementFollows(header);
    }

    /// <summary>Where the file meta group (or the data set, when there is no meta group) starts.</summary>
    public static int DataStart(ReadOnlySpan<byte> file)
    {
        if (file.Length >= 132 && file.Slice(128, 4).SequenceEqual(Magic)) return 132;
        if (file.Length >= 4 && file[..4].SequenceEqual(Magic)) return 4;
        return 0;
    }

    /// <summary>
    /// Guesses the encoding of a data set that has no Transfer Syntax UID, from its first element: two letters of a
    /// known VR mean explicit VR (endianness from the group number), otherwise implicit VR little endian.
    /// With <paramref name="requireGroup8"/> the first element must be in group 0008, else null.
    /// </summary>
    public static TransferSyntax? GuessEncoding(ReadOnlySpan<byte> data, bool requireGroup8)
    {
        if (data.Length < 8) return null;
        ushort little = BinaryPrimitives.ReadUInt16LittleEndian(data);
        ushort big = BinaryPrimitives.ReadUInt16BigEndian(data);
        if (DicomVr.Parse(data[4], data[5]) is not null)
        {
            if (requireGroup8) return little == 0x0008 ? TransferSyntax.ExplicitLittle : big == 0x0008 ? TransferSyntax.ExplicitBig : null;
            return little > 0x00FF && big <= 0x00FF ? TransferSyntax.ExplicitBig : TransferSyntax.ExplicitLittle;
        }
        if (!requireGroup8) return TransferSyntax.ImplicitLittle;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        return little == 0x0008 && (length < 0x10000 || length == 0xFFFFFFFF) ? TransferSyntax.ImplicitLittle : null;
    }

    private static bool StartsWithMetaElement(ReadOnlySpan<byte> header) =>
        header.Length >= 8 && header[0] == 0x02 && header[1] == 0x00 && header[3] == 0x00 && DicomVr.Parse(header[4], header[5]) is not null;

    // Without preamble a single plausible element is weak evidence; when the header holds a second element,
    // it must have a larger tag in group 0008 or above.
    private static bool SecondElementFollows(ReadOnlySpan<byte> header)
    {
        var syntax = GuessEncoding(header, requireGroup8: true)!;
        bool bigEndian = syntax.BigEndian;
        ushort element = Read16(header[2..], bigEndian);
        int next;
        if (syntax.ExplicitVr)
        {
            var vr = DicomVr.Parse(header[4], header[5])!;
            if (DicomVr.HasLongLength(vr))
            {
                if (header.Length < 12) return true;
                long length = Read32(header[8..], bigEndian);
                if (length == 0xFFFFFFFF) return true;
                next = (int)Math.Min(int.MaxValue, 12 + length);
            }
            else next = 8 + Read16(header[6..], bigEndian);
        }
        else
        {
            long length = Read32(header[4..], bigEndian);
            if (length == 0xFFFFFFFF) return true;
            next = (int)Math.Min(int.MaxValue, 8 + length);
        }
        if (next + 4 > header.Length) return true; // second element lies beyond what we were given
        ushort group2 = Read16(header[next..], bigEndian);
        ushort element2 = Read16(header[(next + 2)..], bigEndian);
        return group2 > 0x0008 || (group2 == 0x0008 && element2 > element);
    }

    private static ushort Read16(ReadOnlySpan<byte> span, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);

    private static uint Read32(ReadOnlySpan<byte> span, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
}
