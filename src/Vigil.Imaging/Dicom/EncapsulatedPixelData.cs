using System.Buffers.Binary;

namespace Vigil.Imaging.Dicom;

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): a Basic Offset Table item, then fragments. Works out which fragments make up
/// each frame, with or without an offset table, and when a frame spans several fragments.
/// </summary>
internal sealed class EncapsulatedPixelData
{
    /// <summary>One item: where its 8-byte header starts and where its value lies.</summary>
    public readonly record struct Fragment(int ItemStart, int Offset, int Length);

    private readonly byte[] _buffer;

    /// <param name="buffer">The bytes the items point into.</param>
    /// <param name="items">Every item in order; the first is the Basic Offset Table (possibly empty).</param>
    public EncapsulatedPixelData(byte[] buffer, IReadOnlyList<Fragment> items)
    {
        _buffer = buffer;
        if (items.Count == 0) throw new DicomException("encapsulated PixelData has no Basic Offset Table item");
        var table = items[0];
        OffsetTable = new uint[table.Length / 4];
        for (int i = 0; i < OffsetTable.Length; i++)
            OffsetTable[i] = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(table.Offset + 4 * i, 4));
        Fragments = items.Skip(1).ToArray();
    }

    /// <summary>Basic Offset Table entries (empty when the table is empty).</summary>
    public uint[] OffsetTable { get; }

    /// <summary>The data fragments, without the offset table.</summary>
    public IReadOnlyList<Fragment> Fragments { get; }

    public ReadOnlySpan<byte> Bytes(Fragment fragment) => _buffer.AsSpan(fragment.Offset, fragment.Length);

    /// <summary>
    /// Groups fragments into frames. Uses the offset table when it is consistent; otherwise one frame takes all,
    /// or one fragment per frame, or <paramref name="startsFrame"/> says which fragment opens a new frame.
    /// </summary>
    /// <exception cref="DicomException">The fragments cannot be assigned to <paramref name="frames"/> frames.</exception>
    public int[][] GroupIntoFrames(int frames, Func<ReadOnlySpan<byte>, bool>? startsFrame)
    {
        if (Fragments.Count == 0) throw new DicomException("encapsulated PixelData holds no fragments");
        if (ByOffsetTable(frames) is { } byTable) return byTable;
        if (frames == 1) return [Enumerable.Range(0, Fragments.Count).ToArray()];
        if (Fragments.Count == frames) return Enumerable.Range(0, frames).Select(i => new[] { i }).ToArray();
        if (startsFrame is not null && Fragments.Count > frames)
        {
            var groups = new List<List<int>>();
            for (int i = 0; i < Fragments.Count; i++)
            {
                if (groups.Count == 0 || startsFrame(Bytes(Fragments[i]))) groups.Add([]);
                groups[^1].Add(i);
            }
            if (groups.Count == frames) return groups.Select(g => g.ToArray()).ToArray();
        }
        throw new DicomException(
            $"cannot tell which of {Fragments.Count} fragments belong to which of {frames} frames (Basic Offset Table has {OffsetTable.Length} entries)");
    }

    /// <summary>The bytes of one frame: its fragments concatenated.</summary>
    public byte[] Concatenate(int[] fragmentIndices)
    {
        long total = fragmentIndices.Sum(i => (long)Fragments[i].Length);
        if (total > Array.MaxLength) throw new DicomException($"one frame spans {total} bytes of fragments, more than can be held");
        var result = new byte[total];
        int at = 0;
        foreach (var i in fragmentIndices)
        {
            Bytes(Fragments[i]).CopyTo(result.AsSpan(at));
            at += Fragments[i].Length;
        }
        return result;
    }

    // Offsets count from the first byte of the first fragment's item tag; every offset must land on an item start.
    private int[][]? ByOffsetTable(int frames)
    {
        if (OffsetTable.Length != frames || OffsetTable[0] != 0) return null;
        var positions = Fragments.Select(f => (long)f.ItemStart - Fragments[0].ItemStart).ToArray();
        var result = new int[frames][];
        for (int frame = 0; frame < frames; frame++)
        {
            long start = OffsetTable[frame];
            long end = frame + 1 < frames ? OffsetTable[frame + 1] : long.MaxValue;
            if (end <= start) return null;
            int first = Array.IndexOf(positions, start);
            if (first < 0) return null;
            var members = new List<int>();
            for (int i = first; i < positions.Length && positions[i] < end; i++) members.Add(i);
            result[frame] = members.ToArray();
        }
        return result;
    }
}
