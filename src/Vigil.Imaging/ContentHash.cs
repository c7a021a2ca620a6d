using System.Buffers.Binary;
using System.IO.Hashing;

namespace Vigil.Imaging;

/// <summary>Hash of an image's pixels (not its file bytes), so the same picture saved twice is found as a duplicate.</summary>
public static class ContentHash
{
    /// <summary>128-bit XxHash3 of geometry + samples, as 32 lower-case hex characters.</summary>
    public static string Of(ImageFrame frame)
    {
        var hash = new XxHash128();
        Span<byte> geometry = stackalloc byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(geometry, frame.Width);
        BinaryPrimitives.WriteInt32LittleEndian(geometry[4..], frame.Height);
        BinaryPrimitives.WriteInt32LittleEndian(geometry[8..], frame.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(geometry[12..], frame.BitDepth);
        hash.Append(geometry);
        hash.Append(frame.Data);
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
