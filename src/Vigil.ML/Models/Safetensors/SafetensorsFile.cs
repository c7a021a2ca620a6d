using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Vigil.ML.Models.Safetensors;

/// <summary>
/// Reads the safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON mapping each
/// tensor name to <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> [begin, end) into the data section that follows,
/// and an optional <c>__metadata__</c> string map. Opening validates the whole header against the file size, so a
/// truncated or foreign file fails here with a clear message rather than later with a wrong tensor; tensors are
/// then read one at a time, on demand.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Largest header accepted (the reference implementation's limit): guards against reading garbage as a length.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart,
        IReadOnlyDictionary<string, SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Tensor entries by name, in header order.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header.</summary>
    /// <exception cref="SafetensorsFormatException">The file is missing, truncated, or not safetensors; the message says which.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafetensorsFormatException($"cannot open weights file {path}: {e.Message}", e);
        }
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            (long dataStart, Dictionary<string, SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata) = ReadHeader(path, handle, fileLength);
            return new SafetensorsFile(path, handle, dataStart, tensors, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads a floating-point tensor (F32, F16, BF16 or F64) as float32 values in row-major order.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="SafetensorsFormatException">Its type is not a floating-point one, or the file changed under us.</exception>
    public float[] ReadFloat32(string name)
    {
        SafetensorsTensorInfo info = Tensors.TryGetValue(name, out var found) ? found
            : throw new KeyNotFoundException($"{Path} has no tensor named '{name}'");
        if (!SafetensorsDTypes.IsConvertibleToFloat32(info.DType))
            throw new SafetensorsFormatException($"tensor '{name}' in {Path} is {SafetensorsDTypes.Name(info.DType)}; only F32, F16, BF16 and F64 convert to float32");
        byte[] raw = ReadBytes(info);
        var values = new float[info.ElementCount];
        ReadOnlySpan<byte> bytes = raw;
        switch (info.DType)
        {
            case SafetensorsDType.F32:
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case SafetensorsDType.F16:
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case SafetensorsDType.BF16:
                // bfloat16 is the upper 16 bits of a float32: widening is exact.
                for (int i = 0; i < values.Length; i++)
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            case SafetensorsDType.F64:
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
        }
        return values;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    private byte[] ReadBytes(SafetensorsTensorInfo info)
    {
        long length = info.End - info.Begin;
        if (length > Array.MaxLength) throw new SafetensorsFormatException($"tensor '{info.Name}' in {Path} is too large to read ({length} bytes)");
        var buffer = new byte[length];
        ReadExactly(Path, _handle, buffer, _dataStart + info.Begin);
        return buffer;
    }

    private static void ReadExactly(string path, SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0) throw new SafetensorsFormatException($"{path} ended early (at byte {offset}); it was truncated or changed while being read");
            buffer = buffer[read..];
            offset += read;
        }
    }

    private static (long DataStart, Dictionary<string, SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata) ReadHeader(
        string path, SafeFileHandle handle, long fileLength)
    {
        if (fileLength < 8)
            throw new SafetensorsFormatException($"{path} is not a safetensors file: it has {fileLength} bytes, fewer than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(path, handle, lengthBytes, 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes)
            throw new SafetensorsFormatException($"{path} is not a safetensors file: its first 8 bytes give a header length of {headerLength} (expected 2 to {MaxHeaderBytes})");
        if ((long)headerLength > fileLength - 8)
            throw new SafetensorsFormatException($"{path} is truncated or not a safetensors file: the header should be {headerLength} bytes but only {fileLength - 8} follow the length");

        var headerBytes = new byte[headerLength];
        ReadExactly(path, handle, headerBytes, 8);
        if (headerBytes[0] != (byte)'{')
            throw new SafetensorsFormatException($"{path} is not a safetensors file: its header does not start with '{{'");
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"{path} has a header that is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException($"{path} has a header that is not a JSON object");
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }
                if (tensors.ContainsKey(property.Name))
                    throw new SafetensorsFormatException($"{path} names tensor '{property.Name}' twice");
                tensors.Add(property.Name, ReadEntry(path, property.Name, property.Value, dataLength));
            }
            CheckNoOverlap(path, tensors.Values);
            return (dataStart, tensors, metadata);
        }
    }

    private static SafetensorsTensorInfo ReadEntry(string path, string name, JsonElement entry, long dataLength)
    {
        string where = $"tensor '{name}' in {path}";
        if (entry.ValueKind != JsonValueKind.Object) throw new SafetensorsFormatException($"{where}: the header entry is not an object");
        if (!entry.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new SafetensorsFormatException($"{where}: missing dtype");
        string dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeName, out SafetensorsDType dtype))
            throw new SafetensorsFormatException($"{where}: unknown dtype '{dtypeName}'");
        long[] shape = ReadNumbers(where, entry, "shape", expectedCount: null);
        long[] offsets = ReadNumbers(where, entry, "data_offsets", expectedCount: 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end) throw new SafetensorsFormatException($"{where}: data_offsets [{begin}, {end}] run backwards");
        if (end > dataLength)
            throw new SafetensorsFormatException($"{where}: its data ends at byte {end} of the data section, which has only {dataLength} bytes (the file is truncated)");
        long elements;
        try
        {
            elements = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * SafetensorsDTypes.Size(dtype));
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException($"{where}: shape [{string.Join(", ", shape)}] is too large");
        }
        if (elements != end - begin)
            throw new SafetensorsFormatException($"{where}: shape [{string.Join(", ", shape)}] of {dtypeName} needs {elements} bytes but data_offsets give {end - begin}");
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadNumbers(string where, JsonElement entry, string key, int? expectedCount)
    {
        if (!entry.TryGetProperty(key, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException($"{where}: missing {key}");
        var values = new List<long>();
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
                throw new SafetensorsFormatException($"{where}: {key} must hold non-negative integers");
            values.Add(value);
        }
        if (expectedCount is { } count && values.Count != count)
            throw new SafetensorsFormatException($"{where}: {key} must have {count} values, not {values.Count}");
        return values.ToArray();
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException($"{path}: __metadata__ must be an object of strings");
        foreach (JsonProperty item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException($"{path}: __metadata__ value '{item.Name}' is not a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static void CheckNoOverlap(string path, IEnumerable<SafetensorsTensorInfo> tensors)
    {
        SafetensorsTensorInfo? previous = null;
        foreach (SafetensorsTensorInfo info in tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin))
        {
            if (previous is not null && info.Begin < previous.End)
                throw new SafetensorsFormatException($"{path}: tensors '{previous.Name}' and '{info.Name}' overlap in the data section");
            previous = info;
        }
    }
}
