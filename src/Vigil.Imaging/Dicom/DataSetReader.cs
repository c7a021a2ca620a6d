using System.Buffers.Binary;

namespace Vigil.Imaging.Dicom;

/// <summary>
/// Walks the elements of a data set. Keeps top-level elements, skips sequences (defined length: jumped over;
/// undefined length: items walked to their delimiters), collects encapsulated fragments, and stops at Pixel Data.
/// Every length is checked against the bytes that remain, nesting is capped, and every step consumes bytes,
/// so no input can make it read out of bounds, recurse without limit or loop forever.
/// </summary>
internal sealed class DataSetReader
{
    /// <summary>Deepest sequence nesting accepted (real files stay well below 20).</summary>
    public const int MaxDepth = 64;

    private const uint Undefined = 0xFFFFFFFF;

    private readonly byte[] _buffer;
    private readonly int _end;
    private int _position;

    private readonly record struct Header(DicomTag Tag, string? Vr, uint Length, int Start);

    private DataSetReader(byte[] buffer, int start)
    {
        _buffer = buffer;
        _position = start;
        _end = buffer.Length;
    }

    /// <summary>Reads the file meta group (always explicit VR little endian) from <paramref name="start"/>; returns where it ends.</summary>
    public static int ReadMeta(byte[] buffer, int start, DicomDataSet meta)
    {
        var reader = new DataSetReader(buffer, start);
        while (reader.Remaining >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(reader._position)) == 0x0002)
        {
            var header = reader.ReadHeader(explicitVr: true, bigEndian: false);
            if (header.Length == Undefined) throw new DicomException($"file meta element {header.Tag} has undefined length");
            reader.CheckLength(header, "file meta element " + header.Tag);
            meta.Add(new DicomElement(header.Tag, header.Vr, reader._position, (int)header.Length));
            reader._position += (int)header.Length;
        }
        return reader._position;
    }

    /// <summary>Reads a data set from <paramref name="start"/> to the end of <paramref name="buffer"/>.</summary>
    public static DicomDataSet ReadDataSet(byte[] buffer, int start, TransferSyntax syntax)
    {
        var dataSet = new DicomDataSet(buffer, syntax.BigEndian);
        new DataSetReader(buffer, start).ReadTopLevel(dataSet, syntax);
        return dataSet;
    }

    private int Remaining => _end - _position;

    private void ReadTopLevel(DicomDataSet dataSet, TransferSyntax syntax)
    {
        while (_position < _end)
        {
            if (Remaining < 8)
            {
                if (_buffer.AsSpan(_position).IndexOfAnyExcept((byte)0) < 0) return; // trailing zero padding
                throw new DicomException($"truncated: {Remaining} stray bytes at offset {_position}, too few for an element header");
            }
            var header = ReadHeader(syntax.ExplicitVr, syntax.BigEndian);
            if (header.Tag.Group == 0xFFFE)
            {
                // A stray delimiter at top level is harmless (some writers emit one); a stray item is not.
                if (header.Tag == DicomTag.Item) throw new DicomException($"unexpected item tag at offset {header.Start} outside any sequence");
                continue;
            }
            if (header.Tag == DicomTag.PixelData)
            {
                ReadPixelData(dataSet, header, syntax);
                return; // only padding and signatures follow Pixel Data; nothing there is needed
            }
            if (header.Length == Undefined)
            {
                SkipUndefinedLength(header, 1, syntax.ExplicitVr, syntax.BigEndian);
                continue;
            }
            CheckLength(header, "element " + header.Tag);
            if (header.Vr != "SQ") dataSet.Add(new DicomElement(header.Tag, header.Vr, _position, (int)header.Length));
            _position += (int)header.Length;
        }
    }

    private void ReadPixelData(DicomDataSet dataSet, Header header, TransferSyntax syntax)
    {
        if (header.Length != Undefined)
        {
            if (syntax.Encapsulated)
                throw new DicomException($"PixelData has a defined length ({header.Length} bytes) but transfer syntax {syntax.Name} requires encapsulated (undefined-length) pixel data");
            CheckLength(header, "PixelData");
            dataSet.Add(new DicomElement(header.Tag, header.Vr, _position, (int)header.Length));
            _position += (int)header.Length;
            return;
        }
        if (!syntax.Encapsulated)
            throw new DicomException($"PixelData has undefined length but transfer syntax {syntax.Name} is not encapsulated");
        var items = new List<EncapsulatedPixelData.Fragment>();
        while (true)
        {
            if (Remaining < 8)
            {
                // A missing sequence delimiter at the very end still leaves whole fragments; accept them.
                if (items.Count > 0 && _buffer.AsSpan(_position).IndexOfAnyExcept((byte)0) < 0) break;
                throw new DicomException($"truncated: encapsulated PixelData ends at offset {_position} without a sequence delimiter");
            }
            int start = _position;
            var tag = ReadTag(syntax.BigEndian);
            uint length = ReadUInt32(_position + 4, syntax.BigEndian);
            _position += 8;
            if (tag == DicomTag.SequenceDelimitation) break;
            if (tag != DicomTag.Item) throw new DicomException($"unexpected tag {tag} at offset {start} inside encapsulated PixelData (expected an item)");
            if (length == Undefined) throw new DicomException($"PixelData fragment at offset {start} has undefined length");
            if (length > (uint)Remaining)
                throw new DicomException($"truncated: PixelData fragment {items.Count} at offset {start} declares {length} bytes but only {Remaining} remain");
            items.Add(new EncapsulatedPixelData.Fragment(start, _position, (int)length));
            _position += (int)length;
        }
        dataSet.Fragments = new EncapsulatedPixelData(_buffer, items);
        dataSet.Add(new DicomElement(header.Tag, header.Vr, header.Start, 0));
    }

    // An undefined length always means items follow (a sequence, or encapsulated data such as a compressed icon).
    // UN with undefined length holds implicit VR little endian items (PS3.5 6.2.2).
    private void SkipUndefinedLength(Header header, int depth, bool explicitVr, bool bigEndian)
    {
        if (header.Vr == "UN") { explicitVr = false; bigEndian = false; }
        SkipItems(header.Start, depth, explicitVr, bigEndian);
    }

    private void SkipItems(int sequenceStart, int depth, bool explicitVr, bool bigEndian)
    {
        if (depth > MaxDepth) throw new DicomException($"sequences nested deeper than {MaxDepth} levels at offset {sequenceStart}");
        while (true)
        {
            if (Remaining < 8) throw new DicomException($"truncated: sequence starting at offset {sequenceStart} never ends");
            int start = _position;
            var tag = ReadTag(bigEndian);
            uint length = ReadUInt32(_position + 4, bigEndian);
            _position += 8;
            if (tag == DicomTag.SequenceDelimitation) return;
            if (tag != DicomTag.Item) throw new DicomException($"unexpected tag {tag} at offset {start} inside a sequence (expected an item)");
            if (length == Undefined)
            {
                if (SkipItemElements(depth, explicitVr, bigEndian)) return;
                continue;
            }
            if (length > (uint)Remaining)
                throw new DicomException($"truncated: sequence item at offset {start} declares {length} bytes but only {Remaining} remain");
            _position += (int)length;
        }
    }

    // Returns true when a sequence delimiter closed the item early (a common writer bug), ending the sequence too.
    private bool SkipItemElements(int depth, bool explicitVr, bool bigEndian)
    {
        while (true)
        {
            if (Remaining < 8) throw new DicomException($"truncated: sequence item at offset {_position} never ends");
            var header = ReadHeader(explicitVr, bigEndian);
            if (header.Tag == DicomTag.ItemDelimitation) return false;
            if (header.Tag == DicomTag.SequenceDelimitation) return true;
            if (header.Tag == DicomTag.Item) throw new DicomException($"unexpected item tag at offset {header.Start} inside an item");
            if (header.Length == Undefined)
            {
                SkipUndefinedLength(header, depth + 1, explicitVr, bigEndian);
                continue;
            }
            CheckLength(header, "element " + header.Tag);
            _position += (int)header.Length;
        }
    }

    private Header ReadHeader(bool explicitVr, bool bigEndian)
    {
        int start = _position;
        var tag = ReadTag(bigEndian);
        if (tag.Group != 0xFFFE && explicitVr && DicomVr.Parse(_buffer[start + 4], _buffer[start + 5]) is { } vr)
        {
            if (!DicomVr.HasLongLength(vr))
            {
                _position += 8;
                return new Header(tag, vr, ReadUInt16(start + 6, bigEndian), start);
            }
            if (Remaining < 12) throw new DicomException($"truncated: element {tag} header at offset {start} is cut short");
            _position += 12;
            return new Header(tag, vr, ReadUInt32(start + 8, bigEndian), start);
        }
        // Items and delimiters never carry a VR; an explicit file whose VR bytes are not a VR is read as
        // implicit for that element, as GDCM and DCMTK do.
        _position += 8;
        return new Header(tag, null, ReadUInt32(start + 4, bigEndian), start);
    }

    private void CheckLength(Header header, string what)
    {
        if (header.Length > (uint)Remaining)
            throw new DicomException($"truncated: {what} at offset {header.Start} declares {header.Length} bytes but only {Remaining} remain");
    }

    private DicomTag ReadTag(bool bigEndian) =>
        new(ReadUInt16(_position, bigEndian), ReadUInt16(_position + 2, bigEndian));

    private ushort ReadUInt16(int at, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(at, 2))
        : BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(at, 2));

    private uint ReadUInt32(int at, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(at, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(at, 4));
}
