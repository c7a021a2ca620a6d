using System.Buffers.Binary;

namespace Vigil.Imaging.Fuzzing;

/// <summary>
/// Recomputes the checksums a mutation broke, so most mutated files get past the integrity check and reach the
/// decoding code behind it (a reader that stops at a bad CRC is tested by the cases left unrepaired).
/// </summary>
public static class Checksums
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Rewrites the CRC of every PNG chunk that lies wholly inside <paramref name="png"/>; a copy is returned.</summary>
    public static byte[] RepairPng(byte[] png)
    {
        var b = (byte[])png.Clone();
        for (long at = 8; at + 12 <= b.Length;)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan((int)at));
            if (at + 12 + length > b.Length) break;
            uint crc = Crc32(b.AsSpan((int)at + 4, (int)length + 4));
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan((int)(at + 8 + length)), crc);
            at += 12 + length;
        }
        return b;
    }

    /// <summary>The CRC-32 of PNG, zip and gzip (reflected polynomial 0xEDB88320).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte x in data) c = Table[(c ^ x) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
