using System.Buffers.Binary;
using System.Text;
using Vigil.ML.Models.Safetensors;

namespace Vigil.ML.Tests.Models;

public sealed class SafetensorsFileTests
{
    [Fact]
    public void ReadsHalfBfloatAndFloatFromKnownBitPatterns()
    {
        using var temp = new TempFolder();
        string path = temp.File("known.safetensors");
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800. BF16: 1.0 = 0x3F80, 3.140625 = 0x4049. F32: 0.1f = 0x3DCCCCCD.
        SafetensorsTestWriter.Write(path,
        [
            new("half", "F16", [3], [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38]),
            new("brain", "BF16", [2, 1], [0x80, 0x3F, 0x49, 0x40]),
            new("single", "F32", [], [0xCD, 0xCC, 0xCC, 0x3D]),
            new("counter", "I64", [], new byte[8]),
        ], new Dictionary<string, string> { ["format"] = "pt" });

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Equal(new[] { "half", "brain", "single", "counter" }, file.Tensors.Keys);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(new[] { 1f, -2f, 0.5f }, file.ReadFloat32("half"));
        Assert.Equal(new[] { 1f, 3.140625f }, file.ReadFloat32("brain"));
        Assert.Equal(new long[] { 2, 1 }, file.Tensors["brain"].Shape);
        Assert.Equal(new[] { 0.1f }, file.ReadFloat32("single"));
        Assert.Equal(SafetensorsDType.I64, file.Tensors["counter"].DType);
        Assert.Contains("only F32, F16, BF16 and F64", Assert.Throws<SafetensorsFormatException>(() => file.ReadFloat32("counter")).Message);
        Assert.Throws<KeyNotFoundException>(() => file.ReadFloat32("absent"));
    }

    [Fact]
    public void TooShortFileIsRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        Assert.Contains("fewer than the 8-byte header length", Open(path));
    }

    [Fact]
    public void HeaderLongerThanTheFileIsCalledTruncated()
    {
        using var temp = new TempFolder();
        string path = temp.File("cut.safetensors");
        byte[] bytes = new byte[8 + 10];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 500);
        bytes[8] = (byte)'{';
        File.WriteAllBytes(path, bytes);
        Assert.Contains("truncated", Open(path));
    }

    [Fact]
    public void GarbageIsNotSafetensors()
    {
        using var temp = new TempFolder();
        string path = temp.File("garbage.bin");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("PK\x03\x04 this is a zip file, not weights ........"));
        Assert.Contains("not a safetensors file", Open(path));
    }

    [Fact]
    public void HeaderThatIsNotJsonIsRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("badjson.safetensors");
        byte[] header = Encoding.ASCII.GetBytes("{\"a\": [1, 2");
        byte[] bytes = new byte[8 + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("not valid JSON", Open(path));
    }

    [Fact]
    public void TruncatedDataSectionIsReportedWithTheTensorName()
    {
        using var temp = new TempFolder();
        string path = temp.File("cut-data.safetensors");
        SafetensorsTestWriter.Write(path, [new("w", "F32", [4], new byte[16])]);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..^5]);
        string message = Open(path);
        Assert.Contains("'w'", message);
        Assert.Contains("truncated", message);
    }

    [Fact]
    public void ShapeThatDisagreesWithOffsetsIsRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("shape.safetensors");
        SafetensorsTestWriter.Write(path, [new("w", "F32", [3], new byte[16])]);
        Assert.Contains("needs 12 bytes but data_offsets give 16", Open(path));
    }

    [Fact]
    public void UnknownDtypeAndOverlapsAreRejected()
    {
        using var temp = new TempFolder();
        string unknown = temp.File("dtype.safetensors");
        SafetensorsTestWriter.Write(unknown, [new("w", "F12", [1], new byte[2])]);
        Assert.Contains("unknown dtype 'F12'", Open(unknown));

        string overlap = temp.File("overlap.safetensors");
        WriteRawHeader(overlap, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        Assert.Contains("overlap", Open(overlap));
    }

    [Fact]
    public void MissingFileIsAClearError() =>
        Assert.Contains("cannot open weights file", Open(Path.Combine(Path.GetTempPath(), "vigil-no-such-" + Guid.NewGuid().ToString("N"))));

    private static string Open(string path)
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }

    private static void WriteRawHeader(string path, string json, int dataBytes)
    {
        byte[] header = Encoding.ASCII.GetBytes(json);
        byte[] bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }
}
